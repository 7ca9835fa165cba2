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
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/store"
	_ "github.com/pyhangar/pyhangar/ui/clocale" // before Fyne initialises
)

// AppID is PyHangar's application ID (also in FyneApp.toml).
const AppID = "io.github.pyhangar.PyHangar"

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// Config is what the window needs from main.go.
type Config struct {
	Version string
	DataDir string
	Store   *store.Store
	// StoreErr is why the store could not be opened; the window then
	// shows only that.
	StoreErr error
	// Notice is a sentence the user must read first, or "".
	Notice string
}

// Run opens the window and returns when it is closed or ctx is cancelled.
func Run(ctx context.Context, cfg Config) error {
	a := app.NewWithID(AppID)
	a.SetIcon(Icon)
	w := a.NewWindow("PyHangar")
	w.SetContent(Create(a, w, cfg))
	w.Resize(fyne.NewSize(1000, 680))
	w.SetMaster()

	stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	w.ShowAndRun()
	return nil
}

// Create builds the window's content.
func Create(a fyne.App, w fyne.Window, cfg Config) fyne.CanvasObject {
	if cfg.StoreErr != nil {
		msg := widget.NewLabel("PyHangar cannot open its database:\n\n" + cfg.StoreErr.Error())
		msg.Wrapping = fyne.TextWrapWord
		return container.NewPadded(msg)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem("Interpreters", placeholder("Every Python interpreter on this machine, free-threaded builds marked, with their details.")),
		container.NewTabItem("Install", placeholder("Install CPython builds, free-threaded or standard, through uv or python.org.")),
		container.NewTabItem("Environments", placeholder("Create, check and delete virtual environments from any interpreter.")),
		container.NewTabItem("Benchmarks", placeholder("Run the threaded sanity benchmark and compare interpreters side by side.")),
	)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })
	if cfg.Notice != "" {
		notice := cfg.Notice
		// Shown once the window is up.
		go fyne.Do(func() { dialog.ShowInformation("Database", notice, w) })
	}
	return tabs
}

// placeholder is the one line a tab shows until its feature lands.
func placeholder(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return container.NewPadded(l)
}
