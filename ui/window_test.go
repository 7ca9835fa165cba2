package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The main menu has File, View (a tab each, with its shortcut) and Help
// (About shows the version, the data dir and the database); Ctrl+1…7 go to
// the tabs and Ctrl+F to the interpreter filter.
func TestMenusAndShortcuts(t *testing.T) {
	win, w, data := newWindowOn(t, []string{"/usr/bin"})
	menu := w.MainMenu()
	if menu == nil {
		t.Fatal("no main menu")
	}
	var titles []string
	for _, m := range menu.Items {
		titles = append(titles, m.Label)
	}
	if strings.Join(titles, ",") != "File,View,Help" {
		t.Fatalf("menus: %v", titles)
	}
	var views []string
	for _, item := range menu.Items[1].Items {
		if item.Shortcut != nil {
			views = append(views, item.Label+" "+item.Shortcut.ShortcutName())
		}
	}
	if len(views) < 8 || !strings.HasPrefix(views[0], "Projects") || !strings.HasPrefix(views[3], "Environments") {
		t.Errorf("View menu: %v", views)
	}
	ctrl := func(k fyne.KeyName) {
		w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	for i, k := range []fyne.KeyName{fyne.Key3, fyne.Key4, fyne.Key8, fyne.Key1} {
		ctrl(k)
		if got, want := win.Tabs.SelectedIndex(), []int{2, 3, 7, 0}[i]; got != want {
			t.Errorf("Ctrl+%s shows tab %d, want %d", k, got, want)
		}
	}
	ctrl(fyne.Key5)
	ctrl(fyne.KeyF)
	if win.Tabs.SelectedIndex() != tabInterpreters || w.Canvas().Focused() != win.interpreters.filter {
		t.Error("Ctrl+F should go to the interpreter filter")
	}
	// Quit in the File menu asks nothing with nothing running.
	var about *fyne.MenuItem
	for _, item := range menu.Items[2].Items {
		if strings.HasPrefix(item.Label, "About") {
			about = item
		}
	}
	about.Action()
	text := screenText(w.Canvas().Overlays().Top())
	for _, want := range []string{"PyHangar test", data, "pyhangar.db (schema"} {
		if !strings.Contains(text, want) {
			t.Errorf("About lacks %q:\n%s", want, text)
		}
	}
}

// Settings say what is wrong as it is typed, and Save is offered only
// while every field is valid.
func TestSettingsValidateAsTyped(t *testing.T) {
	win, _, _ := newWindowOn(t, []string{"/usr/bin"})
	win.Tabs.SelectIndex(tabSettings)
	save := shownButton(win.settings, "Save settings")
	var timeout *widget.Entry
	shown(win.settings, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Text == "5" {
			timeout = e
		}
	})
	if save == nil || timeout == nil || save.Disabled() {
		t.Fatal("Save settings and the probe timeout (5 s) should be shown, Save enabled")
	}
	timeout.SetText("")
	test.Type(timeout, "soon")
	if !save.Disabled() {
		t.Error("Save is offered with a timeout of \"soon\"")
	}
	timeout.SetText("")
	test.Type(timeout, "7.5")
	if save.Disabled() {
		t.Error("Save stays disabled with a good timeout")
	}
	test.Tap(save)
	waitIdle(win)
	if got := win.core.store.ProbeTimeout(t.Context()).Seconds(); got != 7.5 {
		t.Errorf("saved timeout %v", got)
	}
	if !strings.Contains(screenText(win.settings), "Saved.") {
		t.Error("no word that it was saved")
	}
	if shownButton(win.settings, "Theme and size…") == nil {
		t.Error("the appearance settings are not reachable")
	}
}

// The width the user drags a column to, and the sort chosen, come back
// with the next window.
func TestColumnWidthsAndSortRemembered(t *testing.T) {
	win, w, _ := newWindowOn(t, []string{"/usr/bin"})
	win.Tabs.SelectIndex(tabInterpreters)
	w.Canvas().Refresh(win.Tabs)
	tab := win.interpreters.table
	test.Tap(header(tab, "Source"))
	test.Tap(header(tab, "Source"))
	// Drag the divider after Build 50 points right, in the header row.
	before := tab.widths[1]
	at := fyne.NewPos(tab.widths[0]+theme.Padding()+tab.widths[1]+theme.Padding()/2, 5)
	tab.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	tab.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	tab.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at.AddXY(50, 0)}, Dragged: fyne.NewDelta(50, 0)})
	tab.DragEnd()
	if tab.widths[1] != before+50 {
		t.Fatalf("after the drag the Build column is %v wide, want %v", tab.widths[1], before+50)
	}
	again := newDataTable(win.core.app.Preferences(), "table.interpreters", tab.columns, tab.count)
	if again.widths[1] != before+50 {
		t.Errorf("the Build column comes back %v wide, want %v", again.widths[1], before+50)
	}
	if source := slices.IndexFunc(tab.columns, func(c column) bool { return c.title == "Source" }); again.sortCol != source || !again.desc {
		t.Errorf("the sort comes back as column %d desc %v, want Source, descending", again.sortCol, again.desc)
	}
}

// Empty tabs say what to do: Environments offers to create a venv, the
// Benchmarks chart says how to fill it.
func TestEmptyTabsSayWhatToDo(t *testing.T) {
	win, _, _ := newWindowOn(t, []string{"/nowhere"})
	win.Tabs.SelectIndex(tabEnvironments)
	if text := screenText(win.environments.content); !strings.Contains(text, "No virtual environments yet") ||
		shownButton(win.environments.content, "Create a venv…") == nil {
		t.Errorf("Environments with no venvs:\n%s", text)
	}
	win.Tabs.SelectIndex(tabBenchmarks)
	if !strings.Contains(screenText(win.benchmarks.content), "Tick interpreters and press Run") {
		t.Errorf("Benchmarks at rest:\n%s", screenText(win.benchmarks.content))
	}
	var chart []string
	for _, o := range test.WidgetRenderer(win.benchmarks.chart).Objects() {
		if txt, ok := o.(*canvas.Text); ok {
			chart = append(chart, txt.Text)
		}
	}
	if len(chart) != 1 || !strings.HasPrefix(chart[0], "Run a benchmark, or tick earlier runs") {
		t.Errorf("the empty chart says %q", chart)
	}
}
