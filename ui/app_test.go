package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	version "github.com/hashicorp/go-version"

	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// newWindow builds the real window content over a real store and this
// machine's real interpreters (PATH narrowed to the test builds and
// /usr/bin).
func newWindow(t *testing.T) (*Window, fyne.Window, string) {
	t.Helper()
	var path []string
	for _, p := range testenv.FreeThreaded(t) {
		path = append(path, filepath.Dir(p))
	}
	for _, p := range testenv.GILBuilds(t) {
		path = append(path, filepath.Dir(p))
	}
	return newWindowOn(t, append(path, "/usr/bin"))
}

// newWindowOn builds the window with PATH set to path.
func newWindowOn(t *testing.T, path []string) (*Window, fyne.Window, string) {
	t.Helper()
	a := test.NewTempApp(t)
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	host := func() *platform.Host {
		h := platform.ThisHost(data)
		h.Env["PATH"] = strings.Join(path, ":")
		return h
	}
	w := a.NewWindow("PyHangar")
	win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "test", DataDir: data, Store: st, Host: host}, make(chan func()))
	w.SetContent(win.Tabs)
	w.Resize(fyne.NewSize(1200, 800))
	t.Cleanup(w.Close)
	waitIdle(win)
	return win, w, data
}

// cellLabel is a table cell as the user sees it, built with the table's
// own cell functions (row is the row on screen, in the table's sort).
func cellLabel(tab *dataTable, row, col int) *widget.Label {
	cell := tab.CreateCell()
	tab.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
	return cell.(*fyne.Container).Objects[1].(*widget.Label)
}

// tableRows are a table's rows as the user reads them, top to bottom, by
// column title.
func tableRows(tab *dataTable) []map[string]string {
	rows, cols := tab.Length()
	out := make([]map[string]string, rows)
	for r := range out {
		out[r] = map[string]string{}
		for c := range cols {
			out[r][tab.columns[c].title] = cellLabel(tab, r, c).Text
		}
	}
	return out
}

// column is one column of a table as the user reads it, top to bottom.
func columnOf(tab *dataTable, title string) []string {
	var out []string
	for _, row := range tableRows(tab) {
		out = append(out, row[title])
	}
	return out
}

// header is a column's header as shown; tapping it is clicking it.
func header(tab *dataTable, title string) *headerCell {
	for i, c := range tab.columns {
		if c.title == title {
			h := tab.CreateHeader().(*headerCell)
			tab.UpdateHeader(widget.TableCellID{Row: -1, Col: i}, h)
			return h
		}
	}
	return nil
}

// clickRow clicks a row's first cell (row on screen).
func clickRow(tab *dataTable, row int) { tab.Select(widget.TableCellID{Row: row, Col: 0}) }

// shown calls f for o and everything under it that is visible.
func shown(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			shown(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			shown(c, f)
		}
	}
}

// screenText is the text of every label shown under o, a line each.
func screenText(o fyne.CanvasObject) string {
	var texts []string
	shown(o, func(obj fyne.CanvasObject) {
		if l, ok := obj.(*widget.Label); ok && l.Text != "" {
			texts = append(texts, l.Text)
		}
	})
	return strings.Join(texts, "\n")
}

// shownButton is the button labelled text shown under o, or nil.
func shownButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	shown(o, func(obj fyne.CanvasObject) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// waitIdle runs the UI-side work the background sends, on the test's
// goroutine, until no background work is left.
func waitIdle(win *Window) {
	deadline := time.After(10 * time.Minute)
	for {
		select {
		case f := <-win.core.queue:
			f()
		case <-deadline:
			panic("background work did not finish")
		case <-time.After(10 * time.Millisecond):
			if win.core.pending.Load() == 0 {
				return
			}
		}
	}
}

// labels returns the texts of the labels laid out under o.
func labels(o fyne.CanvasObject) map[string]*widget.Label {
	out := map[string]*widget.Label{}
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok {
			out[l.Text] = l
		}
	}
	return out
}

func TestTabs(t *testing.T) {
	win, _, _ := newWindow(t)
	var titles []string
	for _, item := range win.Tabs.Items {
		titles = append(titles, item.Text)
	}
	if got := strings.Join(titles, ","); got != "Projects,Interpreters,Install,Environments,Benchmarks,Team,Doctor,Settings" {
		t.Fatalf("tabs = %s", got)
	}
}

