package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/platform"
)

// Runs imported from a fleet's machines, ticked to compare, are named by
// their machine wherever two machines' runs sit side by side: the verdict
// lines, the chart and the table's Machine column; one machine's runs keep
// the interpreter's name alone.
func TestRunsOfSeveralMachinesAreNamedByThem(t *testing.T) {
	win, _, _ := newWindowOn(t, nil)
	st := win.core.store
	started := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	for i, label := range []string{"alpha", "bravo"} {
		m := platform.Machine{Hostname: "ci-runner", Label: label, CPUModel: "AMD EPYC", LogicalCores: 2}
		r := madeUpRun("/opt/python/3.14.7t/bin/python3.14t", "3.14.7", true, 1.9, 0.97, nil, started.Add(time.Duration(i)*time.Minute))
		if _, err := st.SaveBenchRun(t.Context(), m, r); err != nil {
			t.Fatal(err)
		}
	}
	win.Tabs.SelectIndex(tabBenchmarks)
	b := win.benchmarks
	b.loadHistory()
	waitIdle(win)
	tick := func(i int) {
		item := b.histList.CreateItem()
		b.histList.UpdateItem(i, item)
		test.Tap(item.(*widget.Check))
		waitIdle(win)
	}
	tick(0)
	if v := screenText(b.verdicts); !strings.HasPrefix(v, "3.14.7t: parallel threads") {
		t.Errorf("one machine's run: %q", v)
	}
	tick(1)
	verdicts := screenText(b.verdicts)
	for _, want := range []string{"alpha 3.14.7t: parallel threads", "bravo 3.14.7t: parallel threads"} {
		if !strings.Contains(verdicts, want) {
			t.Errorf("the verdicts lack %q:\n%s", want, verdicts)
		}
	}
	var chart []string
	for _, o := range test.WidgetRenderer(b.chart).Objects() {
		if txt, ok := o.(*canvas.Text); ok {
			chart = append(chart, txt.Text)
		}
	}
	if c := strings.Join(chart, "\n"); !strings.Contains(c, "alpha 3.14.7t  ") || !strings.Contains(c, "bravo 3.14.7t  ") {
		t.Errorf("the chart's names:\n%s", c)
	}
	machines := map[string]bool{}
	for _, row := range tableRows(b.table) {
		machines[row["Machine"]] = true
	}
	if !machines["alpha"] || !machines["bravo"] || len(machines) != 2 {
		t.Errorf("the Machine column: %v", machines)
	}
}
