package envs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Spec is a request for an interpreter: a version prefix and a build.
// "3.13t" is free-threaded 3.13, "3.14" standard 3.14, "3.14.7t" exactly
// 3.14.7 free-threaded.
type Spec struct {
	Version      pyversion.Version // "3.13" or "3.13.5"
	FreeThreaded bool
}

var specPattern = regexp.MustCompile(`^(\d+\.\d+(?:\.\d+)?)(t)?$`)

// ParseSpec reads a spec such as 3.13t, 3.14 or 3.14.7t.
func ParseSpec(s string) (Spec, error) {
	m := specPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Spec{}, fmt.Errorf("%q is not a version spec (examples: 3.13t, 3.14, 3.14.7t)", s)
	}
	return Spec{Version: pyversion.Version(m[1]), FreeThreaded: m[2] != ""}, nil
}

func (s Spec) String() string {
	if s.FreeThreaded {
		return string(s.Version) + "t"
	}
	return string(s.Version)
}

// Matches reports whether an interpreter satisfies the spec: the same build
// and a version equal to the spec's or starting with it.
func (s Spec) Matches(in Interpreter) bool {
	if in.Status != StatusOK || in.FreeThreaded != s.FreeThreaded || in.Implementation != "cpython" {
		return false
	}
	return in.Version.In(s.Version)
}

// Find picks the newest non-venv interpreter in list that satisfies spec.
func Find(list []Interpreter, spec Spec) (Interpreter, bool) {
	var best Interpreter
	found := false
	for _, in := range list {
		if in.IsVenv || !spec.Matches(in) {
			continue
		}
		if !found || in.Version.Compare(best.Version) > 0 {
			best, found = in, true
		}
	}
	return best, found
}

// ErrNoMatch is returned (wrapped) when no interpreter on the machine
// matches a spec.
var ErrNoMatch = errors.New("no interpreter matches")

// noMatch says which spec found nothing.
type noMatch struct{ spec Spec }

func (e noMatch) Error() string {
	return fmt.Sprintf("no %s Python %s on this machine", pyversion.BuildName(e.spec.FreeThreaded), e.spec.Version)
}

func (e noMatch) Is(target error) bool { return target == ErrNoMatch }

// Resolve turns a user's SPEC or PATH into an interpreter: a path is
// probed directly; a spec is matched against what list returns.
func Resolve(ctx context.Context, arg string, list func() ([]Interpreter, error), timeout time.Duration) (Interpreter, error) {
	if strings.ContainsAny(arg, `/\`) {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return Interpreter{}, err
		}
		if _, err := os.Stat(abs); err != nil {
			return Interpreter{}, fmt.Errorf("interpreter %s: %w", abs, err)
		}
		return Identify(ctx, abs, platform.SourcePath, timeout)
	}
	spec, err := ParseSpec(arg)
	if err != nil {
		return Interpreter{}, err
	}
	all, err := list()
	if err != nil {
		return Interpreter{}, err
	}
	in, ok := Find(all, spec)
	if !ok {
		return Interpreter{}, noMatch{spec}
	}
	return in, nil
}
