package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// HeavyInterpreter makes a stand-in for python that holds mb MB more from
// its start: a wrapper, named like python, that adds a filled buffer to the
// front of every -c program (the probe's, the benchmark's) and runs the
// real interpreter. It returns the wrapper's path, alone in its directory.
// For checking memory figures against a known size.
func HeavyInterpreter(t testing.TB, python string, mb int) string {
	t.Helper()
	dir := t.TempDir()
	wrapper := filepath.Join(dir, filepath.Base(python))
	script := fmt.Sprintf(`#!/bin/sh
if [ "$2" = "-c" ]; then
  first=$1 code=$3
  shift 3
  exec '%[1]s' "$first" -c "HELD = b'\x01' * (%[2]d << 20)
$code" "$@"
fi
exec '%[1]s' "$@"
`, python, mb)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}
