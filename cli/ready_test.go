package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// ready reads names or a requirements file, asks the index given, and
// prints a table, or with --json an array with the fields the contract
// names.
func TestReady(t *testing.T) {
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "fast", Files: []testenv.IndexFile{testenv.Wheel("fast-1.0-cp314-cp314t-manylinux_2_17_x86_64.whl", "slow")}},
		testenv.IndexProject{Name: "slow", Files: []testenv.IndexFile{testenv.Sdist("slow", "0.3")}},
		testenv.IndexProject{Name: "pure", Files: []testenv.IndexFile{testenv.Wheel("pure-2.0-py3-none-any.whl")}},
	)
	ft := testenv.FreeThreaded(t)["3.14"]
	dir := t.TempDir()
	r := run(t, nil, "--data-dir", dir, "ready", "--python", ft, "--index-url", ix.URL, "fast", "pure")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Python 3.14.7 (free-threaded)", "Index  " + ix.URL, "fast", "free-threaded-wheel", "blocked by slow",
		"  slow", "source-only", "pure-python", "1 of 3 packages install as wheels; 1 more would, but a dependency stops it; 1 is built from source here."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, r.stdout)
		}
	}

	reqs := filepath.Join(dir, "requirements.txt")
	os.WriteFile(reqs, []byte("pure>=2\n-e ./src\n"), 0o644)
	r = run(t, nil, "--data-dir", dir, "ready", "--python", ft, "--index-url", ix.URL, "-r", reqs, "--json")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 2 {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	for _, key := range []string{"name", "requested", "status", "version", "file", "reason", "older_version_ok", "blocked_by", "required_by"} {
		if _, ok := got[0][key]; !ok {
			t.Errorf("the JSON lacks %s: %v", key, got[0])
		}
	}
	if got[0]["status"] != "pure-python" || got[0]["requested"] != ">=2" || got[1]["status"] != "not-checked" {
		t.Errorf("--json: %v", got)
	}

	for _, args := range [][]string{{"ready", "--python", ft}, {"ready", "--python", ft, "-r", reqs, "pure"}} {
		if r := run(t, nil, append([]string{"--data-dir", dir}, args...)...); r.code != 2 {
			t.Errorf("%v: code %d, want 2", args, r.code)
		}
	}
	// PIP_INDEX_URL stands for --index-url.
	r = run(t, map[string]string{"PIP_INDEX_URL": ix.URL}, "--data-dir", dir, "ready", "--python", ft, "--json", "pure")
	if r.code != 0 || !strings.Contains(r.stdout, `"pure-python"`) {
		t.Errorf("with PIP_INDEX_URL: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// Credentials in an index URL are sent, never shown: not in the table,
// the JSON, the errors, the progress or the database.
func TestReadyNeverShowsCredentials(t *testing.T) {
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "pure", Files: []testenv.IndexFile{testenv.Wheel("pure-2.0-py3-none-any.whl", "gone")}})
	ft := testenv.FreeThreaded(t)["3.14"]
	dir := t.TempDir()
	secret := strings.Replace(ix.URL, "http://", "http://alice:TOKEN@", 1)
	var seen strings.Builder
	for _, args := range [][]string{{"pure"}, {"pure", "--json"}} {
		r := run(t, nil, append([]string{"--data-dir", dir, "ready", "--python", ft, "--index-url", secret}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: %d %s", args, r.code, r.stderr)
		}
		seen.WriteString(r.stdout + r.stderr)
	}
	if !strings.Contains(seen.String(), "alice:****@") {
		t.Errorf("the index is not named, redacted:\n%s", seen.String())
	}
	ix.Close()
	r := run(t, nil, "--data-dir", t.TempDir(), "ready", "--python", ft, "--index-url", secret, "pure")
	if r.code == 0 {
		t.Fatal("an index that is gone answered")
	}
	seen.WriteString(r.stdout + r.stderr)
	files, _ := filepath.Glob(filepath.Join(dir, "pyhangar.db*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		seen.Write(b)
	}
	if strings.Contains(seen.String(), "TOKEN") {
		t.Errorf("the credentials were shown or kept:\n%s", seen.String())
	}
}

// On a terminal, the progress of a check is one line rewritten in place
// (its carriage returns reach the terminal as such); a package's name
// cannot bring control characters of its own.
func TestReadyProgressOnATerminal(t *testing.T) {
	ix := testenv.StartPackageIndex(t, testenv.IndexProject{Name: "pure", Files: []testenv.IndexFile{testenv.Wheel("pure-2.0-py3-none-any.whl")}})
	r := runAnswering(t, nil, "", true, "--data-dir", t.TempDir(), "ready", "--python", testenv.FreeThreaded(t)["3.14"], "--index-url", ix.URL, "pure")
	if r.code != 0 || !strings.Contains(r.stderr, "\rchecked 1: pure\033[K") || strings.Contains(r.stderr, `\u000d`) {
		t.Errorf("progress: %q", r.stderr)
	}
}
