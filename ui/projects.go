package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/trial"
)

const jobTry = "try"

// The variants the tab offers beside the interpreters ticked.
const (
	variantGILOn = "Free-threaded builds again with the GIL on (PYTHON_GIL=1)"
	variantJITOn = "Builds with the JIT again with it on (PYTHON_JIT=1)"
)

// projectsTab tries a project on other Pythons: open or drop its folder,
// tick the interpreters, check the commands, Try; the answer in words,
// the table, the chart; the project's earlier tries, to compare and
// export; and "use this Python for the project".
type projectsTab struct {
	c        *core
	proj     *project.Project
	recent   []string // project folders, newest first
	recentL  *widget.List
	header   *widget.Label
	choices  []envs.Interpreter
	targets  *widget.CheckGroup
	variants *widget.CheckGroup
	testCmd  *widget.Entry
	runCmd   *widget.Entry
	budget   *widget.Entry
	tryB     *widget.Button
	job      *jobView
	answers  *fyne.Container
	shown    *trial.Try
	table    *dataTable
	chart    *fyne.Container
	tries    []store.TryRow
	compared map[int64]bool
	histL    *widget.List
	pinB     *widget.Button
	exportB  *widget.Button
	content  fyne.CanvasObject
}

func newProjectsTab(c *core) *projectsTab {
	t := &projectsTab{c: c, compared: map[int64]bool{}}
	open := widget.NewButtonWithIcon("Open a project folder…", theme.FolderOpenIcon(), t.chooseFolder)
	open.Importance = widget.HighImportance
	t.recentL = widget.NewList(func() int { return len(t.recent) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(filepath.Base(t.recent[i]) + "   " + t.recent[i])
		})
	t.recentL.OnSelected = func(i widget.ListItemID) { t.open(t.recent[i]) }
	t.header = widget.NewLabel("Open a project's folder (or drop one on the window) to try it on other Pythons: " +
		"does it install, do its tests pass, does the GIL stay off, is it faster — on its own code, side by side.")
	t.header.Wrapping = fyne.TextWrapWord
	t.targets = widget.NewCheckGroup(nil, nil)
	t.variants = widget.NewCheckGroup([]string{variantGILOn, variantJITOn}, nil)
	install := widget.NewButtonWithIcon("Install another Python…", theme.DownloadIcon(), func() { c.show(tabInstall) })
	install.Importance = widget.LowImportance
	t.testCmd = widget.NewEntry()
	t.testCmd.SetPlaceHolder("none: no tests are run")
	t.runCmd = widget.NewEntry()
	t.runCmd.SetPlaceHolder("none: nothing is timed (say: python bench.py)")
	for _, e := range []*widget.Entry{t.testCmd, t.runCmd} {
		e.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return nil
			}
			_, err := project.Command(s)
			return err
		}
	}
	t.budget = widget.NewEntry()
	t.budget.SetText(fmt.Sprintf("%gs", trial.DefaultBudget.Seconds()))
	t.budget.Validator = func(s string) error {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < time.Second {
			return errors.New("a duration of a second or more, such as 60s or 2m")
		}
		return nil
	}
	t.tryB = widget.NewButtonWithIcon("Try", theme.MediaPlayIcon(), t.start)
	t.tryB.Importance = widget.HighImportance
	t.tryB.Disable()
	t.job = newJobView(c, jobTry, "")
	c.onJobs(t.enable)
	t.answers = container.NewVBox()
	t.table = newDataTable(c.app.Preferences(), "table.tries", t.columns(), func() int {
		if t.shown == nil {
			return 0
		}
		return len(t.shown.Targets)
	})
	t.chart = container.NewVBox()
	t.histL = widget.NewList(func() int { return len(t.tries) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := t.tries[i]
			ch := o.(*widget.Check)
			ch.OnChanged = nil
			ch.SetText(fmt.Sprintf("#%d %s  %s", r.ID, r.Started.Local().Format("Jan 2 15:04"), r.Status))
			ch.SetChecked(t.compared[r.ID])
			ch.OnChanged = func(on bool) { t.compared[r.ID] = on; t.showCompared() }
		})
	t.exportB = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), t.export)
	t.pinB = widget.NewButtonWithIcon("Use a Python for this project…", theme.ConfirmIcon(), t.askPin)
	t.exportB.Disable()
	t.pinB.Disable()

	pythons := container.NewVScroll(container.NewVBox(t.targets, t.variants, container.NewHBox(install)))
	form := widget.NewForm(
		widget.NewFormItem("Tests", t.testCmd),
		widget.NewFormItem("Timed", t.runCmd),
		widget.NewFormItem("Timing for at most", t.budget),
	)
	setup := container.NewBorder(container.NewVBox(t.header, widget.NewLabelWithStyle("Pythons (the first ticked is the baseline)", fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})), container.NewVBox(form, container.NewHBox(t.tryB), t.job.content), nil, nil, pythons)
	shown := container.NewAppTabs(container.NewTabItem("Side by side", t.table), container.NewTabItem("Chart", container.NewVScroll(t.chart)))
	results := container.NewVSplit(container.NewVScroll(t.answers), shown)
	results.Offset = 0.3
	right := container.NewVSplit(setup, results)
	right.Offset = 0.55
	bold := fyne.TextStyle{Bold: true}
	recent := container.NewBorder(container.NewVBox(open, widget.NewLabelWithStyle("Recent projects", fyne.TextAlignLeading, bold)), nil, nil, nil, t.recentL)
	history := container.NewBorder(widget.NewLabelWithStyle("Earlier tries (tick one to show it, two to compare)", fyne.TextAlignLeading, bold),
		container.NewVBox(t.pinB, t.exportB), nil, nil, t.histL)
	left := container.NewVSplit(recent, history)
	split := container.NewHSplit(left, right)
	split.Offset = 0.26
	t.content = split
	c.onInterpreters(t.setChoices)
	t.loadRecent()
	return t
}

