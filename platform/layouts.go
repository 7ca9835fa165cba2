package platform

import (
	"regexp"
	"strings"

	"github.com/pyhangar/pyhangar/pyversion"
)

// The per-OS locations. They are plain functions of the Host (not
// build-tagged), so every OS's layout can be searched and tested anywhere.

func (c *collector) linux() {
	c.binDir("/usr/bin", SourceSystem, Hint{})
	c.binDir("/usr/local/bin", SourceLocal, Hint{})
	// Source builds and vendor bundles: /opt/<anything>/bin.
	c.children("/opt", func(p, name string) {
		c.binDir(c.h.Join(p, "bin"), SourceLocal, versionHint(name))
	})
	c.homebrew("/home/linuxbrew/.linuxbrew")
	for _, home := range c.homes(".linuxbrew") {
		c.homebrew(home)
	}
}

// homebrew adds a Homebrew prefix: its bin, the opt links of python@3.X and
// python-freethreading, and their Cellar kegs (frameworks on macOS).
func (c *collector) homebrew(prefix string) {
	c.children(c.h.Join(prefix, "Cellar"), func(formulaDir, formula string) {
		if !strings.HasPrefix(formula, "python@") && formula != "python-freethreading" && formula != "python3" {
			return
		}
		hint := Hint{FreeThreaded: formula == "python-freethreading"}
		c.children(formulaDir, func(keg, kegName string) {
			h := hint
			h.Merge(versionHint(kegName))
			c.binDir(c.h.Join(keg, "bin"), SourceHomebrew, h)
			for _, fw := range []string{"Python.framework", "PythonT.framework"} {
				c.children(c.h.Join(keg, "Frameworks", fw, "Versions"), func(v, vname string) {
					fh := h
					fh.FreeThreaded = fh.FreeThreaded || fw == "PythonT.framework"
					fh.Merge(versionHint(vname))
					c.binDir(c.h.Join(v, "bin"), SourceHomebrew, fh)
				})
			}
		})
	})
	c.children(c.h.Join(prefix, "opt"), func(p, name string) {
		if strings.HasPrefix(name, "python@") || name == "python-freethreading" {
			c.binDir(c.h.Join(p, "bin"), SourceHomebrew, Hint{FreeThreaded: name == "python-freethreading"})
		}
	})
	c.binDir(c.h.Join(prefix, "bin"), SourceHomebrew, Hint{})
}

func (c *collector) macOS() {
	for _, fw := range []string{"Python.framework", "PythonT.framework"} {
		c.children("/Library/Frameworks/"+fw+"/Versions", func(p, name string) {
			// The version dir has no t even for PythonT.framework.
			h := versionHint(name)
			h.FreeThreaded = fw == "PythonT.framework"
			c.binDir(c.h.Join(p, "bin"), SourcePythonOrg, h)
		})
	}
	c.homebrew("/opt/homebrew")
	c.homebrew("/usr/local")
	// Apple's developer tools: the Command Line Tools and Xcode.app each
	// bring a python3 (usr/bin/python3, running the Python3.framework).
	for _, dev := range []string{"/Library/Developer/CommandLineTools", "/Applications/Xcode.app/Contents/Developer"} {
		c.children(c.h.Join(dev, "Library/Frameworks/Python3.framework/Versions"), func(p, name string) {
			c.binDir(c.h.Join(p, "bin"), SourceApple, versionHint(name))
		})
		c.binDir(c.h.Join(dev, "usr", "bin"), SourceApple, Hint{})
	}
	if c.macCommandLineTools() {
		c.binDir("/usr/bin", SourceApple, Hint{}) // the shim, which runs one of them
	}
}

// macCommandLineTools reports whether /usr/bin/python3 has a real Python
// behind it (otherwise it is a stub offering to install the tools).
func (c *collector) macCommandLineTools() bool {
	return c.h.IsDir("/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework") ||
		c.h.IsDir("/Applications/Xcode.app/Contents/Developer/Library/Frameworks/Python3.framework")
}

// pythonOrgDir matches python.org install dirs: Python313, Python313-32,
// Python313-arm64.
var pythonOrgDir = regexp.MustCompile(`(?i)^Python(\d)(\d{1,2})(?:-(32|64|arm64))?$`)

// pythonCoreDir matches the install manager's runtime dirs:
// pythoncore-3.14t-64, pythoncore-3.13-arm64.
var pythonCoreDir = regexp.MustCompile(`(?i)^pythoncore-(\d+\.\d+)(t)?(?:-(32|64|arm64))?$`)

func (c *collector) windows() {
	// PEP 514 registrations: PythonCore is python.org, Astral is uv.
	for _, inst := range PEP514Installs(c.h.Registry) {
		src := SourceRegistry
		switch strings.ToLower(inst.Company) {
		case "pythoncore":
			src = SourcePythonOrg
		case "astral":
			src = SourceUV
		}
		v, ft := tagVersion(inst.Tag)
		if len(inst.Version) > len(v) {
			v = inst.Version
		}
		hint := Hint{Version: pyversion.Version(v), FreeThreaded: ft, Arch: inst.Arch, Company: inst.Company, Tag: inst.Tag}
		c.add(inst.Executable, src, hint)
	}
	// python.org installers: python.exe and python3.X t.exe side by side.
	var dirs []string
	dirs = append(dirs, c.appData("LOCALAPPDATA", "Programs", "Python")...)
	for _, pf := range []string{"PROGRAMFILES", "PROGRAMFILES(X86)"} {
		if d := c.h.Getenv(pf); d != "" {
			dirs = append(dirs, d)
		}
	}
	if c.h.Getenv("PROGRAMFILES") == "" {
		dirs = append(dirs, `C:\Program Files`, `C:\Program Files (x86)`)
	}
	dirs = append(dirs, `C:\`)
	for _, d := range dedupe(c.h, dirs) {
		c.children(d, func(p, name string) {
			m := pythonOrgDir.FindStringSubmatch(name)
			if m == nil {
				return
			}
			arch := m[3]
			c.binDir(p, SourcePythonOrg, Hint{Version: pyversion.Version(m[1] + "." + m[2]), Arch: arch})
		})
	}
	// The Python install manager: runtimes and its alias dir.
	for _, d := range c.appData("LOCALAPPDATA", "Python") {
		c.children(d, func(p, name string) {
			if m := pythonCoreDir.FindStringSubmatch(name); m != nil {
				c.binDir(p, SourcePythonOrg, Hint{Version: pyversion.Version(m[1]), FreeThreaded: m[2] != "", Arch: m[3]})
			}
		})
		c.binDir(c.h.Join(d, "bin"), SourcePythonOrg, Hint{})
	}
	// Microsoft Store: the per-package folders (the bare WindowsApps
	// aliases are skipped: with no Store Python they open the Store).
	for _, d := range c.appData("LOCALAPPDATA", "Microsoft", "WindowsApps") {
		c.children(d, func(p, name string) {
			if strings.HasPrefix(name, "PythonSoftwareFoundation.Python.") {
				c.binDir(p, SourceStore, versionHint(strings.TrimPrefix(name, "PythonSoftwareFoundation.Python.")))
			}
		})
	}
	// NuGet packages python and pythonx86.
	for _, d := range c.homes(".nuget", "packages") {
		for _, pkg := range []string{"python", "pythonx86", "python-freethreaded"} {
			c.children(c.h.Join(d, pkg), func(p, name string) {
				h := versionHint(name)
				h.FreeThreaded = h.FreeThreaded || pkg == "python-freethreaded"
				c.binDir(c.h.Join(p, "tools"), SourceNuGet, h)
			})
		}
	}
}
