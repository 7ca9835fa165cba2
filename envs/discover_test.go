package envs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
	"github.com/pyhangar/pyhangar/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// realHost is this machine with PATH set to dirs and pyenv's root pinned.
func realHost(t testing.TB, dirs ...string) *platform.Host {
	h := platform.ThisHost(t.TempDir())
	h.Env["PATH"] = strings.Join(dirs, ":")
	h.Env["PYENV_ROOT"] = filepath.Dir(testenv.PyenvRoot())
	return h
}

// byPath finds the record a path reaches (as its path or an alias).
func byPath(list []envs.Interpreter, p string) (envs.Interpreter, bool) {
	for _, in := range list {
		if in.Path == p {
			return in, true
		}
		for _, a := range in.Aliases {
			if a == p {
				return in, true
			}
		}
	}
	return envs.Interpreter{}, false
}

func TestDiscoverRealInterpreters(t *testing.T) {
	ft := testenv.FreeThreaded(t)
	gil := testenv.GILBuilds(t)
	system := testenv.System(t)
	var path []string
	for _, p := range ft {
		path = append(path, filepath.Dir(p))
	}
	for _, p := range gil {
		path = append(path, filepath.Dir(p))
	}
	path = append(path, "/usr/bin")
	h := realHost(t, path...)
	st := openStore(t)

	list, stats, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{Cache: st})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Probed == 0 || stats.Cached != 0 {
		t.Errorf("cold run: %+v", stats)
	}
	for minor, p := range gil {
		in, ok := byPath(list, p)
		if !ok {
			t.Errorf("standard %s (%s) not found", minor, p)
			continue
		}
		if in.Status != envs.StatusOK || !in.Version.In(pyversion.Version(minor)) || in.FreeThreaded || in.GILEnabled == nil || !*in.GILEnabled || !in.OnPath {
			t.Errorf("standard %s: %+v", minor, in)
		}
	}
	// pyenv's versions dir, when this machine has one.
	pyenv, _ := filepath.Glob(filepath.Join(testenv.PyenvRoot(), "*", "bin", "python"))
	if len(pyenv) == 0 {
		t.Logf("no pyenv here (it is optional): not checked: pyenv's builds are found and named by their versions dir")
	}
	for _, p := range pyenv {
		dir := filepath.Base(filepath.Dir(filepath.Dir(p)))
		in, ok := byPath(list, p)
		if !ok {
			t.Errorf("pyenv %s (%s) not found", dir, p)
			continue
		}
		if in.Status != envs.StatusOK || string(in.Version) != dir || in.FreeThreaded || in.Source != "pyenv" {
			t.Errorf("pyenv %s: %+v", dir, in)
		}
	}
	sys, ok := byPath(list, system)
	if !ok || sys.Status != envs.StatusOK || !sys.Version.In("3") || sys.FreeThreaded || sys.Source != "system" || !sys.OnPath {
		t.Errorf("%s: found %v: %+v", system, ok, sys)
	}
	for minor, p := range ft {
		in, ok := byPath(list, p)
		if !ok {
			t.Errorf("free-threaded %s (%s) not found", minor, p)
			continue
		}
		if !in.FreeThreaded || in.GILEnabled == nil || *in.GILEnabled || !strings.Contains(in.ABIFlags, "t") ||
			!in.Version.In(pyversion.Version(minor)) || !in.OnPath || in.Status != envs.StatusOK {
			t.Errorf("free-threaded %s: %+v", minor, in)
		}
	}
	for _, in := range list {
		if in.FreeThreaded && !strings.HasSuffix(in.Path, "t") {
			t.Errorf("only the t builds are free-threaded, but %s says so", in.Path)
		}
	}

	// Warm: everything comes from the store; no process starts.
	warm, stats, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{Cache: st})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Probed != 0 || stats.Cached != len(list) || len(warm) != len(list) {
		t.Errorf("warm run: %+v, %d records (cold had %d)", stats, len(warm), len(list))
	}
	// --refresh probes again.
	_, stats, _ = envs.Discover(context.Background(), h, envs.DiscoverOptions{Cache: st, Refresh: true})
	if stats.Probed != len(list) {
		t.Errorf("refresh run: %+v", stats)
	}
}

