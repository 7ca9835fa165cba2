package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

// runner starts the interpreter with the workload script.
type runner struct {
	python string
	args   []string
}

func (p *runner) argv(mode string, arg ...string) []string {
	argv := append([]string{p.python, "-I"}, p.args...)
	argv = append(argv, "-c", workloadScript, mode)
	return append(argv, arg...)
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

// server is a workload process that stays up for the whole run and takes
// one command at a time: the thread cells run in one, the process cells
// in N others.
type server struct {
	python   string
	cmd      *exec.Cmd
	in       io.WriteCloser
	out      *bufio.Scanner
	stderr   *strings.Builder // read only once the process has ended
	gilStart *bool
	closed   bool
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
	argv := p.argv("serve")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	s := &server{python: p.python, cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = s.stderr
	var err error
	if s.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.out = bufio.NewScanner(stdout)
	s.out.Buffer(make([]byte, 64<<10), 1<<20)
	var ready struct {
		Ready bool
		GIL   *bool
	}
	if err := s.read(&ready); err != nil || !ready.Ready {
		s.close()
		return nil, fmt.Errorf("a benchmark process of %s did not start: %v", p.python, err)
	}
	s.gilStart = ready.GIL
	return s, nil
}

// ask sends one command and reads its answer into v.
func (s *server) ask(cmd any, v any) error {
	b, _ := json.Marshal(cmd)
	if _, err := s.in.Write(append(b, '\n')); err != nil {
		return s.failed(err)
	}
	return s.read(v)
}

func (s *server) read(v any) error {
	if !s.out.Scan() {
		err := s.out.Err()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return s.failed(err)
	}
	return json.Unmarshal(s.out.Bytes(), v)
}

// failed ends the process and names what it said before it went away.
func (s *server) failed(err error) error {
	s.close()
	if tail := platform.LastLine([]byte(s.stderr.String())); tail != "" {
		return fmt.Errorf("the benchmark failed in %s: %s", s.python, tail)
	}
	return fmt.Errorf("the benchmark process of %s stopped: %w", s.python, err)
}

// close ends the process: it exits when its input closes; one that does
// not within a few seconds is killed.
func (s *server) close() {
	if s.closed {
		return
	}
	s.closed = true
	s.in.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func (s *server) calibrate(targetMs float64) (map[Workload]int64, error) {
	var out struct{ N map[Workload]int64 }
	if err := s.ask(map[string]any{"calibrate": targetMs}, &out); err != nil {
		return nil, err
	}
	if len(out.N) != len(Workloads) {
		return nil, fmt.Errorf("calibration in %s gave no answer", s.python)
	}
	return out.N, nil
}

type timing struct {
	Start int64 `json:"start_ns"`
	End   int64 `json:"end_ns"`
	CPU   int64 `json:"cpu_ns"`
}

// run runs a workload's n iterations split over k threads.
func (s *server) run(w Workload, n int64, k int) (Sample, error) {
	var t timing
	if err := s.ask(map[string]any{"run": w, "n": n, "threads": k}, &t); err != nil {
		return Sample{}, err
	}
	return Sample{Threads: k, Mode: ModeThread, WallNs: t.End - t.Start, CPUNs: t.CPU}, nil
}

// runTogether runs a workload's n iterations split over the processes,
// started together: the sample is from the first start to the last end.
// The processes' clocks are the system's monotonic clock, shared by all.
func runTogether(procs []*server, w Workload, n int64) (Sample, error) {
	k := len(procs)
	share := max(1, n/int64(k))
	times := make([]timing, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func(i int, p *server) {
			defer wg.Done()
			errs[i] = p.ask(map[string]any{"run": w, "n": share, "threads": 1}, &times[i])
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
func (s *server) gilEnd() (*bool, []string, error) {
	var out struct {
		GIL      *bool
		Warnings []string
	}
	if err := s.ask(map[string]any{"gil": true}, &out); err != nil {
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
	res, err := platform.Run(ctx, p.argv("memory", string(spec)), platform.RunOptions{Timeout: 5 * time.Minute})
	if err != nil {
		return 0, err
	}
	if res.ExitCode != 0 {
		return 0, fmt.Errorf("the memory run of %s failed: %s", p.python, platform.LastLine(res.Stderr))
	}
	var out struct {
		PeakRSS int64 `json:"peak_rss"`
	}
	if err := json.Unmarshal([]byte(platform.LastLine(res.Stdout)), &out); err != nil {
		return 0, fmt.Errorf("the memory run of %s answered %q", p.python, platform.LastLine(res.Stdout))
	}
	return out.PeakRSS, nil
}
