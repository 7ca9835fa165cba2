// Package doctor explains what is wrong with this machine's Pythons: which
// python wins on PATH and what it shadows, free-threaded builds that PATH
// cannot reach, broken venvs, uv, and what a source build would need.
// Each finding is one line plus the fix.
package doctor

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
)

// Severity is how much a finding matters. Its JSON is the text of the
// constant.
type Severity string

const (
	// Error: something PyHangar made or knows is broken.
	Error Severity = "error"
	// Warn: something will go wrong, or already does, on this machine.
	Warn Severity = "warn"
	// Info: how things stand, for the user to know.
	Info Severity = "info"
)

// rank orders severities, most serious first.
func (s Severity) rank() int {
	switch s {
	case Error:
		return 0
	case Warn:
		return 1
	}
	return 2
}

// Finding is one thing the doctor noticed.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	// Path is the interpreter, venv or link the finding is about, if any.
	Path string `json:"path,omitempty"`
}

// Facts are what the doctor looks at, gathered by the caller.
type Facts struct {
	Host         *platform.Host
	Interpreters []envs.Interpreter
	Venvs        []envs.VenvEntry
	UV           string // path, or ""
	UVVersion    string
	// UVWhy says which uv it is and why it is the one used.
	UVWhy string
	// MissingPrereqs and PrereqFix say what a source build lacks (Linux).
	MissingPrereqs []string
	PrereqFix      string
}

// Gather collects the facts of this machine for the doctor.
func Gather(ctx context.Context, h *platform.Host, interps []envs.Interpreter, venvs []envs.VenvEntry) Facts {
	f := Facts{Host: h, Interpreters: interps, Venvs: venvs}
	if uv, ok := installer.FindUV(ctx, h.DataDir); ok {
		f.UV, f.UVVersion, f.UVWhy = uv.Path, uv.Version, uv.Why()
	}
	if h.OS == "linux" && h.Root == "" {
		f.MissingPrereqs, f.PrereqFix = installer.MissingPrereqs(nil, nil)
	}
	return f
}

// Examine returns the findings, most serious first.
func Examine(f Facts) []Finding {
	var out []Finding
	add := func(id string, sev Severity, msg, fix string) {
		out = append(out, Finding{ID: id, Severity: sev, Message: msg, Fix: fix})
	}
	about := func(path string) { out[len(out)-1].Path = path }
	h := f.Host

	// PATH: duplicates, and which python/python3 wins.
	dirs := strings.Split(h.Getenv("PATH"), h.PathListSep())
	seen := map[string]bool{}
	for _, d := range dirs {
		key := strings.TrimRight(d, `/\`)
		if h.Windows() {
			key = strings.ToLower(key)
		}
		if d == "" {
			continue
		}
		if seen[key] {
			add("path.duplicate", Warn, fmt.Sprintf("%s appears more than once on PATH", d), "remove the repeated entry from your shell profile")
		}
		seen[key] = true
	}
	for _, name := range []string{"python", "python3"} {
		exe := name
		if h.Windows() {
			exe += ".exe"
		}
		var hits []string
		var ids []platform.FileID
	dirsLoop:
		for _, d := range dirs {
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
			add("path.no-"+name, Info, fmt.Sprintf("no %s on PATH", name), "use the full path of an interpreter from 'pyhangar list'")
		case 1:
			add("path."+name, Info, fmt.Sprintf("%s on PATH is %s%s", name, hits[0], describe(f.Interpreters, hits[0])), "")
		default:
			add("path."+name, Info, fmt.Sprintf("%s on PATH is %s%s; it shadows %s", name, hits[0], describe(f.Interpreters, hits[0]), strings.Join(hits[1:], ", ")),
				"reorder PATH if you meant another one, or call it by its full path")
		}
	}

	// Free-threaded interpreters that PATH does not reach.
	for _, in := range f.Interpreters {
		if in.FreeThreaded && !in.OnPath && !in.IsVenv && in.Status == envs.StatusOK {
			add("freethreaded.hidden", Info, fmt.Sprintf("free-threaded Python %s is installed but not on PATH", in.Version),
				fmt.Sprintf("use %s, or add %s to PATH", in.Path, h.Dir(in.Path)))
			about(in.Path)
		}
	}
	// Broken interpreters and venvs.
	for _, in := range f.Interpreters {
		if in.Status == envs.StatusBroken {
			add("interpreter.broken", Warn, fmt.Sprintf("%s does not work: %s", in.Path, in.Error), "reinstall it, or remove it if it is left over")
			about(in.Path)
		}
	}
	for _, v := range f.Venvs {
		if v.Status == envs.StatusBroken {
			add("venv.broken", Error, fmt.Sprintf("venv %s (%s) is broken: %s", v.Name, v.Path, strings.Join(v.Problems, "; ")),
				fmt.Sprintf("recreate it: pyhangar venv create %s --python %s --recreate", v.Name, venvSpec(v)))
			about(v.Path)
		}
	}

	// uv.
	if f.UV == "" {
		how := "the official installer"
		if h.OS == "linux" {
			how = "a source build"
		}
		add("uv.missing", Info, "uv is not installed; installs go through python.org ("+how+")",
			"get uv for PyHangar (prebuilt free-threaded builds in seconds): pyhangar get-uv")
	} else {
		add("uv.present", Info, fmt.Sprintf("uv is %s (%s): %s", f.UV, f.UVVersion, f.UVWhy), "")
	}

	// Per OS.
	switch h.OS {
	case "linux":
		if len(f.MissingPrereqs) > 0 {
			add("build.prereqs", Warn, "a source build of CPython would fail: missing "+strings.Join(f.MissingPrereqs, ", "), f.PrereqFix)
		} else {
			add("build.prereqs", Info, "a source build of CPython has everything it needs", "")
		}
	case "windows":
		sys := h.Getenv("SYSTEMROOT")
		if sys == "" {
			sys = `C:\Windows`
		}
		if _, err := os.Stat(h.Local(h.Join(sys, "System32", "vcruntime140.dll"))); err != nil {
			add("windows.vcruntime", Warn, "the Visual C++ runtime (vcruntime140.dll) is missing", "install the Microsoft Visual C++ Redistributable (x64)")
		}
		if n := len(h.Getenv("PATH")); n > 2047 {
			add("windows.path-length", Warn, fmt.Sprintf("PATH is %d characters; some tools cut it at 2047", n), "remove entries you no longer need")
		}
	case "darwin":
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
				add("macos.dangling-link", Warn, fmt.Sprintf("%s points to %s, which is gone", p, target),
					"remove the link, or reinstall the free-threaded framework from python.org")
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity.rank() < out[j].Severity.rank() })
	return out
}

// describe adds what discovery knows of the interpreter at p.
func describe(list []envs.Interpreter, p string) string {
	for _, in := range list {
		if in.Path == p || contains(in.Aliases, p) {
			return fmt.Sprintf(" (Python %s, %s)", in.Version, in.Build())
		}
	}
	return ""
}

func venvSpec(v envs.VenvEntry) string {
	minor := v.BaseVersion.Minor()
	if minor == "" {
		return "SPEC"
	}
	return envs.Spec{Version: minor, FreeThreaded: v.FreeThreaded}.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
