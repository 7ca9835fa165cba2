package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/project"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/trial"
)

// snapshotDir is the data dir the snapshots show: a fixed path, so the
// text that names it draws the same every time.
const snapshotDir = "/tmp/pyhangar-snapshots"

// Every tab, empty and then filled, in the light and the dark theme, drawn
// by Fyne's software painter and held to the images in
// testdata/snapshots/ (a mismatch writes what was drawn to
// testdata/failed/, to look at and, when it is right, to keep). The state
// is made up and fixed: a machine with no interpreter, then a made-up
// list of them, two venvs, two benchmark runs and a team profile.
// Settings is left out: it shows this machine's own facts.
func TestSnapshots(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // no uv of the user's
	t.Setenv("PATH", "/nowhere")
	local := time.Local
	time.Local = time.UTC // the tables' dates
	t.Cleanup(func() { time.Local = local })
	for _, variant := range []struct {
		name  string
		theme fyne.Theme
	}{{"light", theme.LightTheme()}, {"dark", theme.DarkTheme()}} {
		t.Run(variant.name, func(t *testing.T) {
			os.RemoveAll(snapshotDir)
			if err := os.MkdirAll(snapshotDir, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(snapshotDir) })
			a := test.NewTempApp(t)
			test.ApplyTheme(t, variant.theme)
			st, err := store.Open(filepath.Join(snapshotDir, "data"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			st.SetSetting(t.Context(), store.SettingMirror, "http://127.0.0.1:1") // nothing answers there
			empty := t.TempDir()
			host := func() *platform.Host { return platform.ScannedHost("linux", empty, nil) }
			w := a.NewWindow("PyHangar")
			win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "0.1.0",
				DataDir: filepath.Join(snapshotDir, "data"), Store: st, Host: host}, make(chan func()))
			w.SetContent(win.Tabs)
			w.Resize(fyne.NewSize(1100, 700))
			defer w.Close()
			waitIdle(win)

			shoot := func(state string) {
				for i, tab := range []string{"projects", "interpreters", "install", "environments", "benchmarks", "team", "doctor"} {
					if tab == "doctor" && state == "filled" {
						continue // one state: what the doctor found
					}
					win.Tabs.SelectIndex(i)
					waitIdle(win)
					test.AssertImageMatches(t, fmt.Sprintf("snapshots/%s/%s-%s.png", variant.name, tab, state), w.Canvas().Capture())
				}
			}
			shoot("empty")
			fillForSnapshots(t, win, st)
			shoot("filled")
		})
	}
}

