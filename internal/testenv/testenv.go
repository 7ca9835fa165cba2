// Package testenv hands tests the real interpreters of this machine: the
// free-threaded CPython builds from scripts/test-pythons.sh (listed in
// PYHANGAR_TEST_PYTHONS), pyenv's builds and the system python3. When one is
// missing a test fails under CI=true and skips elsewhere, saying how to
// provision it.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// PyenvRoot is where this machine's pyenv builds live.
const PyenvRoot = "/root/.pyenv/versions"

// SystemPython is Debian's python3.
const SystemPython = "/usr/bin/python3"

func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI must provide it (make test runs scripts/test-pythons.sh)", what)
	}
	t.Skipf("%s is missing; run 'make test', or export PYHANGAR_TEST_PYTHONS=$(scripts/test-pythons.sh)", what)
}

// FreeThreaded returns the free-threaded test interpreters, by minor
// version ("3.13" -> path).
func FreeThreaded(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range filepath.SplitList(os.Getenv("PYHANGAR_TEST_PYTHONS")) {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			missing(t, "test interpreter "+p)
		}
		base := filepath.Base(p) // python3.13t
		out[strings.TrimSuffix(strings.TrimPrefix(base, "python"), "t")] = p
	}
	if len(out) == 0 {
		missing(t, "PYHANGAR_TEST_PYTHONS (the free-threaded test builds)")
	}
	return out
}

// Pyenv returns pyenv's interpreters by version dir name ("3.12.1" -> the
// bin/python inside it).
func Pyenv(t testing.TB) map[string]string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(PyenvRoot, "*", "bin", "python"))
	if len(dirs) == 0 {
		missing(t, "pyenv's interpreters under "+PyenvRoot)
	}
	out := map[string]string{}
	for _, p := range dirs {
		out[filepath.Base(filepath.Dir(filepath.Dir(p)))] = p
	}
	return out
}

// PyenvVersion returns pyenv's interpreter whose version starts with prefix
// (say "3.12").
func PyenvVersion(t testing.TB, prefix string) string {
	t.Helper()
	all := Pyenv(t)
	var keys []string
	for k := range all {
		if k == prefix || strings.HasPrefix(k, prefix+".") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		missing(t, "pyenv's Python "+prefix)
	}
	sort.Strings(keys)
	return all[keys[len(keys)-1]]
}

// System returns Debian's python3.
func System(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath(SystemPython); err != nil {
		missing(t, SystemPython)
	}
	return SystemPython
}
