package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
)

// discover lists this machine's interpreters, from the cache where it can.
func discover(ctx context.Context, s *Session) ([]envs.Interpreter, error) {
	return s.Hangar.Discover(ctx, false, nil)
}

// resolvePython turns --python's SPEC or PATH into an interpreter.
func resolvePython(ctx context.Context, s *Session, arg string) (envs.Interpreter, error) {
	if arg == "" {
		return envs.Interpreter{}, usagef("--python SPEC|PATH is required")
	}
	if !strings.ContainsAny(arg, `/\`) {
		if _, err := envs.ParseSpec(arg); err != nil {
			return envs.Interpreter{}, usagef("--python: %v, or a path", err)
		}
	}
	in, err := s.Hangar.Resolve(ctx, arg)
	if errors.Is(err, envs.ErrNoMatch) {
		return in, usageError{err.Error() + " ('pyhangar list' shows what there is)"}
	}
	return in, err
}
