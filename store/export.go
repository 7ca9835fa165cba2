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
// with its machine snapshot and samples, all of them or none: the file is
// read a run at a time (memory stays about one run), each run checked
// (checkImported), and a run that is not one refuses the import, naming
// the run and its field. A run already stored (the same run, imported
// before or measured here) is skipped.
func (s *Store) ImportBenchJSON(ctx context.Context, r io.Reader) (imported, skipped int, err error) {
	notExport := func(err error) error {
		return fmt.Errorf("not a PyHangar benchmark export (bench export --format json): %w; nothing was imported", err)
	}
	lr := &io.LimitedReader{R: r, N: maxImport + 1}
	dec := json.NewDecoder(lr)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = fmt.Errorf("it does not start with a list of runs")
		}
		return 0, 0, notExport(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	for i := 1; dec.More(); i++ {
		var run exportedRun
		if err := dec.Decode(&run); err != nil {
			if lr.N <= 0 {
				err = fmt.Errorf("it is larger than %d MiB", maxImport>>20)
			}
			return 0, 0, notExport(fmt.Errorf("run %d: %w", i, err))
		}
		if err := checkImported(run); err != nil {
			return 0, 0, fmt.Errorf("run %d of the export: %w; nothing was imported", i, err)
		}
		res := run.Result
		res.Samples = run.Samples
		_, fresh, err := saveBenchRun(ctx, tx, run.Machine, res)
		if err != nil {
			return 0, 0, fmt.Errorf("run %d of the export: %w; nothing was imported", i, err)
		}
		if fresh {
			imported++
		} else {
			skipped++
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return 0, 0, notExport(fmt.Errorf("the list of runs does not end"))
	}
	return imported, skipped, tx.Commit()
}

// ExportBenchCSV writes one row per run and workload, and a row of the
// run's headline (workload "median"). A variant paired with its baseline
// (the JIT on against off) has its single-thread ratio on each workload's
// row.
func ExportBenchCSV(w io.Writer, runs []BenchRun) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run_id", "started", "machine", "path", "version", "free_threaded", "startup_ms", "workload", "threads",
		"single_thread_ms", "speedup", "cpu_wall_ratio", "process_speedup", "efficiency", "spread", "peak_rss_mb",
		"rounds", "noisy", "verdict", "cpu_model", "logical_cores",
		"variant", "baseline", "paired_ratio", "paired_low", "paired_high", "paired_clear"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, run := range runs {
		r := run.Result
		n := strconv.Itoa(r.Threads())
		row := func(workload bench.Workload, wr bench.WorkloadResult) {
			paired := []string{"", "", "", ""}
			if p, ok := r.Paired[workload]; ok {
				paired = []string{f(p.Ratio), f(p.Low), f(p.High), strconv.FormatBool(p.Clear)}
			}
			cw.Write(append([]string{strconv.FormatInt(run.ID, 10), r.Started.Format("2006-01-02T15:04:05Z"), run.Machine.Name(), r.Path, string(r.Version),
				strconv.FormatBool(r.FreeThreaded), f(r.StartupMs), string(workload), n, f(wr.SingleThreadMs), f(wr.Speedup), f(wr.CPUWallRatio),
				f(wr.ProcessSpeedup), f(wr.Efficiency), f(wr.Spread), f(r.PeakRSSMB[n]), strconv.Itoa(r.Rounds), strconv.FormatBool(r.Noisy),
				r.Verdict, run.Machine.CPUModel, strconv.Itoa(run.Machine.LogicalCores), string(r.Variant), string(r.Baseline)}, paired...))
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
