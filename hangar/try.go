package hangar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/trial"
	"github.com/pyhangar/pyhangar/wheels"
)

// TryOptions are a try as a face asks for it.
type TryOptions struct {
	Dir string
	// Pythons are the targets: SPEC or PATH, with a variant after "::"
	// (3.14t::PYTHON_GIL=1); none means the newest GIL build and the
	// newest free-threaded build found here.
	Pythons []string
	Extras  []string
	Groups  []string // nil: the project's test group, when it has one
	// Test and Run are the commands; nil takes what the project has
	// (pytest or unittest; bench.py), and NoTest or NoRun none.
	Test, Run     []string
	NoTest, NoRun bool
	Budget        time.Duration
	IndexURL      string
}

// PreparedTry is a try worked out before anything runs: the project read,
// the targets resolved, the readiness checked, and the plan to agree to.
type PreparedTry struct {
	Options trial.Options
	Plan    trial.Plan
	// Agreed says the user agreed to this plan for this folder before.
	Agreed bool
}

// PrepareTry reads the project, resolves the targets and checks the
// readiness of the project's requirements on each (this fetches index
// pages and runs each target's packaging judge, nothing of the
// project's), then says what the try will run.
func (h *Hangar) PrepareTry(ctx context.Context, o TryOptions, progress func(string)) (*PreparedTry, error) {
	if progress == nil {
		progress = func(string) {}
	}
	p, err := project.Read(o.Dir, project.Options{Extras: o.Extras, Groups: o.Groups})
	if err != nil {
		return nil, err
	}
	targets, err := h.tryTargets(ctx, o.Pythons)
	if err != nil {
		return nil, err
	}
	opt := trial.Options{DataDir: h.DataDir, Project: p, Targets: targets, Budget: o.Budget, Test: p.Test, Run: p.Run}
	switch {
	case o.NoTest:
		opt.Test = nil
	case o.Test != nil:
		opt.Test = o.Test
	}
	switch {
	case o.NoRun:
		opt.Run = nil
	case o.Run != nil:
		opt.Run = o.Run
	}
	if uv, ok := installer.FindUV(ctx, h.DataDir); ok {
		opt.UV = uv.Path
	}
	opt.Ready = func(ctx context.Context, t trial.Target, reqs []wheels.Requirement, src wheels.Sources) (wheels.Report, error) {
		return h.Ready(ctx, t.Python, reqs, src, o.IndexURL, nil)
	}
	if o.IndexURL != "" {
		p.UseIndex(o.IndexURL)
		opt.Project = p
	}
	opt.Readiness = trial.CheckReadiness(ctx, opt, func(i int) {
		progress(fmt.Sprintf("checking what %s can install for %s", targets[i].Name(), p.Name))
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	plan := trial.PlanOf(opt, opt.Readiness)
	agreed, err := h.Store.Consented(ctx, p.Dir, plan.Key)
	if err != nil {
		return nil, err
	}
	return &PreparedTry{Options: opt, Plan: plan, Agreed: agreed}, nil
}

// tryTargets resolves each SPEC|PATH[::VARIANT], or picks the defaults.
func (h *Hangar) tryTargets(ctx context.Context, pythons []string) ([]trial.Target, error) {
	if len(pythons) == 0 {
		list, err := h.Discover(ctx, false, nil)
		if err != nil {
			return nil, err
		}
		targets := trial.DefaultTargets(list)
		if len(targets) == 0 {
			return nil, errors.New("no interpreter found to try the project on; pass --python SPEC|PATH")
		}
		return targets, nil
	}
	var out []trial.Target
	for _, arg := range pythons {
		spec, variant, err := envs.SplitVariant(arg)
		if err != nil {
			return nil, err
		}
		in, err := h.Resolve(ctx, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, trial.Target{Python: in, Variant: variant})
	}
	return out, nil
}

// AgreeTry keeps that the user agreed to the plan for its folder.
func (h *Hangar) AgreeTry(ctx context.Context, p *PreparedTry) error {
	if err := h.Store.Consent(ctx, p.Plan.Dir, p.Plan.Key); err != nil {
		return err
	}
	p.Agreed = true
	return nil
}

// ErrNotAgreed says a try's plan was not agreed to.
var ErrNotAgreed = errors.New("the try's plan was not agreed to")

// RunTry runs a prepared try the user agreed to and keeps it: recorded as
// running while it runs (a lock says its process lives), then with its
// answer, however it ended. progress hears each step.
func (h *Hangar) RunTry(ctx context.Context, p *PreparedTry, progress func(trial.Event)) (trial.Try, error) {
	if !p.Agreed {
		return trial.Try{}, ErrNotAgreed
	}
	if err := h.SweepTries(ctx); err != nil {
		return trial.Try{}, err
	}
	start := trial.Try{Project: p.Options.Project, Started: time.Now().UTC()}
	id, err := h.Store.StartTry(ctx, start)
	if err != nil {
		return trial.Try{}, err
	}
	lock, err := platform.TryLock(tryLock(h.DataDir, id))
	if err != nil {
		return trial.Try{}, err
	}
	defer lock.Unlock()
	opt := p.Options
	opt.Progress = progress
	tr, runErr := trial.Run(ctx, opt)
	tr.ID = id
	if tr.Started.IsZero() {
		tr.Started, tr.Finished = start.Started, time.Now().UTC()
	}
	// How it ended is kept even when it ended by a cancel.
	if err := h.Store.FinishTry(context.WithoutCancel(ctx), tr); err != nil && runErr == nil {
		runErr = fmt.Errorf("keeping the try: %w", err)
	}
	return tr, runErr
}

func tryLock(dataDir string, id int64) string {
	return filepath.Join(dataDir, "locks", "try-"+strconv.FormatInt(id, 10)+".lock")
}

// SweepTries marks the tries recorded as running whose process is gone
// (their lock is free) as interrupted.
func (h *Hangar) SweepTries(ctx context.Context) error {
	ids, err := h.Store.RunningTries(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		lock, err := platform.TryLock(tryLock(h.DataDir, id))
		var held *platform.LockedError
		if errors.As(err, &held) {
			continue // it runs
		}
		if err != nil {
			return err
		}
		err = h.Store.InterruptTry(ctx, id)
		lock.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// ExportTry writes a kept try to a file of the user's, whole, over a file
// that is there only when replace says so.
func (h *Hangar) ExportTry(ctx context.Context, id int64, path, format string, replace bool) error {
	tr, err := h.Store.Try(ctx, id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tr.Export(&buf, format); err != nil {
		return err
	}
	return platform.WriteFile(path, buf.Bytes(), replace)
}

// Pin is "use this Python for this project", worked out before anything is
// written: the .python-version file and its new content (pyenv and uv
// read it; a free-threaded build keeps its t), what is there now, and the
// project's .venv to make, if asked.
type Pin struct {
	Dir      string           `json:"dir"`
	File     string           `json:"file"`
	Content  string           `json:"content"`
	Existing string           `json:"existing,omitempty"`
	Python   envs.Interpreter `json:"python"`
	Venv     string           `json:"venv,omitempty"`
}

// Lines say what the pin writes and makes.
func (p Pin) Lines() []string {
	out := []string{"PyHangar will write " + p.File + ":", "    " + strings.TrimSpace(p.Content)}
	if p.Existing != "" {
		out = append(out, fmt.Sprintf("  replacing what it says now: %q", p.Existing))
	}
	if p.Venv != "" {
		out = append(out, fmt.Sprintf("and make %s from %s (%s)", p.Venv, p.Python.Path, p.Python.Build()))
	}
	return out
}

// PlanPin works out a pin of spec (3.14t, or a path) for the project in
// dir; venv asks for the project's .venv too, which must not be there.
func (h *Hangar) PlanPin(ctx context.Context, dir, spec string, venv bool) (Pin, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Pin{}, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return Pin{}, fmt.Errorf("%s is not a folder", dir)
	}
	in, err := h.Resolve(ctx, spec)
	if err != nil {
		return Pin{}, err
	}
	version := envs.Spec{Version: in.Version.Minor(), FreeThreaded: in.FreeThreaded}.String()
	p := Pin{Dir: abs, File: filepath.Join(abs, ".python-version"), Content: version + "\n", Python: in}
	if b, err := os.ReadFile(p.File); err == nil {
		p.Existing = strings.TrimSpace(string(b))
	}
	if venv {
		p.Venv = filepath.Join(abs, ".venv")
		if _, err := os.Lstat(p.Venv); err == nil {
			return Pin{}, fmt.Errorf("%s is there already; PyHangar makes a project's .venv only where there is none", p.Venv)
		}
	}
	return p, nil
}

// Pin writes the pin's .python-version (over the one there, which the
// user was shown) and makes its .venv, free-threaded kept.
func (h *Hangar) Pin(ctx context.Context, p Pin, progress func(string)) error {
	if err := platform.WriteFile(p.File, []byte(p.Content), p.Existing != ""); err != nil {
		return err
	}
	if p.Venv == "" {
		return nil
	}
	_, err := envs.MakeVenvDir(ctx, envs.MakeOptions{Dir: p.Venv, Base: p.Python, Progress: progress})
	return err
}
