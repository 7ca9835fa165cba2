package cli

import (
	"context"

	"github.com/pyhangar/pyhangar/doctor"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// examine gathers this machine's facts for the doctor.
func examine(ctx context.Context, s *Session) ([]doctor.Finding, error) {
	list, err := discover(ctx, s)
	if err != nil {
		return nil, err
	}
	venvs, err := envs.ListVenvs(ctx, s.Store, list)
	if err != nil {
		return nil, err
	}
	return doctor.Examine(doctor.Gather(ctx, platform.ThisHost(s.DataDir), list, venvs)), nil
}
