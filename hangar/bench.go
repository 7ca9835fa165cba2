package hangar

import (
	"bytes"
	"context"
	"fmt"
	"io"

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
	machine := platform.MachineFacts()
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
