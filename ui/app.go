// Package ui is PyHangar's window: the tabs, their widgets and the glue to
// the core packages. Background work reports through callbacks that change
// widgets only inside fyne.Do.
package ui

import (
	"context"
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
	_ "github.com/pyhangar/pyhangar/ui/clocale" // before Fyne initialises
)

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// Config is what the window needs from main.go.
type Config struct {
	// AppID, Name and Version come from FyneApp.toml.
	AppID   string
	Name    string
	Version string
	DataDir string
	Store   *store.Store
	// StoreErr is why the store could not be opened; the window then
	// shows only that.
	StoreErr error
	// Notice is a sentence the user must read first, or "".
	Notice string
	// Host, when set, is the machine discovery searches (tests narrow it).
	Host func() *platform.Host
}

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefTab    = "window.tab-index"
)

// Run opens the window and returns when it is closed or ctx is cancelled.
func Run(ctx context.Context, cfg Config) error {
	a := app.NewWithID(cfg.AppID)
	a.SetIcon(Icon)
	w := a.NewWindow(cfg.Name)
	p := a.Preferences()
	w.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWidth, 1100)), float32(p.FloatWithFallback(prefHeight, 720))))
	w.SetMaster()
	if cfg.StoreErr != nil {
		w.SetContent(Create(a, w, cfg))
		stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
		defer stop()
		w.ShowAndRun()
		return nil
	}
	win := build(ctx, a, w, cfg, nil)
	w.SetContent(win.Tabs)
	c := win.core
	c.quit = func() {
		size := w.Canvas().Size()
		p.SetFloat(prefWidth, float64(size.Width))
		p.SetFloat(prefHeight, float64(size.Height))
		a.Quit()
	}
	// Closing the window, like Ctrl+Q, asks first while jobs run.
	w.SetCloseIntercept(c.requestQuit)
	// SIGTERM and SIGINT cancel the jobs; the app quits once they have
	// cleaned up.
	stop := context.AfterFunc(ctx, func() { fyne.Do(c.quitWhenDone) })
	defer stop()
	w.ShowAndRun()
	return nil
}

// Window is the built window content: its tabs.
type Window struct {
	Tabs         *container.AppTabs
	core         *core
	projects     *projectsTab
	interpreters *interpretersTab
	install      *installTab
	environments *environmentsTab
	benchmarks   *benchmarksTab
	team         *teamTab
	doctor       *doctorTab
	settings     fyne.CanvasObject
}

// Create builds the window's content.
func Create(a fyne.App, w fyne.Window, cfg Config) fyne.CanvasObject {
	if cfg.StoreErr != nil {
		msg := widget.NewLabel("PyHangar cannot open its database:\n\n" + cfg.StoreErr.Error())
		msg.Wrapping = fyne.TextWrapWord
		return container.NewPadded(msg)
	}
	return build(context.Background(), a, w, cfg, nil).Tabs
}

// build makes the window; queue, when set, carries UI-side work (tests).
func build(ctx context.Context, a fyne.App, w fyne.Window, cfg Config, queue chan func()) *Window {
	c := newCore(ctx, a, w, cfg)
	c.queue = queue
	win := &Window{core: c}
	c.tabs = win
	win.projects = newProjectsTab(c)
	win.interpreters = newInterpretersTab(c)
	win.install = newInstallTab(c)
	win.environments = newEnvironmentsTab(c)
	win.benchmarks = newBenchmarksTab(c)
	win.team = newTeamTab(c)
	win.doctor = newDoctorTab(c)
	win.settings = newSettingsTab(c)
	win.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Projects", theme.FileApplicationIcon(), win.projects.content),
		container.NewTabItemWithIcon("Interpreters", theme.ListIcon(), win.interpreters.content),
		container.NewTabItemWithIcon("Install", theme.DownloadIcon(), win.install.content),
		container.NewTabItemWithIcon("Environments", theme.FolderIcon(), win.environments.content),
		container.NewTabItemWithIcon("Benchmarks", theme.MediaPlayIcon(), win.benchmarks.content),
		container.NewTabItemWithIcon("Team", theme.AccountIcon(), win.team.content),
		container.NewTabItemWithIcon("Doctor", theme.WarningIcon(), win.doctor.content),
		container.NewTabItemWithIcon("Settings", theme.SettingsIcon(), win.settings),
	)
	prefs := a.Preferences()
	if last := prefs.IntWithFallback(prefTab, tabProjects); last > 0 && last < len(win.Tabs.Items) {
		c.show(last)
	}
	win.Tabs.OnSelected = func(*container.TabItem) {
		// Fyne rewrites the preferences file on every Set; skip needless ones.
		if i := win.Tabs.SelectedIndex(); prefs.IntWithFallback(prefTab, -1) != i {
			prefs.SetInt(prefTab, i)
		}
	}
	c.keys()
	w.SetMainMenu(c.mainMenu())
	// Dropped on the window: a team profile opens on the Team tab, a
	// folder is a project to try.
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if !win.team.dropped(uris) {
			win.projects.dropped(uris)
		}
	})
	if cfg.Notice != "" {
		notice := cfg.Notice
		// Shown once the window is up.
		go c.do(func() { dialog.ShowInformation("Database", notice, w) })
	}
	c.discover(nil)
	return win
}