func (t *projectsTab) columns() []column {
	row := func(i int) trial.TargetResult { return t.shown.Targets[i] }
	cells := func(i int) trial.Cells { return row(i).Cells() }
	against := "Against the first"
	return []column{
		{title: "Python", width: 150, text: func(i int) string { return row(i).Name() }, unsorted: true},
		{title: "Installs", width: 130, text: func(i int) string { return cells(i).Installs }},
		{title: "Tests", width: 110, text: func(i int) string { return cells(i).Tests }, style: func(i int, l *widget.Label) {
			if ts := row(i).Tests; ts != nil && !ts.OK() {
				l.Importance = widget.DangerImportance
			}
		}},
		{title: "GIL", width: 190, text: func(i int) string { return cells(i).GIL }, style: func(i int, l *widget.Label) {
			if g := row(i).GIL; g != nil && len(g.TurnedOn) > 0 {
				l.Importance = widget.WarningImportance
			}
		}},
		{title: "Time", width: 90, text: func(i int) string { return cells(i).Time }},
		{title: against, width: 230, text: func(i int) string { return cells(i).Against }},
		{title: "Peak memory", width: 120, text: func(i int) string { return cells(i).Memory }},
	}
}

// setChoices offers the interpreters a try can use (not venvs), the
// defaults ticked.
func (t *projectsTab) setChoices(list []envs.Interpreter) {
	if list == nil {
		return
	}
	t.choices = nil
	var labels []string
	for _, in := range list {
		if !in.IsVenv && in.Status == envs.StatusOK {
			t.choices = append(t.choices, in)
			labels = append(labels, targetLabel(in))
		}
	}
	var ticked []string
	for _, d := range trial.DefaultTargets(list) {
		ticked = append(ticked, targetLabel(d.Python))
	}
	t.targets.Options = labels
	t.targets.SetSelected(ticked)
	t.targets.Refresh()
}

func targetLabel(in envs.Interpreter) string {
	return fmt.Sprintf("%s %s  %s", in.Version, in.Build(), in.Path)
}

// loadRecent lists the folders tried before, newest first.
func (t *projectsTab) loadRecent() {
	var rows []store.TryRow
	t.c.background(func() error {
		var err error
		rows, err = t.c.store.Tries(t.c.ctx, "")
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		for _, r := range rows {
			t.addRecent(r.ProjectDir, false)
		}
		t.recentL.Refresh()
	})
}

