package trial_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/trial"
)

func readProject(t *testing.T, dir string, index *testenv.PackageIndex) project.Project {
	t.Helper()
	p, err := project.Read(dir, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p.UseIndex(index.URL)
	return p
}

func targets(t *testing.T, pythons ...string) []trial.Target {
	var out []trial.Target
	for _, p := range pythons {
		out = append(out, trial.Target{Python: testenv.Interp(t, p)})
	}
	return out
}

// A try of the test project on a GIL build and a free-threaded build:
// each gets a venv with the project and its dependency from the index,
// its tests pass, the GIL stays off (the project is pure Python), and its
// bench.py is timed in rounds against the baseline. A second try reuses
// both venvs.
func TestTryTheProject(t *testing.T) {
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	p := readProject(t, dir, index)
	if !p.Package || strings.Join(p.Packages, ",") != "tinyproj" || project.CommandLine(p.Test) != "python -m unittest discover -s tests" ||
		project.CommandLine(p.Run) != "python bench.py" {
		t.Fatalf("the project: %+v", p)
	}
	opt := trial.Options{DataDir: t.TempDir(), Project: p, Targets: targets(t, testenv.GIL(t, "3.13"), testenv.FreeThreaded(t)["3.14"]),
		Test: p.Test, Run: []string{"python", "bench.py", "3000"}, Budget: 3 * time.Second}
	tr, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatalf("%v\n%+v", err, tr)
	}
	for _, r := range tr.Targets {
		t.Log(r.Answer)
		if r.Venv == nil || r.Venv.Reused || r.Tests == nil || !r.Tests.OK() || r.Tests.Passed != 3 || r.Timing == nil || r.Timing.Runs < 3 {
			t.Errorf("%s: venv %+v tests %+v timing %+v", r.Name(), r.Venv, r.Tests, r.Timing)
		}
	}
	ft := tr.Targets[1]
	if ft.GIL == nil || !ft.GIL.Scanned || len(ft.GIL.TurnedOn) != 0 || ft.GIL.OnAtEnd || !strings.Contains(ft.Answer, "the GIL stays off") {
		t.Errorf("the free-threaded build's GIL: %+v", ft.GIL)
	}
	if ft.Timing.Against == nil || ft.Timing.Against.Time.Pairs != tr.Rounds {
		t.Errorf("no comparison with the baseline: %+v", ft.Timing)
	}
	again, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again.Targets {
		if r.Venv == nil || !r.Venv.Reused || r.Venv.Reinstalled {
			t.Errorf("%s: the second try's venv: %+v", r.Name(), r.Venv)
		}
	}
}

// The project with its extension module: on the free-threaded build the
// GIL is turned back on, and the try names the module from CPython's own
// warning; a test failing on purpose is named; on the GIL build neither
// GIL step nor warning. A changed dependency makes the venv again; a
// changed source file installs only the project again.
func TestTryNamesWhatTurnsTheGILOnAndWhatFails(t *testing.T) {
	dir := testenv.Project(t, testenv.WithExtension, testenv.WithFailingTest)
	index := testenv.TinyIndex(t)
	p := readProject(t, dir, index)
	opt := trial.Options{DataDir: t.TempDir(), Project: p, Targets: targets(t, testenv.GIL(t, "3.14"), testenv.FreeThreaded(t)["3.14"]), Test: p.Test}
	tr, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tr.Targets {
		t.Log(r.Answer)
		if r.Tests == nil || r.Tests.Passed != 3 || r.Tests.Failed != 1 || strings.Join(r.Tests.Failing, ",") != "test_fails.TestOnPurpose.test_fails_on_purpose" {
			t.Errorf("%s: tests %+v", r.Name(), r.Tests)
		}
		if !strings.Contains(r.Answer, "1 of 4 tests fail (test_fails.TestOnPurpose.test_fails_on_purpose)") {
			t.Errorf("%s: %s", r.Name(), r.Answer)
		}
	}
	ft := tr.Targets[1]
	if ft.GIL == nil || strings.Join(ft.GIL.TurnedOn, ",") != "tinyproj._speedups" || !ft.GIL.OnAtEnd ||
		!strings.Contains(ft.Answer, "the GIL is turned back on by tinyproj._speedups") {
		t.Errorf("the free-threaded build's GIL: %+v\n%s", ft.GIL, ft.Answer)
	}
	if gil := tr.Targets[0]; strings.Contains(gil.Answer, "GIL") {
		t.Errorf("a GIL build's answer speaks of the GIL: %s", gil.Answer)
	}

	// The source changes: the venvs stay, the project is installed again.
	touch(t, dir, "src/tinyproj/extra.py", "X = 1\n")
	again, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again.Targets {
		if !r.Venv.Reused || !r.Venv.Reinstalled {
			t.Errorf("%s after a source change: %+v", r.Name(), r.Venv)
		}
	}
	// A dependency changes: the venvs are made again.
	pyproject := strings.Replace(mustRead(t, dir, "pyproject.toml"), `"tinydep>=1.0"`, `"tinydep>=0.9"`, 1)
	touch(t, dir, "pyproject.toml", pyproject)
	opt.Project = readProject(t, dir, index)
	third, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range third.Targets {
		if r.Venv.Reused {
			t.Errorf("%s after a dependency changed: %+v", r.Name(), r.Venv)
		}
	}
}

