// Package hangar is PyHangar's use cases: what the command line and the
// window both do — discover, resolve an interpreter, install, benchmark and
// keep the runs, get uv, check readiness, set a machine up from a profile,
// examine it — written once, so the two faces cannot drift. The faces
// parse input and show output; everything between is here. It knows
// nothing of Fyne or of flags.
package hangar

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Hangar is PyHangar over one data dir and its store.
type Hangar struct {
	DataDir string
	Store   *store.Store
	// Host is the machine discovery searches; nil means this one (tests
	// narrow it).
	Host func() *platform.Host
	// Getenv reads the environment (tests replace it); nil means
	// os.Getenv.
	Getenv func(string) string
	// MachineLabel names this machine in what it records (bench
	// --label); "" takes PYHANGAR_MACHINE_LABEL, else the machine_label
	// setting.
	MachineLabel string
}

// New is PyHangar over dataDir and its open store.
func New(dataDir string, st *store.Store) *Hangar {
	return &Hangar{DataDir: dataDir, Store: st}
}

func (h *Hangar) host() *platform.Host {
	if h.Host != nil {
		return h.Host()
	}
	return platform.ThisHost(h.DataDir)
}

func (h *Hangar) getenv(k string) string {
	if h.Getenv != nil {
		return h.Getenv(k)
	}
	return os.Getenv(k)
}

// VenvsDir is where PyHangar makes venvs by default.
func (h *Hangar) VenvsDir() string { return filepath.Join(h.DataDir, "venvs") }

// Discover lists this machine's interpreters, from the cache where it can
// (refresh probes everything again); progress, when set, hears of each
// probe.
func (h *Hangar) Discover(ctx context.Context, refresh bool, progress func(done, total int)) ([]envs.Interpreter, error) {
	list, _, err := envs.Discover(ctx, h.host(), envs.DiscoverOptions{Cache: h.Store, Refresh: refresh,
		Timeout: h.Store.ProbeTimeout(ctx), Progress: progress})
	return list, err
}

// Resolve turns a SPEC (3.14t) or a PATH into an interpreter: a path is
// identified, a spec matched against discovery (envs.ErrNoMatch when
// nothing matches).
func (h *Hangar) Resolve(ctx context.Context, arg string) (envs.Interpreter, error) {
	return envs.Resolve(ctx, arg, func() ([]envs.Interpreter, error) { return h.Discover(ctx, false, nil) }, h.Store.ProbeTimeout(ctx))
}

// Venvs lists the recorded venvs and those discovery found, given the
// interpreters discovered (nil: discover now).
func (h *Hangar) Venvs(ctx context.Context, discovered []envs.Interpreter) ([]envs.VenvEntry, error) {
	if discovered == nil {
		var err error
		if discovered, err = h.Discover(ctx, false, nil); err != nil {
			return nil, err
		}
	}
	return envs.ListVenvs(ctx, h.Store, discovered)
}

// HumanSize writes a byte count for people: 11.0 MiB.
func HumanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
