package trial

import (
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Target is one interpreter a try runs the project on, and how it runs it
// (a variant: PYTHON_GIL=1 on a free-threaded build, PYTHON_JIT=1 on a
// build with the JIT).
type Target struct {
	Python  envs.Interpreter `json:"python"`
	Variant envs.Variant     `json:"variant,omitempty"`
}

// Name is the target in short: "3.14.7t", "3.14.7t GIL on".
func (t Target) Name() string {
	name := string(t.Python.Version)
	if t.Python.FreeThreaded {
		name += "t"
	}
	if t.Variant != "" {
		name += " " + t.Variant.Words()
	}
	return name
}

// Spec is how the target is written on the command line:
// 3.14t::PYTHON_GIL=1.
func (t Target) Spec() string {
	s := string(t.Python.Version.Minor())
	if t.Python.FreeThreaded {
		s += "t"
	}
	if t.Variant != "" {
		s += envs.VariantSeparator + string(t.Variant)
	}
	return s
}

// DefaultTargets are what a try runs on when not told: the newest GIL
// build and the newest free-threaded build found here (not venvs), the
// GIL build first as the baseline.
func DefaultTargets(list []envs.Interpreter) []Target {
	var gil, ft *envs.Interpreter
	for i := range list {
		in := &list[i]
		if in.IsVenv || in.Status != envs.StatusOK || in.Implementation != "cpython" && in.Implementation != "" {
			continue
		}
		best := &gil
		if in.FreeThreaded {
			best = &ft
		}
		if *best == nil || newer(in.Version, (*best).Version) {
			*best = in
		}
	}
	var out []Target
	for _, in := range []*envs.Interpreter{gil, ft} {
		if in != nil {
			out = append(out, Target{Python: *in})
		}
	}
	return out
}

func newer(a, b pyversion.Version) bool { return a.Compare(b) > 0 }
