package testenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// ProcessesWith lists live (non-zombie) processes whose command line holds
// marker, from /proc. Without /proc it could only say "none", so the test
// fails in CI and skips elsewhere.
func ProcessesWith(t testing.TB, marker string) []string {
	t.Helper()
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		if InCI() {
			t.Fatal("/proc is missing: the tests that look for leftover processes need Linux")
		}
		t.Skip("needs /proc to look for leftover processes")
	}
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(b), marker) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join(d, "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue // a zombie is already dead
		}
		out = append(out, strings.ReplaceAll(string(b), "\x00", " "))
	}
	return out
}

// Interp identifies a real interpreter by probing it.
func Interp(t testing.TB, path string) envs.Interpreter {
	t.Helper()
	in, err := envs.Identify(context.Background(), path, platform.SourcePath, 0)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// ProcessesIn lists live processes whose working directory is dir or
// under it, from /proc: what a build left running there.
func ProcessesIn(dir string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range procs {
		cwd, err := os.Readlink(filepath.Join(d, "cwd"))
		if err != nil || (cwd != dir && !strings.HasPrefix(cwd, dir+string(filepath.Separator))) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join(d, "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		out = append(out, strings.ReplaceAll(string(b), "\x00", " "))
	}
	return out
}
