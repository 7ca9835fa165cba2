package store

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"sort"
	"strconv"

	"github.com/pyhangar/pyhangar/bench"
)

// ExportBenchJSON writes runs with their raw samples as one JSON array.
func (s *Store) ExportBenchJSON(w io.Writer, runs []BenchRun) error {
	type exported struct {
		BenchRun
		Samples []bench.Sample `json:"samples"`
	}
	out := []exported{}
	for _, run := range runs {
		samples, err := s.BenchSamples(run.ID)
		if err != nil {
			return err
		}
		out = append(out, exported{run, samples})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// ExportBenchCSV writes one row per run and thread count.
func ExportBenchCSV(w io.Writer, runs []BenchRun) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run_id", "started", "path", "version", "free_threaded", "startup_ms",
		"float_ms", "calls_ms", "alloc_ms", "generator_ms", "threads", "speedup", "cpu_wall_ratio",
		"process_speedup", "efficiency", "peak_rss_mb", "noisy", "verdict", "cpu_model", "logical_cores"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, run := range runs {
		r := run.Result
		counts := append([]int(nil), r.ThreadCounts...)
		sort.Ints(counts)
		for _, n := range counts {
			k := strconv.Itoa(n)
			cw.Write([]string{strconv.FormatInt(run.ID, 10), r.Started.Format("2006-01-02T15:04:05Z"), r.Path, r.Version,
				strconv.FormatBool(r.FreeThreaded), f(r.StartupMs), f(r.SingleThreadMs["float"]), f(r.SingleThreadMs["calls"]),
				f(r.SingleThreadMs["alloc"]), f(r.SingleThreadMs["generator"]), k, f(r.Speedup[k]), f(r.CPUWallRatio[k]),
				f(r.ProcessSpeedup[k]), f(r.Efficiency[k]), f(r.PeakRSSMB[k]), strconv.FormatBool(r.Noisy), r.Verdict,
				run.Machine.CPUModel, strconv.Itoa(run.Machine.LogicalCores)})
		}
	}
	cw.Flush()
	return cw.Error()
}
