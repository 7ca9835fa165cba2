// Package envs knows interpreters and virtual environments: discovery,
// identification by probing, and venv create, check and delete.
package envs

import (
	"sort"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Identity is what the probe reports about one interpreter.
type Identity struct {
	Version        pyversion.Version `json:"version"` // 3.13.5, 3.14.0rc1
	Implementation string            `json:"implementation"`
	Executable     string            `json:"executable"` // sys.executable
	Prefix         string            `json:"prefix"`
	BasePrefix     string            `json:"base_prefix"`
	IsVenv         bool              `json:"is_venv"`
	// FreeThreaded is sysconfig's Py_GIL_DISABLED: a free-threaded build.
	FreeThreaded bool `json:"free_threaded"`
	// GILEnabled is sys._is_gil_enabled() at start-up (nil before 3.13).
	GILEnabled   *bool  `json:"gil_enabled"`
	ABIFlags     string `json:"abiflags"`
	ExtSuffix    string `json:"ext_suffix"`
	Machine      string `json:"machine"`
	PointerBits  int    `json:"pointer_bits"`
	Platform     string `json:"platform"`
	JITAvailable *bool  `json:"jit_available"`
	JITEnabled   *bool  `json:"jit_enabled"`
	HasPip       bool   `json:"has_pip"`
}

// Interpreter is one interpreter found on a machine.
type Interpreter struct {
	// Path is the path to use: the real file, or for a venv its own
	// python. Aliases are the other paths that reach it.
	Path    string   `json:"path"`
	Aliases []string `json:"aliases"`
	Identity
	// VersionSource says where the version came from: "probe" (the
	// interpreter said so), a file that states it ("conda-meta",
	// "pyvenv.cfg", "build-details", "patchlevel"), or "name" — a guess
	// from a file or directory name.
	VersionSource string          `json:"version_source"`
	Arch          string          `json:"arch"`
	Source        platform.Source `json:"source"`
	OnPath        bool            `json:"on_path"`
	// Status is ok, or broken with Error saying why.
	Status Status `json:"status"`
	Error  string `json:"error"`
	// Company and Tag are its PEP 514 registration on Windows.
	Company string `json:"pep514_company,omitempty"`
	Tag     string `json:"pep514_tag,omitempty"`
}

// FromProbe is the version source of an interpreter that answered the
// probe.
const FromProbe = "probe"

// Build is "free-threaded" or "GIL".
func (i Interpreter) Build() string { return pyversion.BuildName(i.FreeThreaded) }

// HasJIT says whether in was built with the JIT (sys._jit.is_available()).
func (in Interpreter) HasJIT() bool { return in.JITAvailable != nil && *in.JITAvailable }

// JITWords says whether a build has the JIT and whether it is on: "on",
// "off (PYTHON_JIT=1 turns it on)", "-" for a build without it.
func (in Interpreter) JITWords() string {
	switch {
	case !in.HasJIT():
		return "-"
	case in.JITEnabled != nil && *in.JITEnabled:
		return "on"
	}
	return "off (PYTHON_JIT=1 turns it on)"
}

// archOf names the interpreter's architecture from platform.machine() and
// the pointer size (a 32-bit Python on a 64-bit Windows reports AMD64).
func archOf(machine string, bits int) string {
	m := strings.ToLower(machine)
	switch m {
	case "amd64", "x86_64", "x64":
		if bits == 32 {
			return "x86"
		}
		return "x86_64"
	case "aarch64", "arm64":
		if bits == 32 {
			return "arm"
		}
		return "arm64"
	case "i386", "i686", "x86":
		return "x86"
	}
	return m
}

// sortInterpreters orders by implementation, newest version first,
// free-threaded before GIL, then path.
func sortInterpreters(list []Interpreter) {
	sort.SliceStable(list, func(a, b int) bool {
		x, y := list[a], list[b]
		if x.Implementation != y.Implementation {
			return x.Implementation < y.Implementation
		}
		if c := x.Version.Compare(y.Version); c != 0 {
			return c > 0
		}
		if x.FreeThreaded != y.FreeThreaded {
			return x.FreeThreaded
		}
		return x.Path < y.Path
	})
}
