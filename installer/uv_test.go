package installer_test

import (
	"context"
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

// uvRoute runs the uv route against the uv at path: the stand-in in
// testdata, or a real uv.
func uvRoute(t *testing.T, path string, standIn bool) {
	ft := testenv.FreeThreaded(t)["3.14"]
	gil := testenv.PyenvVersion(t, "3.12")
	installDir := filepath.Join(t.TempDir(), "uv python")
	t.Setenv("UV_PYTHON_INSTALL_DIR", installDir)
	if standIn {
		// 3.13t here is a GIL build on purpose: uv handing back the wrong
		// build must be caught.
		t.Setenv("UV_STANDIN_PYTHONS", "3.14.7t="+ft+";3.12.1="+gil+";3.13.0t="+testenv.PyenvVersion(t, "3.13"))
	}
	st := newStore(t)
	res, _ := platform.Run(context.Background(), []string{path, "--version"}, platform.RunOptions{})
	uv := installer.UV{Path: path, Version: strings.TrimSpace(string(res.Stdout))}
	var lines []string
	in := &installer.Installer{DataDir: t.TempDir(), Records: st, UV: &uv, Progress: func(e installer.Event) {
		if e.Line != "" {
			lines = append(lines, e.Line)
		}
	}}
	if got := installer.UVRequest(envs.Spec{Version: "3.14"}); got != "3.14+gil" {
		t.Errorf("a standard request must say +gil, got %s", got)
	}
	interp, rec, err := in.Install(context.Background(), envs.Spec{Version: "3.14", FreeThreaded: true}, "uv")
	if err != nil {
		t.Fatalf("install 3.14t: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if !interp.FreeThreaded || interp.GILEnabled == nil || *interp.GILEnabled || !strings.HasPrefix(interp.Path, installDir) || rec.Status != "ok" || rec.Method != "uv" {
		t.Errorf("3.14t: %+v, record %+v", interp, rec)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "uv python install 3.14t") {
		t.Errorf("uv's lines were not streamed: %q", lines)
	}
	// Discovery finds it as uv's.
	h := platform.ThisHost(in.DataDir)
	h.Env["PATH"] = ""
	list, _, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, i := range list {
		// The stand-in links to a local build, so uv's path may be an alias.
		for _, p := range append([]string{i.Path}, i.Aliases...) {
			if i.FreeThreaded && i.Source == "uv" && strings.HasPrefix(p, installDir) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("discovery did not find the uv install under %s", installDir)
	}

	// uv's own error comes through verbatim, with a hint, and is recorded.
	_, rec, err = in.Install(context.Background(), envs.Spec{Version: "3.9", FreeThreaded: true}, "uv")
	if err == nil || !strings.Contains(err.Error(), "No download found") || !strings.Contains(err.Error(), "upgrade uv") || rec.Status != "failed" {
		t.Errorf("3.9t: err %v, record %+v", err, rec)
	}
	if standIn {
		_, rec, err = in.Install(context.Background(), envs.Spec{Version: "3.13", FreeThreaded: true}, "uv")
		if err == nil || !strings.Contains(err.Error(), "standard (GIL) build") || rec.Status != "failed" {
			t.Errorf("a GIL build for 3.13t must be an error: %v, %+v", err, rec)
		}
	}
	recs, _ := st.Installs()
	if len(recs) != 3 && standIn {
		t.Errorf("records: %+v", recs)
	}
	// Uninstall through uv removes it and forgets it.
	if _, err := in.Uninstall(context.Background(), "3.14t"); err != nil {
		t.Fatal(err)
	}
	if out, _ := exec.Command(path, "python", "find", "3.14t").CombinedOutput(); !strings.Contains(string(out), "No interpreter found") {
		t.Errorf("after uninstall: %s", out)
	}
}

// TestUVRouteWithStandIn drives a stand-in of the uv CLI (testdata): no
// registry this machine reaches serves uv.
func TestUVRouteWithStandIn(t *testing.T) {
	standIn, _ := filepath.Abs("testdata/uv-standin/uv")
	uvRoute(t, standIn, true)
}

// TestUVRouteWithRealUV runs the same test against a real uv when one is
// installed.
func TestUVRouteWithRealUV(t *testing.T) {
	real := platform.FindTool("uv")
	if real == "" {
		t.Skip("no real uv on this machine; the stand-in test covers the route")
	}
	uvRoute(t, real, false)
}
