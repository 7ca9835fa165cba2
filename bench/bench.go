// Package bench is the threaded sanity benchmark: its embedded workload
// script, the runner and the statistics. It answers "does this interpreter
// really run threads in parallel here, how fast, and at what cost".
//
// The answer has to survive a shared or busy machine, where the speed one
// core gives changes within seconds. So every ratio is measured in pairs:
// each round runs, per workload, the work on 1 thread, the same work over N
// threads and over N processes, back to back, and the ratios are taken per
// round before any summary. A slow spell then hits both sides of a ratio.
// The verdict rests on efficiency: what N threads get against what N
// processes get in the same moment.
package bench

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

//go:embed workload.py
var workloadScript string

// SuiteVersion names the workload script; results of different suites are
// not compared.
var SuiteVersion = func() string {
	sum := sha256.Sum256([]byte(workloadScript))
	return "2-" + hex.EncodeToString(sum[:4])
}()

// referenceN is the fixed work single_thread_ms reports: a workload's time
// for this many iterations, so interpreters compare on equal work.
var referenceN = map[Workload]float64{Float: 1e6, Calls: 1e6, Alloc: 3e5, Generator: 1e6}

// DefaultBudget is how long one interpreter's measurement may take.
const DefaultBudget = 10 * time.Second

// Options tune a run.
type Options struct {
	MaxThreads int // the thread count N; 0 means the usable CPUs
	// Budget bounds the run; 0 means DefaultBudget. Rounds go on until
	// the headline is steady (its spread within ±5%) or the budget is
	// spent.
	Budget time.Duration
	// CellMs is how long one single-thread cell runs; 0 means 40.
	CellMs float64
	// ExtraArgs go before the script (e.g. -X gil=1 as a control). Options
	// that only free-threaded builds accept are refused for GIL builds.
	ExtraArgs []string
	// JIT measures an interpreter that has the JIT twice, with
	// PYTHON_JIT=0 and PYTHON_JIT=1 in rounds back to back (RunPaired);
	// one without it is measured as usual, and its result says so.
	JIT bool
	// Progress receives one line per step.
	Progress func(step string)
}

// Sample is one raw measurement. Repeat is the round it belongs to.
type Sample struct {
	Workload Workload `json:"workload"`
	Threads  int      `json:"threads"`
	Mode     Mode     `json:"mode"`
	Repeat   int      `json:"repeat"`
	WallNs   int64    `json:"wall_ns"`
	CPUNs    int64    `json:"cpu_ns"`
	PeakRSS  int64    `json:"peak_rss"`
}

// WorkloadResult is one workload's figures at N threads: medians of the
// per-round ratios.
type WorkloadResult struct {
	SingleThreadMs float64 `json:"single_thread_ms"` // for the reference work
	Speedup        float64 `json:"speedup"`          // 1 thread / N threads
	CPUWallRatio   float64 `json:"cpu_wall_ratio"`   // CPU time / wall time at N threads
	ProcessSpeedup float64 `json:"process_speedup"`  // 1 thread / N processes: the ceiling
	Efficiency     float64 `json:"efficiency"`       // threads against processes
	Spread         float64 `json:"spread"`           // IQR/median of the per-round efficiency
}

