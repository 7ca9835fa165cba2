package installer_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// uvStandIn is the stand-in of the uv CLI in testdata: no registry this
// machine reaches serves uv.
func uvStandIn(t *testing.T) string {
	p, err := filepath.Abs("testdata/uv-standin/uv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newUV(t *testing.T, path, dir string) *installer.UV {
	res, err := platform.Run(context.Background(), []string{path, "--version"}, platform.RunOptions{})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("%s --version: %v %s", path, err, res.Stderr)
	}
	return &installer.UV{Path: path, Version: strings.TrimSpace(string(res.Stdout)), Dir: dir}
}

// uvRoute runs the uv route against the uv at path: the stand-in in
// testdata, or a real uv. home is the user's home dir, with uv's default
// install dir in it.
func uvRoute(t *testing.T, path string, standIn bool) {
	ft := testenv.FreeThreaded(t)["3.14"]
	gil := testenv.GIL(t, "3.14")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("XDG_BIN_HOME", "")
	t.Setenv("UV_PYTHON_INSTALL_DIR", "")
	t.Setenv("UV_PYTHON_BIN_DIR", "")
	installDir := filepath.Join(home, ".local", "share", "uv", "python")
	if standIn {
		// 3.13t here is a GIL build on purpose: uv handing back the wrong
		// build must be caught.
		t.Setenv("UV_STANDIN_PYTHONS", "3.14.7t="+ft+";3.14.7="+gil+";3.13.5t="+testenv.GIL(t, "3.13"))
	}
	st := newStore(t)
	data := t.TempDir()
	var lines []string
	in := &installer.Installer{DataDir: data, Records: st, UV: newUV(t, path, data), Progress: func(e installer.Event) {
		if e.Line != "" {
			lines = append(lines, e.Line)
		}
	}}
	if got := installer.UVRequest(envs.Spec{Version: "3.14"}); got != "3.14+gil" {
		t.Errorf("a standard request must say +gil, got %s", got)
	}
	interp, rec, err := in.Install(context.Background(), envs.Spec{Version: "3.14", FreeThreaded: true}, installer.RouteUV)
	if err != nil {
		t.Fatalf("install 3.14t: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if !interp.FreeThreaded || interp.GILEnabled == nil || *interp.GILEnabled || !strings.HasPrefix(interp.Path, installDir) || rec.Status != "ok" || rec.Method != "uv" {
		t.Errorf("3.14t: %+v, record %+v", interp, rec)
	}
	if !strings.Contains(rec.Key, "3.14") || !strings.Contains(rec.Key, "freethreaded") {
		t.Errorf("the record should hold uv's key for the install: %+v", rec)
	}
	// uv's own lines come through: its "Installed Python" report.
	if !strings.Contains(strings.Join(lines, "\n"), "Installed Python 3.14") {
		t.Errorf("uv's lines were not streamed: %q", lines)
	}
	// The standard build, end to end.
	std, rec2, err := in.Install(context.Background(), envs.Spec{Version: "3.14"}, installer.RouteUV)
	if err != nil || std.FreeThreaded || std.GILEnabled == nil || !*std.GILEnabled || !strings.HasPrefix(std.Path, installDir) || strings.Contains(rec2.Key, "freethreaded") {
		t.Fatalf("install 3.14 (GIL): %v; %+v, record %+v", err, std, rec2)
	}

	// Discovery finds both as uv's, and the executables uv linked into
	// ~/.local/bin are aliases of them.
	h := platform.ThisHost(in.DataDir)
	h.Env["PATH"] = filepath.Join(home, ".local", "bin")
	list, _, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	foundFT, foundGIL := false, false
	for _, i := range list {
		for _, p := range append([]string{i.Path}, i.Aliases...) {
			if i.Source == "uv" && strings.HasPrefix(p, installDir) {
				foundFT = foundFT || i.FreeThreaded
				foundGIL = foundGIL || !i.FreeThreaded
			}
		}
	}
	if !foundFT || !foundGIL {
		t.Errorf("discovery did not find both uv installs under %s (free-threaded %v, GIL %v): %+v", installDir, foundFT, foundGIL, list)
	}

	// uv's own error comes through verbatim, with a hint, and is recorded.
	_, rec, err = in.Install(context.Background(), envs.Spec{Version: "3.9", FreeThreaded: true}, installer.RouteUV)
	if err == nil || !strings.Contains(err.Error(), "No download found") || !strings.Contains(err.Error(), "upgrade uv") || rec.Status != "failed" {
		t.Errorf("3.9t: err %v, record %+v", err, rec)
	}
	if standIn {
		_, rec, err = in.Install(context.Background(), envs.Spec{Version: "3.13", FreeThreaded: true}, installer.RouteUV)
		if err == nil || !strings.Contains(err.Error(), "is a GIL build") || rec.Status != "failed" {
			t.Errorf("a GIL build for 3.13t must be an error: %v, %+v", err, rec)
		}
	}
	// Uninstall through uv removes exactly what was installed, and its
	// record; the standard build stays.
	if _, err := in.Uninstall(context.Background(), "3.14t"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(interp.Path); !os.IsNotExist(err) {
		t.Errorf("after uninstall, %s is still there", interp.Path)
	}
	if _, err := os.Stat(std.Path); err != nil {
		t.Errorf("uninstalling 3.14t removed the standard build too: %v", err)
	}
}

// TestUVRoute runs the route against the uv stand-in, and against a real
// uv too when one is installed. No registry here serves uv, so CI has the
// stand-in alone.
func TestUVRoute(t *testing.T) {
	t.Run("stand-in", func(t *testing.T) { uvRoute(t, uvStandIn(t), true) })
	if real := platform.FindTool("uv"); real != "" {
		t.Run("real uv", func(t *testing.T) { uvRoute(t, real, false) })
	} else {
		t.Log("no real uv on this machine: the route ran against the stand-in alone")
	}
}

// uv consults an active venv, a .venv nearby, uv.toml and PATH before its
// managed installs unless told not to. PyHangar's install must record the
// managed interpreter uv installed, whatever the user's shell or working
// directory hold; and its uninstall must leave the managed Pythons the
// user installed with uv alone.
func TestUVRouteTouchesOnlyWhatItInstalled(t *testing.T) {
	uv := uvStandIn(t)
	ft := testenv.FreeThreaded(t)["3.14"]
	gil := testenv.GIL(t, "3.13")
	installDir := filepath.Join(t.TempDir(), "uv-python")
	t.Setenv("UV_PYTHON_INSTALL_DIR", installDir)
	t.Setenv("UV_PYTHON_BIN_DIR", t.TempDir())
	t.Setenv("UV_STANDIN_PYTHONS", "3.14.7t="+ft+";3.13.4="+gil+";3.13.5="+gil)

	// A free-threaded venv that is active, and one in the working
	// directory; a uv.toml above it that prefers system Pythons; and a
	// python3.14t on PATH.
	project := t.TempDir()
	os.WriteFile(filepath.Join(project, "uv.toml"), []byte("python-preference = \"only-system\"\n"), 0o644)
	work := filepath.Join(project, "work")
	os.MkdirAll(work, 0o755)
	for _, venv := range []string{filepath.Join(t.TempDir(), "active"), filepath.Join(work, ".venv")} {
		if out, err := exec.Command(ft, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		t.Setenv("VIRTUAL_ENV", venv)
	}
	t.Chdir(work)
	t.Setenv("PATH", filepath.Dir(ft)+string(os.PathListSeparator)+os.Getenv("PATH"))

	// What the issue saw: a bare uv python find answers with the venv.
	if out, _ := exec.Command(uv, "python", "find", "3.14t").Output(); !strings.Contains(string(out), "venv") && !strings.Contains(string(out), "active") {
		t.Fatalf("the stand-in should find the venv as uv does, found %s", out)
	}

	// The user installed a managed 3.13.4 with uv before.
	if out, err := exec.Command(uv, "python", "install", "3.13.4+gil").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	data := filepath.Join(project, "data") // under the uv.toml too
	os.MkdirAll(data, 0o755)
	in := &installer.Installer{DataDir: data, Records: newStore(t), UV: newUV(t, uv, data)}
	got, rec, err := in.Install(context.Background(), envs.Spec{Version: "3.14", FreeThreaded: true}, installer.RouteUV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Path, installDir) || rec.Key != "cpython-3.14.7+freethreaded-linux-x86_64-gnu" {
		t.Fatalf("installed %s (key %q); want uv's managed install under %s", got.Path, rec.Key, installDir)
	}
	gotGIL, rec, err := in.Install(context.Background(), envs.Spec{Version: "3.13"}, installer.RouteUV)
	if err != nil || rec.Key != "cpython-3.13.5-linux-x86_64-gnu" {
		t.Fatalf("install 3.13: %v, key %q", err, rec.Key)
	}
	if _, err := in.Uninstall(context.Background(), gotGIL.Path); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(installDir)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "cpython-3.13.4-linux-x86_64-gnu cpython-3.14.7+freethreaded-linux-x86_64-gnu" {
		t.Errorf("after uninstalling PyHangar's 3.13: %v; the user's 3.13.4 and the 3.14t must stay", names)
	}
	// A build uv had before PyHangar asked for it is not PyHangar's to
	// remove.
	_, rec, err = in.Install(context.Background(), envs.Spec{Version: "3.13.4"}, installer.RouteUV)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Uninstall(context.Background(), "3.13.4"); err == nil || !strings.Contains(err.Error(), "uv python uninstall") {
		t.Errorf("uninstalling what uv had before: %v", err)
	}
	if _, err := os.Stat(filepath.Join(installDir, "cpython-3.13.4-linux-x86_64-gnu")); err != nil {
		t.Error("the user's 3.13.4 was removed")
	}
}