func (t *projectsTab) addRecent(dir string, first bool) {
	for i, d := range t.recent {
		if d == dir {
			if !first {
				return
			}
			t.recent = append(t.recent[:i], t.recent[i+1:]...)
			break
		}
	}
	if first {
		t.recent = append([]string{dir}, t.recent...)
	} else {
		t.recent = append(t.recent, dir)
	}
}

func (t *projectsTab) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			t.open(u.Path())
		}
	}, t.c.win)
	d.Resize(t.c.dialogSize(0.8, 0.8))
	d.Show()
}

// dropped opens a folder dropped on the window.
func (t *projectsTab) dropped(uris []fyne.URI) {
	for _, u := range uris {
		if fi, err := os.Stat(u.Path()); err == nil && fi.IsDir() {
			t.c.show(tabProjects)
			t.open(u.Path())
			return
		}
	}
}

// open reads the project in dir and shows what was found.
func (t *projectsTab) open(dir string) {
	var p project.Project
	var tries []store.TryRow
	t.c.background(func() error {
		var err error
		if p, err = project.Read(dir, project.Options{}); err != nil {
			return err
		}
		tries, err = t.c.store.Tries(t.c.ctx, p.Dir)
		return err
	}, func(err error) {
		if err != nil {
			t.c.showError("This folder cannot be tried", err)
			return
		}
		t.proj = &p
		t.addRecent(p.Dir, true)
		t.recentL.Refresh()
		t.header.SetText(describeProject(p))
		t.testCmd.SetText(commandText(p.Test))
		t.runCmd.SetText(commandText(p.Run))
		t.tries = tries
		t.compared = map[int64]bool{}
		t.shown = nil
		t.showTry()
		t.histL.Refresh()
		t.enable()
	})
}

// describeProject says what a try will read of the project.
func describeProject(p project.Project) string {
	var parts []string
	from := string(p.From)
	if len(p.Files) > 0 {
		from = strings.Join(p.Files, ", ")
	}
	parts = append(parts, fmt.Sprintf("%s (%s): %s from %s", p.Name, p.Dir, plural(len(p.Names()), "requirement"), from))
	if p.RequiresPython != "" {
		parts = append(parts, "requires Python "+p.RequiresPython)
	}
	if p.Package {
		parts = append(parts, "a package (installed into each venv)")
	}
	if len(p.Packages) > 0 {
		parts = append(parts, "its own packages: "+strings.Join(p.Packages, ", "))
	}
	if len(p.OfferedGroups) > 0 {
		parts = append(parts, "dependency groups: "+strings.Join(p.OfferedGroups, ", "))
	}
	return strings.Join(parts, "; ") + "."
}

func commandText(argv []string) string {
	if argv == nil {
		return ""
	}
	return project.CommandLine(argv)
}

func (t *projectsTab) enable() {
	if t.proj != nil && !t.c.busy(jobTry) {
		t.tryB.Enable()
	} else {
		t.tryB.Disable()
	}
	if t.shown != nil && t.shown.ID != 0 {
		t.exportB.Enable()
		t.pinB.Enable()
	} else {
		t.exportB.Disable()
		t.pinB.Disable()
	}
}

