package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Kinds of jobs. Two jobs of one kind never run at once (a second
// benchmark would measure the first); the tabs disable their buttons while
// one runs.
const (
	jobInstall   = "install"
	jobVenv      = "venv" // create, check, GIL scan or delete
	jobBenchmark = "benchmark"
	jobProfile   = "profile"
	jobReady     = "ready" // a check of requirements against the index
)

// job is long work the user started in the window. Its context comes from
// the app: Ctrl+Q, closing the window and SIGTERM cancel it, and the app
// waits for its clean-up before it quits.
type job struct {
	kind   string
	cancel context.CancelFunc
}

// startJob runs work in the background as a job of kind; done runs on the
// UI goroutine when it has finished (cleaned up). The returned function
// cancels it.
func (c *core) startJob(kind string, work func(ctx context.Context) error, done func(error)) context.CancelFunc {
	ctx, cancel := context.WithCancel(c.ctx)
	j := &job{kind: kind, cancel: cancel}
	c.jobs = append(c.jobs, j)
	c.running.Add(1)
	c.jobsChanged()
	c.background(func() error { return work(ctx) }, func(err error) {
		cancel()
		for i, o := range c.jobs {
			if o == j {
				c.jobs = append(c.jobs[:i], c.jobs[i+1:]...)
				break
			}
		}
		c.jobsChanged()
		done(err)
		c.running.Done()
	})
	return cancel
}

// busy reports whether a job of kind runs.
func (c *core) busy(kind string) bool {
	for _, j := range c.jobs {
		if j.kind == kind {
			return true
		}
	}
	return false
}

// onJobs registers f to run (on the UI goroutine) whenever a job starts
// or ends: tabs enable and disable their buttons there.
func (c *core) onJobs(f func()) { c.jobListeners = append(c.jobListeners, f) }

func (c *core) jobsChanged() {
	for _, f := range c.jobListeners {
		f()
	}
}

// requestQuit is Ctrl+Q and the window's close button: with jobs running,
// it asks whether to cancel them and quit.
func (c *core) requestQuit() {
	if len(c.jobs) == 0 {
		c.quit()
		return
	}
	what := "1 job is running"
	if n := len(c.jobs); n > 1 {
		what = fmt.Sprintf("%d jobs are running", n)
	}
	d := dialog.NewConfirm("Quit PyHangar?", what+" — cancel them and quit?\n\nEach one cleans up after itself first; nothing half-done is left.", func(yes bool) {
		if yes {
			c.quitWhenDone()
		}
	}, c.win)
	d.SetConfirmText("Cancel jobs and quit")
	d.SetDismissText("Keep working")
	d.Show()
}

// quitWhenDone cancels every job, waits (off the UI goroutine) for their
// clean-up, then quits.
func (c *core) quitWhenDone() {
	for _, j := range c.jobs {
		j.cancel()
	}
	go func() {
		c.running.Wait()
		c.do(c.quit)
	}()
}

// jobView shows a tab's job as the user follows it: at rest a hint; while
// it runs its progress (a bar, or a moving bar when the work cannot say
// how far it is), the current step and Cancel; then what it did, or why it
// failed with Details. Install, venv creation, the benchmark, profile
// apply, and the venv check and GIL scan all show through one.
type jobView struct {
	c       *core
	kind    string
	bar     *widget.ProgressBar
	spin    *widget.ProgressBarInfinite
	step    *widget.Label
	cancelB *widget.Button
	details *widget.Button
	failed  error
	cancel  context.CancelFunc
	content *fyne.Container
}

func newJobView(c *core, kind, idle string) *jobView {
	v := &jobView{c: c, kind: kind}
	v.bar = widget.NewProgressBar()
	v.bar.Hide()
	v.spin = widget.NewProgressBarInfinite()
	v.spin.Stop()
	v.spin.Hide()
	v.step = widget.NewLabel(idle)
	v.step.Wrapping = fyne.TextWrapWord
	v.step.Selectable = true
	v.cancelB = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if v.cancel != nil {
			v.cancel()
		}
	})
	v.cancelB.Hide()
	v.details = widget.NewButton("Details…", func() {
		if v.failed != nil {
			c.showDetails("What went wrong", v.failed)
		}
	})
	v.details.Hide()
	v.content = container.NewVBox(container.NewStack(v.bar, v.spin),
		container.NewBorder(nil, nil, nil, container.NewHBox(v.details, v.cancelB), v.step))
	return v
}

// run starts work as a job of the view's kind, unless one runs already.
// work reports through v.progress. done runs on the UI goroutine with
// work's error and returns the sentence to end with ("" for the usual
// one: cancelled, failed and why, or nothing).
func (v *jobView) run(starting string, work func(ctx context.Context) error, done func(error) string) bool {
	if v.c.busy(v.kind) {
		return false
	}
	v.failed = nil
	v.details.Hide()
	v.bar.SetValue(0)
	v.bar.Hide()
	v.spin.Show()
	v.spin.Start()
	v.step.SetText(starting)
	v.cancelB.Show()
	v.cancel = v.c.startJob(v.kind, work, func(err error) {
		v.cancel = nil
		v.cancelB.Hide()
		v.spin.Stop()
		v.spin.Hide()
		v.bar.Hide()
		text := done(err)
		if v.cancel != nil {
			return // done went on with another job of the view's, which shows itself
		}
		switch {
		case text != "":
		case errors.Is(err, context.Canceled):
			text = "Cancelled; nothing was left behind."
		case err != nil:
			text = "Failed: " + plainSentence(err)
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			v.failed = err
			v.details.Show()
		}
		v.step.SetText(text)
	})
	return true
}

// progress shows how far the job is (fraction < 0: it cannot say) and
// its current step ("" keeps the last); from any goroutine.
func (v *jobView) progress(fraction float64, step string) {
	v.c.do(func() {
		if v.cancel == nil {
			return // finished meanwhile
		}
		if fraction < 0 {
			v.bar.Hide()
			v.spin.Show()
			v.spin.Start()
		} else {
			v.spin.Stop()
			v.spin.Hide()
			v.bar.SetValue(fraction)
			v.bar.Show()
		}
		if step != "" {
			v.step.SetText(step)
		}
	})
}

// say replaces the line under the progress (at rest: a hint or a result).
func (v *jobView) say(text string) { v.step.SetText(text) }
