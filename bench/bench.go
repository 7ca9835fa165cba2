// Package bench is the threaded sanity benchmark: its embedded workload
// script, the runner and the statistics. It answers "does this interpreter
// really run threads in parallel here, how fast, and at what cost".
package bench

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	version "github.com/hashicorp/go-version"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

//go:embed workload.py
var workloadScript string

// SuiteVersion names the workload script; results of different suites are
// not compared.
var SuiteVersion = func() string {
	sum := sha256.Sum256([]byte(workloadScript))
	return "1-" + hex.EncodeToString(sum[:4])
}()

// Workloads are the single-thread workloads, in report order.
var Workloads = []string{"float", "calls", "alloc", "generator"}

// referenceN is the fixed work single_thread_ms reports: a workload's time
// for this many iterations, so interpreters compare on equal work.
var referenceN = map[string]float64{"float": 1e6, "calls": 1e6, "alloc": 3e5, "generator": 1e6}

// Options tune a run.
type Options struct {
	MaxThreads int     // cap on the thread count; 0 means the usable CPUs
	Repeats    int     // samples per cell; at least 5
	TargetMs   float64 // single-thread sample length; at least 100
	// ExtraArgs go before the script (e.g. -X gil=1 as a control). Options
	// that only free-threaded builds accept are refused for GIL builds.
	ExtraArgs []string
	// Progress receives one line per step.
	Progress func(step string)
}

// Sample is one raw measurement.
type Sample struct {
	Workload string `json:"workload"`
	Threads  int    `json:"threads"`
	Mode     string `json:"mode"` // thread | process
	Repeat   int    `json:"repeat"`
	WallNs   int64  `json:"wall_ns"`
	CPUNs    int64  `json:"cpu_ns"`
	PeakRSS  int64  `json:"peak_rss"`
}

// Result is one interpreter's run.
type Result struct {
	Path            string             `json:"path"`
	Version         string             `json:"version"`
	FreeThreaded    bool               `json:"free_threaded"`
	Args            []string           `json:"args,omitempty"`
	GILEnabledStart *bool              `json:"gil_enabled_start"`
	GILEnabledEnd   *bool              `json:"gil_enabled_end"`
	StartupMs       float64            `json:"startup_ms"`
	SingleThreadMs  map[string]float64 `json:"single_thread_ms"`
	Speedup         map[string]float64 `json:"speedup"`
	CPUWallRatio    map[string]float64 `json:"cpu_wall_ratio"`
	ProcessSpeedup  map[string]float64 `json:"process_speedup"`
	Efficiency      map[string]float64 `json:"efficiency"`
	PeakRSSMB       map[string]float64 `json:"peak_rss_mb"`
	Noisy           bool               `json:"noisy"`
	NoisyCells      []string           `json:"noisy_cells,omitempty"`
	Verdict         string             `json:"verdict"`
	FTCostPct       *float64           `json:"ft_cost_pct,omitempty"`
	ComparedWith    string             `json:"ft_cost_against,omitempty"`
	Warnings        []string           `json:"warnings"`
	ThreadCounts    []int              `json:"thread_counts"`
	Repeats         int                `json:"repeats"`
	BinarySHA256    string             `json:"binary_sha256"`
	SuiteVersion    string             `json:"suite_version"`
	Started         time.Time          `json:"started"`
	Finished        time.Time          `json:"finished"`
	Samples         []Sample           `json:"-"`
}

// ThreadCounts are the counts measured: 1, 2, 4, ... up to max.
func ThreadCounts(max int) []int {
	counts := []int{1}
	for n := 2; n <= max; n *= 2 {
		counts = append(counts, n)
	}
	if last := counts[len(counts)-1]; last < max {
		counts = append(counts, max)
	}
	return counts
}

// Supported says whether the benchmark can run on an interpreter.
func Supported(in envs.Interpreter) error {
	if in.Status != envs.StatusOK {
		return fmt.Errorf("%s is broken: %s", in.Path, in.Error)
	}
	v, err := version.NewVersion(in.Version)
	if err != nil || v.LessThan(version.Must(version.NewVersion("3.8"))) {
		return fmt.Errorf("not supported: the benchmark needs Python 3.8 or newer, and %s is %s", in.Path, in.Version)
	}
	return nil
}