// The Interpreters table shows what discovery found, free-threaded rows
// badged; a header click sorts (versions as versions, again: the other
// way); the filter and the free-threaded switch narrow it; a click selects
// the whole row and shows everything about it.
func TestInterpretersTable(t *testing.T) {
	win, _, _ := newWindow(t)
	win.Tabs.SelectIndex(tabInterpreters)
	tab := win.interpreters
	ft := testenv.FreeThreaded(t)
	rows := tableRows(tab.table)
	if len(rows) < len(ft)+3 {
		t.Fatalf("only %d interpreters shown", len(rows))
	}
	badged := 0
	for r, row := range rows {
		l := cellLabel(tab.table, r, 1)
		badge := l.Text == "free-threaded" && l.Importance == widget.HighImportance && l.TextStyle.Bold
		if badge != (row["Build"] == "free-threaded") || (row["Build"] != "free-threaded" && row["Build"] != "GIL") {
			t.Errorf("row %d (%s): Build cell %q importance %v", r, row["Path"], l.Text, l.Importance)
		}
		if badge {
			badged++
		}
	}
	if badged < len(ft) {
		t.Errorf("%d rows badged free-threaded, want at least the %d test builds", badged, len(ft))
	}

	test.Tap(header(tab.table, "Version"))
	if h := header(tab.table, "Version"); h.Text != "Version ▲" {
		t.Errorf("the sorted header reads %q", h.Text)
	}
	assertVersionOrder(t, columnOf(tab.table, "Version"), 1)
	test.Tap(header(tab.table, "Version"))
	assertVersionOrder(t, columnOf(tab.table, "Version"), -1)

	n := len(rows)
	test.Tap(tab.refresh)
	waitIdle(win)
	if got := len(tableRows(tab.table)); got != n {
		t.Errorf("refresh changed %d rows to %d", n, got)
	}
	test.Type(tab.filter, "3.14")
	versions := columnOf(tab.table, "Version")
	for _, v := range versions {
		if !strings.HasPrefix(v, "3.14") {
			t.Errorf("filter '3.14' shows %s", v)
		}
	}
	if len(versions) == 0 || len(versions) >= n {
		t.Errorf("filter shows %d of %d", len(versions), n)
	}
	tab.filter.SetText("")
	test.Tap(tab.ftOnly)
	builds := columnOf(tab.table, "Build")
	if len(builds) != badged {
		t.Errorf("free-threaded only shows %d rows, want %d", len(builds), badged)
	}
	for _, b := range builds {
		if b != "free-threaded" {
			t.Errorf("free-threaded only shows a %s row", b)
		}
	}

	clickRow(tab.table, 0)
	// A path too long for its column ends in "…"; the details pane has it
	// whole.
	path := columnOf(tab.table, "Path")[0]
	if !strings.Contains(tab.details.Text, strings.TrimSuffix(path, "…")) || !strings.Contains(tab.details.Text, "GIL at start-up") {
		t.Errorf("details: %s", tab.details.Text)
	}
	pathCol := slices.IndexFunc(tab.table.columns, func(c column) bool { return c.title == "Path" })
	tab.table.widths[pathCol] = 120
	if cut := cellLabel(tab.table, 0, pathCol).Text; !strings.HasSuffix(cut, "…") || len(cut) >= len(path) {
		t.Errorf("a path in a narrow column reads %q", cut)
	}
	tab.table.widths[pathCol] = tab.table.columns[pathCol].width
	selection := theme.Color(theme.ColorNameSelection)
	for col := range tab.table.columns {
		cell := tab.table.CreateCell()
		tab.table.UpdateCell(widget.TableCellID{Row: 0, Col: col}, cell)
		if bg := cell.(*fyne.Container).Objects[0].(*canvas.Rectangle); bg.FillColor != selection {
			t.Errorf("column %d of the clicked row is not highlighted", col)
		}
		if len(builds) > 1 {
			tab.table.UpdateCell(widget.TableCellID{Row: 1, Col: col}, cell)
			if bg := cell.(*fyne.Container).Objects[0].(*canvas.Rectangle); bg.FillColor == selection {
				t.Errorf("column %d of another row is highlighted", col)
			}
		}
	}
	for _, b := range []string{"Copy path", "Open folder", "Create venv…", "Benchmark"} {
		if shownButton(tab.content, b) == nil {
			t.Errorf("no %s button for the selected interpreter", b)
		}
	}
}

