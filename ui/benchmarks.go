package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

var benchColumns = []column{{"Run", 120}, {"Machine", 110}, {"Python", 80}, {"Build", 110}, {"Workload", 130}, {"1 thread", 80},
	{"Speedup", 90}, {"CPU/wall", 75}, {"Processes", 85}, {"Efficiency", 95}, {"Start-up", 75}, {"Peak MB", 70}, {"GIL", 80}, {"Verdict", 460}}

// benchRow is one table row: a run's headline (workload "") or one of its
// workloads.
type benchRow struct {
	run      store.BenchRun
	workload string
}

// benchmarksTab runs the threaded sanity benchmark and compares results.
type benchmarksTab struct {
	c         *core
	choices   []envs.Interpreter
	checks    *widget.CheckGroup
	run       *widget.Button
	cancelBtn *widget.Button
	progress  *widget.ProgressBar
	step      *widget.Label
	results   map[int64]bool // this session's runs
	history   []store.BenchRun
	compared  map[int64]bool // history runs added to the comparison
	shown     []store.BenchRun
	rows      []benchRow // what the table shows
	table     *widget.Table
	chart     *barChart
	histList  *widget.List
	cancel    context.CancelFunc
	content   fyne.CanvasObject
}

func newBenchmarksTab(c *core) *benchmarksTab {
	t := &benchmarksTab{c: c, compared: map[int64]bool{}, results: map[int64]bool{}}
	t.checks = widget.NewCheckGroup(nil, nil)
	t.run = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), t.start)
	t.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if t.cancel != nil {
			t.cancel()
		}
	})
	t.cancelBtn.Disable()
	c.onJobs(func() {
		if c.busy(jobBenchmark) {
			t.run.Disable()
		} else {
			t.run.Enable()
		}
	})
	t.progress = widget.NewProgressBar()
	t.step = widget.NewLabel("Pick interpreters and press Run (about 8 s each).")
	t.step.Truncation = fyne.TextTruncateEllipsis

	t.table = newTable(benchColumns, func() int { return len(t.rows) }, t.fillCell)
	t.chart = newBarChart()

	t.histList = widget.NewList(
		func() int { return len(t.history) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			run := t.history[i]
			r := run.Result
			ch := o.(*widget.Check)
			ch.OnChanged = nil
			ch.SetText(fmt.Sprintf("#%d %s  %s  %s %s  %s", run.ID, r.Started.Local().Format("Jan 2 15:04"), orDash(run.Machine.Hostname), r.Version, buildName(r.FreeThreaded), r.Verdict))
			ch.SetChecked(t.compared[run.ID])
			ch.OnChanged = func(on bool) {
				t.compared[run.ID] = on
				t.rebuild()
			}
		},
	)
	exportCSV := widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() { t.export("csv") })
	exportJSON := widget.NewButtonWithIcon("Export JSON…", theme.DocumentSaveIcon(), func() { t.export("json") })

	left := container.NewBorder(
		widget.NewLabelWithStyle("Interpreters", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(container.NewHBox(t.run, t.cancelBtn), t.progress, t.step), nil, nil,
		container.NewScroll(t.checks))
	history := container.NewBorder(
		container.NewHBox(widget.NewLabelWithStyle("Earlier runs (tick to compare)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			layout.NewSpacer(), exportCSV, exportJSON),
		nil, nil, nil, t.histList)
	right := container.NewVSplit(container.NewVSplit(t.table, t.chart), history)
	right.Offset = 0.7
	split := container.NewHSplit(left, right)
	split.Offset = 0.25
	t.content = split

	c.onInterpreters(t.setChoices)
	c.benchmark = func(in envs.Interpreter) {
		if c.busy(jobBenchmark) {
			return
		}
		c.showTab("Benchmarks")
		t.checks.SetSelected([]string{t.label(in)})
		t.start()
	}
	t.loadHistory()
	return t
}

func buildName(ft bool) string {
	if ft {
		return "free-threaded"
	}
	return "GIL"
}

func (t *benchmarksTab) label(in envs.Interpreter) string {
	return fmt.Sprintf("%s %s  %s", in.Version, buildName(in.FreeThreaded), in.Path)
}

// setChoices offers the interpreters the benchmark supports, with the
// default targets ticked.
func (t *benchmarksTab) setChoices(list []envs.Interpreter) {
	if list == nil {
		return
	}
	t.choices = nil
	var labels []string
	for _, in := range list {
		if !in.IsVenv && bench.Supported(in) == nil {
			t.choices = append(t.choices, in)
			labels = append(labels, t.label(in))
		}
	}
	var selected []string
	for _, in := range bench.DefaultTargets(list) {
		selected = append(selected, t.label(in))
	}
	t.checks.Options = labels
	t.checks.SetSelected(selected)
	t.checks.Refresh()
}

func (t *benchmarksTab) loadHistory() {
	var runs []store.BenchRun
	t.c.background(func() error {
		var err error
		runs, err = t.c.store.BenchRuns(100)
		return err
	}, func(err error) {
		if err == nil {
			t.history = runs
			t.histList.Refresh()
			t.rebuild()
		}
	})
}

// start benchmarks the ticked interpreters one after another.
func (t *benchmarksTab) start() {
	var targets []envs.Interpreter
	for _, in := range t.choices {
		for _, s := range t.checks.Selected {
			if s == t.label(in) {
				targets = append(targets, in)
			}
		}
	}
	if len(targets) == 0 {
		t.step.SetText("Tick at least one interpreter.")
		return
	}
	if t.c.busy(jobBenchmark) {
		return
	}
	t.cancelBtn.Enable()
	t.progress.SetValue(0)
	var results []bench.Result
	var ids []int64
	machine := platform.Machine{}
	t.cancel = t.c.startJob(jobBenchmark, func(ctx context.Context) error {
		machine = platform.MachineFacts()
		for i, in := range targets {
			i, in := i, in
			r, err := bench.Run(ctx, in, bench.Options{Progress: func(step string) {
				t.c.do(func() {
					t.step.SetText(fmt.Sprintf("[%d/%d] %s %s: %s", i+1, len(targets), in.Version, buildName(in.FreeThreaded), step))
				})
			}})
			if err != nil {
				return fmt.Errorf("%s: %w", in.Path, err)
			}
			results = append(results, r)
			t.c.do(func() { t.progress.SetValue(float64(i+1) / float64(len(targets))) })
		}
		bench.CompareCost(results)
		for _, r := range results {
			id, err := t.c.store.SaveBenchRun(machine, r)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}, func(err error) {
		t.cancel = nil
		t.cancelBtn.Disable()
		switch {
		case errors.Is(err, context.Canceled):
			t.step.SetText("Cancelled; nothing was stored.")
		case err != nil:
			t.c.showError("The benchmark failed", err)
			t.step.SetText("Failed: " + err.Error())
		default:
			for _, id := range ids {
				t.results[id] = true
			}
			t.step.SetText(fmt.Sprintf("Done: %d interpreters measured and stored.", len(results)))
			t.loadHistory()
		}
	})
}

// rebuild fills the table and the chart with this session's runs and the
// earlier runs ticked for comparison: per run its headline, then its
// workloads.
func (t *benchmarksTab) rebuild() {
	t.shown, t.rows = nil, nil
	for _, run := range t.history {
		if !t.results[run.ID] && !t.compared[run.ID] {
			continue
		}
		t.shown = append(t.shown, run)
		t.rows = append(t.rows, benchRow{run: run})
		for _, w := range bench.Workloads {
			if _, ok := run.Result.Workloads[w]; ok {
				t.rows = append(t.rows, benchRow{run: run, workload: w})
			}
		}
	}
	t.table.Refresh()
	var results []bench.Result
	for _, run := range t.shown {
		results = append(results, run.Result)
	}
	t.chart.set(results)
}

func lastCount(r bench.Result) string { return strconv.Itoa(r.Threads()) }

func (t *benchmarksTab) fillCell(id widget.TableCellID, l *widget.Label) {
	if id.Row >= len(t.rows) {
		return
	}
	row := t.rows[id.Row]
	r := row.run.Result
	n := lastCount(r)
	// A workload row shows its own figures; the headline row the median.
	fig := bench.WorkloadResult{Speedup: r.Speedup[n], CPUWallRatio: r.CPUWallRatio[n], ProcessSpeedup: r.ProcessSpeedup[n],
		Efficiency: r.Efficiency[n], Spread: r.HeadlineSpread}
	if row.workload != "" {
		fig = r.Workloads[row.workload]
	} else {
		l.TextStyle.Bold = true
	}
	var text string
	switch id.Col {
	case 0:
		text = fmt.Sprintf("#%d %s", row.run.ID, r.Started.Local().Format("Jan 2 15:04"))
	case 1:
		text = orDash(row.run.Machine.Hostname)
	case 2:
		text = r.Version
	case 3:
		text = buildName(r.FreeThreaded)
		if r.FreeThreaded {
			l.Importance = widget.HighImportance
		}
	case 4:
		text = "median of 4"
		if row.workload != "" {
			text = bench.WorkloadNames[row.workload]
		}
	case 5:
		if row.workload != "" {
			text = fmt.Sprintf("%.1f ms", fig.SingleThreadMs)
		} else if r.FTCostPct != nil {
			text = fmt.Sprintf("%+.0f%% vs GIL", *r.FTCostPct)
		}
	case 6:
		text = fmt.Sprintf("%.2f× @%s", fig.Speedup, n)
	case 7:
		text = fmt.Sprintf("%.2f", fig.CPUWallRatio)
	case 8:
		text = fmt.Sprintf("%.2f×", fig.ProcessSpeedup)
	case 9:
		text = fmt.Sprintf("%.2f ±%.0f%%", fig.Efficiency, 50*fig.Spread)
	case 10:
		if row.workload == "" {
			text = fmt.Sprintf("%.0f ms", r.StartupMs)
		}
	case 11:
		if row.workload == "" {
			text = fmt.Sprintf("%.0f", r.PeakRSSMB[n])
		}
	case 12:
		if row.workload == "" {
			text = gilText(r.GILEnabledStart) + "→" + gilText(r.GILEnabledEnd)
		}
	case 13:
		if row.workload == "" {
			text = r.Verdict
		}
	}
	l.SetText(text)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (t *benchmarksTab) export(format string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		t.c.background(func() error {
			runs, err := t.c.store.BenchRuns(0)
			if err != nil {
				return err
			}
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if format == "csv" {
				err = store.ExportBenchCSV(f, runs)
			} else {
				err = t.c.store.ExportBenchJSON(f, runs)
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		}, func(err error) {
			if err != nil {
				t.c.showError("Export failed", err)
				return
			}
			t.step.SetText("Exported to " + path)
		})
	}, t.c.win)
	d.SetFileName("pyhangar-benchmarks." + format)
	d.Show()
}

// barChart draws, per result, its thread speedup and its efficiency against
// the process ceiling as two bars, with Fyne's canvas.
type barChart struct {
	widget.BaseWidget
	results []bench.Result
}

func newBarChart() *barChart {
	c := &barChart{}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) set(rs []bench.Result) {
	c.results = rs
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{chart: c}
	r.build()
	return r
}

type chartRenderer struct {
	chart   *barChart
	objects []fyne.CanvasObject
}

var (
	speedupColor    = color.NRGBA{R: 0x37, G: 0x76, B: 0xab, A: 0xff}
	efficiencyColor = color.NRGBA{R: 0xff, G: 0xd4, B: 0x3b, A: 0xff}
)

func (r *chartRenderer) build() {
	r.objects = nil
	if len(r.chart.results) == 0 {
		r.objects = append(r.objects, canvas.NewText("Bars: blue = thread speedup, yellow = efficiency against the process ceiling.", theme.Color(theme.ColorNameForeground)))
		return
	}
	for _, res := range r.chart.results {
		n := lastCount(res)
		label := canvas.NewText(fmt.Sprintf("%s %s", res.Version, buildName(res.FreeThreaded)), theme.Color(theme.ColorNameForeground))
		label.TextSize = theme.CaptionTextSize()
		sp := canvas.NewRectangle(speedupColor)
		ef := canvas.NewRectangle(efficiencyColor)
		spText := canvas.NewText(fmt.Sprintf("%.2f×", res.Speedup[n]), theme.Color(theme.ColorNameForeground))
		efText := canvas.NewText(fmt.Sprintf("%.2f", res.Efficiency[n]), theme.Color(theme.ColorNameForeground))
		spText.TextSize, efText.TextSize = theme.CaptionTextSize(), theme.CaptionTextSize()
		r.objects = append(r.objects, label, sp, ef, spText, efText)
	}
}

func (r *chartRenderer) Layout(size fyne.Size) {
	if len(r.chart.results) == 0 {
		r.objects[0].Move(fyne.NewPos(8, 8))
		return
	}
	maxSpeed := 1.0
	for _, res := range r.chart.results {
		if v := res.Speedup[lastCount(res)]; v > maxSpeed {
			maxSpeed = v
		}
	}
	n := len(r.chart.results)
	labelW := float32(150)
	rowH := size.Height / float32(n)
	barH := rowH * 0.35
	width := size.Width - labelW - 60
	if width < 10 {
		width = 10
	}
	for i, res := range r.chart.results {
		k := lastCount(res)
		y := float32(i) * rowH
		o := r.objects[i*5 : i*5+5]
		o[0].Move(fyne.NewPos(4, y+rowH/2-8))
		sp := float32(res.Speedup[k] / maxSpeed)
		ef := float32(res.Efficiency[k] / 1.2)
		if ef > 1 {
			ef = 1
		}
		o[1].Resize(fyne.NewSize(width*sp, barH))
		o[1].Move(fyne.NewPos(labelW, y+rowH*0.1))
		o[2].Resize(fyne.NewSize(width*ef, barH))
		o[2].Move(fyne.NewPos(labelW, y+rowH*0.1+barH+2))
		o[3].Move(fyne.NewPos(labelW+width*sp+4, y+rowH*0.1))
		o[4].Move(fyne.NewPos(labelW+width*ef+4, y+rowH*0.1+barH+2))
	}
}

func (r *chartRenderer) MinSize() fyne.Size { return fyne.NewSize(300, 120) }
func (r *chartRenderer) Refresh() {
	r.build()
	r.Layout(r.chart.Size())
	canvas.Refresh(r.chart)
}
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *chartRenderer) Destroy()                     {}
