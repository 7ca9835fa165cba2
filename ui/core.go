package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/store"
)

// core is what the tabs share: the store, the latest discovery, the
// running jobs, and ways to move between tabs. Its fields change only on
// the UI goroutine.
type core struct {
	app   fyne.App
	win   fyne.Window
	cfg   Config
	store *store.Store
	// h is the use cases the window shares with the command line.
	h *hangar.Hangar
	// ctx is the app's: SIGTERM ends it. Background work takes its
	// context from it.
	ctx context.Context
	// quit ends the app (after the window's size is saved).
	quit func()

	jobs         []*job
	jobListeners []func()
	running      sync.WaitGroup // jobs not yet cleaned up

	interps       []envs.Interpreter
	listeners     []func([]envs.Interpreter)
	discovering   bool
	afterDiscover []func()

	// tabs are the window's tabs: one drives another through them (show
	// an interpreter, make a venv from it, benchmark it, get uv).
	tabs *Window
	// settingsListeners show settings changed elsewhere in the window.
	settingsListeners []func()

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
	h := hangar.New(cfg.DataDir, cfg.Store)
	h.Host = cfg.Host
	return &core{app: a, win: w, cfg: cfg, store: cfg.Store, h: h, ctx: ctx, quit: a.Quit}
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
	c.background(func() error {
		var err error
		list, err = c.h.Discover(c.ctx, false, nil)
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

// The tabs, in order (Ctrl+1…8 and the View menu).
const (
	tabProjects = iota
	tabInterpreters
	tabInstall
	tabEnvironments
	tabBenchmarks
	tabTeam
	tabDoctor
	tabSettings
)

// show brings a tab to the front.
func (c *core) show(tab int) { c.tabs.Tabs.SelectIndex(tab) }

// onInterpreters registers a listener for discovery results (nil while a
// discovery runs).
func (c *core) onInterpreters(f func([]envs.Interpreter)) { c.listeners = append(c.listeners, f) }

// showError shows what failed: a title, one plain sentence, and the
// whole error chain under Details, with Copy.
func (c *core) showError(title string, err error) { c.showErrorWith(title, err) }

// showErrorWith is showError with buttons of the caller's below the
// sentence (say "Show the log").
func (c *core) showErrorWith(title string, err error, actions ...fyne.CanvasObject) {
	sentence := widget.NewLabel(plainSentence(err))
	sentence.Wrapping = fyne.TextWrapWord
	sentence.Selectable = true
	content := container.NewVBox(sentence)
	if len(actions) > 0 {
		content.Add(container.NewHBox(actions...))
	}
	content.Add(widget.NewAccordion(widget.NewAccordionItem("Details", c.errorDetails(err))))
	d := dialog.NewCustom(title, "Close", content, c.win)
	d.Resize(c.dialogSize(0.6, 0))
	d.Show()
}

// showDetails shows an error's chain alone, for a "Details…" button.
func (c *core) showDetails(title string, err error) {
	d := dialog.NewCustom(title, "Close", c.errorDetails(err), c.win)
	d.Resize(c.dialogSize(0.7, 0.5))
	d.Show()
}

// errorDetails is the error chain, one level a line, selectable, with a
// Copy button.
func (c *core) errorDetails(err error) fyne.CanvasObject {
	chain := errorChain(err)
	text := widget.NewLabel(chain)
	text.TextStyle.Monospace = true
	text.Wrapping = fyne.TextWrapBreak
	text.Selectable = true
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { c.app.Clipboard().SetContent(chain) })
	return container.NewBorder(nil, container.NewHBox(copyBtn), nil, nil, text)
}

// plainSentence is an error's message as one sentence: its first line,
// capitalised, ending in a full stop.
func plainSentence(err error) string {
	msg := strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0])
	if msg == "" {
		return "Something went wrong."
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// errorChain writes each wrapped error with its type, outermost first.
func errorChain(err error) string {
	var b strings.Builder
	for depth := 0; err != nil && depth < 20; depth++ {
		if depth > 0 {
			b.WriteString("\n↳ ")
		}
		fmt.Fprintf(&b, "%T: %v", err, err)
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				fmt.Fprintf(&b, "\n↳ %T: %v", e, e)
			}
			break
		}
		err = errors.Unwrap(err)
	}
	return b.String()
}

// onSettings registers f to run when a setting was changed by the window.
func (c *core) onSettings(f func()) { c.settingsListeners = append(c.settingsListeners, f) }

// settingsChanged tells the tabs that show settings to read them again.
func (c *core) settingsChanged() {
	for _, f := range c.settingsListeners {
		f()
	}
}

// dialogSize is a share of the window's size (0 keeps a dialog's own
// height), so dialogs fit the window they belong to.
func (c *core) dialogSize(width, height float32) fyne.Size {
	size := c.win.Canvas().Size()
	return fyne.NewSize(size.Width*width, size.Height*height)
}
