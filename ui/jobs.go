package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/dialog"
)

// Kinds of jobs. Two jobs of one kind never run at once (a second
// benchmark would measure the first); the tabs disable their buttons while
// one runs.
const (
	jobInstall   = "install"
	jobVenv      = "venv"
	jobBenchmark = "benchmark"
	jobProfile   = "profile"
	jobCheck     = "check" // a venv check, GIL scan or delete
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