// assertVersionOrder checks versions are sorted as versions (dir 1:
// ascending, -1: descending).
func assertVersionOrder(t *testing.T, versions []string, dir int) {
	t.Helper()
	for i := 1; i < len(versions); i++ {
		a, errA := version.NewVersion(versions[i-1])
		b, errB := version.NewVersion(versions[i])
		if errA != nil || errB != nil {
			continue
		}
		if a.Compare(b)*dir > 0 {
			t.Errorf("sorted %+d: %s before %s (%v)", dir, versions[i-1], versions[i], versions)
			return
		}
	}
}

// From the Interpreters tab a venv is made from the free-threaded build:
// the form offers Create only once the name is valid; the venv is made and
// checked in the tab; Delete asks, naming the folder and its size, and
// deletes.
func TestVenvFromInterpreterCreateCheckDelete(t *testing.T) {
	win, w, data := newWindow(t)
	var ftPath string
	for _, p := range testenv.FreeThreaded(t) {
		ftPath = p
	}
	it := win.interpreters
	win.Tabs.SelectIndex(tabInterpreters)
	test.Type(it.filter, filepath.Dir(ftPath))
	if len(tableRows(it.table)) == 0 {
		t.Fatal("the free-threaded test build is not listed")
	}
	clickRow(it.table, 0)
	test.Tap(shownButton(it.content, "Create venv…"))
	if win.Tabs.SelectedIndex() != tabEnvironments {
		t.Fatal("Create venv… did not go to the Environments tab")
	}
	form := w.Canvas().Overlays().Top()
	create := shownButton(form, "Create")
	if create == nil || !create.Disabled() {
		t.Fatal("Create should be there, and disabled until the venv has a name")
	}
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
	if picker == nil || !strings.Contains(picker.Selected, "free-threaded") || !strings.Contains(picker.Selected, ftPath) {
		t.Errorf("the picker should hold the chosen free-threaded interpreter: %v", picker)
	}
	name, location := entries[0], entries[1]
	test.Type(name, "ui-ft")
	if create.Disabled() {
		t.Fatal("Create stays disabled with a valid name")
	}
	test.Type(location, "relative/dir")
	if !create.Disabled() {
		t.Error("Create is offered with a relative location")
	}
	location.SetText("")
	test.Tap(create)
	waitIdle(win)
	env := win.environments
	if text := screenText(env.content); !strings.Contains(text, "Created ui-ft (ok)") {
		t.Fatalf("after Create the tab shows:\n%s", text)
	}
	if _, err := os.Stat(filepath.Join(data, "venvs", "ui-ft", "pyvenv.cfg")); err != nil {
		t.Fatal(err)
	}
	rows := tableRows(env.table)
	if len(rows) != 1 || rows[0]["Name"] != "ui-ft" || rows[0]["Build"] != "free-threaded" {
		t.Fatalf("the table shows %v", rows)
	}
	clickRow(env.table, 0)
	test.Tap(shownButton(env.content, "Check"))
	waitIdle(win)
	if text := screenText(w.Canvas().Overlays().Top()); !strings.Contains(text, "Status  ok") {
		t.Errorf("the check dialog shows:\n%s", text)
	}
	if !strings.Contains(screenText(env.content), "ui-ft: ok") {
		t.Errorf("the tab after the check shows:\n%s", screenText(env.content))
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	test.Tap(shownButton(env.content, "Delete…"))
	ask := w.Canvas().Overlays().Top()
	venv := filepath.Join(data, "venvs", "ui-ft")
	if text := screenText(ask); !strings.Contains(text, venv) || !strings.Contains(text, "MiB") {
		t.Errorf("the confirmation should name the folder and its size:\n%s", text)
	}
	del := shownButton(ask, "Delete")
	if del == nil || del.Importance != widget.DangerImportance {
		t.Fatal("the confirmation's Delete should be danger-styled")
	}
	test.Tap(del)
	waitIdle(win)
	if _, err := os.Stat(venv); !os.IsNotExist(err) {
		t.Errorf("the venv is still there: %v", err)
	}
	if text := screenText(env.content); !strings.Contains(text, "No virtual environments yet") || shownButton(env.content, "Create a venv…") == nil {
		t.Errorf("with no venvs left the tab should offer Create:\n%s", text)
	}
}

// A benchmark run from the window starts with its answer in words per
// interpreter, then shows per run its figures and per workload its own;
// sorting keeps a run's workloads under it. The peak memory is the
// interpreter's own, though the window is bigger than the interpreter.
func TestBenchmarkRunShowsItsFigures(t *testing.T) {
	ballast := make([]byte, 300<<20) // a window's worth of memory, and more
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	defer runtime.KeepAlive(ballast)
	heavy := testenv.HeavyInterpreter(t, testenv.FreeThreaded(t)["3.14"], 200)
	gil := testenv.GIL(t, "3.13")
	win, _, _ := newWindowOn(t, []string{filepath.Dir(heavy), filepath.Dir(gil)})
	win.Tabs.SelectIndex(tabBenchmarks)
	b := win.benchmarks
	var ticks []string
	for _, opt := range b.checks.Options {
		if strings.Contains(opt, heavy) || strings.Contains(opt, gil) {
			ticks = append(ticks, opt)
		}
	}
	if len(ticks) != 2 {
		t.Fatalf("offered: %v", b.checks.Options)
	}
	b.checks.SetSelected(ticks)
	test.Tap(b.run)
	waitIdle(win)
	screen := screenText(b.content)
	if !strings.Contains(screen, "Done: 2 interpreters") {
		t.Fatalf("the tab shows:\n%s", screen)
	}
	verdicts := strings.Split(screenText(b.verdicts), "\n")
	slices.Sort(verdicts)
	if len(verdicts) != 2 || !strings.HasPrefix(verdicts[0], "3.13.5: GIL build: threads take turns") || !strings.HasPrefix(verdicts[1], "3.14.7t: ") {
		t.Errorf("the verdict lines: %q", verdicts)
	}
	hostname, _ := os.Hostname()
	rows := tableRows(b.table)
	if len(rows) != 10 {
		t.Fatalf("want 2 runs of 1 headline and 4 workload rows, got %d: %v", len(rows), rows)
	}
	heads := map[string]map[string]string{}
	for _, row := range rows {
		if row["Workload"] == "median of 4" {
			heads[row["Python"]] = row
		}
		if row["Machine"] != hostname || !strings.HasPrefix(row["Run"], "#") || row["Date"] == "" {
			t.Errorf("a row without its run, date or machine: %v", row)
		}
	}
	ft, std := heads["3.14.7"], heads["3.13.5"]
	if !strings.HasPrefix(std["Verdict"], "GIL build: threads take turns") {
		t.Errorf("GIL build's verdict: %q", std["Verdict"])
	}
	if peak, _ := strconv.ParseFloat(ft["Peak MB"], 64); peak < 200 || peak > 250 {
		t.Errorf("the interpreter holding 200 MB shows a peak of %s MB", ft["Peak MB"])
	}
	if peak, _ := strconv.ParseFloat(std["Peak MB"], 64); peak <= 0 || peak >= 50 {
		t.Errorf("the bare GIL build shows a peak of %s MB", std["Peak MB"])
	}
	var workloads []string
	for _, row := range rows[1:5] {
		workloads = append(workloads, row["Workload"])
		if !strings.Contains(row["Efficiency"], "±") || !strings.HasSuffix(row["1 thread"], " ms") {
			t.Errorf("a workload row: %v", row)
		}
	}
	if strings.Join(workloads, ", ") != "float arithmetic, function calls, allocation, generators" {
		t.Errorf("workload rows: %v", workloads)
	}
	// Sorted by efficiency, either way, each run keeps its workloads
	// under it.
	for range 2 {
		test.Tap(header(b.table, "Efficiency"))
		rows := tableRows(b.table)
		for i, row := range rows {
			if (i%5 == 0) != (row["Workload"] == "median of 4") || row["Run"] != rows[i-i%5]["Run"] {
				t.Fatalf("sorting split a run from its workloads: %v", columnOf(b.table, "Workload"))
			}
		}
	}
	if !strings.Contains(screen, "Efficiency: the speedup against that ceiling") {
		t.Error("the legend of the columns is not shown")
	}
	var chartTexts []string
	for _, o := range test.WidgetRenderer(b.chart).Objects() {
		if txt, ok := o.(*canvas.Text); ok {
			chartTexts = append(chartTexts, txt.Text)
		}
	}
	for _, want := range []string{"1×", "2×", "100%", "speedup on 2 threads (1× = one thread; 2× = ideal)"} {
		if !slices.Contains(chartTexts, want) {
			t.Errorf("the chart lacks %q: %q", want, chartTexts)
		}
	}
}

// newInstallWindow builds the window over a fresh data dir whose mirror
// setting is mirror.
func newInstallWindow(t *testing.T, mirror string) (*Window, fyne.Window, *store.Store) {
	t.Helper()
	a := test.NewTempApp(t)
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if mirror != "" {
		st.SetSetting(t.Context(), store.SettingMirror, mirror)
	}
	w := a.NewWindow("PyHangar")
	win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "test", DataDir: data, Store: st}, make(chan func()))
	w.SetContent(win.Tabs)
	w.Resize(fyne.NewSize(1200, 800))
	t.Cleanup(w.Close)
	waitIdle(win)
	return win, w, st
}