func touch(t *testing.T, dir, rel, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Cancelled while pip installs, a try leaves no process behind and no
// venv a later try would reuse; cancelled while its command runs, the
// command's processes end with it.
func TestCancelledTryLeavesNothingHalfMade(t *testing.T) {
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	data := t.TempDir()
	ft := testenv.FreeThreaded(t)["3.14"]
	ctx, cancel := context.WithCancel(t.Context())
	opt := trial.Options{DataDir: data, Project: readProject(t, dir, index), Targets: targets(t, ft),
		Progress: func(e trial.Event) {
			if e.Step == trial.StepVenv && strings.Contains(e.Line, "pip install") {
				go func() {
					for len(testenv.ProcessesWith(t, data)) == 0 {
						time.Sleep(5 * time.Millisecond)
					}
					cancel()
				}()
			}
		}}
	tr, err := trial.Run(ctx, opt)
	if !errors.Is(err, context.Canceled) || tr.Status != trial.StatusCancelled {
		t.Fatalf("err %v, status %s", err, tr.Status)
	}
	if left := testenv.ProcessesWith(t, data); len(left) > 0 {
		t.Errorf("left running: %q", left)
	}
	// The next try makes the venv again.
	opt.Progress = nil
	opt.Run = []string{"python", "-c", "import time; time.sleep(600)"}
	ctx, cancel = context.WithCancel(t.Context())
	opt.Progress = func(e trial.Event) {
		if e.Step == trial.StepTiming {
			go func() {
				for len(testenv.ProcessesWith(t, "time.sleep(600)")) == 0 {
					time.Sleep(5 * time.Millisecond)
				}
				cancel()
			}()
		}
	}
	tr, err = trial.Run(ctx, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if tr.Targets[0].Venv == nil || tr.Targets[0].Venv.Reused {
		t.Errorf("the venv of the cancelled try was reused: %+v", tr.Targets[0].Venv)
	}
	if left := testenv.ProcessesWith(t, "time.sleep(600)"); len(left) > 0 {
		t.Errorf("the command is left running: %q", left)
	}
}

// The peak memory a try reports is the command's own: alloc.py holding
// 200 MB reads 200 MB more than a bare interpreter, ± 10%, while the
// process running the try holds 300 MB of its own.
func TestTimedPeakMemoryIsTheCommands(t *testing.T) {
	ballast := make([]byte, 300<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	defer runtime.KeepAlive(ballast)
	dir := testenv.Project(t)
	index := testenv.TinyIndex(t)
	p := readProject(t, dir, index)
	opt := trial.Options{DataDir: t.TempDir(), Project: p, Targets: targets(t, testenv.GIL(t, "3.13"), testenv.GIL(t, "3.13")),
		Run: []string{"python", "alloc.py", "0"}, Budget: time.Second}
	bare, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Run = []string{"python", "alloc.py", "200"}
	held, err := trial.Run(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range held.Targets {
		b, h := bare.Targets[i].Timing.PeakMB, held.Targets[i].Timing.PeakMB
		if b <= 0 || b > 50 || h-b < 180 || h-b > 220 {
			t.Errorf("target %d: %.1f MB holding 200 MB, %.1f MB bare", i, h, b)
		}
		t.Logf("target %d: %.1f MB holding 200 MB, %.1f MB bare", i, h, b)
	}
}