// Run benchmarks one interpreter. Nothing is kept unless it completes.
func Run(ctx context.Context, in envs.Interpreter, opt Options) (Result, error) {
	if err := Supported(in); err != nil {
		return Result{}, err
	}
	for _, a := range opt.ExtraArgs {
		if !in.FreeThreaded && (strings.HasPrefix(a, "gil=") || a == "-Xgil=0" || a == "-Xgil=1") {
			return Result{}, errors.New("-X gil is only for free-threaded builds")
		}
	}
	if opt.Repeats < 5 {
		opt.Repeats = 5
	}
	if opt.TargetMs < 100 {
		opt.TargetMs = 100
	}
	maxThreads := platform.UsableCPUs()
	if opt.MaxThreads > 0 && opt.MaxThreads < maxThreads {
		maxThreads = opt.MaxThreads
	}
	if maxThreads < 2 {
		maxThreads = 2 // one core still shows whether threads take turns
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string) {}
	}
	r := Result{Path: in.Path, Version: in.Version, FreeThreaded: in.FreeThreaded, Args: opt.ExtraArgs,
		ThreadCounts: ThreadCounts(maxThreads), Repeats: opt.Repeats, SuiteVersion: SuiteVersion, Started: time.Now().UTC(), Warnings: []string{}}
	var err error
	if r.BinarySHA256, err = fileSHA256(in.Path); err != nil {
		return Result{}, err
	}
	py := &runner{python: in.Path, args: opt.ExtraArgs}

	progress("start-up time")
	if r.StartupMs, err = py.startup(ctx, 5); err != nil {
		return Result{}, err
	}

	progress("calibrating")
	ns, err := py.calibrate(ctx, opt.TargetMs)
	if err != nil {
		return Result{}, err
	}

	// Threads: every cell interleaved with the others, repeat by repeat.
	var cells []map[string]any
	for _, w := range Workloads {
		cells = append(cells, map[string]any{"workload": w, "threads": 1})
	}
	for _, n := range r.ThreadCounts {
		cells = append(cells, map[string]any{"workload": "mixed", "threads": n})
	}
	progress(fmt.Sprintf("threads %v, %d repeats", r.ThreadCounts, opt.Repeats))
	out, err := py.threads(ctx, ns, cells, opt.Repeats, maxThreads, 0)
	if err != nil {
		return Result{}, err
	}
	r.Samples = append(r.Samples, out.samples...)
	r.GILEnabledStart, r.GILEnabledEnd = out.gilStart, out.gilEnd
	r.Warnings = append(r.Warnings, out.warnings...)

	// Cells too noisy to trust are run once more; the second set is used.
	noisy := noisyCells(r.Samples, "thread", opt.Repeats)
	if len(noisy) > 0 {
		var again []map[string]any
		for _, c := range cells {
			if noisy[cellKey(c["workload"].(string), c["threads"].(int))] {
				again = append(again, c)
			}
		}
		progress(fmt.Sprintf("re-running %d noisy cells", len(again)))
		out2, err := py.threads(ctx, ns, again, opt.Repeats, maxThreads, opt.Repeats)
		if err != nil {
			return Result{}, err
		}
		r.Samples = append(r.Samples, out2.samples...)
		if out2.gilEnd != nil && *out2.gilEnd {
			r.GILEnabledEnd = out2.gilEnd
		}
	}

	// The machine's ceiling: the same work over N processes. Cells that
	// are noisy, or that came out below the threads' own speedup (threads
	// cannot beat processes by much, so something else had the CPUs), are
	// measured once more.
	ceiling := func(counts []int, offset int) error {
		for rep := 0; rep < opt.Repeats; rep++ {
			for _, n := range counts {
				progress(fmt.Sprintf("process ceiling: %d processes, repeat %d", n, rep+1))
				s, err := py.processes(ctx, ns, n, offset+rep)
				if err != nil {
					return err
				}
				r.Samples = append(r.Samples, s)
			}
		}
		return nil
	}
	if err := ceiling(r.ThreadCounts[1:], 0); err != nil {
		return Result{}, err
	}
	if again := doubtfulCeilings(r.Samples, r.ThreadCounts[1:], opt.Repeats); len(again) > 0 {
		if err := ceiling(again, opt.Repeats); err != nil {
			return Result{}, err
		}
	}

	progress("memory")
	r.PeakRSSMB = map[string]float64{}
	for _, n := range []int{1, maxThreads} {
		rss, err := py.memory(ctx, ns, n)
		if err != nil {
			return Result{}, err
		}
		if rss > 0 {
			r.PeakRSSMB[strconv.Itoa(n)] = round(float64(rss)/(1<<20), 1)
			r.Samples = append(r.Samples, Sample{Workload: "memory", Threads: n, Mode: "thread", PeakRSS: rss})
		}
	}
	summarize(&r, ns)
	r.Finished = time.Now().UTC()
	return r, nil
}

