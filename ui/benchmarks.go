package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/store"
)

// benchRow is one table row: a run's headline (workload "") or one of its
// workloads.
type benchRow struct {
	run      store.BenchRun
	workload bench.Workload
}

// benchLegend explains the table's columns.
const benchLegend = "Speedup: N threads against one (@2: on 2 threads). CPU/wall: cores the threads kept busy. " +
	"Processes: N processes against one, the machine's own ceiling. Efficiency: the speedup against that ceiling " +
	"(1.00: threads as good as processes), ± its spread over the rounds. 1 thread: time on one thread; on a run's " +
	"first line, against the GIL build of its version (+43%: 43% slower). Start-up: the interpreter's start. " +
	"Peak MB: the interpreter's own peak memory. GIL: at the start → at the end. Paired: a variant's one thread against " +
	"its baseline's in the same rounds (the JIT on against off); a difference is clear when the rounds agree on it and it is past 2%."

// benchmarksTab runs the threaded sanity benchmark and compares results.
type benchmarksTab struct {
	c        *core
	choices  []envs.Interpreter
	checks   *widget.CheckGroup
	jit      *widget.Check
	run      *widget.Button
	job      *jobView
	results  map[int64]bool // this session's runs
	history  []store.BenchRun
	compared map[int64]bool // history runs added to the comparison
	shown    []store.BenchRun
	rows     []benchRow // what the table shows
	verdicts *fyne.Container
	table    *dataTable
	chart    *barChart
	histList *widget.List
	content  fyne.CanvasObject
}

