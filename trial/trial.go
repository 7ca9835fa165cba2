// Package trial is a try of a project on other Pythons: per target, the
// readiness of its dependencies, a venv of its own (reused while nothing
// it is made from changed), the GIL after its imports, its tests, and the
// speed and memory of its own command in rounds interleaved across the
// targets, compared against the first target in pairs. It runs the
// project's code: the caller asks the user first (Plan says what will
// run).
//
// The files are its steps: target.go the targets, plan.go what a try
// will run, venv.go the venvs, gil.go the GIL step, tests.go the test
// step and its runners' summaries, timing.go the timed rounds and their
// launcher, answer.go the answer in words.
package trial

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/wheels"
)

// Step is one step of a try of one target.
type Step string

const (
	StepReadiness Step = "readiness"
	StepVenv      Step = "venv"
	StepGIL       Step = "gil"
	StepTests     Step = "tests"
	StepTiming    Step = "timing"
)

// Status is how a try stands. Its JSON is the text of the constant.
type Status string

const (
	StatusRunning     Status = "running"
	StatusOK          Status = "ok"     // every step ran (tests may have failed: that is an answer)
	StatusFailed      Status = "failed" // a step could not be run
	StatusCancelled   Status = "cancelled"
	StatusInterrupted Status = "interrupted" // its process died; found at the next start
)

// DefaultBudget is how long the timed rounds may take.
const DefaultBudget = 60 * time.Second

// Options describe a try.
type Options struct {
	// DataDir holds the try's venvs (tries/) and locks.
	DataDir string
	Project project.Project
	// Targets are what is tried; the first is the baseline.
	Targets []Target
	// Test and Run are the commands (argv, "python" for the target's
	// interpreter); nil runs none.
	Test, Run []string
	// Budget bounds the timed rounds; 0 means DefaultBudget.
	Budget time.Duration
	// UV is uv's path when there is one: venvs and installs go through
	// it, else through venv and pip.
	UV string
	// Ready checks the project's requirements on an interpreter (the
	// readiness step); nil leaves the step out. Readiness, when set,
	// holds the checks made already (CheckReadiness, for the plan), by
	// target.
	Ready     func(ctx context.Context, t Target, reqs []wheels.Requirement, src wheels.Sources) (wheels.Report, error)
	Readiness []*ReadinessResult
	// Progress hears of each step of each target (Target -1: the rounds).
	Progress func(Event)
}

// Event is one step's progress: a step starting, a line of its tools'
// output, or the rounds' progress (Frac, 0 to 1).
type Event struct {
	Target int
	Step   Step
	Line   string
	Frac   float64
}

// Try is a try's answer, as it is kept.
type Try struct {
	ID       int64           `json:"id"`
	Project  project.Project `json:"project"`
	Targets  []TargetResult  `json:"targets"`
	Test     []string        `json:"test,omitempty"`
	Run      []string        `json:"run,omitempty"`
	Budget   float64         `json:"budget_s"`
	Rounds   int             `json:"rounds"`
	Samples  []Sample        `json:"samples,omitempty"`
	Status   Status          `json:"status"`
	Error    string          `json:"error,omitempty"`
	Started  time.Time       `json:"started"`
	Finished time.Time       `json:"finished"`
}

// TargetResult is one target's steps.
type TargetResult struct {
	Target
	// Skipped says why the target was not tried (the project's
	// requires-python leaves it out); its steps are then empty.
	Skipped   string           `json:"skipped,omitempty"`
	Readiness *ReadinessResult `json:"readiness,omitempty"`
	Venv      *VenvResult      `json:"venv,omitempty"`
	GIL       *GILResult       `json:"gil,omitempty"`
	Tests     *TestResult      `json:"tests,omitempty"`
	Timing    *TimingResult    `json:"timing,omitempty"`
	// Answer is the target's line of words.
	Answer string `json:"answer"`
}

// ReadinessResult is the ready check over the project's requirements.
type ReadinessResult struct {
	Checked int `json:"checked"`
	// FromSource will build from source (their build scripts run);
	// WillNot will not install, with why.
	FromSource []string `json:"from_source"`
	WillNot    []string `json:"will_not_install"`
	Error      string   `json:"error,omitempty"`
}

// Sample is one timed run of the run command.
type Sample struct {
	Target  int   `json:"target"`
	Round   int   `json:"round"` // -1: the warm-up
	WallNs  int64 `json:"wall_ns"`
	CPUNs   int64 `json:"cpu_ns"`
	PeakRSS int64 `json:"peak_rss"`
	Exit    int   `json:"exit"`
}