func TestDiscoverVenvIsItsOwnInterpreter(t *testing.T) {
	base := testenv.GIL(t, "3.13")
	dir := filepath.Join(t.TempDir(), "my venv ✈")
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte("home = "+filepath.Dir(base)+"\ninclude-system-site-packages = false\nversion = 3.13.5\n"), 0o644)
	real, _ := filepath.EvalSymlinks(base)
	os.Symlink(real, filepath.Join(dir, "bin", "python"))
	os.Symlink("python", filepath.Join(dir, "bin", "python3"))

	h := realHost(t, filepath.Join(dir, "bin"), filepath.Dir(base))
	list, _, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	venv, ok := byPath(list, filepath.Join(dir, "bin", "python"))
	if !ok || !venv.IsVenv || venv.Source != "venv" || venv.Path != filepath.Join(dir, "bin", "python") {
		t.Fatalf("venv: found %v, %+v", ok, venv)
	}
	if len(venv.Aliases) != 1 || venv.Aliases[0] != filepath.Join(dir, "bin", "python3") {
		t.Errorf("venv aliases = %v", venv.Aliases)
	}
	baseRec, ok := byPath(list, real)
	if !ok || baseRec.IsVenv || baseRec.Path == venv.Path {
		t.Errorf("the base interpreter must be a record of its own: %+v", baseRec)
	}
}

func script(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoverBadInterpreters(t *testing.T) {
	good := testenv.GIL(t, "3.13")
	root := t.TempDir()
	bad := filepath.Join(root, "bad dir ✈ ñ")
	os.MkdirAll(bad, 0o755)
	marker := fmt.Sprintf("86399.%d", os.Getpid()%1000)
	script(t, filepath.Join(bad, "python3.1"), "exec sleep "+marker)                          // never answers
	script(t, filepath.Join(bad, "python3.2"), "sleep "+marker+" &\necho not-json")           // a child keeps stdout open
	script(t, filepath.Join(bad, "python3.3"), "exec head -c 50000000 /dev/zero")             // 50 MB
	script(t, filepath.Join(bad, "python3.4"), "printf '\\377\\376{garbage'")                 // garbage
	script(t, filepath.Join(bad, "python3.5"), "echo 'Fatal Python error: oops' >&2; exit 1") // exits 1
	os.Mkdir(filepath.Join(bad, "python3"), 0o755)                                            // a directory
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(bad, "python3.6"))               // dangling
	os.Symlink("python3.8", filepath.Join(bad, "python3.7"))                                  // a loop
	os.Symlink("python3.7", filepath.Join(bad, "python3.8"))
	unreadable := filepath.Join(root, "unreadable")
	os.Mkdir(unreadable, 0o000)
	defer os.Chmod(unreadable, 0o755)
	goodDir := filepath.Join(root, "good")
	os.Mkdir(goodDir, 0o755)
	os.Symlink(good, filepath.Join(goodDir, "python3.13"))

	h := realHost(t, "", bad, bad, "relative/bin", unreadable, "", goodDir)
	list, _, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"python3.1": "did not answer within 2s",
		"python3.2": "not the probe's JSON",
		"python3.3": "printed too much",
		"python3.4": "not the probe's JSON",
		"python3.5": "exited with status 1: Fatal Python error: oops",
	}
	for name, reason := range want {
		in, ok := byPath(list, filepath.Join(bad, name))
		if !ok || in.Status != envs.StatusBroken || !strings.Contains(in.Error, reason) {
			t.Errorf("%s: found %v, status %q, error %q; want broken with %q", name, ok, in.Status, in.Error, reason)
		}
	}
	for _, name := range []string{"python3", "python3.6", "python3.7", "python3.8"} {
		if _, ok := byPath(list, filepath.Join(bad, name)); ok {
			t.Errorf("%s is not an interpreter but was listed", name)
		}
	}
	in, ok := byPath(list, filepath.Join(goodDir, "python3.13"))
	if !ok || in.Status != envs.StatusOK || !in.Version.In("3.13") || !in.OnPath {
		t.Errorf("the good interpreter: found %v, %+v", ok, in)
	}
	time.Sleep(100 * time.Millisecond)
	if left := testenv.ProcessesWith(t, marker); len(left) > 0 {
		t.Errorf("processes left behind: %v", left)
	}
}

