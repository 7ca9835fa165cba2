package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// The Projects tab: a folder opened shows what was read and the commands
// found; Try shows the plan and runs nothing until it is agreed to; then
// the answer in words, the table and the history; "Use a Python for this
// project" shows the file and its content before it writes it.
func TestProjectsTabTriesAProject(t *testing.T) {
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	t.Setenv("PIP_INDEX_URL", index.URL)
	gil, ft := testenv.GIL(t, "3.13"), testenv.FreeThreaded(t)["3.14"]
	win, w, data := newWindowOn(t, []string{filepath.Dir(gil), filepath.Dir(ft)})
	if win.Tabs.SelectedIndex() != tabProjects {
		t.Errorf("the window opens on tab %d, not Projects", win.Tabs.SelectedIndex())
	}
	p := win.projects
	if !strings.Contains(screenText(p.content), "Open a project's folder (or drop one on the window)") || !p.tryB.Disabled() {
		t.Errorf("the empty tab:\n%s", screenText(p.content))
	}
	p.open(dir)
	waitIdle(win)
	if !strings.HasPrefix(p.header.Text, "tinyproj ("+dir+"): 1 requirement from pyproject.toml") ||
		p.testCmd.Text != "python -m unittest discover -s tests" || p.runCmd.Text != "python bench.py" {
		t.Fatalf("the project opened: %q, test %q, run %q", p.header.Text, p.testCmd.Text, p.runCmd.Text)
	}
	if len(p.targets.Selected) != 2 {
		t.Errorf("ticked by default: %v of %v", p.targets.Selected, p.targets.Options)
	}
	p.runCmd.SetText("python bench.py 2000")
	p.budget.SetText("2s")
	test.Tap(p.tryB)
	waitIdle(win)
	plan := overlayText(w)
	if !strings.Contains(plan, "A try runs this project's code") || !strings.Contains(plan, "runs `python bench.py 2000` in "+dir) {
		t.Fatalf("the plan dialog:\n%s", plan)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "tries")); len(entries) != 0 {
		t.Errorf("something was made before the plan was agreed to: %v", entries)
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Run it"))
	waitIdle(win)
	answers := screenText(p.answers)
	for _, want := range []string{"3.13.5: installs, 3 tests pass, bench.py", "3.14.7t: installs, 3 tests pass, the GIL stays off, bench.py "} {
		if !strings.Contains(answers, want) {
			t.Errorf("the answers lack %q:\n%s\n(job: %s)", want, answers, p.job.step.Text)
		}
	}
	rows := tableRows(p.table)
	if len(rows) != 2 || rows[1]["Python"] != "3.14.7t" || rows[1]["Tests"] != "3 pass" || rows[1]["GIL"] != "stays off" || rows[0]["Against the first"] != "baseline" {
		t.Errorf("the table: %v", rows)
	}
	if len(p.tries) != 1 || !strings.HasPrefix(p.job.step.Text, "Try #1 done") {
		t.Errorf("history %v, job %q", p.tries, p.job.step.Text)
	}
	// Use 3.14t for the project: the file and its content, then written.
	test.Tap(p.pinB)
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Next…"))
	waitIdle(win)
	confirm := overlayText(w)
	if !strings.Contains(confirm, "PyHangar will write "+filepath.Join(dir, ".python-version")+":\n    3.14t") {
		t.Fatalf("the pin's confirmation:\n%s", confirm)
	}
	if _, err := os.Stat(filepath.Join(dir, ".python-version")); err == nil {
		t.Fatal(".python-version was written before the confirmation")
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Write it"))
	waitIdle(win)
	if b, err := os.ReadFile(filepath.Join(dir, ".python-version")); err != nil || string(b) != "3.14t\n" {
		t.Errorf(".python-version: %q %v", b, err)
	}
}