// overlayText is every label of the dialog on top, one text.
func overlayText(w fyne.Window) string {
	var texts []string
	for text := range labels(w.Canvas().Overlays().Top()) {
		texts = append(texts, text)
	}
	return strings.Join(texts, "\n")
}

func TestFailingInstallShowsTheErrorDialog(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball, Tampered: true})
	win, w, _ := newInstallWindow(t, org.URL)
	win.Tabs.SelectIndex(tabInstall)
	in := win.install
	if !strings.HasPrefix(in.info.Text, "1 releases from "+org.URL) || in.install.Disabled() {
		t.Fatalf("catalog: %q, Install disabled %v", in.info.Text, in.install.Disabled())
	}
	if in.job.bar.Visible() || in.job.spin.Visible() || shownButton(in.content, "Cancel") != nil {
		t.Error("progress and Cancel show while nothing runs")
	}
	in.route.SetSelected("python.org")
	test.Tap(in.install)
	waitIdle(win)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no error dialog; the tab shows:\n%s", screenText(in.content))
	}
	text := overlayText(w)
	if !strings.Contains(text, "Checksum mismatch") || findButton(top, "Open log file") == nil {
		t.Errorf("the dialog should give the reason and a way to the log; it shows: %s", text)
	}
	if in.job.bar.Visible() || in.job.spin.Visible() || shownButton(in.content, "Cancel") != nil {
		t.Error("progress or Cancel stay after the install ended")
	}
	if !strings.Contains(screenText(in.content), "Failed: Checksum mismatch") || shownButton(in.content, "Details…") == nil {
		t.Errorf("the tab should say it failed and why:\n%s", screenText(in.content))
	}
	logText := in.log.text()
	if !strings.Contains(logText, "Installing 3.13.5t via python.org") || !strings.Contains(logText, "downloading ") || shownButton(in.content, "Open log file") == nil {
		t.Errorf("the log should show the install's lines and offer its file:\n%s", logText)
	}
}

