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
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// cellText is what a table cell shows.
func cellText(tab *widget.Table, row, col int) string {
	cell := tab.CreateCell().(*widget.Label)
	tab.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
	return cell.Text
}

// tableRows are a table's rows as the user reads them, by column title.
func tableRows(tab *widget.Table, columns []column) []map[string]string {
	rows, _ := tab.Length()
	out := make([]map[string]string, rows)
	for r := range out {
		out[r] = map[string]string{}
		for c, col := range columns {
			out[r][col.title] = cellText(tab, r, c)
		}
	}
	return out
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
	if got := strings.Join(titles, ","); got != "Interpreters,Install,Environments,Benchmarks,Team,Doctor,Settings" {
		t.Fatalf("tabs = %s", got)
	}
}

func TestRefreshFillsTableAndFilterNarrowsIt(t *testing.T) {
	win, _, _ := newWindow(t)
	tab := win.interpreters
	ft := testenv.FreeThreaded(t)
	if len(tab.shown) < len(ft)+3 {
		t.Fatalf("only %d interpreters shown", len(tab.shown))
	}
	// The free-threaded rows carry the badge: build each row's Build cell
	// with the table's own cell functions.
	for row, in := range tab.shown {
		cell := tab.table.CreateCell().(*widget.Label)
		tab.table.UpdateCell(widget.TableCellID{Row: row, Col: 1}, cell)
		badge := cell.Text == "free-threaded" && cell.Importance == widget.HighImportance && cell.TextStyle.Bold
		if badge != in.FreeThreaded || (!in.FreeThreaded && cell.Text != "GIL") {
			t.Errorf("row %d (%s): Build cell %q importance %v", row, in.Path, cell.Text, cell.Importance)
		}
	}

	// Ctrl+R style refresh through the button: still the same rows.
	n := len(tab.shown)
	test.Tap(tab.refresh)
	waitIdle(win)
	if len(tab.shown) != n {
		t.Errorf("refresh changed %d rows to %d", n, len(tab.shown))
	}

	test.Type(tab.filter, "3.14")
	for _, in := range tab.shown {
		if !strings.HasPrefix(in.Version, "3.14") {
			t.Errorf("filter '3.14' shows %s (%s)", in.Path, in.Version)
		}
	}
	if len(tab.shown) == 0 || len(tab.shown) >= n {
		t.Errorf("filter shows %d of %d", len(tab.shown), n)
	}
	tab.filter.SetText("")
	test.Tap(tab.ftOnly)
	if len(tab.shown) != len(ft) {
		t.Errorf("free-threaded only shows %d, want %d", len(tab.shown), len(ft))
	}
	for _, in := range tab.shown {
		if !in.FreeThreaded {
			t.Errorf("%s is not free-threaded", in.Path)
		}
	}
	// Selecting a row shows its details.
	tab.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if !strings.Contains(tab.details.Text, tab.shown[0].Path) || !strings.Contains(tab.details.Text, "GIL at start-up") {
		t.Errorf("details: %s", tab.details.Text)
	}
	if len(tab.actions.Objects) != 4 {
		t.Errorf("actions: %d", len(tab.actions.Objects))
	}
}

func TestCreateDialogMakesAVenvThatChecksOK(t *testing.T) {
	win, w, data := newWindow(t)
	env := win.environments
	var ft string
	for _, p := range testenv.FreeThreaded(t) {
		ft = p
	}
	var base *int
	for i, in := range win.core.interps {
		if in.Path == ft || contains(in.Aliases, ft) {
			i := i
			base = &i
		}
	}
	if base == nil {
		t.Fatal("the free-threaded test build was not discovered")
	}
	win.core.createVenvFrom(win.core.interps[*base])
	if win.Tabs.Selected().Text != "Environments" || env.createName == nil {
		t.Fatal("the create dialog did not open on the Environments tab")
	}
	if !strings.Contains(env.createPython.Selected, "free-threaded") {
		t.Errorf("the picker should hold the chosen free-threaded interpreter: %s", env.createPython.Selected)
	}
	test.Type(env.createName, "ui-ft")
	create := findButton(w.Canvas().Overlays().Top(), "Create")
	if create == nil {
		t.Fatal("no Create button in the dialog")
	}
	test.Tap(create)
	waitIdle(win)
	if env.lastResult != "ok" {
		t.Fatalf("create: %s", env.lastResult)
	}
	if _, err := os.Stat(filepath.Join(data, "venvs", "ui-ft", "pyvenv.cfg")); err != nil {
		t.Fatal(err)
	}
	var row = -1
	for i, e := range env.entries {
		if e.Name == "ui-ft" {
			row = i
		}
	}
	if row < 0 || !env.entries[row].FreeThreaded {
		t.Fatalf("the new venv is not listed: %+v", env.entries)
	}
	env.table.Select(widget.TableCellID{Row: row, Col: 0})
	env.check(false)
	waitIdle(win)
	if env.lastResult != "ok" {
		t.Errorf("check: %s", env.lastResult)
	}
}

