package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/envs"
)

// interpretersTab shows what discovery found.
type interpretersTab struct {
	c        *core
	all      []envs.Interpreter
	shown    []envs.Interpreter
	selected string // path of the selected row

	filter   *widget.Entry
	ftOnly   *widget.Check
	refresh  *widget.Button
	activity *widget.ProgressBarInfinite
	status   *widget.Label
	table    *dataTable
	details  *widget.Label
	actions  *fyne.Container
	benchBtn *widget.Button // the selected interpreter's Benchmark
	content  fyne.CanvasObject
}

func newInterpretersTab(c *core) *interpretersTab {
	t := &interpretersTab{c: c}
	t.filter = widget.NewEntry()
	t.filter.SetPlaceHolder("Filter: version, source or path")
	t.filter.OnChanged = func(string) { t.apply() }
	t.ftOnly = widget.NewCheck("Free-threaded only", func(bool) { t.apply() })
	t.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), func() { c.discover(nil) })
	t.activity = widget.NewProgressBarInfinite()
	t.activity.Hide()
	t.status = widget.NewLabel("")

	row := func(i int) envs.Interpreter { return t.shown[i] }
	version := func(i int) string { return row(i).Version.String() }
	columns := []column{
		{title: "Version", width: 90, text: version, cmp: byVersion(version)},
		{title: "Build", width: 130, text: func(i int) string { return row(i).Build() }, style: func(i int, l *widget.Label) {
			if row(i).FreeThreaded {
				l.Importance, l.TextStyle = widget.HighImportance, fyne.TextStyle{Bold: true}
			}
		}},
		{title: "GIL", width: 60, text: func(i int) string { return gilText(row(i).GILEnabled) }},
		{title: "JIT", width: 60, text: func(i int) string { return jitText(row(i)) }},
		{title: "Source", width: 90, text: func(i int) string { return string(row(i).Source) }},
		{title: "Arch", width: 70, text: func(i int) string { return row(i).Arch }},
		{title: "Status", width: 80, text: func(i int) string { return string(row(i).Status) }, style: func(i int, l *widget.Label) {
			if row(i).Status != envs.StatusOK {
				l.Importance = widget.DangerImportance
			}
		}},
		{title: "Path", width: 520, text: func(i int) string { return row(i).Path }},
	}
	t.table = newDataTable(c.app.Preferences(), "table.interpreters", columns, func() int { return len(t.shown) })
	t.table.onRow = func(i int) {
		t.selected = t.shown[i].Path
		t.showDetails(t.shown[i])
	}

	t.details = widget.NewLabel("Select an interpreter to see everything about it.")
	t.details.Wrapping = fyne.TextWrapWord
	t.details.TextStyle = fyne.TextStyle{Monospace: true}
	t.details.Selectable = true
	t.actions = container.NewHBox()

	bar := container.NewBorder(nil, nil, nil, container.NewHBox(t.ftOnly, t.refresh), t.filter)
	top := container.NewVBox(bar, container.NewStack(t.status, t.activity))
	detailPane := container.NewBorder(nil, t.actions, nil, nil, container.NewVScroll(t.details))
	split := container.NewVSplit(t.table, detailPane)
	split.Offset = 0.6
	t.content = container.NewBorder(top, nil, nil, nil, split)

	c.onInterpreters(t.update)
	c.onJobs(t.enableBenchmark)
	return t
}

// update takes a discovery result (nil: a discovery started).
func (t *interpretersTab) update(list []envs.Interpreter) {
	if list == nil && t.c.discovering {
		t.activity.Show()
		t.activity.Start()
		t.refresh.Disable()
		t.status.SetText("Looking for interpreters…")
		return
	}
	t.activity.Stop()
	t.activity.Hide()
	t.refresh.Enable()
	t.all = list
	t.apply()
}

// apply filters the list into the table.
func (t *interpretersTab) apply() {
	q := strings.ToLower(strings.TrimSpace(t.filter.Text))
	t.shown = t.shown[:0]
	ft := 0
	for _, in := range t.all {
		if in.FreeThreaded {
			ft++
		}
		if t.ftOnly.Checked && !in.FreeThreaded {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(in.Version.String()+" "+string(in.Source)+" "+in.Path+" "+in.Build()+" "+strings.Join(in.Aliases, " ")), q) {
			continue
		}
		t.shown = append(t.shown, in)
	}
	t.status.SetText(fmt.Sprintf("%d interpreters, %d free-threaded; showing %d.", len(t.all), ft, len(t.shown)))
	t.table.selected = -1
	t.table.reload()
	t.table.UnselectAll()
	if t.selected != "" {
		t.selectPath(t.selected)
	}
}

