package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// DistFile is the download name that make dist built, in the directory
// PYHANGAR_DIST names (make test sets it); without it the test fails in CI
// and skips elsewhere.
func DistFile(t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv("PYHANGAR_DIST")
	if dir == "" {
		if InCI() {
			t.Fatal("PYHANGAR_DIST is not set: make test builds the downloads with make dist and names the directory")
		}
		t.Skip("run 'make dist', then PYHANGAR_DIST=$PWD/dist go test ./internal/...")
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v (make dist builds it)", err)
	}
	return path
}
