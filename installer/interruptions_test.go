package installer_test

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ulikunitz/xz"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
)

// An attempt left "running" (its process killed during the build, or its
// last database write failed) is swept at the next start: what it left in
// build/, downloads/ and pythons/ goes and it is marked interrupted. One
// whose process still holds its lock is left alone, and so is what a
// successful install owns.
func TestSweepClearsWhatADeadInstallLeft(t *testing.T) {
	data := t.TempDir()
	st := newStore(t)
	mk := func(parts ...string) string {
		p := filepath.Join(append([]string{data}, parts...)...)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
		return p
	}
	dead := installer.Record{Spec: "3.13t", Variant: "freethreaded", Method: installer.RoutePythonOrg, Target: "cpython-3.13.5t",
		Started: time.Now(), Status: installer.StatusRunning}
	live := installer.Record{Spec: "3.14t", Variant: "freethreaded", Method: installer.RoutePythonOrg, Target: "cpython-3.14.7t",
		Started: time.Now(), Status: installer.StatusRunning}
	done := installer.Record{Spec: "3.12", Variant: "standard", Method: installer.RoutePythonOrg, Target: "cpython-3.12.9",
		Started: time.Now(), Status: installer.StatusOK, Path: mk("pythons", "cpython-3.12.9", "bin", "python3.12")}
	for _, r := range []installer.Record{dead, live, done} {
		if _, err := st.StartInstall(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	leftovers := []string{
		mk("pythons", "cpython-3.13.5t", "bin", "python3.13t"),
		mk("build", "cpython-3.13.5t-4242", "Python-3.13.5", "configure"),
		mk("downloads", "cpython-3.13.5t", "Python-3.13.5.tar.xz.part"),
	}
	kept := []string{
		mk("pythons", "cpython-3.14.7t", "bin", "python3.14t"),
		mk("downloads", "cpython-3.14.7t", "Python-3.14.7.tar.xz.part"),
		done.Path,
	}
	lock, err := platform.TryLock(filepath.Join(data, "locks", "install-cpython-3.14.7t.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()

	swept, err := installer.Sweep(t.Context(), data, st)
	if err != nil || len(swept) != 1 || swept[0].Target != "cpython-3.13.5t" {
		t.Fatalf("swept %+v, %v", swept, err)
	}
	for _, p := range leftovers {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was left", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	recs, _ := st.Installs(t.Context())
	status := map[string]installer.Status{}
	for _, r := range recs {
		status[r.Target] = r.Status
	}
	if status["cpython-3.13.5t"] != "interrupted" || status["cpython-3.14.7t"] != "running" || status["cpython-3.12.9"] != "ok" {
		t.Errorf("statuses: %v", status)
	}
}

// With Wait, an install of what another process is installing waits for
// its lock; when that process has installed it meanwhile, the waiting one
// is given that install instead of doing it again.
func TestInstallWaitsForTheOtherProcess(t *testing.T) {
	ft := testenv.FreeThreaded(t)["3.14"]
	data := t.TempDir()
	st := newStore(t)
	in := &installer.Installer{DataDir: data, Records: st, UV: newUV(t, uvStandIn(t), data)}
	lockFile := filepath.Join(data, "locks", "install-uv-3.14t.lock")
	lock, err := platform.TryLock(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = in.Install(context.Background(), envs.Spec{Version: "3.14", FreeThreaded: true}, installer.RouteUV)
	var busy *installer.BusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() || !strings.Contains(err.Error(), "another install of 3.14t is running") {
		t.Fatalf("without Wait: %v", err)
	}
	in.Wait = true
	type result struct {
		path string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		interp, _, err := in.Install(context.Background(), envs.Spec{Version: "3.14", FreeThreaded: true}, installer.RouteUV)
		got <- result{interp.Path, err}
	}()
	select {
	case r := <-got:
		t.Fatalf("Install returned while the lock was held: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
	// Meanwhile the other process finishes its install.
	if _, err := st.StartInstall(t.Context(), installer.Record{Spec: "3.14t", Variant: "freethreaded", Method: installer.RouteUV, Target: "uv-3.14t",
		Path: ft, Started: time.Now(), Status: installer.StatusOK}); err != nil {
		t.Fatal(err)
	}
	lock.Unlock()
	select {
	case r := <-got:
		if r.err != nil || r.path != ft {
			t.Fatalf("after the wait: %+v", r)
		}
	case <-time.After(time.Minute):
		t.Fatal("Install did not go on after the lock was released")
	}
	if recs, _ := st.Installs(t.Context()); len(recs) != 1 {
		t.Errorf("the waiting install recorded an attempt of its own: %+v", recs)
	}
}

// Cancelling a source build ends what the build started too, not only the
// build step itself: here a configure script (standing in for CPython's,
// in a tarball of its own) leaves a child in the background. Both are
// gone the moment Install returns.
func TestCancelledBuildEndsItsChildren(t *testing.T) {
	marker := fmt.Sprintf("86397.%d", os.Getpid()%1000)
	tarball := filepath.Join(t.TempDir(), "Python-3.13.5.tar.xz")
	scriptTarball(t, tarball, "Python-3.13.5/configure", "#!/bin/sh\nsleep "+marker+" &\nexec sleep "+marker+"\n")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball})
	site, err := installer.NewSite(org.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := t.TempDir()
	in := &installer.Installer{DataDir: data, Records: newStore(t), Site: site, Progress: func(e installer.Event) {
		if e.Phase == "configure" {
			go func() {
				// Cancelled once the script and its child both run.
				for len(testenv.ProcessesWith(t, marker)) < 2 {
					time.Sleep(5 * time.Millisecond)
				}
				cancel()
			}()
		}
	}}
	_, _, err = in.Install(ctx, envs.Spec{Version: "3.13", FreeThreaded: true}, installer.RoutePythonOrg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want a cancel", err)
	}
	if left := testenv.ProcessesWith(t, marker); len(left) > 0 {
		t.Errorf("the cancelled build's processes still run: %q", left)
	}
}

// scriptTarball writes a .tar.xz holding one executable script.
func scriptTarball(t *testing.T, path, name, body string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xw, err := xz.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(xw)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Typeflag: tar.TypeReg, Size: int64(len(body)), ModTime: time.Now()})
	tw.Write([]byte(body))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
}

// Uninstall deletes what the build wrote under its prefix and keeps what
// someone saved there beside it, naming it; the record goes.
func TestUninstallKeepsWhatTheBuildDidNotWrite(t *testing.T) {
	data := t.TempDir()
	st := newStore(t)
	prefix := filepath.Join(data, "pythons", "cpython-3.12.9")
	for _, f := range []string{"bin/python3.12", "lib/python3.12/os.py", "include/python3.12/Python.h", "share/man/man1/python3.12.1", "my-notes.txt"} {
		os.MkdirAll(filepath.Dir(filepath.Join(prefix, f)), 0o755)
		os.WriteFile(filepath.Join(prefix, f), []byte("x"), 0o644)
	}
	rec := installer.Record{Spec: "3.12.9", Variant: "standard", Method: installer.RoutePythonOrg, Target: "cpython-3.12.9",
		Started: time.Now(), Status: installer.StatusOK, Path: filepath.Join(prefix, "bin", "python3.12")}
	if _, err := st.StartInstall(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	var lines []string
	in := &installer.Installer{DataDir: data, Records: st, OS: "linux", Progress: func(e installer.Event) { lines = append(lines, e.Line) }}
	if _, err := in.Uninstall(t.Context(), "3.12.9"); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(prefix)
	if len(left) != 1 || left[0].Name() != "my-notes.txt" || !strings.Contains(strings.Join(lines, "\n"), "my-notes.txt") {
		t.Errorf("left %v; said %q", left, lines)
	}
	if recs, _ := st.Installs(t.Context()); len(recs) != 0 {
		t.Errorf("records: %+v", recs)
	}
}
