package doctor

import (
	"fmt"
	"os"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// check is one thing the doctor looks at.
type check struct {
	name string
	run  func(f Facts) []Finding
}

// checks are what Examine runs, in order.
var checks = []check{
	{"PATH entries repeated", pathDuplicates},
	{"which python and python3 win on PATH", pathWinners},
	{"free-threaded builds PATH cannot reach", hiddenFreeThreaded},
	{"builds with the experimental JIT switched off", jitOff},
	{"interpreters that do not work", brokenInterpreters},
	{"broken venvs", brokenVenvs},
	{"uv", uvFinding},
	{"a source build's prerequisites (Linux)", buildPrereqs},
	{"the Visual C++ runtime and PATH's length (Windows)", windowsRuntime},
	{"dangling free-threaded links (macOS)", macLinks},
}

func finding(id string, sev Severity, msg, fix string) Finding {
	return Finding{ID: id, Severity: sev, Message: msg, Fix: fix}
}

// about is a finding about path.
func about(f Finding, path string) Finding {
	f.Path = path
	return f
}

func pathDirs(h *platform.Host) []string { return strings.Split(h.Getenv("PATH"), h.PathListSep()) }

func pathDuplicates(f Facts) []Finding {
	h := f.Host
	var out []Finding
	seen := map[string]bool{}
	for _, d := range pathDirs(h) {
		key := strings.TrimRight(d, `/\`)
		if h.Windows() {
			key = strings.ToLower(key)
		}
		if d == "" {
			continue
		}
		if seen[key] {
			out = append(out, finding("path.duplicate", Warn, fmt.Sprintf("%s appears more than once on PATH", d), "remove the repeated entry from your shell profile"))
		}
		seen[key] = true
	}
	return out
}

func pathWinners(f Facts) []Finding {
	h := f.Host
	var out []Finding
	for _, name := range []string{"python", "python3"} {
		exe := name
		if h.Windows() {
			exe += ".exe"
		}
		var hits []string
		var ids []platform.FileID
	dirsLoop:
		for _, d := range pathDirs(h) {
			if d == "" || !h.IsAbs(d) || platform.IsShimDir(h, d) {
				continue
			}
			p := h.Join(d, exe)
			id, err := h.Stat(p)
			if err != nil {
				continue
			}
			if fi, err := os.Stat(h.Local(p)); err != nil || fi.IsDir() {
				continue
			}
			for _, seen := range ids {
				if seen.SameFile(id) {
					continue dirsLoop // the same file through a linked directory (/bin -> /usr/bin)
				}
			}
			ids = append(ids, id)
			hits = append(hits, p)
		}
		switch len(hits) {
		case 0:
			out = append(out, finding("path.no-"+name, Info, fmt.Sprintf("no %s on PATH", name), "use the full path of an interpreter from 'pyhangar list'"))
		case 1:
			out = append(out, finding("path."+name, Info, fmt.Sprintf("%s on PATH is %s%s", name, hits[0], describe(f.Interpreters, hits[0])), ""))
		default:
			out = append(out, finding("path."+name, Info, fmt.Sprintf("%s on PATH is %s%s; it shadows %s", name, hits[0], describe(f.Interpreters, hits[0]), strings.Join(hits[1:], ", ")),
				"reorder PATH if you meant another one, or call it by its full path"))
		}
	}
	return out
}

func hiddenFreeThreaded(f Facts) []Finding {
	var out []Finding
	for _, in := range f.Interpreters {
		if in.FreeThreaded && !in.OnPath && !in.IsVenv && in.Status == envs.StatusOK {
			out = append(out, about(finding("freethreaded.hidden", Info, fmt.Sprintf("free-threaded Python %s is installed but not on PATH", in.Version),
				fmt.Sprintf("use %s, or add %s to PATH", in.Path, f.Host.Dir(in.Path))), in.Path))
		}
	}
	return out
}

// jitOff says how to switch on the JIT of a build that has it off (as
// python.org's 3.14 and python-build-standalone's builds ship it), and
// how to find out whether it helps.
func jitOff(f Facts) []Finding {
	var out []Finding
	for _, in := range f.Interpreters {
		if in.HasJIT() && (in.JITEnabled == nil || !*in.JITEnabled) && !in.IsVenv && in.Status == envs.StatusOK {
			out = append(out, about(finding("jit.off", Info, fmt.Sprintf("Python %s at %s has the experimental JIT, switched off", in.Version, in.Path),
				fmt.Sprintf("run it with PYTHON_JIT=1 in its environment (or -X jit) to switch the JIT on; 'pyhangar bench --jit --python %s' measures whether it helps here", in.Path)), in.Path))
		}
	}
	return out
}

func brokenInterpreters(f Facts) []Finding {
	var out []Finding
	for _, in := range f.Interpreters {
		if in.Status == envs.StatusBroken {
			out = append(out, about(finding("interpreter.broken", Warn, fmt.Sprintf("%s does not work: %s", in.Path, in.Error), "reinstall it, or remove it if it is left over"), in.Path))
		}
	}
	return out
}

func brokenVenvs(f Facts) []Finding {
	var out []Finding
	for _, v := range f.Venvs {
		if v.Status == envs.StatusBroken {
			out = append(out, about(finding("venv.broken", Error, fmt.Sprintf("venv %s (%s) is broken: %s", v.Name, v.Path, strings.Join(v.Problems, "; ")),
				fmt.Sprintf("recreate it: pyhangar venv create %s --python %s --recreate", v.Name, venvSpec(v))), v.Path))
		}
	}
	return out
}

func uvFinding(f Facts) []Finding {
	if f.UV != "" {
		return []Finding{finding("uv.present", Info, fmt.Sprintf("uv is %s (%s): %s", f.UV, f.UVVersion, f.UVWhy), "")}
	}
	how := "the official installer"
	if f.Host.OS == "linux" {
		how = "a source build"
	}
	return []Finding{finding("uv.missing", Info, "uv is not installed; installs go through python.org ("+how+")",
		"get uv for PyHangar (prebuilt free-threaded builds in seconds): pyhangar get-uv")}
}

func buildPrereqs(f Facts) []Finding {
	if f.Host.OS != "linux" {
		return nil
	}
	if len(f.MissingPrereqs) > 0 {
		return []Finding{finding("build.prereqs", Warn, "a source build of CPython would fail: missing "+strings.Join(f.MissingPrereqs, ", "), f.PrereqFix)}
	}
	return []Finding{finding("build.prereqs", Info, "a source build of CPython has everything it needs", "")}
}

func windowsRuntime(f Facts) []Finding {
	h := f.Host
	if !h.Windows() {
		return nil
	}
	var out []Finding
	sys := h.Getenv("SYSTEMROOT")
	if sys == "" {
		sys = `C:\Windows`
	}
	if _, err := os.Stat(h.Local(h.Join(sys, "System32", "vcruntime140.dll"))); err != nil {
		out = append(out, finding("windows.vcruntime", Warn, "the Visual C++ runtime (vcruntime140.dll) is missing", "install the Microsoft Visual C++ Redistributable (x64)"))
	}
	if n := len(h.Getenv("PATH")); n > 2047 {
		out = append(out, finding("windows.path-length", Warn, fmt.Sprintf("PATH is %d characters; some tools cut it at 2047", n), "remove entries you no longer need"))
	}
	return out
}

func macLinks(f Facts) []Finding {
	h := f.Host
	if h.OS != "darwin" {
		return nil
	}
	var out []Finding
	for _, name := range h.ReadDir("/usr/local/bin") {
		nh, ok := platform.NameHint(name, false)
		if !ok || !nh.FreeThreaded {
			continue
		}
		p := "/usr/local/bin/" + name
		target, err := os.Readlink(h.Local(p))
		if err != nil || !strings.Contains(target, "PythonT.framework") {
			continue
		}
		if _, ok := h.Resolve(p); !ok {
			out = append(out, finding("macos.dangling-link", Warn, fmt.Sprintf("%s points to %s, which is gone", p, target),
				"remove the link, or reinstall the free-threaded framework from python.org"))
		}
	}
	return out
}