// python.org (here a mirror) cannot be reached: the tab says so in a short
// headline and offers Retry and another mirror; a mirror chosen there is
// used at once, and a later outage shows the catalog kept, with its age.
func TestInstallTabOfflineThenMirror(t *testing.T) {
	gone := testenv.StartPythonOrg(t)
	gone.Close()
	win, w, st := newInstallWindow(t, gone.URL)
	in := win.install
	if !in.offline.Visible() || in.headline.Text != "The mirror "+gone.URL+" can't be reached." {
		t.Fatalf("offline: headline %q (visible %v)", in.headline.Text, in.offline.Visible())
	}
	for _, b := range []string{"Retry", "Use a mirror…", "Details…"} {
		if findButton(in.offline, b) == nil {
			t.Errorf("no %s button", b)
		}
	}
	if !in.install.Disabled() {
		t.Error("Install is enabled with no catalog")
	}
	test.Tap(findButton(in.offline, "Details…"))
	if text := overlayText(w); !strings.Contains(text, "connection refused") {
		t.Errorf("the details should hold the raw error: %s", text)
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7"}, testenv.StandInRelease{ID: 1001, Version: "3.13.5"})
	test.Tap(findButton(in.offline, "Use a mirror…"))
	top := w.Canvas().Overlays().Top()
	var entry *widget.Entry
	for _, o := range test.LaidOutObjects(top) {
		if e, ok := o.(*widget.Entry); ok {
			entry = e
		}
	}
	entry.SetText("")
	test.Type(entry, org.URL)
	test.Tap(findButton(top, "Use it"))
	waitIdle(win)
	if in.offline.Visible() || !strings.HasPrefix(in.info.Text, "2 releases from "+org.URL) || in.install.Disabled() {
		t.Fatalf("after choosing the mirror: %q, offline %v", in.info.Text, in.offline.Visible())
	}
	if st.Mirror(t.Context()) != org.URL {
		t.Errorf("the mirror was not saved: %q", st.Mirror(t.Context()))
	}
	// The mirror goes away; saving the settings loads the catalog again,
	// and Retry tries once more: the catalog kept is shown, with its age.
	org.Close()
	var settings fyne.CanvasObject
	for _, item := range win.Tabs.Items {
		if item.Text == "Settings" {
			settings = item.Content
		}
	}
	win.Tabs.SelectIndex(tabSettings)
	test.Tap(shownButton(settings, "Save settings"))
	waitIdle(win)
	test.Tap(findButton(in.offline, "Retry"))
	waitIdle(win)
	if !in.offline.Visible() || !strings.Contains(in.headline.Text, "showing the catalog fetched less than a minute ago") || len(in.releases) != 2 {
		t.Errorf("offline with a catalog kept: %q, %d releases", in.headline.Text, len(in.releases))
	}
}

func TestTeamTabRefusesAMalformedProfileAndPlansAGoodOne(t *testing.T) {
	win, w, _ := newWindow(t)
	win.Tabs.SelectIndex(tabTeam)
	intro := screenText(win.team.content)
	if !strings.Contains(intro, "A team profile is a TOML file") || shownButton(win.team.content, "Create from this machine…") == nil {
		t.Errorf("before a profile is open the tab should explain and offer Open and Create:\n%s", intro)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("name = \"x\"\n\n[[venv]]\nname = \"a\"\npython = \"3.12\"\ncolour = \"red\"\n"), 0o644)
	win.team.load(bad)
	waitIdle(win)
	if !strings.Contains(win.team.file.Text, "bad.toml:6") || !win.team.apply.Disabled() {
		t.Errorf("malformed profile: %q", win.team.file.Text)
	}
	good := filepath.Join(dir, "team.toml")
	os.WriteFile(good, []byte("name = \"t\"\n\n[[python]]\nspec = \"3.13\"\n\n[[venv]]\nname = \"team-a\"\npython = \"3.13\"\n"), 0o644)
	win.team.load(good)
	waitIdle(win)
	if len(win.team.steps) != 2 || win.team.steps[0].State != "present" || win.team.steps[1].State != "to create" || win.team.apply.Disabled() {
		t.Fatalf("plan: %+v (%s)", win.team.steps, win.team.file.Text)
	}
	test.Tap(win.team.apply)
	// The plan is shown first; nothing runs until the user agrees.
	shown := labels(w.Canvas().Overlays().Top())
	var plan string
	for text := range shown {
		if strings.Contains(text, "venv team-a") {
			plan = text
		}
	}
	if plan == "" || !strings.Contains(plan, "makes a new venv at") {
		t.Fatalf("the confirmation should show the plan: %v", shown)
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Apply"))
	waitIdle(win)
	if text := screenText(win.team.content); win.team.steps[1].State != "done" || !strings.Contains(text, "Done: 1 steps") {
		t.Fatalf("apply: %+v\n%s", win.team.steps, text)
	}
	win.team.load(good)
	waitIdle(win)
	if text := screenText(win.team.content); !strings.Contains(text, "Nothing to do") {
		t.Errorf("second plan:\n%s", text)
	}
	if recent := win.core.app.Preferences().StringList(prefRecentProfiles); len(recent) != 1 || recent[0] != good {
		t.Errorf("recent profiles: %v", recent)
	}
}

func TestCreateShowsStoreError(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("PyHangar")
	defer w.Close()
	content := Create(a, w, Config{StoreErr: errors.New("database schema is newer than this PyHangar")})
	w.SetContent(content)
	found := false
	for text := range labels(content) {
		found = found || strings.Contains(text, "newer than this PyHangar")
	}
	if !found {
		t.Fatal("the store error is not shown")
	}
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil {
		return nil
	}
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// waitUntil runs the UI-side work the background sends until cond holds.
func waitUntil(t *testing.T, win *Window, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for !cond() {
		select {
		case f := <-win.core.queue:
			f()
		case <-deadline:
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Ctrl+Q while an install runs asks first; agreeing cancels the install,
// which cleans up before the app quits. With nothing running, Ctrl+Q asks
// nothing.
func TestQuitWhileAJobRunsAsksAndCleansUp(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	gate := make(chan struct{})
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball, Gate: gate})
	t.Cleanup(func() { close(gate) })
	win, w, st := newInstallWindow(t, org.URL)
	data := filepath.Dir(st.Path())
	quit := &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

	in := win.install
	in.route.SetSelected("python.org")
	test.Tap(in.install)
	waitUntil(t, win, "the download to start", func() bool { return strings.HasPrefix(in.job.step.Text, "download") })
	if !in.install.Disabled() {
		t.Error("Install stays enabled while an install runs")
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(quit)
	top := w.Canvas().Overlays().Top()
	var question string
	for text := range labels(top) {
		if strings.Contains(text, "running") {
			question = text
		}
	}
	if !strings.Contains(question, "1 job is running — cancel them and quit?") {
		t.Fatalf("Ctrl+Q during an install should ask; overlay labels: %v", labels(top))
	}
	test.Tap(findButton(top, "Cancel jobs and quit"))
	waitUntil(t, win, "the install to clean up", func() bool { return strings.HasPrefix(in.job.step.Text, "Cancelled") })
	waitIdle(win)
	recs, _ := st.Installs(t.Context())
	if len(recs) != 1 || recs[0].Status != "cancelled" {
		t.Errorf("records: %+v", recs)
	}
	for _, dir := range []string{"build", "downloads", "pythons"} {
		if entries, _ := os.ReadDir(filepath.Join(data, dir)); len(entries) > 0 {
			t.Errorf("%s/ holds %d entries after the cancel", dir, len(entries))
		}
	}
	if in.install.Disabled() {
		t.Error("Install stays disabled after the install ended")
	}
	// Nothing runs now: Ctrl+Q quits without a question.
	w.Canvas().(fyne.Shortcutable).TypedShortcut(quit)
	if o := w.Canvas().Overlays().Top(); o != nil {
		t.Errorf("Ctrl+Q with nothing running showed %v", labels(o))
	}
}

// With no uv on the machine, the Install tab offers Get uv beside the
// routes; one click gets it (from a stand-in for GitHub) and the uv route
// is offered and chosen.
func TestInstallTabGetsUV(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("PATH", "/usr/bin:/bin") // no uv here
	gh := testenv.StartGitHub(t, installer.PinnedUV)
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7"})
	win, _, st := newInstallWindow(t, org.URL)
	st.SetSetting(t.Context(), store.SettingUVMirror, gh.URL)
	win.Tabs.SelectIndex(tabInstall)
	in := win.install
	if !in.getUV.Visible() || slices.Contains(in.route.Options, "uv") || !strings.Contains(in.routeWhy.Text, "uv cannot be used here") {
		t.Fatalf("without uv: Get uv shown %v, routes %v, %q", in.getUV.Visible(), in.route.Options, in.routeWhy.Text)
	}
	// The doctor's finding about uv has the same fix, one click away.
	win.Tabs.SelectIndex(tabDoctor)
	getUV := shownButton(win.doctor.content, "Get uv")
	if getUV == nil {
		t.Fatalf("the doctor offers no Get uv:\n%s", screenText(win.doctor.content))
	}
	start := time.Now()
	test.Tap(getUV)
	if win.Tabs.SelectedIndex() != tabInstall {
		t.Error("Get uv in the doctor did not go to the Install tab")
	}
	waitIdle(win)
	t.Logf("from the click on Get uv to a usable uv: %v", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(screenText(in.content), "Got uv "+installer.PinnedUV) || in.getUV.Visible() {
		t.Fatalf("after Get uv, Get uv still shown %v; the tab shows:\n%s", in.getUV.Visible(), screenText(in.content))
	}
	if in.route.Selected != "uv" || !strings.Contains(in.routeWhy.Text, "a prebuilt build") {
		t.Errorf("the uv route should be chosen and described: %q %q", in.route.Selected, in.routeWhy.Text)
	}
}