func newBenchmarksTab(c *core) *benchmarksTab {
	t := &benchmarksTab{c: c, compared: map[int64]bool{}, results: map[int64]bool{}}
	t.checks = widget.NewCheckGroup(nil, nil)
	t.jit = widget.NewCheck("With the JIT on too (builds that have it)", nil)
	t.run = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), t.start)
	t.run.Importance = widget.HighImportance
	t.job = newJobView(c, jobBenchmark, "Tick interpreters and press Run (about 8 s each).")
	c.onJobs(func() {
		if c.busy(jobBenchmark) {
			t.run.Disable()
		} else {
			t.run.Enable()
		}
	})

	t.table = newDataTable(c.app.Preferences(), "table.benchmarks", t.columns(), func() int { return len(t.rows) })
	t.chart = newBarChart()
	t.verdicts = container.NewVBox()

	t.histList = widget.NewList(
		func() int { return len(t.history) },
		func() fyne.CanvasObject {
			ch := widget.NewCheck("", nil)
			return ch
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			run := t.history[i]
			r := run.Result
			ch := o.(*widget.Check)
			ch.OnChanged = nil
			ch.SetText(fmt.Sprintf("#%d %s  %s  %s %s  %s", run.ID, r.Started.Local().Format("Jan 2 15:04"), orDash(run.Machine.Name()), r.Version, r.Build(), r.Verdict))
			ch.SetChecked(t.compared[run.ID])
			ch.OnChanged = func(on bool) {
				t.compared[run.ID] = on
				t.rebuild()
			}
		},
	)
	exportCSV := widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() { t.export("csv") })
	exportJSON := widget.NewButtonWithIcon("Export JSON…", theme.DocumentSaveIcon(), func() { t.export("json") })

	legend := widget.NewLabel(benchLegend)
	legend.Wrapping = fyne.TextWrapWord
	legend.Importance = widget.LowImportance
	left := container.NewBorder(
		widget.NewLabelWithStyle("Interpreters", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewVBox(t.jit, t.run, t.job.content), nil, nil,
		container.NewScroll(t.checks))
	history := container.NewBorder(
		container.NewHBox(widget.NewLabelWithStyle("Earlier runs (tick to compare)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			layout.NewSpacer(), exportCSV, exportJSON),
		nil, nil, nil, t.histList)
	results := container.NewBorder(t.verdicts, nil, nil, nil,
		container.NewVSplit(container.NewBorder(nil, legend, nil, nil, t.table), container.NewVScroll(t.chart)))
	right := container.NewVSplit(results, history)
	right.Offset = 0.75
	split := container.NewHSplit(left, right)
	split.Offset = 0.25
	t.content = split

	c.onInterpreters(t.setChoices)
	t.loadHistory()
	return t
}

// columns sort runs as wholes: a run's workload rows stay under its
// headline, whatever the column.
func (t *benchmarksTab) columns() []column {
	run := func(i int) bench.Result { return t.rows[i].run.Result }
	n := func(i int) string { return lastCount(run(i)) }
	byRun := func(by func(a, b int) int) func(a, b int) int {
		return func(a, b int) int {
			ra, rb := t.rows[a], t.rows[b]
			if ra.run.ID == rb.run.ID {
				return 0 // a tie keeps the headline first, the workloads in order
			}
			if c := by(a, b); c != 0 {
				return c
			}
			return cmp.Compare(ra.run.ID, rb.run.ID)
		}
	}
	num := func(f func(i int) float64) func(a, b int) int { return byRun(byNumber(f)) }
	headline := func(i int) bool { return t.rows[i].workload == "" }
	// fig is a row's figures: a workload's own, or the run's median.
	fig := func(i int) bench.WorkloadResult {
		row, r := t.rows[i], run(i)
		if row.workload != "" {
			return r.Workloads[row.workload]
		}
		k := n(i)
		return bench.WorkloadResult{Speedup: r.Speedup[k], CPUWallRatio: r.CPUWallRatio[k], ProcessSpeedup: r.ProcessSpeedup[k],
			Efficiency: r.Efficiency[k], Spread: r.HeadlineSpread}
	}
	// onHeadline shows text on a run's headline row only.
	onHeadline := func(text func(i int) string) func(i int) string {
		return func(i int) string {
			if headline(i) {
				return text(i)
			}
			return ""
		}
	}
	bold := func(i int, l *widget.Label) {
		if headline(i) {
			l.TextStyle.Bold = true
		}
	}
	version := func(i int) string { return run(i).Version.String() }
	build := func(i int) string { return run(i).Build() }
	// paired is a variant's single thread against its baseline (the JIT
	// on against off), per workload, and what it was against.
	paired := func(i int) string {
		row, r := t.rows[i], run(i)
		switch p, ok := r.Paired[row.workload]; {
		case r.Paired == nil:
			return ""
		case headline(i):
			return "vs " + r.Baseline.Words()
		case ok && p.Clear && p.Ratio >= 1:
			return fmt.Sprintf("%.2f× faster", p.Ratio)
		case ok && p.Clear:
			return fmt.Sprintf("%.2f× slower", 1/p.Ratio)
		case ok:
			return fmt.Sprintf("no clear diff. (%.2f×)", p.Ratio)
		}
		return ""
	}
	machine := func(i int) string { return orDash(t.rows[i].run.Machine.Name()) }
	verdict := func(i int) string { return run(i).Verdict }
	cols := []column{
		{title: "Run", width: 60, text: func(i int) string { return fmt.Sprintf("#%d", t.rows[i].run.ID) },
			cmp: num(func(i int) float64 { return float64(t.rows[i].run.ID) })},
		{title: "Date", width: 110, text: func(i int) string { return run(i).Started.Local().Format("Jan 2 15:04") },
			cmp: num(func(i int) float64 { return float64(run(i).Started.Unix()) })},
		{title: "Machine", width: 110, text: machine, cmp: byRun(byText(machine))},
		{title: "Python", width: 80, text: version, cmp: byRun(byVersion(version))},
		{title: "Build", width: 110, text: build, cmp: byRun(byText(build)), style: func(i int, l *widget.Label) {
			if run(i).FreeThreaded {
				l.Importance = widget.HighImportance
			}
		}},
		{title: "Paired", width: 150, unsorted: true, text: paired},
		{title: "Workload", width: 130, unsorted: true, text: func(i int) string {
			if headline(i) {
				return "median of 4"
			}
			return t.rows[i].workload.Name()
		}},
		{title: "1 thread", width: 90, text: func(i int) string {
			switch r := run(i); {
			case !headline(i):
				return fmt.Sprintf("%.1f ms", fig(i).SingleThreadMs)
			case r.FTCostPct != nil:
				return fmt.Sprintf("%+.0f%% vs GIL", *r.FTCostPct)
			}
			return ""
		}, cmp: num(func(i int) float64 {
			if p := run(i).FTCostPct; p != nil {
				return *p
			}
			return 0
		})},
		{title: "Speedup", width: 90, text: func(i int) string { return fmt.Sprintf("%.2f× @%s", fig(i).Speedup, n(i)) },
			cmp: num(func(i int) float64 { return run(i).Speedup[n(i)] })},
		{title: "CPU/wall", width: 75, text: func(i int) string { return fmt.Sprintf("%.2f", fig(i).CPUWallRatio) },
			cmp: num(func(i int) float64 { return run(i).CPUWallRatio[n(i)] })},
		{title: "Processes", width: 85, text: func(i int) string { return fmt.Sprintf("%.2f×", fig(i).ProcessSpeedup) },
			cmp: num(func(i int) float64 { return run(i).ProcessSpeedup[n(i)] })},
		{title: "Efficiency", width: 95, text: func(i int) string { return fmt.Sprintf("%.2f ±%.0f%%", fig(i).Efficiency, 50*fig(i).Spread) },
			cmp: num(func(i int) float64 { return run(i).Efficiency[n(i)] })},
		{title: "Start-up", width: 75, text: onHeadline(func(i int) string { return fmt.Sprintf("%.0f ms", run(i).StartupMs) }),
			cmp: num(func(i int) float64 { return run(i).StartupMs })},
		{title: "Peak MB", width: 70, text: onHeadline(func(i int) string { return fmt.Sprintf("%.0f", run(i).PeakRSSMB[n(i)]) }),
			cmp: num(func(i int) float64 { return run(i).PeakRSSMB[n(i)] })},
		{title: "GIL", width: 80, unsorted: true, text: onHeadline(func(i int) string {
			return gilText(run(i).GILEnabledStart) + "→" + gilText(run(i).GILEnabledEnd)
		})},
		{title: "Verdict", width: 460, text: onHeadline(verdict), cmp: byRun(byText(verdict))},
	}
	for i := range cols {
		if st := cols[i].style; st != nil {
			cols[i].style = func(row int, l *widget.Label) { bold(row, l); st(row, l) }
		} else {
			cols[i].style = bold
		}
	}
	return cols
}

func (t *benchmarksTab) label(in envs.Interpreter) string {
	return fmt.Sprintf("%s %s  %s", in.Version, pyversion.BuildName(in.FreeThreaded), in.Path)
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
		runs, err = t.c.store.BenchRuns(t.c.ctx, 100)
		return err
	}, func(err error) {
		if err == nil {
			t.history = runs
			t.histList.Refresh()
			t.rebuild()
		}
	})
}

