package trial

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/platform"
)

//go:embed launcher.py
var launcherScript string

// TimingResult is a target's timed runs of the run command.
type TimingResult struct {
	Command []string `json:"command"`
	Runs    int      `json:"runs"` // timed runs, the warm-up left out
	// MedianMs and Spread (IQR/median) are of the wall time; CPUWall is
	// the median CPU time (user and system, the command's and its
	// children's) over wall time; PeakMB the median peak memory of the
	// command and its children.
	MedianMs float64 `json:"median_ms"`
	Spread   float64 `json:"spread"`
	CPUWall  float64 `json:"cpu_wall"`
	PeakMB   float64 `json:"peak_mb"`
	// Noisy says the runs disagreed by more than the benchmark allows
	// (±5% quartiles).
	Noisy bool `json:"noisy"`
	// Failed counts runs that exited with an error.
	Failed int `json:"failed"`
	// Against compares it with the baseline; nil for the baseline.
	Against *Comparison `json:"against,omitempty"`
	Error   string      `json:"error,omitempty"`
}

// Comparison is a target against the baseline, from the same rounds.
type Comparison struct {
	Baseline string `json:"baseline"` // the baseline's name
	// Time is the baseline's wall time over this target's, round by round
	// (above 1: this target is faster), with its 95% interval.
	Time bench.Ratio `json:"time"`
	// Memory is this target's median peak memory over the baseline's.
	Memory float64 `json:"memory"`
}

// Rounds: at least minRounds (a 95% interval needs six pairs) unless the
// budget ends first, and never fewer than leastRounds; they stop early
// once every comparison's interval is within ±precision.
const (
	minRounds   = 6
	leastRounds = 3
	maxRounds   = 200
	precision   = 0.025
)

// launcher is the process that runs the project's commands for a try (its
// installs, its tests, its timed runs) and measures them. It runs them in
// its own process group, which PyHangar ends whole when the try ends or is
// cancelled; when PyHangar itself dies, the launcher's input closes and it
// ends the group, so nothing of the project's is left running.
type launcher struct{ w *platform.Worker }

// runResult is one run as the launcher reports it.
type runResult struct {
	Line    *string `json:"line"` // a line of its output, while it runs (stream)
	Exit    int     `json:"exit"`
	WallNs  int64   `json:"wall_ns"`
	CPUNs   int64   `json:"cpu_ns"`
	PeakRSS int64   `json:"peak_rss"`
	Tail    string  `json:"tail"`
	Error   string  `json:"error"`
}

func startLauncher(ctx context.Context, python string) (*launcher, error) {
	w, err := platform.StartWorker(ctx, []string{python, "-I", "-c", launcherScript}, platform.WorkerOptions{Name: "the launcher (" + python + ")",
		MaxLine: 1 << 20}) // each command's own limit bounds its answers
	if err != nil {
		return nil, err
	}
	line, err := w.Receive(ctx)
	if err != nil {
		w.Close(time.Second)
		return nil, fmt.Errorf("the launcher did not start: %w", err)
	}
	var ready struct{ Ready bool }
	if json.Unmarshal(line, &ready) != nil || !ready.Ready {
		w.Close(time.Second)
		return nil, w.Garbage(line, errors.New("not the launcher's ready line"))
	}
	return &launcher{w: w}, nil
}

// command is one command for the launcher.
type command struct {
	argv   []string
	dir    string
	env    []string
	limit  time.Duration // how long it may run
	onLine func(string)  // each line of its output, as it comes; nil: none
	tail   int           // how much of its output to keep (bytes)
}

// run runs a command once and checks the figures it gets back. Past its
// limit, or cancelled, the launcher is ended with all it started.
func (l *launcher) run(ctx context.Context, c command) (runResult, error) {
	envMap := map[string]string{}
	for _, kv := range c.env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			envMap[k] = v
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.limit)
	defer cancel()
	if err := l.w.Send(map[string]any{"argv": c.argv, "cwd": c.dir, "env": envMap, "stream": c.onLine != nil, "tail": max(c.tail, 4096)}); err != nil {
		return runResult{}, err
	}
	for {
		line, err := l.w.Receive(ctx)
		if err != nil {
			if errors.Is(err, platform.ErrNoAnswer) && ctx.Err() == context.DeadlineExceeded {
				return runResult{}, fmt.Errorf("%s did not end within %v", commandName(c.argv), c.limit)
			}
			return runResult{}, err
		}
		var r runResult
		if err := json.Unmarshal(line, &r); err != nil {
			return runResult{}, l.w.Garbage(line, err)
		}
		if r.Line != nil {
			if c.onLine != nil {
				c.onLine(*r.Line)
			}
			continue
		}
		switch {
		case r.Error != "":
			return r, errors.New(r.Error)
		case r.WallNs <= 0 || r.CPUNs < 0 || r.PeakRSS < 0 || r.WallNs > int64(24*time.Hour):
			return r, fmt.Errorf("the launcher reported a run of %d ns using %d ns of CPU and %d bytes, which cannot be", r.WallNs, r.CPUNs, r.PeakRSS)
		}
		return r, nil
	}
}

