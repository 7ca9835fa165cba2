package store

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
)

// Bounds of an imported run.
const (
	maxImport     = 512 << 20 // bytes of one export file
	maxRunSamples = 100_000   // a real run keeps under a thousand
	maxName       = 4096      // bytes of a path, a hostname, a CPU's name
	maxThreads    = 4096
)

// checkImported refuses a run from another machine's export whose values
// cannot be: a missing interpreter or start, thread counts below 1,
// negative or non-finite figures, unknown workloads or modes, control
// characters or absurd lengths in names. The error names the field.
func checkImported(run exportedRun) error {
	r, m := run.Result, run.Machine
	names := map[string]string{"path": r.Path, "version": string(r.Version), "ft_cost_against": r.ComparedWith, "verdict": r.Verdict,
		"suite_version": r.SuiteVersion, "machine.hostname": m.Hostname, "machine.label": m.Label, "machine.cpu_model": m.CPUModel, "machine.os": m.OS,
		"machine.kernel": m.Kernel, "machine.affinity": m.Affinity}
	for i, note := range r.Notes {
		names[fmt.Sprintf("notes[%d]", i)] = note
	}
	names["paired_verdict"] = r.PairedVerdict
	for field, v := range names {
		if err := checkName(field, v); err != nil {
			return err
		}
	}
	for field, v := range map[string]envs.Variant{"variant": r.Variant, "baseline": r.Baseline} {
		if _, err := envs.ParseVariant(string(v)); err != nil {
			return fmt.Errorf("%s: %v", field, err)
		}
	}
	switch {
	case r.Path == "":
		return fmt.Errorf("path: the interpreter is missing")
	case r.Started.IsZero() || r.Started.Year() < 2000 || r.Started.After(time.Now().Add(48*time.Hour)):
		return fmt.Errorf("started: %v is not when a run could have been", r.Started)
	case !r.Finished.IsZero() && r.Finished.Before(r.Started):
		return fmt.Errorf("finished: %v is before the start", r.Finished)
	case len(r.ThreadCounts) == 0:
		return fmt.Errorf("thread_counts: none")
	case len(run.Samples) > maxRunSamples:
		return fmt.Errorf("samples: %d, more than a run keeps (%d)", len(run.Samples), maxRunSamples)
	case r.Rounds < 0 || r.Repeats < 0:
		return fmt.Errorf("rounds: %d is below 0", r.Rounds)
	case m.LogicalCores < 0 || m.PhysicalCores < 0:
		return fmt.Errorf("machine.logical_cores: below 0")
	}
	for _, n := range r.ThreadCounts {
		if n < 1 || n > maxThreads {
			return fmt.Errorf("thread_counts: %d is not a thread count", n)
		}
	}
	figures := map[string]float64{"startup_ms": r.StartupMs, "headline_spread": r.HeadlineSpread}
	if r.FTCostPct != nil {
		figures["ft_cost_pct"] = *r.FTCostPct
	}
	if m.CPUQuota != nil {
		figures["machine.cpu_quota"] = *m.CPUQuota
	}
	if m.Load1 != nil {
		figures["machine.load1"] = *m.Load1
	}
	for name, fs := range map[string]map[string]float64{"single_thread_ms": stringKeys(r.SingleThreadMs), "speedup": r.Speedup,
		"cpu_wall_ratio": r.CPUWallRatio, "process_speedup": r.ProcessSpeedup, "efficiency": r.Efficiency, "peak_rss_mb": r.PeakRSSMB} {
		for k, v := range fs {
			figures[name+"."+k] = v
		}
	}
	for w, wr := range r.Workloads {
		if !known(w) {
			return fmt.Errorf("workloads: %q is not a workload", w)
		}
		for k, v := range map[string]float64{"single_thread_ms": wr.SingleThreadMs, "speedup": wr.Speedup, "cpu_wall_ratio": wr.CPUWallRatio,
			"process_speedup": wr.ProcessSpeedup, "efficiency": wr.Efficiency, "spread": wr.Spread} {
			figures["workloads."+string(w)+"."+k] = v
		}
	}
	for w, p := range r.Paired {
		if !known(w) {
			return fmt.Errorf("paired: %q is not a workload", w)
		}
		if p.Pairs < 0 {
			return fmt.Errorf("paired.%s.pairs: %d is below 0", w, p.Pairs)
		}
		for k, v := range map[string]float64{"ratio": p.Ratio, "low": p.Low, "high": p.High} {
			figures["paired."+string(w)+"."+k] = v
		}
	}
	for name, v := range figures {
		if math.IsNaN(v) || math.IsInf(v, 0) || (v < 0 && name != "ft_cost_pct") {
			return fmt.Errorf("%s: %v is not a figure a run gives", name, v)
		}
	}
	for i, s := range run.Samples {
		switch {
		case !known(s.Workload) && s.Workload != bench.Memory:
			return fmt.Errorf("samples[%d].workload: %q is not a workload", i, s.Workload)
		case s.Mode != bench.ModeThread && s.Mode != bench.ModeProcess:
			return fmt.Errorf("samples[%d].mode: %q is not a mode", i, s.Mode)
		case s.Threads < 1 || s.Threads > maxThreads:
			return fmt.Errorf("samples[%d].threads: %d is not a thread count", i, s.Threads)
		case s.WallNs < 0 || s.CPUNs < 0 || s.PeakRSS < 0 || s.Repeat < 0:
			return fmt.Errorf("samples[%d]: a negative duration, memory or round", i)
		}
	}
	return nil
}

func known(w bench.Workload) bool {
	for _, k := range bench.Workloads {
		if w == k {
			return true
		}
	}
	return false
}

func stringKeys(m map[bench.Workload]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}

// checkName refuses control characters and absurd lengths in a name.
func checkName(field, v string) error {
	if len(v) > maxName {
		return fmt.Errorf("%s: %d bytes long", field, len(v))
	}
	for _, c := range v {
		if unicode.IsControl(c) {
			return fmt.Errorf("%s: %q holds a control character", field, v)
		}
	}
	return nil
}

// CheckLabel refuses a machine label that cannot name a machine in a
// report: empty, too long, or holding control characters.
func CheckLabel(label string) error {
	if strings.TrimSpace(label) == "" {
		return fmt.Errorf("a machine's label cannot be empty")
	}
	return checkName("label", label)
}
