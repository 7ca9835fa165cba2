package hangar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Bench benchmarks each target in turn (with opt.JIT, a build with the
// JIT twice: JIT off and on, paired), works out each free-threaded
// build's single-thread cost against the GIL build of its version, and
// keeps every run with this machine's snapshot. progress hears, per
// target (its index), each step. A cancel keeps nothing.
func (h *Hangar) Bench(ctx context.Context, targets []envs.Interpreter, opt bench.Options, progress func(i int, step string)) ([]bench.Result, []int64, error) {
	for _, in := range targets {
		if err := bench.Supported(in); err != nil {
			return nil, nil, err
		}
	}
	machine := h.Machine(ctx)
	var results []bench.Result
	for i, in := range targets {
		o := opt
		if progress != nil {
			o.Progress = func(step string) { progress(i, step) }
		}
		if opt.JIT && in.HasJIT() {
			rs, err := bench.RunPaired(ctx, in, o, envs.JITOff, envs.JITOn)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", in.Path, err)
			}
			results = append(results, rs...)
			continue
		}
		r, err := bench.Run(ctx, in, o)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		if opt.JIT {
			r.Notes = append(r.Notes, NoJIT)
		}
		results = append(results, r)
	}
	bench.CompareCost(results)
	var ids []int64
	for _, r := range results {
		id, err := h.Store.SaveBenchRun(ctx, machine, r)
		if err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	return results, ids, nil
}

// Machine is this machine's snapshot, with its label: MachineLabel, else
// PYHANGAR_MACHINE_LABEL, else the machine_label setting.
func (h *Hangar) Machine(ctx context.Context) platform.Machine {
	m := platform.MachineFacts()
	m.Label = h.MachineLabel
	if m.Label == "" {
		m.Label = h.getenv("PYHANGAR_MACHINE_LABEL")
	}
	if m.Label == "" {
		m.Label, _, _ = h.Store.Setting(ctx, store.SettingMachineLabel)
	}
	return m
}

// MachineRuns are one machine's latest run of each interpreter (and each
// way it ran), as a fleet report shows them.
type MachineRuns struct {
	Machine platform.Machine `json:"machine"`
	Name    string           `json:"name"`
	Runs    []store.BenchRun `json:"runs"`
}

// FleetReport is every machine the store knows runs of (this one's, and
// those imported), by name, each with its latest run per interpreter and
// variant, side by side.
func (h *Hangar) FleetReport(ctx context.Context) ([]MachineRuns, error) {
	runs, err := h.Store.BenchRuns(ctx, 0) // newest first
	if err != nil {
		return nil, err
	}
	byName := map[string]*MachineRuns{}
	seen := map[string]bool{}
	var names []string
	for _, run := range runs {
		name := run.Machine.Name()
		key := name + "\x00" + run.Result.Path + "\x00" + string(run.Result.Variant)
		if seen[key] {
			continue // an older run of the same
		}
		seen[key] = true
		m := byName[name]
		if m == nil {
			m = &MachineRuns{Machine: run.Machine, Name: name}
			byName[name] = m
			names = append(names, name)
		}
		m.Runs = append(m.Runs, run)
	}
	sort.Strings(names)
	out := []MachineRuns{}
	for _, n := range names {
		m := byName[n]
		sort.SliceStable(m.Runs, func(i, j int) bool {
			a, b := m.Runs[i].Result, m.Runs[j].Result
			if c := a.Version.Compare(b.Version); c != 0 {
				return c < 0
			}
			if a.FreeThreaded != b.FreeThreaded {
				return !a.FreeThreaded
			}
			return a.Variant < b.Variant
		})
		out = append(out, *m)
	}
	return out, nil
}

// NoJIT is the note on the run of a build without the JIT when the JIT
// was asked for.
const NoJIT = "this build has no JIT (built without --enable-experimental-jit): nothing extra was measured"

// Export writes stored runs (ids nil: every one) as bench export does:
// "json" (the runs with their raw samples, for bench import) or "csv".
// It returns how many runs it wrote.
func (h *Hangar) Export(ctx context.Context, w io.Writer, format string, ids []int64) (int, error) {
	all, err := h.Store.BenchRuns(ctx, 0)
	if err != nil {
		return 0, err
	}
	runs := all
	if ids != nil {
		want := map[int64]bool{}
		for _, id := range ids {
			want[id] = true
		}
		runs = nil
		for _, run := range all {
			if want[run.ID] {
				runs = append(runs, run)
			}
		}
	}
	switch format {
	case "json":
		err = h.Store.ExportBenchJSON(ctx, w, runs)
	case "csv":
		err = store.ExportBenchCSV(w, runs)
	default:
		err = fmt.Errorf("no export format %q (csv or json)", format)
	}
	return len(runs), err
}

// ExportFile writes the export to a file of the user's: whole or not at
// all, and over a file that is there only when replace says so.
func (h *Hangar) ExportFile(ctx context.Context, path, format string, ids []int64, replace bool) (int, error) {
	var buf bytes.Buffer
	n, err := h.Export(ctx, &buf, format, ids)
	if err != nil {
		return n, err
	}
	return n, platform.WriteFile(path, buf.Bytes(), replace)
}