func (l *launcher) close() { l.w.Close(2 * time.Second) }

// installTimeout bounds one install.
var installTimeout = time.Hour

// tool runs an installer (pip, uv) for envs.Install: its lines as they
// come, its exit status and its output's last line.
func (l *launcher) tool(ctx context.Context, argv []string, dir string, onLine func(string)) (int, string, error) {
	var last string
	r, err := l.run(ctx, command{argv: argv, dir: dir, env: os.Environ(), limit: installTimeout, onLine: func(line string) {
		if strings.TrimSpace(line) != "" {
			last = line
		}
		onLine(line)
	}})
	return r.Exit, last, err
}

// time runs the rounds: a warm-up run of each target, then rounds in which
// every target runs once, in an order that turns with the round, until
// every comparison is precise or the budget is spent.
func (tr *Try) time(ctx context.Context, opt Options, l *launcher) error {
	var live []int // targets whose command runs
	for _, i := range tr.Tried() {
		tr.Targets[i].Timing = &TimingResult{Command: opt.Run}
		live = append(live, i)
	}
	limit := max(2*opt.Budget, 2*time.Minute)
	progress := func(frac float64, line string) {
		opt.Progress(Event{Target: -1, Step: StepTiming, Line: line, Frac: min(frac, 1)})
	}
	runOnce := func(i, round int) error {
		r := &tr.Targets[i]
		res, err := l.run(ctx, command{argv: commandFor(opt.Run, r.Venv), dir: opt.Project.Dir, env: commandEnv(r.Venv, r.Variant), limit: limit})
		if err != nil {
			return err
		}
		if res.Exit != 0 {
			r.Timing.Failed++
			if round < 0 {
				return fmt.Errorf("%s: the run command exited with status %d: %s", r.Name(), res.Exit, lastLines(res.Tail, 3))
			}
		}
		tr.Samples = append(tr.Samples, Sample{Target: i, Round: round, WallNs: res.WallNs, CPUNs: res.CPUNs, PeakRSS: res.PeakRSS, Exit: res.Exit})
		return nil
	}
	progress(0, "warming up")
	for _, i := range live {
		if err := runOnce(i, -1); err != nil {
			tr.Targets[i].Timing.Error = err.Error()
			return err
		}
	}
	start := time.Now()
	for round := 0; round < maxRounds; round++ {
		for j := range live {
			if err := runOnce(live[(round+j)%len(live)], round); err != nil {
				return err
			}
		}
		tr.Rounds = round + 1
		spent := time.Since(start)
		progress(spent.Seconds()/opt.Budget.Seconds(), fmt.Sprintf("round %d", tr.Rounds))
		if tr.Rounds >= minRounds && tr.precise(live) {
			break
		}
		if spent >= opt.Budget && tr.Rounds >= leastRounds {
			break
		}
	}
	tr.figures(live)
	return nil
}

// walls are a target's timed wall times by round.
func (tr *Try) walls(i int) []float64 {
	out := make([]float64, tr.Rounds)
	for _, s := range tr.Samples {
		if s.Target == i && s.Round >= 0 && s.Round < tr.Rounds {
			out[s.Round] = float64(s.WallNs)
		}
	}
	return out
}

// precise says every comparison's interval is within ±precision.
func (tr *Try) precise(live []int) bool {
	base := tr.walls(live[0])
	for _, i := range live[1:] {
		r := ratioOf(base, tr.walls(i))
		if r.Pairs < minRounds || r.High/r.Low > (1+precision)/(1-precision) {
			return false
		}
	}
	return true
}

// figures sums each target's runs up, and compares it with the baseline.
func (tr *Try) figures(live []int) {
	baseName := tr.Targets[live[0]].Name()
	baseWalls := tr.walls(live[0])
	var basePeak float64
	for n, i := range live {
		t := tr.Targets[i].Timing
		var walls, cpuWall, peaks []float64
		for _, s := range tr.Samples {
			if s.Target == i && s.Round >= 0 {
				walls = append(walls, float64(s.WallNs))
				cpuWall = append(cpuWall, float64(s.CPUNs)/float64(s.WallNs))
				peaks = append(peaks, float64(s.PeakRSS)/(1<<20))
			}
		}
		st := bench.Summarize(walls)
		t.Runs = st.N
		t.MedianMs = round(st.Median/1e6, 2)
		t.Spread = round(st.Spread(), 3)
		t.Noisy = st.Spread() > bench.NoisyAbove
		t.CPUWall = round(bench.Summarize(cpuWall).Median, 2)
		t.PeakMB = round(bench.Summarize(peaks).Median, 1)
		if n == 0 {
			basePeak = t.PeakMB
			continue
		}
		c := &Comparison{Baseline: baseName, Time: ratioOf(baseWalls, tr.walls(i))}
		if basePeak > 0 {
			c.Memory = round(t.PeakMB/basePeak, 2)
		}
		t.Against = c
	}
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}