// Tried are the targets that were tried (not skipped), with their index.
func (t Try) Tried() []int {
	var out []int
	for i, r := range t.Targets {
		if r.Skipped == "" {
			out = append(out, i)
		}
	}
	return out
}

// Run tries the project on each target: the steps before the rounds
// target by target, then the rounds across them all. A cancel stops it
// with the context's error and what was done so far; nothing half made is
// left for a later try to reuse.
func Run(ctx context.Context, opt Options) (Try, error) {
	if len(opt.Targets) == 0 {
		return Try{}, errors.New("a try needs at least one interpreter")
	}
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if opt.Progress == nil {
		opt.Progress = func(Event) {}
	}
	tr := Try{Project: opt.Project, Test: opt.Test, Run: opt.Run, Budget: opt.Budget.Seconds(), Status: StatusRunning, Started: time.Now().UTC()}
	for _, t := range opt.Targets {
		r := TargetResult{Target: t}
		if ok, why := opt.Project.Supports(t.Python.Version); !ok {
			r.Skipped = why
		} else if err := t.Variant.Check(t.Python); err != nil {
			r.Skipped = err.Error()
		}
		tr.Targets = append(tr.Targets, r)
	}
	err := tr.run(ctx, opt)
	tr.Finished = time.Now().UTC()
	switch {
	case err == nil:
		tr.Status = StatusOK
	case ctx.Err() != nil:
		tr.Status, tr.Error = StatusCancelled, "cancelled"
		err = fmt.Errorf("the try was cancelled: %w", context.Canceled)
	default:
		tr.Status, tr.Error = StatusFailed, err.Error()
	}
	tr.answer()
	return tr, err
}

func (tr *Try) run(ctx context.Context, opt Options) error {
	tried := tr.Tried()
	if len(tried) == 0 {
		return errors.New("no interpreter given can run this project: " + tr.Targets[0].Skipped)
	}
	// One launcher runs the project's commands, installs included, so that
	// nothing of them outlives the try.
	l, err := startLauncher(ctx, tr.Targets[tried[0]].Python.Path)
	if err != nil {
		return err
	}
	defer l.close()
	venvs := map[string]*VenvResult{} // by interpreter: variants share a venv
	for _, i := range tried {
		r := &tr.Targets[i]
		say := func(step Step, line string) { opt.Progress(Event{Target: i, Step: step, Line: line}) }
		switch {
		case i < len(opt.Readiness) && opt.Readiness[i] != nil:
			r.Readiness = opt.Readiness[i]
		case opt.Ready != nil:
			say(StepReadiness, "")
			r.Readiness = readiness(ctx, opt, r.Target)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		say(StepVenv, "")
		v, ok := venvs[r.Python.Path]
		if !ok {
			var err error
			if v, err = makeVenv(ctx, opt, l, r.Target, func(line string) { say(StepVenv, line) }); err != nil {
				r.Venv = &VenvResult{Error: err.Error()}
				return fmt.Errorf("%s: %w", r.Name(), err)
			}
			venvs[r.Python.Path] = v
		}
		r.Venv = v
		say(StepGIL, "")
		r.GIL = scanGIL(ctx, opt, r.Target, v)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if opt.Test != nil {
			say(StepTests, "")
			r.Tests = runTests(ctx, opt, l, r.Target, v, func(line string) { say(StepTests, line) })
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if opt.Run == nil {
		return nil
	}
	return tr.time(ctx, opt, l)
}

// readiness runs the ready check over the project's requirements.
func readiness(ctx context.Context, opt Options, t Target) *ReadinessResult {
	reqs, src := wheels.FromLines(opt.Project.Requirements)
	out := &ReadinessResult{FromSource: []string{}, WillNot: []string{}}
	rep, err := opt.Ready(ctx, t, reqs, src)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	for _, res := range rep.Results {
		out.Checked++
		switch res.Status {
		case wheels.SourceOnly:
			out.FromSource = append(out.FromSource, res.Name)
		case wheels.NoCompatibleWheel, wheels.NotFound:
			out.WillNot = append(out.WillNot, fmt.Sprintf("%s (%s)", res.Name, res.Status))
		}
	}
	return out
}

// ratio is how a target's command went against the baseline's, in pairs.
func ratioOf(base, other []float64) bench.Ratio {
	n := min(len(base), len(other))
	ratios := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		if other[i] > 0 {
			ratios = append(ratios, base[i]/other[i])
		}
	}
	return bench.PairedRatio(ratios)
}
