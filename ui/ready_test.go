package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

// shownTable is the data table shown under o.
func shownTable(o fyne.CanvasObject) *dataTable {
	var found *dataTable
	shown(o, func(obj fyne.CanvasObject) {
		if d, ok := obj.(*dataTable); ok && found == nil {
			found = d
		}
	})
	return found
}

// Before a venv is made, the Create form checks its requirements file for
// the interpreter chosen; an existing 3.13 venv is checked for a move to
// 3.14t. Both against a stand-in index (PIP_INDEX_URL), in a dialog that
// reads like the CLI's table.
func TestReadyChecksBeforeAndAfter(t *testing.T) {
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "fast", Files: []testenv.IndexFile{testenv.Wheel("fast-1.0-cp314-cp314t-manylinux_2_17_x86_64.whl", "slow")}},
		testenv.IndexProject{Name: "slow", Files: []testenv.IndexFile{testenv.Sdist("slow", "0.3")}},
		testenv.IndexProject{Name: "phdemo", Files: []testenv.IndexFile{testenv.Wheel("phdemo-0.2-cp314-cp314t-manylinux_2_17_x86_64.whl")}},
	)
	t.Setenv("PIP_INDEX_URL", ix.URL)
	win, w, data := newWindow(t)
	ft := testenv.FreeThreaded(t)["3.14"]
	env := win.environments
	win.Tabs.SelectIndex(tabEnvironments)

	reqs := filepath.Join(t.TempDir(), "requirements.txt")
	os.WriteFile(reqs, []byte("fast\n"), 0o644)
	test.Tap(shownButton(env.content, "Create…"))
	form := w.Canvas().Overlays().Top()
	var entries []*widget.Entry
	var picker *widget.Select
	shown(form, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Select:
			picker = x
		}
	})
	for _, opt := range picker.Options {
		if strings.HasSuffix(opt, ft) {
			picker.SetSelected(opt)
		}
	}
	check := shownButton(form, "Check requirements…")
	if check == nil || !check.Disabled() {
		t.Fatal("Check requirements… should wait for a requirements file")
	}
	test.Type(entries[2], reqs)
	if check.Disabled() {
		t.Fatal("Check requirements… stays disabled with a requirements file")
	}
	test.Tap(check)
	waitIdle(win)
	dlg := w.Canvas().Overlays().Top()
	text := screenText(dlg)
	if !strings.Contains(text, "0 of 2 packages install as wheels; 1 more would, but a dependency stops it; 1 is built from source here.") ||
		!strings.Contains(text, "Checked against "+ix.URL) {
		t.Errorf("the check says:\n%s", text)
	}
	table := shownTable(dlg)
	rows := tableRows(table)
	if len(rows) != 2 || rows[0]["Package"] != "fast" || rows[0]["Status"] != "free-threaded-wheel" || rows[1]["Package"] != "  slow" || rows[1]["Status"] != "source-only" {
		t.Errorf("the table: %v", rows)
	}
	clickRow(table, 0)
	if !strings.Contains(screenText(dlg), "fast: fast-1.0-cp314-cp314t-manylinux_2_17_x86_64.whl fits this interpreter") {
		t.Errorf("the reason of the clicked row:\n%s", screenText(dlg))
	}
	if _, err := os.Stat(filepath.Join(data, "venvs")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(data, "venvs"))
		if len(entries) > 0 {
			t.Error("checking made a venv")
		}
	}
	for w.Canvas().Overlays().Top() != nil {
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}

	// A 3.13 venv holding phdemo, checked for 3.14t.
	base := testenv.Interp(t, testenv.GIL(t, "3.13"))
	if _, _, err := envs.CreateVenv(context.Background(), win.core.store, filepath.Join(data, "venvs"),
		envs.VenvRequest{Name: "g313", Base: base, Requirements: testenv.OfflineRequirements(t)}); err != nil {
		t.Fatal(err)
	}
	test.Tap(shownButton(env.content, "Refresh"))
	waitIdle(win)
	clickRow(env.table, 0)
	test.Tap(shownButton(env.content, "Ready for…"))
	form = w.Canvas().Overlays().Top()
	shown(form, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok {
			picker = s
		}
	})
	for _, opt := range picker.Options {
		if strings.HasSuffix(opt, ft) {
			picker.SetSelected(opt)
		}
	}
	test.Tap(shownButton(form, "Check"))
	waitIdle(win)
	dlg = w.Canvas().Overlays().Top()
	rows = tableRows(shownTable(dlg))
	if len(rows) != 1 || rows[0]["Package"] != "phdemo" || rows[0]["Status"] != "free-threaded-wheel" || rows[0]["Version"] != "0.2" {
		t.Errorf("g313 for 3.14t: %v\n%s", rows, screenText(dlg))
	}
}
