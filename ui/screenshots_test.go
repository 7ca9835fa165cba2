//go:build screenshots

package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/wheels"
)

// TestScreenshots draws every tab for the README into $PYHANGAR_SCREENSHOTS
// (make screenshots: docs/), from a state anyone with the test
// interpreters can make again: those interpreters and Debian's python3 on
// PATH, a python.org stand-in with three releases as the mirror, a venv
// made from the free-threaded 3.14, a benchmark of it beside 3.14 with the
// GIL, a team profile asking for two more venvs, and a try of the test
// project on both.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("PYHANGAR_SCREENSHOTS")
	if out == "" {
		t.Fatal("PYHANGAR_SCREENSHOTS names the directory to write to (make screenshots sets it)")
	}
	ft := testenv.FreeThreaded(t)
	gil := testenv.GILBuilds(t)
	var path []string
	for _, m := range []map[string]string{ft, gil} {
		for _, p := range m {
			path = append(path, filepath.Dir(p))
		}
	}
	path = append(path, "/usr/bin")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1003, Version: "3.14.7"},
		testenv.StandInRelease{ID: 1002, Version: "3.13.5"}, testenv.StandInRelease{ID: 1001, Version: "3.12.11"})

	a := test.NewTempApp(t)
	test.ApplyTheme(t, theme.DarkTheme())
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetSetting(t.Context(), store.SettingMirror, org.URL)
	host := func() *platform.Host {
		h := platform.ThisHost(data)
		h.Env["PATH"] = strings.Join(path, ":")
		return h
	}
	w := a.NewWindow("PyHangar")
	win := build(context.Background(), a, w, Config{Name: "PyHangar", Version: "0.1.0", DataDir: data, Store: st, Host: host}, make(chan func()))
	w.SetContent(win.Tabs)
	w.Resize(fyne.NewSize(1280, 800))
	defer w.Close()
	waitIdle(win)

	// A venv from the free-threaded 3.14, made through the form.
	win.Tabs.SelectIndex(tabInterpreters)
	test.Type(win.interpreters.filter, filepath.Dir(ft["3.14"]))
	clickRow(win.interpreters.table, 0)
	test.Tap(shownButton(win.interpreters.content, "Create venv…"))
	form := w.Canvas().Overlays().Top()
	var name fyne.Focusable
	shown(form, func(o fyne.CanvasObject) {
		if f, ok := o.(fyne.Focusable); ok && name == nil {
			name = f
		}
	})
	test.Type(name, "ft-dev")
	test.Tap(shownButton(form, "Create"))
	waitIdle(win)
	clickRow(win.environments.table, 0)

	// A benchmark of 3.14t beside 3.14 with the GIL.
	win.Tabs.SelectIndex(tabBenchmarks)
	var ticks []string
	for _, opt := range win.benchmarks.checks.Options {
		if strings.Contains(opt, ft["3.14"]) || strings.Contains(opt, gil["3.14"]) {
			ticks = append(ticks, opt)
		}
	}
	win.benchmarks.checks.SetSelected(ticks)
	test.Tap(win.benchmarks.run)
	waitIdle(win)

	// A team profile asking for a second venv.
	profile := filepath.Join(t.TempDir(), "team.toml")
	os.WriteFile(profile, []byte("name = \"ft-team\"\n\n[[python]]\nspec = \"3.14t\"\n\n[[venv]]\nname = \"api\"\npython = \"3.14t\"\n\n[[venv]]\nname = \"worker\"\npython = \"3.13\"\n"), 0o644)
	win.team.load(profile)
	waitIdle(win)

	// A try of the test project (with its extension module) on 3.14 with
	// the GIL and 3.14t, through the plan's dialog.
	proj := testenv.Project(t, testenv.WithExtension)
	index := testenv.TinyIndex(t)
	t.Setenv("PIP_INDEX_URL", index.URL)
	win.Tabs.SelectIndex(tabProjects)
	win.projects.open(proj)
	waitIdle(win)
	var pythons []string
	for _, opt := range win.projects.targets.Options {
		if strings.HasSuffix(opt, "  "+ft["3.14"]) || strings.HasSuffix(opt, "  "+gil["3.14"]) {
			pythons = append(pythons, opt)
		}
	}
	win.projects.targets.SetSelected(pythons)
	win.projects.budget.SetText("10s")
	test.Tap(win.projects.tryB)
	waitIdle(win)
	test.Tap(shownButton(w.Canvas().Overlays().Top(), "Run it"))
	waitIdle(win)

	win.interpreters.filter.SetText("")
	clickRow(win.interpreters.table, 0)
	for i, name := range []string{"projects", "interpreters", "install", "environments", "benchmarks", "team", "doctor", "settings"} {
		win.Tabs.SelectIndex(i)
		waitIdle(win)
		f, err := os.Create(filepath.Join(out, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}

	// A requirements file checked for 3.14t, against a stand-in index of
	// made-up projects (no real project's readiness is claimed).
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "fastmath", Files: []testenv.IndexFile{testenv.Wheel("fastmath-2.1.0-cp314-cp314t-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")}},
		testenv.IndexProject{Name: "webclient", Files: []testenv.IndexFile{testenv.Wheel("webclient-3.2.0-py3-none-any.whl", "charsets>=3", "urlkit<3")}},
		testenv.IndexProject{Name: "charsets", Files: []testenv.IndexFile{testenv.Wheel("charsets-3.4.1-cp314-cp314t-manylinux_2_17_x86_64.whl")}},
		testenv.IndexProject{Name: "urlkit", Files: []testenv.IndexFile{testenv.Wheel("urlkit-2.5.0-py3-none-any.whl")}},
		testenv.IndexProject{Name: "yamlish", Files: []testenv.IndexFile{testenv.Wheel("yamlish-6.0.2-cp314-cp314-manylinux_2_17_x86_64.whl"), testenv.Sdist("yamlish", "6.0.2")}},
		testenv.IndexProject{Name: "oldext", Files: []testenv.IndexFile{testenv.Wheel("oldext-1.4.0-cp313-cp313-manylinux_2_17_x86_64.whl"), testenv.Wheel("oldext-1.2.0-cp314-cp314t-manylinux_2_17_x86_64.whl")}},
		testenv.IndexProject{Name: "report", Files: []testenv.IndexFile{testenv.Wheel("report-1.0.0-py3-none-any.whl", "gilonly")}},
		testenv.IndexProject{Name: "gilonly", Files: []testenv.IndexFile{testenv.Wheel("gilonly-0.9.1-cp314-cp314-manylinux_2_17_x86_64.whl")}},
	)
	t.Setenv("PIP_INDEX_URL", ix.URL)
	var reqs []wheels.Requirement
	for _, r := range []string{"fastmath>=2", "webclient", "yamlish", "oldext", "report", "mytool @ git+https://example.org/mytool.git"} {
		reqs = append(reqs, wheels.Requirement{Text: r})
	}
	win.Tabs.SelectIndex(tabEnvironments)
	win.core.checkReady(testenv.Interp(t, ft["3.14"]), reqs, wheels.Sources{}, "requirements.txt")
	waitIdle(win)
	f, err := os.Create(filepath.Join(out, "ready.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
