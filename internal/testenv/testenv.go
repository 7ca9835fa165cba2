// Package testenv hands tests the real interpreters of this machine: the
// CPython builds scripts/test-pythons.sh provides (a free-threaded and a
// standard build of each pinned release, listed in PYHANGAR_TEST_PYTHONS)
// and the system python3. When one is missing a test fails in CI (CI set
// to any true value) and skips elsewhere, saying how to provision it.
// Older versions (pyenv's, when a machine has them) are optional: a test
// that wants one makes that check only when it is there, and says so.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// SystemPython is Debian's python3.
const SystemPython = "/usr/bin/python3"

// InCI reports whether the tests run in CI, where nothing may skip.
func InCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	if b, err := strconv.ParseBool(v); err == nil {
		return b
	}
	return strings.EqualFold(v, "yes") || strings.EqualFold(v, "on")
}

func missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is missing; CI must provide it (make test runs scripts/test-pythons.sh)", what)
	}
	t.Skipf("%s is missing; run 'make test', or export PYHANGAR_TEST_PYTHONS=$(scripts/test-pythons.sh)", what)
}

// builds returns the provisioned builds by minor version: free-threaded
// (python3.13t) or standard (python3.13).
func builds(t testing.TB, freeThreaded bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range filepath.SplitList(os.Getenv("PYHANGAR_TEST_PYTHONS")) {
		if p == "" {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(p), ".exe") // python3.13t or python3.13
		if strings.HasSuffix(base, "t") != freeThreaded {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			missing(t, "test interpreter "+p)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(base, "python"), "t")] = p
	}
	if len(out) == 0 {
		missing(t, "PYHANGAR_TEST_PYTHONS (the test builds)")
	}
	return out
}

// FreeThreaded returns the free-threaded test builds, by minor version
// ("3.13" -> path).
func FreeThreaded(t testing.TB) map[string]string {
	t.Helper()
	return builds(t, true)
}

// GILBuilds returns the standard (GIL) test builds, by minor version.
func GILBuilds(t testing.TB) map[string]string {
	t.Helper()
	return builds(t, false)
}

// GIL returns the standard (GIL) test build of a minor version ("3.13").
func GIL(t testing.TB, minor string) string {
	t.Helper()
	p, ok := GILBuilds(t)[minor]
	if !ok {
		missing(t, "the standard test build of Python "+minor)
	}
	return p
}

// PyenvRoot is where pyenv keeps its builds on a machine that has it.
func PyenvRoot() string {
	if r := os.Getenv("PYENV_ROOT"); r != "" {
		return filepath.Join(r, "versions")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".pyenv", "versions")
}

// Older returns pyenv's interpreter of a version older than the test
// builds (prefix "3.8", "2.7"), when this machine has one. When it has
// not, the test is told which check it cannot make, and ok is false: the
// test leaves that check out and goes on.
func Older(t testing.TB, prefix, check string) (string, bool) {
	t.Helper()
	var keys []string
	all := map[string]string{}
	dirs, _ := filepath.Glob(filepath.Join(PyenvRoot(), "*", "bin", "python"))
	for _, p := range dirs {
		name := filepath.Base(filepath.Dir(filepath.Dir(p)))
		if name == prefix || strings.HasPrefix(name, prefix+".") {
			keys = append(keys, name)
			all[name] = p
		}
	}
	if len(keys) == 0 {
		t.Logf("no Python %s here (pyenv's builds are optional): not checked: %s", prefix, check)
		return "", false
	}
	sort.Strings(keys)
	return all[keys[len(keys)-1]], true
}

// System returns Debian's python3.
func System(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath(SystemPython); err != nil {
		missing(t, SystemPython)
	}
	return SystemPython
}

// JIT returns the test build with the experimental JIT: the standard 3.14
// build, configured with --enable-experimental-jit=yes-off (so the JIT is
// there, off until PYTHON_JIT=1).
func JIT(t testing.TB) string {
	t.Helper()
	p := GIL(t, "3.14")
	if err := exec.Command(p, "-c", "import sys; sys.exit(not sys._jit.is_available())").Run(); err != nil {
		missing(t, "the JIT in the standard 3.14 test build "+p+" (scripts/test-pythons.sh builds it with --jit)")
	}
	return p
}
