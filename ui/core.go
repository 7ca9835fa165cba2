package ui

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Settings keys shared with the command line.
const (
	settingMirror       = "mirror"
	settingProbeTimeout = "probe_timeout_seconds"
)

// core is what the tabs share: the store, the latest discovery, the
// running jobs, and ways to move between tabs. Its fields change only on
// the UI goroutine.
type core struct {
	app   fyne.App
	win   fyne.Window
	cfg   Config
	store *store.Store
	// ctx is the app's: SIGTERM ends it. Background work takes its
	// context from it.
	ctx context.Context
	// quit ends the app (after the window's size is saved).
	quit func()

	jobs         []*job
	jobListeners []func()
	running      sync.WaitGroup // jobs not yet cleaned up

	// host builds the Host discovery searches (tests narrow its PATH).
	host func() *platform.Host

	interps       []envs.Interpreter
	listeners     []func([]envs.Interpreter)
	discovering   bool
	afterDiscover []func()

	// Set by the tabs so others can drive them.
	selectInterpreter func(path string)
	createVenvFrom    func(in envs.Interpreter)
	benchmark         func(in envs.Interpreter)
	showTab           func(name string)

	// pending counts background work not yet finished on the UI side.
	pending atomic.Int64
	// queue, when set, receives the UI-side work instead of fyne.Do: tests
	// run it on their own goroutine (the test driver has no UI goroutine).
	queue chan func()
}

// do runs f on the UI goroutine.
func (c *core) do(f func()) {
	if c.queue != nil {
		c.queue <- f
		return
	}
	fyne.Do(f)
}

// doAndWait runs f on the UI goroutine and waits for it.
func (c *core) doAndWait(f func()) {
	if c.queue != nil {
		done := make(chan struct{})
		c.queue <- func() { f(); close(done) }
		<-done
		return
	}
	fyne.DoAndWait(f)
}

func newCore(ctx context.Context, a fyne.App, w fyne.Window, cfg Config) *core {
	c := &core{app: a, win: w, cfg: cfg, store: cfg.Store, ctx: ctx, quit: a.Quit}
	c.host = cfg.Host
	if c.host == nil {
		c.host = func() *platform.Host { return platform.ThisHost(cfg.DataDir) }
	}
	return c
}

// probeTimeout is the user's probe timeout setting.
func (c *core) probeTimeout() time.Duration {
	if v, ok, _ := c.store.Setting(settingProbeTimeout); ok {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
			return time.Duration(secs * float64(time.Second))
		}
	}
	return envs.DefaultProbeTimeout
}

// background runs work off the UI goroutine; done runs on the UI goroutine
// with its error.
func (c *core) background(work func() error, done func(error)) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Add(-1)
		err := work()
		c.doAndWait(func() { done(err) })
	}()
}

// discover refreshes the interpreter list in the background and tells the
// listeners; then runs then (on the UI goroutine), if given.
func (c *core) discover(then func()) {
	if then != nil {
		c.afterDiscover = append(c.afterDiscover, then)
	}
	if c.discovering {
		return
	}
	c.discovering = true
	for _, l := range c.listeners {
		l(nil) // nil: discovery started
	}
	var list []envs.Interpreter
	timeout := c.probeTimeout()
	c.background(func() error {
		var err error
		list, _, err = envs.Discover(c.ctx, c.host(), envs.DiscoverOptions{Cache: c.store, Timeout: timeout})
		return err
	}, func(err error) {
		c.discovering = false
		if err != nil {
			if c.ctx.Err() == nil {
				c.showError("Finding interpreters failed", err)
			}
		} else {
			c.interps = list
		}
		for _, l := range c.listeners {
			l(c.interps)
		}
		after := c.afterDiscover
		c.afterDiscover = nil
		for _, f := range after {
			f()
		}
	})
}

// onInterpreters registers a listener for discovery results (nil while a
// discovery runs).
func (c *core) onInterpreters(f func([]envs.Interpreter)) { c.listeners = append(c.listeners, f) }

// showError shows one clear sentence and the cause.
func (c *core) showError(title string, err error) {
	dialog.ShowError(&titledError{title, err}, c.win)
}

type titledError struct {
	title string
	err   error
}

func (e *titledError) Error() string { return e.title + ": " + e.err.Error() }