// options are the try the tab is set to.
func (t *projectsTab) options() (hangar.TryOptions, error) {
	o := hangar.TryOptions{Dir: t.proj.Dir}
	if err := t.budget.Validate(); err != nil {
		return o, err
	}
	o.Budget, _ = time.ParseDuration(strings.TrimSpace(t.budget.Text))
	// The baseline comes first: GIL builds before free-threaded ones,
	// older before newer.
	var ticked []envs.Interpreter
	for _, in := range t.choices {
		if slices.Contains(t.targets.Selected, targetLabel(in)) {
			ticked = append(ticked, in)
		}
	}
	slices.SortStableFunc(ticked, func(a, b envs.Interpreter) int {
		if a.FreeThreaded != b.FreeThreaded {
			if a.FreeThreaded {
				return 1
			}
			return -1
		}
		return a.Version.Compare(b.Version)
	})
	for _, in := range ticked {
		o.Pythons = append(o.Pythons, in.Path)
	}
	if len(o.Pythons) == 0 {
		return o, errors.New("tick at least one Python")
	}
	for _, v := range t.variants.Selected {
		for _, in := range ticked {
			switch {
			case v == variantGILOn && in.FreeThreaded:
				o.Pythons = append(o.Pythons, in.Path+envs.VariantSeparator+"PYTHON_GIL=1")
			case v == variantJITOn && in.HasJIT():
				o.Pythons = append(o.Pythons, in.Path+envs.VariantSeparator+string(envs.JITOn))
			}
		}
	}
	for _, c := range []struct {
		entry *widget.Entry
		into  *[]string
		none  *bool
	}{{t.testCmd, &o.Test, &o.NoTest}, {t.runCmd, &o.Run, &o.NoRun}} {
		text := strings.TrimSpace(c.entry.Text)
		if text == "" {
			*c.none = true
			continue
		}
		argv, err := project.Command(text)
		if err != nil {
			return o, err
		}
		*c.into = argv
	}
	return o, nil
}

// start prepares the try (readiness, the plan), asks when the plan is new
// for the folder, then runs it; progress and Cancel throughout.
func (t *projectsTab) start() {
	if t.proj == nil || t.c.busy(jobTry) {
		return
	}
	o, err := t.options()
	if err != nil {
		t.job.say(plainSentence(err))
		return
	}
	var prepared *hangar.PreparedTry
	t.job.run("Checking what each Python can install…", func(ctx context.Context) error {
		var err error
		prepared, err = t.c.h.PrepareTry(ctx, o, func(line string) { t.job.progress(-1, line) })
		return err
	}, func(err error) string {
		if err != nil {
			return ""
		}
		if prepared.Agreed {
			t.run(prepared)
			return ""
		}
		t.askPlan(prepared)
		return "The plan is waiting for your answer."
	})
}

// askPlan shows what the try will run and runs it only when agreed.
func (t *projectsTab) askPlan(p *hangar.PreparedTry) {
	text := widget.NewLabel(strings.Join(p.Plan.Lines, "\n"))
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	intro := widget.NewLabel("A try runs this project's code and its dependencies' build scripts. It will:")
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Try "+p.Options.Project.Name+"?", "Run it", "Cancel",
		container.NewBorder(intro, nil, nil, nil, container.NewVScroll(text)), func(yes bool) {
			if !yes {
				t.job.say("Nothing was run.")
				return
			}
			if err := t.c.h.AgreeTry(t.c.ctx, p); err != nil {
				t.c.showError("The agreement was not kept", err)
				return
			}
			t.run(p)
		}, t.c.win)
	d.Resize(t.c.dialogSize(0.7, 0.6))
	d.Show()
}