func cellKey(workload string, threads int) string { return workload + "/" + strconv.Itoa(threads) }

// latest returns, per cell, the samples of its last set: a re-run's
// repeats are numbered after the first set's and replace it.
func latest(samples []Sample, mode string, repeats int) map[string][]Sample {
	sets := map[string][]Sample{}
	for _, s := range samples {
		if s.Mode == mode && s.WallNs > 0 {
			k := cellKey(s.Workload, s.Threads)
			sets[k] = append(sets[k], s)
		}
	}
	for k, ss := range sets {
		last := 0
		for _, s := range ss {
			last = max(last, s.Repeat/repeats)
		}
		var keep []Sample
		for _, s := range ss {
			if s.Repeat/repeats == last {
				keep = append(keep, s)
			}
		}
		sets[k] = keep
	}
	return sets
}

func walls(ss []Sample) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = float64(s.WallNs)
	}
	return out
}

func noisyCells(samples []Sample, mode string, repeats int) map[string]bool {
	out := map[string]bool{}
	for k, ss := range latest(samples, mode, repeats) {
		if Summarize(walls(ss)).Spread() > NoisyAbove {
			out[k] = true
		}
	}
	return out
}

// implausible is how far thread efficiency may exceed the process ceiling
// before the ceiling is taken for disturbed.
const implausible = 1.25

// doubtfulCeilings lists the thread counts whose process ceiling is noisy
// or below what the threads reached.
func doubtfulCeilings(samples []Sample, counts []int, repeats int) []int {
	threads := latest(samples, "thread", repeats)
	procs := latest(samples, "process", repeats)
	t1 := Summarize(walls(threads[cellKey("mixed", 1)])).Median
	var out []int
	for _, n := range counts {
		pst := Summarize(walls(procs[cellKey("mixed", n)]))
		tn := Summarize(walls(threads[cellKey("mixed", n)])).Median
		if pst.Spread() > NoisyAbove || (tn > 0 && pst.Median > 0 && (t1/tn)/(t1/pst.Median) > implausible) {
			out = append(out, n)
		}
	}
	return out
}

// summarize turns the samples into the headline figures and the verdict.
func summarize(r *Result, ns map[string]int64) {
	threads := latest(r.Samples, "thread", r.Repeats)
	procs := latest(r.Samples, "process", r.Repeats)
	r.SingleThreadMs, r.NoisyCells = map[string]float64{}, nil
	for _, w := range Workloads {
		st := Summarize(walls(threads[cellKey(w, 1)]))
		r.SingleThreadMs[w] = round(st.Median/1e6*referenceN[w]/float64(ns[w]), 2)
	}
	r.Speedup, r.CPUWallRatio, r.ProcessSpeedup, r.Efficiency = map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	t1 := Summarize(walls(threads[cellKey("mixed", 1)])).Median
	for _, n := range r.ThreadCounts {
		ss := threads[cellKey("mixed", n)]
		st := Summarize(walls(ss))
		var ratios []float64
		for _, s := range ss {
			ratios = append(ratios, float64(s.CPUNs)/float64(s.WallNs))
		}
		key := strconv.Itoa(n)
		r.CPUWallRatio[key] = round(Summarize(ratios).Median, 2)
		if n == 1 {
			continue
		}
		r.Speedup[key] = round(t1/st.Median, 2)
		if ps := procs[cellKey("mixed", n)]; len(ps) > 0 {
			pst := Summarize(walls(ps))
			r.ProcessSpeedup[key] = round(t1/pst.Median, 2)
			r.Efficiency[key] = round((t1/st.Median)/(t1/pst.Median), 2)
			if r.Efficiency[key] > implausible {
				r.NoisyCells = append(r.NoisyCells, "processes mixed/"+key+" (below the threads' speedup)")
			}
		}
	}
	for k, ss := range threads {
		if Summarize(walls(ss)).Spread() > NoisyAbove {
			r.NoisyCells = append(r.NoisyCells, "threads "+k)
		}
	}
	for k, ss := range procs {
		if Summarize(walls(ss)).Spread() > NoisyAbove {
			r.NoisyCells = append(r.NoisyCells, "processes "+k)
		}
	}
	sort.Strings(r.NoisyCells)
	r.Noisy = len(r.NoisyCells) > 0
	r.Verdict = verdict(r)
}

