package hangar

import (
	"context"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/doctor"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/profile"
)

// ProfileMachine wires a team profile to this data dir's PyHangar: its
// installer (uv when present, python.org or the mirror; "" means the
// mirror setting), its venvs and its benchmark history. When benchOut is
// not "", the benchmark step also writes its runs there (bench export's
// JSON), for a lead collecting one file per machine; replace says it may
// replace a file that is there.
func (h *Hangar) ProfileMachine(ctx context.Context, mirror, benchOut string, replace bool) (profile.Machine, error) {
	in, err := h.Installer(ctx, mirror, nil)
	if err != nil {
		return profile.Machine{}, err
	}
	uv, _ := installer.UVPath(h.DataDir)
	return profile.Machine{
		Discover:  func(ctx context.Context) ([]envs.Interpreter, error) { return h.Discover(ctx, false, nil) },
		Installer: in,
		Venvs:     h.Store,
		VenvsDir:  h.VenvsDir(),
		UV:        uv,
		Bench: func(ctx context.Context, list []envs.Interpreter) error {
			_, ids, err := h.Bench(ctx, list, bench.Options{}, nil)
			if err != nil || benchOut == "" {
				return err
			}
			_, err = h.ExportFile(ctx, benchOut, "json", ids, replace)
			return err
		},
	}, nil
}

// Doctor examines this machine, given the interpreters discovered (nil:
// discover now).
func (h *Hangar) Doctor(ctx context.Context, discovered []envs.Interpreter) ([]doctor.Finding, error) {
	if discovered == nil {
		var err error
		if discovered, err = h.Discover(ctx, false, nil); err != nil {
			return nil, err
		}
	}
	venvs, err := envs.ListVenvs(ctx, h.Store, discovered)
	if err != nil {
		return nil, err
	}
	return doctor.Examine(doctor.Gather(ctx, h.host(), discovered, venvs)), nil
}