func gilText(b *bool) string {
	switch {
	case b == nil:
		return "—"
	case *b:
		return "on"
	}
	return "off"
}

// jitText is the JIT column: "off" or "on" for a build with the JIT, "—"
// for one without.
func jitText(in envs.Interpreter) string {
	if !in.HasJIT() {
		return "—"
	}
	return gilText(in.JITEnabled)
}

// selectPath selects the interpreter at path, showing everything about
// it (when the filter lets it through).
func (t *interpretersTab) selectPath(path string) {
	t.selected = path
	for i, in := range t.shown {
		if in.Path == path {
			t.table.selectRow(i)
			return
		}
	}
}

func (t *interpretersTab) showDetails(in envs.Interpreter) {
	var b strings.Builder
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-16s %s\n", k, v)
		}
	}
	row("Path", in.Path)
	for _, a := range in.Aliases {
		row("Also reached as", a)
	}
	if in.OnPath {
		row("On PATH", "yes")
	} else {
		row("On PATH", "no — hidden; use the full path above")
	}
	row("Version", in.Version.String())
	row("Implementation", in.Implementation)
	row("Build", in.Build())
	row("GIL at start-up", gilText(in.GILEnabled))
	row("ABI flags", in.ABIFlags)
	row("EXT_SUFFIX", in.ExtSuffix)
	row("Architecture", in.Arch)
	row("Platform", in.Platform)
	row("Prefix", in.Prefix)
	if in.BasePrefix != in.Prefix {
		row("Base prefix", in.BasePrefix)
	}
	row("Virtual env", map[bool]string{true: "yes", false: "no"}[in.IsVenv])
	switch {
	case in.HasJIT():
		row("JIT", "experimental JIT built in, "+in.JITWords())
	case in.JITAvailable != nil:
		row("JIT", "not built in")
	}
	row("pip", map[bool]string{true: "installed", false: "not installed"}[in.HasPip])
	row("Found by", string(in.Source))
	if in.Tag != "" {
		row("PEP 514", in.Company+`\`+in.Tag)
	}
	row("Status", string(in.Status))
	row("Problem", in.Error)
	t.details.SetText(b.String())

	copyBtn := widget.NewButtonWithIcon("Copy path", theme.ContentCopyIcon(), func() {
		t.c.app.Clipboard().SetContent(in.Path)
	})
	openBtn := widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), func() {
		u := &url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Dir(in.Path))}
		if err := t.c.app.OpenURL(u); err != nil {
			t.c.showError("Cannot open the folder", err)
		}
	})
	venvBtn := widget.NewButtonWithIcon("Create venv…", theme.ContentAddIcon(), func() {
		t.c.show(tabEnvironments)
		t.c.tabs.environments.createDialog(in)
	})
	benchBtn := widget.NewButtonWithIcon("Benchmark", theme.MediaPlayIcon(), func() {
		t.c.show(tabBenchmarks)
		t.c.tabs.benchmarks.runOn(in)
	})
	if in.Status != envs.StatusOK || in.IsVenv {
		venvBtn.Disable()
	}
	t.benchBtn = benchBtn
	t.enableBenchmark()
	t.actions.Objects = []fyne.CanvasObject{copyBtn, openBtn, venvBtn, benchBtn}
	t.actions.Refresh()
}

// enableBenchmark offers Benchmark for a working interpreter while no
// benchmark runs.
func (t *interpretersTab) enableBenchmark() {
	if t.benchBtn == nil {
		return
	}
	in, ok := t.selectedInterpreter()
	if ok && in.Status == envs.StatusOK && !t.c.busy(jobBenchmark) {
		t.benchBtn.Enable()
	} else {
		t.benchBtn.Disable()
	}
}

func (t *interpretersTab) selectedInterpreter() (envs.Interpreter, bool) {
	for _, in := range t.all {
		if in.Path == t.selected {
			return in, true
		}
	}
	return envs.Interpreter{}, false
}
