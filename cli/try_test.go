package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/trial"
)

// pyhangar try: the plan first, and nothing runs until it is agreed to
// (no terminal and no --yes: refused; a terminal's "n": refused; "y":
// runs, and the same plan in the same folder is not asked again). The
// answer in words and the table; --json; history, show, compare, and
// export as JSON, CSV and Markdown.
func TestTryFromTheCommandLine(t *testing.T) {
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	gil, ft := testenv.GIL(t, "3.13"), testenv.FreeThreaded(t)["3.14"]
	data := t.TempDir()
	args := []string{"--data-dir", data, "try", dir, "--python", gil, "--python", ft, "--index-url", index.URL, "--run", "python bench.py 2000", "--budget", "2s"}
	r := run(t, nil, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was run: a try runs the project's code") || !strings.Contains(r.stdout, "The try will:") ||
		!strings.Contains(r.stdout, "runs `python -m unittest discover -s tests` in "+dir) || !strings.Contains(r.stdout, "installs the project itself (its build backend runs)") {
		t.Fatalf("without agreement: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := runAnswering(t, nil, "n\n", true, args...); r.code != 1 || !strings.Contains(r.stderr, "nothing was run") {
		t.Errorf("answered no: %d %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "tries")); len(entries) != 0 {
		t.Errorf("something was made before the plan was agreed to: %v", entries)
	}
	r = runAnswering(t, nil, "y\n", true, args...)
	if r.code != 0 {
		t.Fatalf("answered yes: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"3.13.5: installs, 3 tests pass, bench.py", "3.14.7t: installs, 3 tests pass, the GIL stays off, bench.py",
		"PYTHON", "AGAINST 3.13.5", "baseline"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the answer lacks %q:\n%s", want, r.stdout)
		}
	}
	// Agreed once: the same plan runs without asking.
	r = run(t, nil, append(args, "--json")...)
	if r.code != 0 {
		t.Fatalf("second try: %d %s", r.code, r.stderr)
	}
	var tr trial.Try
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil || tr.ID == 0 || len(tr.Targets) != 2 || !tr.Targets[1].Venv.Reused {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	hist := run(t, nil, "--data-dir", data, "try", "history", dir)
	if hist.code != 0 || strings.Count(hist.stdout, "  ok  tinyproj") != 2 {
		t.Errorf("history: %s %s", hist.stdout, hist.stderr)
	}
	show := run(t, nil, "--data-dir", data, "try", "show", "1")
	if show.code != 0 || !strings.Contains(show.stdout, "Try #1 of tinyproj") {
		t.Errorf("show: %s %s", show.stdout, show.stderr)
	}
	cmp := run(t, nil, "--data-dir", data, "try", "compare", "1", "2")
	if cmp.code != 0 || !strings.Contains(cmp.stdout, "TESTS #1") || !strings.Contains(cmp.stdout, "3.14.7t") {
		t.Errorf("compare: %s %s", cmp.stdout, cmp.stderr)
	}
	md := run(t, nil, "--data-dir", data, "try", "export", "2", "--format", "markdown")
	if md.code != 0 || !strings.Contains(md.stdout, "| Python | Installs | Tests | GIL | `bench.py` | vs 3.13.5 | Peak memory |") ||
		!strings.Contains(md.stdout, "| 3.14.7t | yes | 3 pass | stays off |") {
		t.Errorf("markdown:\n%s%s", md.stdout, md.stderr)
	}
	csvOut := run(t, nil, "--data-dir", data, "try", "export", "2", "--format", "csv")
	if lines := strings.Split(strings.TrimSpace(csvOut.stdout), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "try_id,started,project,target") {
		t.Errorf("csv:\n%s", csvOut.stdout)
	}
	out := filepath.Join(t.TempDir(), "try.json")
	if r := run(t, nil, "--data-dir", data, "try", "export", "2", "--format", "json", "--out", out); r.code != 0 {
		t.Errorf("export json: %s", r.stderr)
	}
	var exported trial.Try
	if err := json.Unmarshal([]byte(mustRead(t, out)), &exported); err != nil || len(exported.Samples) < 2*3 {
		t.Errorf("the exported try: %v, %d samples", err, len(exported.Samples))
	}
	if r := run(t, nil, "--data-dir", data, "try", "export", "2", "--format", "json", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("export over a file: %d %s", r.code, r.stderr)
	}
	// Nothing was written inside the project.
	for _, name := range []string{"build", "tinyproj.egg-info", ".pytest_cache", filepath.Join("src", "tinyproj", "__pycache__"), filepath.Join("tests", "__pycache__")} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("the try wrote %s in the project", name)
		}
	}
}

// pyhangar try pin writes .python-version with the t kept, after showing
// it, never over one that is there unless told, and makes the project's
// .venv from that interpreter, free-threaded.
func TestTryPinKeepsTheT(t *testing.T) {
	dir := testenv.Project(t)
	ft := testenv.FreeThreaded(t)["3.14"]
	data := t.TempDir()
	r := runAnswering(t, nil, "y\n", true, "--data-dir", data, "try", "pin", dir, "--python", ft, "--venv")
	if r.code != 0 || !strings.Contains(r.stdout, "PyHangar will write "+filepath.Join(dir, ".python-version")+":\n    3.14t") {
		t.Fatalf("pin: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := mustRead(t, filepath.Join(dir, ".python-version")); got != "3.14t\n" {
		t.Errorf(".python-version: %q", got)
	}
	cfg := mustRead(t, filepath.Join(dir, ".venv", "pyvenv.cfg"))
	if !strings.Contains(cfg, "home = "+filepath.Dir(ft)) {
		t.Errorf(".venv/pyvenv.cfg:\n%s", cfg)
	}
	r = run(t, nil, "--data-dir", data, "try", "pin", dir, "--python", testenv.GIL(t, "3.13"), "--yes")
	if r.code != 1 || !strings.Contains(r.stderr, `is there already (it says "3.14t"); nothing was written`) {
		t.Errorf("pin over a pin: %d %s", r.code, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "try", "pin", dir, "--python", testenv.GIL(t, "3.13"), "--yes", "--replace")
	if r.code != 0 || mustRead(t, filepath.Join(dir, ".python-version")) != "3.13\n" || !strings.Contains(r.stdout, `replacing what it says now: "3.14t"`) {
		t.Errorf("pin --replace: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// kill -9 while a try installs: the try is found interrupted, and the
// next try makes the venv again rather than reuse a half-made one.
func TestKilledTryIsInterruptedAndItsVenvNotReused(t *testing.T) {
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	ft := testenv.FreeThreaded(t)["3.14"]
	data := t.TempDir()
	args := []string{"--data-dir", data, "try", dir, "--python", ft, "--index-url", index.URL, "--no-run", "--no-test", "--yes"}
	c := startChild(t, nil, args...)
	c.waitStderr(t, "pip install", time.Minute)
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	r := run(t, nil, "--data-dir", data, "try", "history", "--json")
	var rows []store.TryRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 1 || rows[0].Status != trial.StatusInterrupted {
		t.Fatalf("history after the kill: %v %s", err, r.stdout)
	}
	r = run(t, nil, append(args, "--json")...)
	var tr trial.Try
	if err := json.Unmarshal([]byte(r.stdout), &tr); err != nil || tr.Status != trial.StatusOK || tr.Targets[0].Venv.Reused {
		t.Fatalf("the try after the kill: %v %s %s", err, r.stdout, r.stderr)
	}
}
