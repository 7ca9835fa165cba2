package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// runner starts the interpreter with the workload script.
type runner struct {
	python  string
	version pyversion.Version
	args    []string
	// vars are the Python settings it runs with (PYTHON_JIT=1): a
	// variant's.
	vars []string
	// answer bounds each answer of a server: an interpreter that stops
	// answering is given up on after it.
	answer time.Duration
}

// env is the environment the interpreter runs with: nil (PyHangar's own,
// which -I keeps from it) unless there are settings to give it; then
// PyHangar's without any PYTHON* setting of its own, and the settings.
func (p *runner) env() []string {
	if len(p.vars) == 0 {
		return nil
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PYTHON") {
			env = append(env, kv)
		}
	}
	return append(env, p.vars...)
}

// isolation are the options that keep the user's site and settings out:
// -I, which also ignores the environment, so a run with settings (-I would
// drop them, and PYTHON_JIT has no -X option) takes -s and -P instead
// (-P from 3.11) and an environment holding no other Python setting.
func (p *runner) isolation() []string {
	switch {
	case len(p.vars) == 0:
		return []string{"-I"}
	case p.version.AtLeast("3.11"):
		return []string{"-s", "-P"}
	}
	return []string{"-s"}
}

func (p *runner) argv(mode string, arg ...string) []string {
	argv := append(append([]string{p.python}, p.isolation()...), p.args...)
	argv = append(argv, "-c", workloadScript, mode)
	return append(argv, arg...)
}

// startup is the median wall time of `python -I -c pass`, after a warm-up.
func (p *runner) startup(ctx context.Context, n int) (float64, error) {
	var ms []float64
	for i := 0; i <= n; i++ {
		start := time.Now()
		argv := append(append(append([]string{p.python}, p.isolation()...), p.args...), "-c", "pass")
		res, err := platform.Run(ctx, argv, platform.RunOptions{Timeout: 30 * time.Second, Env: p.env()})
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

// server is a workload process that stays up for the whole run and takes
// one command at a time: the thread cells run in one, the process cells
// in N others. It runs as a platform.Worker: every answer has the run's
// deadline, and closing it ends whatever it started.
type server struct {
	python   string
	w        *platform.Worker
	gilStart *bool
	jit      *bool // the JIT on (nil: a build without it)
}

// command is one line sent to a server (workload.py's protocol).
type command struct {
	Calibrate float64  `json:"calibrate,omitempty"` // target ms per cell
	Run       Workload `json:"run,omitempty"`
	N         int64    `json:"n,omitempty"`
	Threads   int      `json:"threads,omitempty"`
	GIL       bool     `json:"gil,omitempty"`
}

// serveN starts n servers at once and waits until each has warmed up.
func (p *runner) serveN(ctx context.Context, n int) ([]*server, error) {
	out := make([]*server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out[i], errs[i] = p.serve(ctx)
		}(i)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, s := range out {
			if s != nil {
				s.close()
			}
		}
		return nil, err
	}
	return out, nil
}

func (p *runner) serve(ctx context.Context) (*server, error) {
	w, err := platform.StartWorker(ctx, p.argv("serve"), platform.WorkerOptions{Name: p.python, Env: p.env(), MaxLine: 64 << 10, Timeout: p.answer})
	if err != nil {
		return nil, err
	}
	s := &server{python: p.python, w: w}
	line, err := w.Receive(ctx)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("a benchmark process of %s did not start: %w", p.python, err)
	}
	var ready struct {
		Ready bool
		GIL   *bool
		JIT   *bool
	}
	if err := json.Unmarshal(line, &ready); err != nil || !ready.Ready {
		s.close()
		return nil, w.Garbage(line, errors.New("not the benchmark's ready line"))
	}
	s.gilStart, s.jit = ready.GIL, ready.JIT
	return s, nil
}

// ask sends one command and reads its answer into v.
func (s *server) ask(ctx context.Context, cmd command, v any) error {
	return s.w.Ask(ctx, cmd, v)
}

// close ends the process: it exits when its input closes; one that does
// not within a few seconds is killed, with all it started.
func (s *server) close() { s.w.Close(5 * time.Second) }

