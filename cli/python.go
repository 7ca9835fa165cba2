package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// discover lists this machine's interpreters, from the cache where it can.
func discover(ctx context.Context, s *Session) ([]envs.Interpreter, error) {
	list, _, err := envs.Discover(ctx, platform.ThisHost(s.DataDir), envs.DiscoverOptions{Cache: s.Store, Timeout: probeTimeout(s)})
	return list, err
}

// resolvePython turns --python's SPEC or PATH into an interpreter.
func resolvePython(ctx context.Context, s *Session, arg string) (envs.Interpreter, error) {
	if arg == "" {
		return envs.Interpreter{}, usagef("--python SPEC|PATH is required")
	}
	if strings.ContainsAny(arg, `/\`) {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return envs.Interpreter{}, err
		}
		if _, err := os.Stat(abs); err != nil {
			return envs.Interpreter{}, fmt.Errorf("interpreter %s: %w", abs, err)
		}
		r := envs.Probe(ctx, abs, probeTimeout(s))
		if r.Error != "" {
			return envs.Interpreter{}, fmt.Errorf("interpreter %s is broken: %s", abs, r.Error)
		}
		return envs.Interpreter{Path: abs, Identity: r.Identity, Status: envs.StatusOK}, nil
	}
	spec, err := envs.ParseSpec(arg)
	if err != nil {
		return envs.Interpreter{}, usagef("--python: %v, or a path", err)
	}
	list, err := discover(ctx, s)
	if err != nil {
		return envs.Interpreter{}, err
	}
	in, ok := envs.Find(list, spec)
	if !ok {
		build := "standard (GIL)"
		if spec.FreeThreaded {
			build = "free-threaded"
		}
		return envs.Interpreter{}, fmt.Errorf("no %s Python %s on this machine ('pyhangar list' shows what there is)", build, spec.Version)
	}
	return in, nil
}
