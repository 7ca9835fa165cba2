package hangar

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Bench benchmarks each target in turn, works out each free-threaded
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
		r, err := bench.Run(ctx, in, o)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", in.Path, err)
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

// ExportRuns writes the stored runs with the given ids to path as bench
// export --format json does.
func (h *Hangar) ExportRuns(ctx context.Context, path string, ids []int64) error {
	all, err := h.Store.BenchRuns(ctx, 0)
	if err != nil {
		return err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var runs []store.BenchRun
	for _, run := range all {
		if want[run.ID] {
			runs = append(runs, run)
		}
	}
	var buf bytes.Buffer
	if err := h.Store.ExportBenchJSON(ctx, &buf, runs); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