// fillForSnapshots gives the window a made-up machine's worth of state.
func fillForSnapshots(t *testing.T, win *Window, st *store.Store) {
	t.Helper()
	c := win.core
	// A catalog fetched earlier from the mirror that does not answer now.
	st.SaveCatalog(t.Context(), installer.Catalog{Site: "http://127.0.0.1:1", FetchedAt: time.Now().UTC(), Releases: []installer.Release{
		{ID: "3", Version: "3.14.7", FreeThreaded: true, Date: "2025-10-14"},
		{ID: "2", Version: "3.13.5", FreeThreaded: true, Date: "2025-06-11"},
		{ID: "1", Version: "3.12.11", Date: "2025-06-03"},
	}})
	win.install.load()

	// Two venvs: one whole, one whose folder is gone.
	ok := filepath.Join(snapshotDir, "venvs", "ft-dev")
	os.MkdirAll(filepath.Join(ok, "bin"), 0o755)
	os.WriteFile(filepath.Join(ok, "pyvenv.cfg"), []byte("home = /opt/python/3.14.7t/bin\nversion = 3.14.7\n"), 0o644)
	os.WriteFile(filepath.Join(ok, "bin", "python"), make([]byte, 4096), 0o755)
	st.AddVenv(t.Context(), envs.Venv{Name: "ft-dev", Path: ok, Origin: envs.OriginCreated, Via: "venv", BasePath: "/opt/python/3.14.7t/bin/python3.14t",
		BaseVersion: "3.14.7", FreeThreaded: true, CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	st.AddVenv(t.Context(), envs.Venv{Name: "old-api", Path: filepath.Join(snapshotDir, "venvs", "old-api"), Origin: envs.OriginRegistered, Via: "venv",
		BasePath: "/usr/bin/python3.11", BaseVersion: "3.11.2", CreatedAt: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)})

	// Two benchmark runs from another machine, ticked to compare.
	machine := platform.Machine{Hostname: "build-server", CPUModel: "AMD EPYC", LogicalCores: 2, PhysicalCores: 2, RAMBytes: 8 << 30, OS: "debian 12", Kernel: "6.1"}
	started := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	cost := 11.8
	for _, r := range []bench.Result{
		madeUpRun("/opt/python/3.14.7t/bin/python3.14t", "3.14.7", true, 1.96, 0.98, &cost, started),
		madeUpRun("/opt/python/3.14.7/bin/python3.14", "3.14.7", false, 1.01, 0.52, nil, started.Add(time.Minute)),
	} {
		if _, err := st.SaveBenchRun(t.Context(), machine, r); err != nil {
			t.Fatal(err)
		}
	}
	win.benchmarks.loadHistory()
	waitIdle(win)
	for i := range win.benchmarks.history {
		item := win.benchmarks.histList.CreateItem()
		win.benchmarks.histList.UpdateItem(i, item)
		test.Tap(item.(*widget.Check))
	}

	// What discovery would have found on that machine.
	list := []envs.Interpreter{
		madeUpInterpreter("/opt/python/3.14.7t/bin/python3.14t", "3.14.7", true, "python.org"),
		madeUpInterpreter("/opt/python/3.14.7/bin/python3.14", "3.14.7", false, "python.org"),
		madeUpInterpreter("/home/dev/.pyenv/versions/3.13.5t/bin/python3.13t", "3.13.5", true, "pyenv"),
		madeUpInterpreter("/home/dev/.pyenv/versions/3.12.11/bin/python3.12", "3.12.11", false, "pyenv"),
		madeUpInterpreter("/usr/bin/python3.11", "3.11.2", false, "system"),
	}
	jit, off := true, false // python.org's 3.14 builds have the JIT, off
	list[1].JITAvailable, list[1].JITEnabled = &jit, &off
	c.interps = list
	for _, l := range c.listeners {
		l(list)
	}
	waitIdle(win)
	clickRow(win.interpreters.table, 0)

	// A project and a try of it on two of those.
	proj := filepath.Join(snapshotDir, "webapp")
	os.MkdirAll(filepath.Join(proj, "src", "webapp"), 0o755)
	os.WriteFile(filepath.Join(proj, "pyproject.toml"), []byte("[build-system]\nrequires = [\"hatchling\"]\n[project]\nname = \"webapp\"\n"+
		"requires-python = \">=3.11\"\ndependencies = [\"orjson\", \"lxml\"]\n[dependency-groups]\ntest = [\"pytest\"]\n"), 0o644)
	os.WriteFile(filepath.Join(proj, "src", "webapp", "__init__.py"), nil, 0o644)
	os.WriteFile(filepath.Join(proj, "bench.py"), nil, 0o644)
	tr := madeUpTry(proj, list[4], list[0], started)
	if tr.ID, _ = st.StartTry(t.Context(), tr); tr.ID == 0 {
		t.Fatal("the try was not kept")
	}
	if err := st.FinishTry(t.Context(), tr); err != nil {
		t.Fatal(err)
	}
	win.projects.open(proj)
	waitIdle(win)
	item := win.projects.histL.CreateItem()
	win.projects.histL.UpdateItem(0, item)
	test.Tap(item.(*widget.Check))
	waitIdle(win)

	profile := filepath.Join(snapshotDir, "team.toml")
	os.WriteFile(profile, []byte("name = \"ft-team\"\n\n[[python]]\nspec = \"3.13t\"\n\n[[venv]]\nname = \"api\"\npython = \"3.13t\"\n"), 0o644)
	win.team.load(profile)
	waitIdle(win)
}

func madeUpInterpreter(path, version string, ft bool, source string) envs.Interpreter {
	gil := !ft
	return envs.Interpreter{Path: path, Aliases: []string{}, Source: platform.Source(source), Arch: "x86_64", Status: envs.StatusOK, OnPath: source == "system",
		Identity: envs.Identity{Version: pyversion.Version(version), Implementation: "cpython", FreeThreaded: ft, GILEnabled: &gil, Prefix: filepath.Dir(filepath.Dir(path)),
			BasePrefix: filepath.Dir(filepath.Dir(path)), Platform: "linux", HasPip: true}}
}

func madeUpRun(path, version string, ft bool, speedup, efficiency float64, cost *float64, started time.Time) bench.Result {
	gil := !ft
	r := bench.Result{Path: path, Version: pyversion.Version(version), FreeThreaded: ft, GILEnabledStart: &gil, GILEnabledEnd: &gil, StartupMs: 21,
		Workloads: map[bench.Workload]bench.WorkloadResult{}, ThreadCounts: []int{1, 2}, Repeats: 5, Rounds: 6, HeadlineSpread: 0.02,
		Speedup: map[string]float64{"2": speedup}, CPUWallRatio: map[string]float64{"2": 2 * efficiency}, ProcessSpeedup: map[string]float64{"2": 1.98},
		Efficiency: map[string]float64{"2": efficiency}, PeakRSSMB: map[string]float64{"2": 14}, SingleThreadMs: map[bench.Workload]float64{"1": 48},
		FTCostPct: cost, Started: started, Finished: started.Add(9 * time.Second), SuiteVersion: "2", Warnings: []string{}}
	for i, w := range bench.Workloads {
		r.Workloads[w] = bench.WorkloadResult{SingleThreadMs: 40 + float64(10*i), Speedup: speedup - 0.02*float64(i), CPUWallRatio: 2 * efficiency,
			ProcessSpeedup: 1.98, Efficiency: efficiency - 0.01*float64(i), Spread: 0.02}
	}
	if ft {
		r.Verdict = fmt.Sprintf("parallel threads: yes — %.2f× on 2 threads, %.0f%% of what 2 processes get", speedup, 100*efficiency)
		r.ComparedWith = "/opt/python/3.14.7/bin/python3.14"
	} else {
		r.Verdict = fmt.Sprintf("GIL build: threads take turns (%.2f× on 2 threads, CPU/wall %.2f)", speedup, 2*efficiency)
	}
	return r
}

// madeUpTry is a try of proj on base and ft: both install (lxml from
// source on ft), the tests pass, lxml turns the GIL back on, ft is 1.62×
// faster.
func madeUpTry(proj string, base, ft envs.Interpreter, started time.Time) trial.Try {
	p, _ := project.Read(proj, project.Options{})
	tests := func(passed int) *trial.TestResult {
		return &trial.TestResult{Command: []string{"python", "-m", "pytest", "-q"}, Summarized: true, Passed: passed, Seconds: 3.2, Failing: []string{}}
	}
	tr := trial.Try{Project: p, Test: []string{"python", "-m", "pytest", "-q"}, Run: []string{"python", "bench.py"}, Rounds: 12, Status: trial.StatusOK,
		Started: started, Finished: started.Add(70 * time.Second), Targets: []trial.TargetResult{
			{Target: trial.Target{Python: base}, Readiness: &trial.ReadinessResult{Checked: 3, FromSource: []string{}, WillNot: []string{}},
				Venv: &trial.VenvResult{Path: "/tmp/v1"}, GIL: &trial.GILResult{Note: "a GIL build: the GIL is always on", OnAtEnd: true},
				Tests: tests(212), Timing: &trial.TimingResult{Runs: 12, MedianMs: 412, Spread: 0.02, CPUWall: 0.99, PeakMB: 48}},
			{Target: trial.Target{Python: ft}, Readiness: &trial.ReadinessResult{Checked: 3, FromSource: []string{"lxml"}, WillNot: []string{}},
				Venv: &trial.VenvResult{Path: "/tmp/v2"}, GIL: &trial.GILResult{Scanned: true, Modules: 4, TurnedOn: []string{"lxml.etree"}, Failed: []string{}, OnAtEnd: true},
				Tests: tests(212), Timing: &trial.TimingResult{Runs: 12, MedianMs: 254, Spread: 0.03, CPUWall: 1.9, PeakMB: 61,
					Against: &trial.Comparison{Baseline: "3.11.2", Time: bench.Ratio{Ratio: 1.62, Low: 1.55, High: 1.7, Pairs: 12, Clear: true}, Memory: 1.27}}},
		}}
	for i := range tr.Targets {
		tr.Targets[i].Answer = tr.Targets[i].Name() + ": " + map[int]string{0: "installs, 212 tests pass, bench.py 412 ms, peak memory 48 MB",
			1: "installs (1 package built from source: lxml), 212 tests pass, the GIL is turned back on by lxml.etree, bench.py 1.62× faster than 3.11.2 (1.55–1.70), peak memory 1.27×"}[i]
	}
	return tr
}