// verdict says in plain words what the figures mean, at the largest thread
// count.
func verdict(r *Result) string {
	n := strconv.Itoa(r.ThreadCounts[len(r.ThreadCounts)-1])
	ratio, eff, ceiling := r.CPUWallRatio[n], r.Efficiency[n], r.ProcessSpeedup[n]
	var v string
	switch {
	case !r.FreeThreaded:
		v = fmt.Sprintf("GIL build: threads take turns (CPU/wall %.2f at %s threads)", ratio, n)
	case r.GILEnabledEnd != nil && *r.GILEnabledEnd && (r.GILEnabledStart == nil || !*r.GILEnabledStart):
		v = "free-threaded build, but the GIL came back during the run"
	case r.GILEnabledStart != nil && *r.GILEnabledStart:
		v = fmt.Sprintf("free-threaded build running with the GIL on: threads take turns (CPU/wall %.2f)", ratio)
	case ceiling < 1.2:
		v = fmt.Sprintf("cannot tell: %s processes ran only %.2f× faster than one, so the machine is busy; run again on a quieter machine", n, ceiling)
	case eff >= 0.8:
		v = fmt.Sprintf("parallel threads: yes — %.2f of the process ceiling", eff)
	case ratio >= 1.3:
		v = fmt.Sprintf("parallel threads: partly — %.2f of the process ceiling (CPU/wall %.2f)", eff, ratio)
	default:
		v = fmt.Sprintf("parallel threads: no — threads take turns (CPU/wall %.2f)", ratio)
	}
	if r.Noisy {
		v += "; noisy: run again on a quieter machine"
	}
	return v
}

// DefaultTargets picks what bench measures when not told: every
// free-threaded interpreter, plus the newest GIL build of each of their
// minor versions.
func DefaultTargets(list []envs.Interpreter) []envs.Interpreter {
	var out []envs.Interpreter
	var minors []string
	seen := map[string]bool{}
	for _, in := range list {
		if in.FreeThreaded && !in.IsVenv && Supported(in) == nil {
			out = append(out, in)
			if !seen[in.Minor()] {
				seen[in.Minor()] = true
				minors = append(minors, in.Minor())
			}
		}
	}
	for _, minor := range minors {
		if gil, ok := envs.Find(list, envs.Spec{Version: minor}); ok {
			out = append(out, gil)
		}
	}
	return out
}

// CompareCost fills in each free-threaded result's single-thread cost
// against a GIL build of the same minor version among results.
func CompareCost(results []Result) {
	for i := range results {
		ft := &results[i]
		if !ft.FreeThreaded {
			continue
		}
		for _, g := range results {
			if g.FreeThreaded || minor(g.Version) != minor(ft.Version) {
				continue
			}
			a, b := total(ft.SingleThreadMs), total(g.SingleThreadMs)
			if a > 0 && b > 0 {
				pct := round((a/b-1)*100, 1)
				ft.FTCostPct, ft.ComparedWith = &pct, g.Path
			}
		}
	}
}

func total(m map[string]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
}

func minor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runner starts the interpreter with the workload script.
type runner struct {
	python string
	args   []string
}

func (p *runner) argv(mode string, arg string) []string {
	argv := append([]string{p.python, "-I"}, p.args...)
	return append(argv, "-c", workloadScript, mode, arg)
}

// startup is the median wall time of `python -I -c pass`, after a warm-up.
func (p *runner) startup(ctx context.Context, n int) (float64, error) {
	var ms []float64
	for i := 0; i <= n; i++ {
		start := time.Now()
		res, err := platform.Run(ctx, append(append([]string{p.python, "-I"}, p.args...), "-c", "pass"), platform.RunOptions{Timeout: 30 * time.Second})
		if err != nil {
			return 0, err
		}
		if res.ExitCode != 0 {
			return 0, fmt.Errorf("%s does not start: %s", p.python, platform.LastLine(res.Stderr))
		}
		if i > 0 {
			ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		}
	}
	return round(Summarize(ms).Median, 1), nil
}

func (p *runner) run(ctx context.Context, mode, arg string, onLine func(string)) error {
	res, err := platform.Run(ctx, p.argv(mode, arg), platform.RunOptions{Timeout: 10 * time.Minute, OnLine: onLine})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("the benchmark failed in %s: %s", p.python, platform.LastLine(res.Stderr))
	}
	return nil
}

func (p *runner) calibrate(ctx context.Context, targetMs float64) (map[string]int64, error) {
	var out struct{ N map[string]int64 }
	err := p.run(ctx, "calibrate", strconv.FormatFloat(targetMs, 'f', -1, 64), func(line string) {
		if strings.HasPrefix(line, "{") {
			json.Unmarshal([]byte(line), &out)
		}
	})
	if err == nil && len(out.N) != len(Workloads) {
		err = fmt.Errorf("calibration in %s gave no answer", p.python)
	}
	return out.N, err
}