// Result is one interpreter's run.
type Result struct {
	Path         string            `json:"path"`
	Version      pyversion.Version `json:"version"`
	FreeThreaded bool              `json:"free_threaded"`
	Args         []string          `json:"args,omitempty"`
	// Variant is how the interpreter ran (PYTHON_JIT=1); "" as it is.
	Variant envs.Variant `json:"variant,omitempty"`
	// Paired, for a variant measured beside another of the same
	// interpreter (RunPaired), holds per workload its single-thread time
	// against Baseline's, round by round; PairedVerdict says it in words.
	Baseline        envs.Variant       `json:"baseline,omitempty"`
	Paired          map[Workload]Ratio `json:"paired,omitempty"`
	PairedVerdict   string             `json:"paired_verdict,omitempty"`
	GILEnabledStart *bool              `json:"gil_enabled_start"`
	GILEnabledEnd   *bool              `json:"gil_enabled_end"`
	// JITEnabled says whether the JIT was on in the run's processes (nil:
	// a build without it).
	JITEnabled *bool   `json:"jit_enabled,omitempty"`
	StartupMs  float64 `json:"startup_ms"`
	// Workloads are each workload's figures; the headline maps below hold
	// their median, keyed by thread count.
	Workloads      map[Workload]WorkloadResult `json:"workloads"`
	SingleThreadMs map[Workload]float64        `json:"single_thread_ms"`
	Speedup        map[string]float64          `json:"speedup"`
	CPUWallRatio   map[string]float64          `json:"cpu_wall_ratio"`
	ProcessSpeedup map[string]float64          `json:"process_speedup"`
	Efficiency     map[string]float64          `json:"efficiency"`
	PeakRSSMB      map[string]float64          `json:"peak_rss_mb"`
	// HeadlineSpread is the IQR/median of the per-round headline
	// efficiency; Noisy says it stayed above NoisyAbove to the end of the
	// budget, and then no verdict is given.
	HeadlineSpread float64  `json:"headline_spread"`
	Rounds         int      `json:"rounds"`
	Noisy          bool     `json:"noisy"`
	Verdict        string   `json:"verdict"`
	FTCostPct      *float64 `json:"ft_cost_pct,omitempty"`
	ComparedWith   string   `json:"ft_cost_against,omitempty"`
	Warnings       []string `json:"warnings"`
	// Notes are what PyHangar says of how it ran ("this build has no JIT:
	// nothing extra was measured").
	Notes        []string  `json:"notes,omitempty"`
	ThreadCounts []int     `json:"thread_counts"`
	Repeats      int       `json:"repeats"`
	BinarySHA256 string    `json:"binary_sha256"`
	SuiteVersion string    `json:"suite_version"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	Samples      []Sample  `json:"-"`
}

// Threads is N, the thread count the figures are for.
func (r Result) Threads() int {
	if len(r.ThreadCounts) == 0 {
		return 1
	}
	return r.ThreadCounts[len(r.ThreadCounts)-1]
}

// Build names the run's build and how it ran: "free-threaded", "GIL, JIT
// on".
func (r Result) Build() string {
	if r.Variant == "" {
		return pyversion.BuildName(r.FreeThreaded)
	}
	return pyversion.BuildName(r.FreeThreaded) + ", " + r.Variant.Words()
}

// Name is the run's interpreter in short: "3.14.7t", "3.14.7 JIT on".
func (r Result) Name() string {
	name := string(r.Version)
	if r.FreeThreaded {
		name += "t"
	}
	if r.Variant != "" {
		name += " " + r.Variant.Words()
	}
	return name
}

// Supported says whether the benchmark can run on an interpreter.
func Supported(in envs.Interpreter) error {
	if in.Status != envs.StatusOK {
		return fmt.Errorf("%s is broken: %s", in.Path, in.Error)
	}
	if !in.Version.AtLeast("3.8") {
		return fmt.Errorf("not supported: the benchmark needs Python 3.8 or newer, and %s is %s", in.Path, in.Version)
	}
	return nil
}

// minRounds is how many rounds every run takes; steadyRounds how many it
// takes at least before it may stop early on a steady headline.
const (
	minRounds       = 5
	minPairedRounds = 8
	steadyRounds    = 12
)

// Run benchmarks one interpreter. Nothing is kept unless it completes;
// cancelled, it returns the context's error once its processes are gone.
// The budget bounds the run: past twice the budget and ten seconds more
// (start-up, calibration and the memory runs come on top of the rounds),
// an interpreter that stopped answering is given up on.
func Run(ctx context.Context, in envs.Interpreter, opt Options) (Result, error) {
	rs, err := RunPaired(ctx, in, opt, "")
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// RunPaired benchmarks one interpreter run several ways (variants, such
// as PYTHON_JIT=0 and PYTHON_JIT=1), each in its own processes, in the
// same rounds, each workload's cells of every variant back to back, so
// that a slow spell hits them alike. It
// returns a result per variant; each after the first also holds, per
// workload, its single-thread time paired round by round against the
// first's. Each variant gets the budget a plain run gets.
func RunPaired(ctx context.Context, in envs.Interpreter, opt Options, variants ...envs.Variant) ([]Result, error) {
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if len(variants) == 0 {
		variants = []envs.Variant{""}
	}
	limit := time.Duration(len(variants))*2*opt.Budget + 10*time.Second
	runCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	rs, err := run(runCtx, in, opt, variants)
	switch {
	case err == nil:
		return rs, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case runCtx.Err() != nil:
		return nil, fmt.Errorf("the benchmark of %s went past its budget of %v and was stopped after %v: %w", in.Path, opt.Budget, limit, err)
	}
	return nil, err
}

// side is one variant under measurement: its own processes, measured in
// the same rounds as the others.
type side struct {
	py      *runner
	threads *server
	procs   []*server
	r       Result
	label   string // put before its progress lines: "JIT on: "
}

func (s *side) close() {
	if s.threads != nil {
		s.threads.close()
	}
	for _, p := range s.procs {
		p.close()
	}
}

func run(ctx context.Context, in envs.Interpreter, opt Options, variants []envs.Variant) ([]Result, error) {
	if err := Supported(in); err != nil {
		return nil, err
	}
	for _, a := range opt.ExtraArgs {
		if !in.FreeThreaded && (strings.HasPrefix(a, "gil=") || a == "-Xgil=0" || a == "-Xgil=1") {
			return nil, errors.New("-X gil is only for free-threaded builds")
		}
	}
	for _, v := range variants {
		if err := v.Check(in); err != nil {
			return nil, err
		}
	}
	if opt.CellMs <= 0 {
		opt.CellMs = 40
	}
	n := platform.UsableCPUs()
	if opt.MaxThreads > 0 && opt.MaxThreads < n {
		n = opt.MaxThreads
	}
	if n < 2 {
		n = 2 // one core still shows whether threads take turns
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string) {}
	}
	start := time.Now()
	sha, err := fileSHA256(in.Path)
	if err != nil {
		return nil, err
	}
	sides := make([]*side, len(variants))
	defer func() {
		for _, s := range sides {
			if s != nil {
				s.close()
			}
		}
	}()
	var iters map[Workload]int64
	for i, v := range variants {
		s := &side{py: &runner{python: in.Path, version: in.Version, args: opt.ExtraArgs, vars: v.Env(), answer: max(opt.Budget, 5*time.Second)}}
		if v != "" {
			s.label = v.Words() + ": "
		}
		sides[i] = s
		s.r = Result{Path: in.Path, Version: in.Version, FreeThreaded: in.FreeThreaded, Args: opt.ExtraArgs, Variant: v,
			ThreadCounts: []int{1, n}, SuiteVersion: SuiteVersion, Started: start.UTC(), Warnings: []string{}, BinarySHA256: sha}
		progress(s.label + "start-up time")
		if s.r.StartupMs, err = s.py.startup(ctx, 5); err != nil {
			return nil, err
		}
		progress(fmt.Sprintf("%sstarting 1 + %d benchmark processes", s.label, n))
		servers, err := s.py.serveN(ctx, n+1)
		if err != nil {
			return nil, err
		}
		s.threads, s.procs = servers[0], servers[1:]
		s.r.GILEnabledStart, s.r.JITEnabled = s.threads.gilStart, s.threads.jit
		// Each side calibrates, which warms it up (a JIT compiles its
		// hot loops there); all do the first side's work.
		progress(s.label + "calibrating")
		its, err := s.threads.calibrate(ctx, opt.CellMs)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			iters = its
		}
	}

	// Rounds until every side's headline is steady or the budget is spent
	// (less what the memory runs after it take). Paired sides take more
	// rounds: a pair's interval needs at least six, and while a
	// comparison is still undecided (its interval across the noise
	// floor) they go on, to twice the budget.
	least := minRounds
	if len(sides) > 1 {
		least = minPairedRounds
	}
	share := time.Duration(len(sides)) * (opt.Budget - opt.Budget/10)
	deadline, last := start.Add(share), start.Add(2*share)
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := measureRound(ctx, sides, iters, i); err != nil {
			return nil, err
		}
		spread := 0.0
		steady, decided := true, true
		for j, s := range sides {
			spread = max(spread, headlineSpread(s.r.Samples))
			if j > 0 {
				steady = steady && pairedSteady(sides[0].r.Samples, s.r.Samples)
				decided = decided && pairedDecided(sides[0].r.Samples, s.r.Samples)
			}
		}
		rounds := i + 1
		progress(fmt.Sprintf("round %d: efficiency spread ±%.0f%%", rounds, 50*spread))
		steady = steady && rounds >= steadyRounds && spread <= NoisyAbove
		now := time.Now()
		if rounds >= least && (steady || now.After(deadline) && decided || now.After(last)) {
			break
		}
	}
	var out []Result
	for _, s := range sides {
		r := &s.r
		if r.GILEnabledEnd, r.Warnings, err = s.threads.gilEnd(ctx); err != nil {
			return nil, err
		}
		progress(s.label + "memory")
		r.PeakRSSMB = map[string]float64{}
		for _, k := range []int{1, n} {
			rss, err := s.py.memory(ctx, iters, k)
			if err != nil {
				return nil, err
			}
			if rss > 0 {
				r.PeakRSSMB[fmt.Sprint(k)] = round(float64(rss)/(1<<20), 1)
				r.Samples = append(r.Samples, Sample{Workload: Memory, Threads: k, Mode: ModeThread, PeakRSS: rss})
			}
		}
		summarize(r, iters)
		r.Finished = time.Now().UTC()
		out = append(out, *r)
	}
	for i := 1; i < len(out); i++ {
		pair(&out[0], &out[i])
	}
	return out, nil
}

// measureRound runs one round: per workload, 1 thread, N threads and N
// processes back to back, in an order that turns with the round. Sides
// measured in pairs run their 1-thread cells first, back to back and then
// again in the reverse order (A B B A: a machine that speeds up or slows
// down through them weighs on both sides alike), which are the pairs a
// variant is judged on; then each side's N threads and N processes.
func measureRound(ctx context.Context, sides []*side, iters map[Workload]int64, rnd int) error {
	for _, w := range Workloads {
		var cells []func() error
		cell := func(sd *side, run func() (Sample, error)) func() error {
			return func() error {
				s, err := run()
				if err != nil {
					return err
				}
				s.Workload, s.Repeat = w, rnd
				sd.r.Samples = append(sd.r.Samples, s)
				return nil
			}
		}
		three := func(sd *side) []func() error {
			n := len(sd.procs)
			return []func() error{
				cell(sd, func() (Sample, error) { return sd.threads.run(ctx, w, iters[w], 1) }),
				cell(sd, func() (Sample, error) { return sd.threads.run(ctx, w, iters[w], n) }),
				cell(sd, func() (Sample, error) { return runTogether(ctx, sd.procs, w, iters[w]) }),
			}
		}
		if len(sides) == 1 {
			c := three(sides[0])
			for i := range c {
				cells = append(cells, c[(i+rnd)%len(c)])
			}
		} else {
			var ones, back, rest []func() error
			for j := range sides {
				c := three(sides[(j+rnd)%len(sides)])
				ones = append(ones, c[0])
				back = append([]func() error{three(sides[(j+rnd)%len(sides)])[0]}, back...)
				rest = append(rest, c[1+rnd%2], c[2-rnd%2])
			}
			cells = append(append(append(cells, ones...), back...), rest...)
		}
		for _, run := range cells {
			if err := run(); err != nil {
				return err
			}
		}
	}
	return nil
}

// DefaultTargets picks what bench measures when not told: every
// free-threaded interpreter, plus the newest GIL build of each of their
// minor versions.
func DefaultTargets(list []envs.Interpreter) []envs.Interpreter {
	var out []envs.Interpreter
	var minors []pyversion.Version
	seen := map[pyversion.Version]bool{}
	for _, in := range list {
		if in.FreeThreaded && !in.IsVenv && Supported(in) == nil {
			out = append(out, in)
			if m := in.Version.Minor(); !seen[m] {
				seen[m] = true
				minors = append(minors, m)
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
		if !ft.FreeThreaded || !plain(*ft) {
			continue
		}
		for _, g := range results {
			if g.FreeThreaded || !plain(g) || g.Version.Minor() != ft.Version.Minor() {
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

// plain says whether a run is of the interpreter as it runs by default
// (a build with the JIT has it off unless told).
func plain(r Result) bool { return r.Variant == "" || r.Variant == envs.JITOff }

func total(m map[Workload]float64) float64 {
	t := 0.0
	for _, v := range m {
		t += v
	}
	return t
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