// A benchmark run from the window shows, per run, its verdict and figures,
// and per workload its own; the peak memory is the interpreter's own,
// though the window is bigger than the interpreter.
func TestBenchmarkRunShowsItsFigures(t *testing.T) {
	ballast := make([]byte, 300<<20) // a window's worth of memory, and more
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	defer runtime.KeepAlive(ballast)
	heavy := testenv.HeavyInterpreter(t, testenv.FreeThreaded(t)["3.14"], 200)
	gil := testenv.GIL(t, "3.13")
	win, _, _ := newWindowOn(t, []string{filepath.Dir(heavy), filepath.Dir(gil)})
	b := win.benchmarks
	var labels []string
	for _, in := range b.choices {
		if in.Path == heavy || in.Path == gil || contains(in.Aliases, gil) {
			labels = append(labels, b.label(in))
		}
	}
	if len(labels) != 2 {
		t.Fatalf("offered: %v", b.checks.Options)
	}
	b.checks.SetSelected(labels)
	test.Tap(b.run)
	waitIdle(win)
	if !strings.HasPrefix(b.step.Text, "Done: 2 interpreters") {
		t.Fatalf("step: %s", b.step.Text)
	}
	hostname, _ := os.Hostname()
	rows := tableRows(b.table, benchColumns)
	if len(rows) != 10 {
		t.Fatalf("want 2 runs of 1 headline and 4 workload rows, got %d: %v", len(rows), rows)
	}
	heads := map[string]map[string]string{}
	for _, row := range rows {
		if row["Workload"] == "median of 4" {
			heads[row["Python"]] = row
		}
		if row["Machine"] != hostname || !strings.HasPrefix(row["Run"], "#") {
			t.Errorf("a row without its run or machine: %v", row)
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
		st.SetSetting(store.SettingMirror, mirror)
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
	in := win.install
	if !strings.HasPrefix(in.info.Text, "1 releases from "+org.URL) || in.install.Disabled() {
		t.Fatalf("catalog: %q, Install disabled %v", in.info.Text, in.install.Disabled())
	}
	if in.progress.Visible() || in.cancelB.Visible() {
		t.Error("progress and Cancel show while nothing runs")
	}
	in.route.SetSelected("python.org")
	test.Tap(in.install)
	waitIdle(win)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no error dialog; phase %q", in.phase.Text)
	}
	text := overlayText(w)
	if !strings.Contains(text, "Checksum mismatch") || findButton(top, "Show the log") == nil {
		t.Errorf("the dialog should give the reason and a way to the log; it shows: %s", text)
	}
	if in.progress.Visible() {
		t.Error("the progress bar stays after the install ended")
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
	if st.Mirror() != org.URL {
		t.Errorf("the mirror was not saved: %q", st.Mirror())
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
	test.Tap(findButton(settings, "Save settings"))
	waitIdle(win)
	test.Tap(findButton(in.offline, "Retry"))
	waitIdle(win)
	if !in.offline.Visible() || !strings.Contains(in.headline.Text, "showing the catalog fetched less than a minute ago") || len(in.releases) != 2 {
		t.Errorf("offline with a catalog kept: %q, %d releases", in.headline.Text, len(in.releases))
	}
}

func TestTeamTabRefusesAMalformedProfileAndPlansAGoodOne(t *testing.T) {
	win, w, _ := newWindow(t)
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
	if win.team.steps[1].State != "done" || !strings.HasPrefix(win.team.summary.Text, "Done") {
		t.Fatalf("apply: %+v, %s", win.team.steps, win.team.summary.Text)
	}
	win.team.load(good)
	waitIdle(win)
	if !strings.Contains(win.team.summary.Text, "Nothing to do") {
		t.Errorf("second plan: %s", win.team.summary.Text)
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
	a := test.NewTempApp(t)
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(store.SettingMirror, org.URL)
	w := a.NewWindow("PyHangar")
	win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "test", DataDir: data, Store: st}, make(chan func()))
	w.SetContent(win.Tabs)
	w.Resize(fyne.NewSize(1200, 800))
	defer w.Close()
	waitIdle(win)
	quit := &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

	in := win.install
	in.route.SetSelected("python.org")
	test.Tap(in.install)
	waitUntil(t, win, "the download to start", func() bool { return strings.HasPrefix(in.phase.Text, "download") })
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
	waitUntil(t, win, "the install to clean up", func() bool { return strings.HasPrefix(in.phase.Text, "Cancelled") })
	waitIdle(win)
	recs, _ := st.Installs()
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
	a := test.NewTempApp(t)
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(store.SettingMirror, org.URL)
	st.SetSetting(store.SettingUVMirror, gh.URL)
	w := a.NewWindow("PyHangar")
	win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "test", DataDir: data, Store: st}, make(chan func()))
	w.SetContent(win.Tabs)
	defer w.Close()
	waitIdle(win)
	in := win.install
	if !in.getUV.Visible() || slices.Contains(in.route.Options, "uv") || !strings.Contains(in.routeWhy.Text, "uv cannot be used here") {
		t.Fatalf("without uv: Get uv shown %v, routes %v, %q", in.getUV.Visible(), in.route.Options, in.routeWhy.Text)
	}
	start := time.Now()
	test.Tap(in.getUV)
	waitIdle(win)
	t.Logf("from the click on Get uv to a usable uv: %v", time.Since(start).Round(time.Millisecond))
	if !strings.HasPrefix(in.phase.Text, "Got uv "+installer.PinnedUV) || in.getUV.Visible() {
		t.Fatalf("after Get uv: %q, Get uv still shown %v", in.phase.Text, in.getUV.Visible())
	}
	if in.route.Selected != "uv" || !strings.Contains(in.routeWhy.Text, "a prebuilt build") {
		t.Errorf("the uv route should be chosen and described: %q %q", in.route.Selected, in.routeWhy.Text)
	}
}