// maxIterations bounds what calibration may ask of one cell.
const maxIterations = 1 << 40

func (s *server) calibrate(ctx context.Context, targetMs float64) (map[Workload]int64, error) {
	var out struct{ N map[Workload]int64 }
	if err := s.ask(ctx, command{Calibrate: targetMs}, &out); err != nil {
		return nil, err
	}
	for _, w := range Workloads {
		if n, ok := out.N[w]; !ok || n < 1 || n > maxIterations {
			return nil, fmt.Errorf("the calibration in %s gave %d iterations for %s, which is not a count to run", s.python, out.N[w], w)
		}
	}
	return out.N, nil
}

type timing struct {
	Start int64 `json:"start_ns"`
	End   int64 `json:"end_ns"`
	CPU   int64 `json:"cpu_ns"`
}

// check refuses times that cannot be: an end before the start, negative
// CPU time, a cell longer than an hour.
func (t timing) check(python string) error {
	if t.End < t.Start || t.CPU < 0 || t.End-t.Start > int64(time.Hour) {
		return fmt.Errorf("%s reported a cell from %d to %d ns using %d ns of CPU, which cannot be", python, t.Start, t.End, t.CPU)
	}
	return nil
}

// run runs a workload's n iterations split over k threads.
func (s *server) run(ctx context.Context, w Workload, n int64, k int) (Sample, error) {
	var t timing
	if err := s.ask(ctx, command{Run: w, N: n, Threads: k}, &t); err != nil {
		return Sample{}, err
	}
	if err := t.check(s.python); err != nil {
		return Sample{}, err
	}
	return Sample{Threads: k, Mode: ModeThread, WallNs: t.End - t.Start, CPUNs: t.CPU}, nil
}

// runTogether runs a workload's n iterations split over the processes,
// started together: the sample is from the first start to the last end.
// The processes' clocks are the system's monotonic clock, shared by all.
func runTogether(ctx context.Context, procs []*server, w Workload, n int64) (Sample, error) {
	k := len(procs)
	share := max(1, n/int64(k))
	times := make([]timing, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func(i int, p *server) {
			defer wg.Done()
			if errs[i] = p.ask(ctx, command{Run: w, N: share, Threads: 1}, &times[i]); errs[i] == nil {
				errs[i] = times[i].check(p.python)
			}
		}(i, p)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Sample{}, err
	}
	s := Sample{Threads: k, Mode: ModeProcess}
	first, last := int64(math.MaxInt64), int64(0)
	for _, t := range times {
		first, last = min(first, t.Start), max(last, t.End)
		s.CPUNs += t.CPU
	}
	s.WallNs = last - first
	return s, nil
}

// gilEnd asks the thread server whether the GIL is still off, and for the
// warnings the run raised.
func (s *server) gilEnd(ctx context.Context) (*bool, []string, error) {
	var out struct {
		GIL      *bool
		Warnings []string
	}
	if err := s.ask(ctx, command{GIL: true}, &out); err != nil {
		return nil, nil, err
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	return out.GIL, out.Warnings, nil
}

// memory runs every workload once in k threads in a fresh process, which
// reports its own peak resident set size: a figure for the interpreter
// alone (what the OS reports to a parent folds the parent's own size in).
func (p *runner) memory(ctx context.Context, iters map[Workload]int64, k int) (int64, error) {
	spec, _ := json.Marshal(map[string]any{"n": iters, "threads": k})
	res, err := platform.Run(ctx, p.argv("memory", string(spec)), platform.RunOptions{Timeout: 5 * time.Minute, Env: p.env()})
	if err != nil {
		return 0, err
	}
	if res.ExitCode != 0 {
		return 0, fmt.Errorf("the memory run of %s failed: %s", p.python, platform.LastLine(res.Stderr))
	}
	var out struct {
		PeakRSS int64 `json:"peak_rss"`
	}
	last := platform.LastLine(res.Stdout)
	if err := json.Unmarshal([]byte(last), &out); err != nil || out.PeakRSS < 0 || out.PeakRSS > 1<<44 {
		return 0, fmt.Errorf("the memory run of %s answered %q, which is not a peak memory", p.python, platform.Shown([]byte(last), 200))
	}
	return out.PeakRSS, nil
}