// run runs an agreed try and shows its answer.
func (t *projectsTab) run(p *hangar.PreparedTry) {
	names := make([]string, len(p.Options.Targets))
	for i, tg := range p.Options.Targets {
		names[i] = tg.Name()
	}
	var tr trial.Try
	t.job.run("Trying "+p.Options.Project.Name+"…", func(ctx context.Context) error {
		var err error
		tr, err = t.c.h.RunTry(ctx, p, func(e trial.Event) {
			switch {
			case e.Target < 0:
				t.job.progress(e.Frac, "Timing: "+e.Line)
			case e.Line == "":
				t.job.progress(-1, fmt.Sprintf("%s: %s", names[e.Target], e.Step))
			default:
				t.job.progress(-1, fmt.Sprintf("%s: %s: %s", names[e.Target], e.Step, e.Line))
			}
		})
		return err
	}, func(err error) string {
		if tr.ID != 0 {
			t.shown = &tr
			t.showTry()
			t.reloadHistory()
		}
		switch {
		case errors.Is(err, context.Canceled):
			return "Cancelled; the try is kept as cancelled, and nothing half-made will be reused."
		case err != nil:
			return ""
		}
		return fmt.Sprintf("Try #%d done: %s.", tr.ID, plural(len(tr.Tried()), "Python"))
	})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func (t *projectsTab) reloadHistory() {
	if t.proj == nil {
		return
	}
	dir := t.proj.Dir
	var rows []store.TryRow
	t.c.background(func() error {
		var err error
		rows, err = t.c.store.Tries(t.c.ctx, dir)
		return err
	}, func(err error) {
		if err == nil {
			t.tries = rows
			t.histL.Refresh()
		}
	})
}

// showTry shows the try in words, in the table and in the chart.
func (t *projectsTab) showTry() {
	t.answers.RemoveAll()
	t.chart.RemoveAll()
	if t.shown != nil {
		for _, r := range t.shown.Targets {
			l := widget.NewLabel(r.Answer)
			l.Wrapping = fyne.TextWrapWord
			l.Selectable = true
			l.TextStyle.Bold = true
			t.answers.Add(l)
		}
		t.fillChart()
	}
	t.table.reload()
	t.enable()
}

// fillChart draws each target's median time as a bar, the slowest
// longest, with its comparison.
func (t *projectsTab) fillChart() {
	slowest := 0.0
	for _, r := range t.shown.Targets {
		if r.Timing != nil {
			slowest = max(slowest, r.Timing.MedianMs)
		}
	}
	if slowest == 0 {
		return
	}
	t.chart.Add(widget.NewLabelWithStyle("Time of "+project.CommandLine(t.shown.Run)+" (median of "+plural(t.shown.Rounds, "round")+")",
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	fg := theme.Color(theme.ColorNamePrimary)
	for _, r := range t.shown.Targets {
		if r.Timing == nil || r.Timing.Runs == 0 {
			continue
		}
		bar := canvas.NewRectangle(fg)
		bar.SetMinSize(fyne.NewSize(float32(360*r.Timing.MedianMs/slowest), 16))
		c := r.Cells()
		name := widget.NewLabel(r.Name())
		name.Truncation = fyne.TextTruncateEllipsis
		label := container.NewGridWrap(fyne.NewSize(150, 32), name)
		value := widget.NewLabel(c.Time + "   " + c.Against)
		t.chart.Add(container.NewHBox(label, container.NewCenter(bar), value))
	}
	legend := canvas.NewText("Shorter is faster; the first Python is the baseline.", theme.Color(theme.ColorNamePlaceHolder))
	legend.TextSize = theme.CaptionTextSize()
	t.chart.Add(legend)
}

// showCompared shows the earlier try ticked (the last one ticked), or two
// side by side when two are.
func (t *projectsTab) showCompared() {
	var ids []int64
	for _, r := range t.tries {
		if t.compared[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	var tries []trial.Try
	t.c.background(func() error {
		for _, id := range ids {
			tr, err := t.c.store.Try(t.c.ctx, id)
			if err != nil {
				return err
			}
			tries = append(tries, tr)
		}
		return nil
	}, func(err error) {
		if err != nil {
			t.c.showError("The try cannot be read", err)
			return
		}
		if len(tries) == 1 {
			t.shown = &tries[0]
			t.showTry()
			return
		}
		t.compareDialog(tries[0], tries[1])
	})
}

// compareDialog puts two tries side by side, target by target.
func (t *projectsTab) compareDialog(a, b trial.Try) {
	grid := container.New(layout.NewGridLayout(5))
	head := func(s string) {
		grid.Add(widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	head("Python")
	head(fmt.Sprintf("Tests #%d", a.ID))
	head(fmt.Sprintf("Tests #%d", b.ID))
	head(fmt.Sprintf("Time #%d", a.ID))
	head(fmt.Sprintf("Time #%d", b.ID))
	cellsOf := func(tr trial.Try, name string) trial.Cells {
		for _, r := range tr.Targets {
			if r.Name() == name {
				return r.Cells()
			}
		}
		return trial.Cells{Tests: "—", Time: "—"}
	}
	seen := map[string]bool{}
	for _, tr := range []trial.Try{a, b} {
		for _, r := range tr.Targets {
			name := r.Name()
			if seen[name] {
				continue
			}
			seen[name] = true
			ca, cb := cellsOf(a, name), cellsOf(b, name)
			for _, s := range []string{name, ca.Tests, cb.Tests, ca.Time + " " + ca.Against, cb.Time + " " + cb.Against} {
				l := widget.NewLabel(s)
				l.Wrapping = fyne.TextWrapWord
				grid.Add(l)
			}
		}
	}
	d := dialog.NewCustom(fmt.Sprintf("Try #%d against #%d", a.ID, b.ID), "Close", container.NewVScroll(grid), t.c.win)
	d.Resize(t.c.dialogSize(0.8, 0.5))
	d.Show()
}

// export saves the try shown as Markdown, CSV or JSON, by the file's
// name.
func (t *projectsTab) export() {
	if t.shown == nil || t.shown.ID == 0 {
		return
	}
	tr := *t.shown
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		format := map[string]string{".md": "markdown", ".csv": "csv", ".json": "json"}[strings.ToLower(filepath.Ext(path))]
		if format == "" {
			format = "markdown"
		}
		var buf bytes.Buffer
		if err := tr.Export(&buf, format); err != nil {
			t.c.showError("Export failed", err)
			return
		}
		// The save dialog asked before the file was replaced.
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.c.showError("Export failed", err)
			return
		}
		t.job.say("Exported try #" + fmt.Sprint(tr.ID) + " to " + path)
	}, t.c.win)
	d.SetFileName(fmt.Sprintf("%s-try-%d.md", tr.Project.Name, tr.ID))
	d.Resize(t.c.dialogSize(0.8, 0.8))
	d.Show()
}

// askPin asks which of the try's Pythons to use for the project, then
// shows the file and its content (and the .venv, if asked) before
// anything is written.
func (t *projectsTab) askPin() {
	if t.shown == nil {
		return
	}
	tr := *t.shown
	var names []string
	byName := map[string]envs.Interpreter{}
	pick := ""
	for _, i := range tr.Tried() {
		r := tr.Targets[i]
		if r.Variant != "" {
			continue
		}
		names = append(names, r.Name())
		byName[r.Name()] = r.Python
		if r.Python.FreeThreaded && pick == "" {
			pick = r.Name()
		}
	}
	if len(names) == 0 {
		return
	}
	if pick == "" {
		pick = names[0]
	}
	which := widget.NewSelect(names, nil)
	which.SetSelected(pick)
	venv := widget.NewCheck("Also make the project's .venv from it", nil)
	d := dialog.NewForm("Use a Python for "+tr.Project.Name, "Next…", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Python", which), widget.NewFormItem("", venv)}, func(ok bool) {
		if !ok {
			return
		}
		in := byName[which.Selected]
		var pin hangar.Pin
		t.c.background(func() error {
			var err error
			pin, err = t.c.h.PlanPin(t.c.ctx, tr.Project.Dir, in.Path, venv.Checked)
			return err
		}, func(err error) {
			if err != nil {
				t.c.showError("The project cannot be set to it", err)
				return
			}
			t.confirmPin(pin)
		})
	}, t.c.win)
	d.Resize(t.c.dialogSize(0.5, 0))
	d.Show()
}

// confirmPin shows exactly what the pin writes and makes, and does it
// when confirmed.
func (t *projectsTab) confirmPin(pin hangar.Pin) {
	text := widget.NewLabel(strings.Join(pin.Lines(), "\n"))
	text.Selectable = true
	text.Wrapping = fyne.TextWrapWord
	confirm := "Write it"
	if pin.Existing != "" {
		confirm = "Replace it"
	}
	d := dialog.NewCustomConfirm("Use "+strings.TrimSpace(pin.Content)+" for this project?", confirm, "Cancel", text, func(yes bool) {
		if !yes {
			return
		}
		t.job.run("Writing "+pin.File+"…", func(ctx context.Context) error {
			return t.c.h.Pin(ctx, pin, func(line string) { t.job.progress(-1, line) })
		}, func(err error) string {
			if err != nil {
				return ""
			}
			if pin.Venv != "" {
				return "Wrote " + pin.File + " and made " + pin.Venv + "."
			}
			return "Wrote " + pin.File + "."
		})
	}, t.c.win)
	d.Resize(t.c.dialogSize(0.6, 0))
	d.Show()
}