// runOn benchmarks one interpreter (the Interpreters tab's Benchmark).
func (t *benchmarksTab) runOn(in envs.Interpreter) {
	if t.c.busy(jobBenchmark) {
		return
	}
	t.checks.SetSelected([]string{t.label(in)})
	t.start()
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
		t.job.say("Tick at least one interpreter.")
		return
	}
	var results []bench.Result
	var ids []int64
	opt := bench.Options{JIT: t.jit.Checked}
	t.job.run("Starting…", func(ctx context.Context) error {
		var err error
		results, ids, err = t.c.h.Bench(ctx, targets, opt, func(i int, step string) {
			in := targets[i]
			t.job.progress(float64(i)/float64(len(targets)), fmt.Sprintf("[%d/%d] %s %s: %s", i+1, len(targets), in.Version, in.Build(), step))
		})
		return err
	}, func(err error) string {
		switch {
		case errors.Is(err, context.Canceled):
			return "Cancelled; nothing was stored."
		case err != nil:
			t.c.showError("The benchmark failed", err)
			return ""
		}
		for _, id := range ids {
			t.results[id] = true
		}
		t.loadHistory()
		return fmt.Sprintf("Done: %d interpreters measured and stored.", len(results))
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
	t.table.reload()
	var results []bench.Result
	var names []string
	t.verdicts.RemoveAll()
	for _, run := range t.shown {
		results = append(results, run.Result)
		name := runName(run, t.shown)
		names = append(names, name)
		line := widget.NewLabel(name + ": " + verdictLine(run.Result, t.shown))
		line.Wrapping = fyne.TextWrapWord
		line.Selectable = true
		line.TextStyle.Bold = true
		t.verdicts.Add(line)
		var more []string
		if run.Result.PairedVerdict != "" {
			more = append(more, run.Result.PairedVerdict)
		}
		for _, note := range run.Result.Notes {
			more = append(more, name+": "+note)
		}
		for _, text := range more {
			l := widget.NewLabel(text)
			l.Wrapping = fyne.TextWrapWord
			l.Selectable = true
			t.verdicts.Add(l)
		}
	}
	t.chart.set(results, names)
}

// runName names a run shown: its interpreter ("3.14.7t"), after its
// machine's name when the runs shown come from more than one machine
// ("alpha 3.14.7t").
func runName(run store.BenchRun, shown []store.BenchRun) string {
	for _, o := range shown {
		if o.Machine.Name() != run.Machine.Name() {
			return orDash(run.Machine.Name()) + " " + run.Result.Name()
		}
	}
	return run.Result.Name()
}

// verdictLine is a run's answer in one line of words, after its name:
// "parallel threads: yes — 1.96× on 2 threads, 98% of what 2 processes get; single
// thread 12% slower than 3.14.7 with the GIL".
func verdictLine(r bench.Result, runs []store.BenchRun) string {
	line := r.Verdict
	if r.FTCostPct != nil {
		than := "the GIL build"
		for _, o := range runs {
			if o.Result.Path == r.ComparedWith {
				than = o.Result.Version.String() + " with the GIL"
			}
		}
		pct, how := *r.FTCostPct, "slower"
		if pct < 0 {
			pct, how = -pct, "faster"
		}
		line += fmt.Sprintf("; single thread %.0f%% %s than %s", pct, how, than)
	}
	return line
}

func lastCount(r bench.Result) string { return strconv.Itoa(r.Threads()) }

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
			// The save dialog asked before the file was replaced.
			_, err := t.c.h.ExportFile(t.c.ctx, path, format, nil, true)
			return err
		}, func(err error) {
			if err != nil {
				t.c.showError("Export failed", err)
				return
			}
			t.job.say("Exported to " + path)
		})
	}, t.c.win)
	d.SetFileName("pyhangar-benchmarks." + format)
	d.Show()
}
