package testenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
)

// ProcessesWith lists live (non-zombie) processes whose command line holds
// marker, from /proc.
func ProcessesWith(marker string) []string {
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
	r := envs.Probe(context.Background(), path, 0)
	if r.Error != "" {
		t.Fatalf("%s: %s", path, r.Error)
	}
	return envs.Interpreter{Path: path, Aliases: []string{}, Identity: r.Identity, Status: envs.StatusOK}
}
