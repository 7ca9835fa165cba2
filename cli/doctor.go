package cli

import (
	"context"
	"runtime"

	"github.com/pyhangar/pyhangar/doctor"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
)

// examine gathers this machine's facts for the doctor.
func examine(ctx context.Context, s *Session) ([]doctor.Finding, error) {
	list, err := discover(ctx, s)
	if err != nil {
		return nil, err
	}
	venvs, err := envs.ListVenvs(s.Store, list)
	if err != nil {
		return nil, err
	}
	f := doctor.Facts{Host: platform.ThisHost(s.DataDir), Interpreters: list, Venvs: venvs}
	if uv, ok := installer.FindUV(ctx); ok {
		f.UV, f.UVVersion = uv.Path, uv.Version
	}
	if runtime.GOOS == "linux" {
		f.MissingPrereqs, f.PrereqFix = installer.MissingPrereqs(nil, nil)
	}
	return doctor.Examine(f), nil
}
