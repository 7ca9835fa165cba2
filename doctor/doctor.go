// Package doctor explains what is wrong with this machine's Pythons: which
// python wins on PATH and what it shadows, free-threaded builds that PATH
// cannot reach, broken venvs, uv, and what a source build would need.
// Each finding is one line plus the fix.
package doctor

import (
	"context"
	"fmt"
	"sort"

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
		f.MissingPrereqs, f.PrereqFix = installer.MissingPrereqs(nil, nil, 0)
	}
	return f
}

// Examine runs every check and returns the findings, most serious first.
func Examine(f Facts) []Finding {
	var out []Finding
	for _, c := range checks {
		out = append(out, c.run(f)...)
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