type threadRun struct {
	samples          []Sample
	gilStart, gilEnd *bool
	warnings         []string
}

func (p *runner) threads(ctx context.Context, ns map[string]int64, cells []map[string]any, repeats, maxThreads, offset int) (threadRun, error) {
	for _, c := range cells {
		c["offset"] = offset
	}
	plan, _ := json.Marshal(map[string]any{"n": ns, "cells": cells, "repeats": repeats, "threads": []int{maxThreads}})
	var out threadRun
	err := p.run(ctx, "run", string(plan), func(line string) {
		if !strings.HasPrefix(line, "{") {
			return
		}
		var m struct {
			Workload string
			Threads  int
			Repeat   int
			WallNs   int64    `json:"wall_ns"`
			CPUNs    int64    `json:"cpu_ns"`
			GILStart *bool    `json:"gil_start"`
			GILEnd   *bool    `json:"gil_end"`
			Warnings []string `json:"warnings"`
		}
		if json.Unmarshal([]byte(line), &m) != nil {
			return
		}
		switch {
		case m.Workload != "":
			out.samples = append(out.samples, Sample{Workload: m.Workload, Threads: m.Threads, Mode: "thread", Repeat: m.Repeat, WallNs: m.WallNs, CPUNs: m.CPUNs})
		case strings.Contains(line, "gil_start"):
			out.gilStart = m.GILStart
		case strings.Contains(line, "gil_end"):
			out.gilEnd = m.GILEnd
			out.warnings = append(out.warnings, m.Warnings...)
		}
	})
	if err == nil && len(out.samples) != len(cells)*repeats {
		err = fmt.Errorf("the benchmark in %s stopped early (%d of %d samples)", p.python, len(out.samples), len(cells)*repeats)
	}
	return out, err
}

// processes runs the mixed work split over n processes that start together
// and returns one sample: from the first start to the last end.
func (p *runner) processes(ctx context.Context, ns map[string]int64, n, repeat int) (Sample, error) {
	spec, _ := json.Marshal(map[string]any{"n": ns, "share": n})
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	var kids []child
	defer func() {
		for _, k := range kids {
			if k.cmd.ProcessState == nil {
				k.cmd.Process.Kill()
				k.cmd.Wait()
			}
		}
	}()
	for i := 0; i < n; i++ {
		cmd := exec.CommandContext(ctx, p.python, p.argv("proc", string(spec))[1:]...)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return Sample{}, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return Sample{}, err
		}
		if err := cmd.Start(); err != nil {
			return Sample{}, err
		}
		kids = append(kids, child{cmd, stdin, bufio.NewReader(stdout)})
	}
	for _, k := range kids {
		if line, err := k.out.ReadString('\n'); err != nil || strings.TrimSpace(line) != "ready" {
			return Sample{}, fmt.Errorf("a benchmark process of %s did not start: %q %v", p.python, line, err)
		}
	}
	for _, k := range kids {
		io.WriteString(k.stdin, "go\n")
	}
	type report struct {
		Start int64 `json:"start_ns"`
		End   int64 `json:"end_ns"`
		CPU   int64 `json:"cpu_ns"`
	}
	reports := make([]report, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, k := range kids {
		wg.Add(1)
		go func(i int, k child) {
			defer wg.Done()
			line, err := k.out.ReadString('\n')
			if err == nil {
				err = json.Unmarshal([]byte(line), &reports[i])
			}
			errs[i] = errors.Join(err, k.cmd.Wait())
		}(i, k)
	}
	wg.Wait()
	if ctx.Err() != nil {
		return Sample{}, ctx.Err()
	}
	s := Sample{Workload: "mixed", Threads: n, Mode: "process", Repeat: repeat}
	first, last := int64(math.MaxInt64), int64(0)
	for i, rep := range reports {
		if errs[i] != nil {
			return Sample{}, fmt.Errorf("a benchmark process of %s failed: %v", p.python, errs[i])
		}
		first, last = min(first, rep.Start), max(last, rep.End)
		s.CPUNs += rep.CPU
	}
	s.WallNs = last - first
	return s, nil
}

// memory runs the mixed work once in n threads in a fresh process and
// returns its peak RSS.
func (p *runner) memory(ctx context.Context, ns map[string]int64, n int) (int64, error) {
	spec, _ := json.Marshal(map[string]any{"n": ns, "threads": n})
	argv := p.argv("memory", string(spec))
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, fmt.Errorf("the memory run of %s failed: %v: %s", p.python, err, platform.LastLine(out))
	}
	return platform.PeakRSS(cmd.ProcessState), nil
}
