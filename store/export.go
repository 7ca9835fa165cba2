package store

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/pyhangar/pyhangar/bench"
)

// exportedRun is one run in a JSON export: the run, its machine and its
// raw samples.
type exportedRun struct {
	BenchRun
	Samples []bench.Sample `json:"samples"`
}

// ExportBenchJSON writes runs with their raw samples as one JSON array.
func (s *Store) ExportBenchJSON(ctx context.Context, w io.Writer, runs []BenchRun) error {
	out := []exportedRun{}
	for _, run := range runs {
		samples, err := s.BenchSamples(ctx, run.ID)
		if err != nil {
			return err
		}
		out = append(out, exportedRun{run, samples})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// ImportBenchJSON stores the runs of another machine's JSON export, each
// with its machine snapshot and samples. A run already stored (the same
// run, imported before or measured here) is skipped.
func (s *Store) ImportBenchJSON(ctx context.Context, r io.Reader) (imported, skipped int, err error) {
	var runs []exportedRun
	dec := json.NewDecoder(io.LimitReader(r, 512<<20))
	if err := dec.Decode(&runs); err != nil {
		return 0, 0, fmt.Errorf("not a PyHangar benchmark export (bench export --format json): %w", err)
	}
	for i, run := range runs {
		res := run.Result
		if res.Path == "" || res.Started.IsZero() || len(res.ThreadCounts) == 0 {
			return imported, skipped, fmt.Errorf("run %d of the export lacks its interpreter, start time or thread counts", i+1)
		}
		res.Samples = run.Samples
		_, fresh, err := s.saveBenchRun(ctx, run.Machine, res)
		if err != nil {
			return imported, skipped, err
		}
		if fresh {
			imported++
		} else {
			skipped++
		}
	}
	return imported, skipped, nil
}

// ExportBenchCSV writes one row per run and workload, and a row of the
// run's headline (workload "median").
func ExportBenchCSV(w io.Writer, runs []BenchRun) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run_id", "started", "machine", "path", "version", "free_threaded", "startup_ms", "workload", "threads",
		"single_thread_ms", "speedup", "cpu_wall_ratio", "process_speedup", "efficiency", "spread", "peak_rss_mb",
		"rounds", "noisy", "verdict", "cpu_model", "logical_cores"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, run := range runs {
		r := run.Result
		n := strconv.Itoa(r.Threads())
		row := func(workload bench.Workload, wr bench.WorkloadResult) {
			cw.Write([]string{strconv.FormatInt(run.ID, 10), r.Started.Format("2006-01-02T15:04:05Z"), run.Machine.Hostname, r.Path, string(r.Version),
				strconv.FormatBool(r.FreeThreaded), f(r.StartupMs), string(workload), n, f(wr.SingleThreadMs), f(wr.Speedup), f(wr.CPUWallRatio),
				f(wr.ProcessSpeedup), f(wr.Efficiency), f(wr.Spread), f(r.PeakRSSMB[n]), strconv.Itoa(r.Rounds), strconv.FormatBool(r.Noisy),
				r.Verdict, run.Machine.CPUModel, strconv.Itoa(run.Machine.LogicalCores)})
		}
		for _, w := range bench.Workloads {
			if wr, ok := r.Workloads[w]; ok {
				row(w, wr)
			}
		}
		row("median", bench.WorkloadResult{Speedup: r.Speedup[n], CPUWallRatio: r.CPUWallRatio[n], ProcessSpeedup: r.ProcessSpeedup[n],
			Efficiency: r.Efficiency[n], Spread: r.HeadlineSpread})
	}
	cw.Flush()
	return cw.Error()
}
