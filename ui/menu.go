package ui

import (
	"fmt"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
)

// shortcut is Ctrl (Cmd on macOS) with key.
func shortcut(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// tabKeys are Ctrl+1…8, a tab each.
var tabKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8}

// keys wires the window's shortcuts: Ctrl+Q quits (asking while jobs
// run), Ctrl+R and F5 look for interpreters again, Ctrl+F goes to the
// interpreter filter, Ctrl+1…8 to a tab, Delete deletes the selected venv
// on the Environments tab (after the confirmation).
func (c *core) keys() {
	cv := c.win.Canvas()
	cv.AddShortcut(shortcut(fyne.KeyQ), func(fyne.Shortcut) { c.requestQuit() })
	cv.AddShortcut(shortcut(fyne.KeyR), func(fyne.Shortcut) { c.refresh() })
	cv.AddShortcut(shortcut(fyne.KeyF), func(fyne.Shortcut) { c.findInterpreter() })
	for i, k := range tabKeys {
		cv.AddShortcut(shortcut(k), func(fyne.Shortcut) { c.show(i) })
	}
	cv.SetOnTypedKey(c.typedKey)
}

// typedKey takes the keys no widget took.
func (c *core) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyF5:
		c.refresh()
	case fyne.KeyDelete:
		if c.tabs.Tabs.SelectedIndex() == tabEnvironments {
			c.tabs.environments.confirmDelete()
		}
	}
}

// refresh looks for interpreters again; the tabs that show what depends
// on them (venvs, the doctor) follow.
func (c *core) refresh() { c.discover(nil) }

// findInterpreter goes to the interpreter filter.
func (c *core) findInterpreter() {
	c.show(tabInterpreters)
	c.win.Canvas().Focus(c.tabs.interpreters.filter)
}

// mainMenu is File, View (the tabs) and Help.
func (c *core) mainMenu() *fyne.MainMenu {
	quit := fyne.NewMenuItem("Quit", c.requestQuit)
	quit.IsQuit = true
	quit.Shortcut = shortcut(fyne.KeyQ)
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Try a project…", func() { c.show(tabProjects); c.tabs.projects.chooseFolder() }),
		fyne.NewMenuItem("Open a team profile…", func() { c.show(tabTeam); c.tabs.team.openDialog() }),
		fyne.NewMenuItem("Create a venv…", func() { c.show(tabEnvironments); c.tabs.environments.createDialog(envs.Interpreter{}) }),
		fyne.NewMenuItem("Install from a file…", func() { c.show(tabInstall); c.tabs.install.chooseFile() }),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	var views []*fyne.MenuItem
	for i, item := range c.tabs.Tabs.Items {
		v := fyne.NewMenuItem(item.Text, func() { c.show(i) })
		v.Shortcut = shortcut(tabKeys[i])
		views = append(views, v)
	}
	refresh := fyne.NewMenuItem("Look for interpreters again", c.refresh)
	refresh.Shortcut = shortcut(fyne.KeyR)
	find := fyne.NewMenuItem("Find an interpreter", c.findInterpreter)
	find.Shortcut = shortcut(fyne.KeyF)
	views = append(views, fyne.NewMenuItemSeparator(), find, refresh)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("The doctor", func() { c.show(tabDoctor) }),
		fyne.NewMenuItem("About "+c.cfg.Name, c.about),
	)
	return fyne.NewMainMenu(file, fyne.NewMenu("View", views...), help)
}

// about shows the version, the data dir and the database, to copy.
func (c *core) about() {
	schema, _ := c.store.Version(c.ctx)
	intro := widget.NewLabel(c.cfg.Name + " finds, installs and compares Python interpreters, free-threaded builds included.")
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Version", selectable(fmt.Sprintf("%s %s (%s, %s/%s)", c.cfg.Name, c.cfg.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH))),
		widget.NewFormItem("Data dir", selectable(c.cfg.DataDir)),
		widget.NewFormItem("Database", selectable(fmt.Sprintf("%s (schema %d)", c.store.Path(), schema))),
	)
	d := dialog.NewCustom("About "+c.cfg.Name, "Close", container.NewVBox(intro, form), c.win)
	d.Resize(c.dialogSize(0.6, 0))
	d.Show()
}