// A cancelled discovery returns the context's error and leaves no probe
// running.
func TestDiscoverCancelled(t *testing.T) {
	dir := t.TempDir()
	marker := fmt.Sprintf("86398.%d", os.Getpid()%1000)
	// The probe leaves a child of its own: cancelling ends both.
	script(t, filepath.Join(dir, "python3.1"), "sleep "+marker+" &\nexec sleep "+marker)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := envs.Discover(ctx, realHost(t, dir), envs.DiscoverOptions{Timeout: time.Hour})
		done <- err
	}()
	for deadline := time.Now().Add(time.Minute); len(testenv.ProcessesWith(t, marker)) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the probe never ran")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if left := testenv.ProcessesWith(t, marker); len(left) > 0 {
		t.Errorf("the probe still runs: %v", left)
	}
}

// machineHost is this machine as the benchmarks see it: the test builds
// and /usr/bin on PATH (and pyenv's builds, where there are any).
func machineHost(b *testing.B) *platform.Host {
	var path []string
	for _, p := range testenv.FreeThreaded(b) {
		path = append(path, filepath.Dir(p))
	}
	for _, p := range testenv.GILBuilds(b) {
		path = append(path, filepath.Dir(p))
	}
	return realHost(b, append(path, "/usr/bin")...)
}

// BenchmarkDiscoverCold probes every interpreter on this machine (no cache).
func BenchmarkDiscoverCold(b *testing.B) {
	h := machineHost(b)
	for i := 0; i < b.N; i++ {
		list, stats, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{})
		if err != nil || stats.Probed == 0 {
			b.Fatal(err, stats)
		}
		b.ReportMetric(float64(len(list)), "interpreters")
	}
}

// BenchmarkDiscoverWarm answers from the store: no process may start.
func BenchmarkDiscoverWarm(b *testing.B) {
	h := machineHost(b)
	st := openStore(b)
	if _, _, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{Cache: st}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list, stats, err := envs.Discover(context.Background(), h, envs.DiscoverOptions{Cache: st})
		if err != nil || stats.Probed != 0 {
			b.Fatalf("warm discovery started %d processes (%v)", stats.Probed, err)
		}
		b.ReportMetric(float64(len(list)), "interpreters")
	}
}

// A probe that timed out says nothing lasting about the interpreter (the
// machine may have been busy): it is not cached, and the next discovery
// asks again. A broken interpreter's answer is cached.
func TestProbeTimeoutsAreNotCached(t *testing.T) {
	real := testenv.GIL(t, "3.13")
	dir := t.TempDir()
	busy := filepath.Join(dir, "busy")
	os.WriteFile(busy, nil, 0o644)
	script(t, filepath.Join(dir, "python3.13"), `if [ -e "`+busy+`" ]; then exec sleep 30; fi
exec "`+real+`" "$@"`)
	script(t, filepath.Join(dir, "python3.5"), "exit 3")
	h := realHost(t, dir)
	st := openStore(t)
	opt := envs.DiscoverOptions{Cache: st, Timeout: time.Second}
	list, _, err := envs.Discover(context.Background(), h, opt)
	if err != nil {
		t.Fatal(err)
	}
	if in, _ := byPath(list, filepath.Join(dir, "python3.13")); !strings.Contains(in.Error, "did not answer") {
		t.Fatalf("the busy interpreter: %+v", in)
	}
	os.Remove(busy)
	list, stats, err := envs.Discover(context.Background(), h, opt)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := byPath(list, filepath.Join(dir, "python3.13"))
	if in.Status != envs.StatusOK || !in.Version.In("3.13") {
		t.Errorf("after the busy spell, a cached timeout hid the interpreter: %+v", in)
	}
	if stats.Probed != 1 {
		t.Errorf("second discovery: %+v; want only the timed-out one probed again (the broken one comes from the cache)", stats)
	}
}
