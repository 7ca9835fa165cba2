package testenv

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

//go:embed misbehaving/proxy.py
var misbehavingProxy string

// Misbehaving makes a stand-in for the interpreter python that answers
// the probe (and runs anything else) as python does, but whose long-lived
// helpers — the benchmark's workload servers, the readiness judge —
// misbehave as mode says: hang-after-first, flood-stderr, orphan,
// garbage or out-of-range (see misbehaving/proxy.py). It is a shell
// script named like python, alone in a directory of its own; it returns
// its path.
func Misbehaving(t testing.TB, python, mode string) string {
	t.Helper()
	dir := t.TempDir()
	proxy := filepath.Join(dir, "proxy.py")
	if err := os.WriteFile(proxy, []byte(misbehavingProxy), 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, filepath.Base(python))
	// The helpers are told apart from everything else by the first line of
	// their script: the benchmark's, when it serves, and the judge's.
	script := fmt.Sprintf(`#!/bin/sh
case "$1 $2 $3" in
"-I -c # PyHangar's threaded sanity benchmark"*)
  [ "$4" = serve ] && exec '%[1]s' -I '%[2]s' '%[3]s' "$@" ;;
"-I -c # PyHangar's judge"*)
  exec '%[1]s' -I '%[2]s' '%[3]s' "$@" ;;
esac
exec '%[1]s' "$@"
`, python, proxy, mode)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}
