package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// A recreate replaces the venv's own files and nothing else: what the
// user saved inside the venv's folder stays, and is named.
func TestRecreateKeepsWhatTheUserSaved(t *testing.T) {
	gil := testenv.GIL(t, "3.13")
	data := t.TempDir()
	if r := run(t, nil, "--data-dir", data, "venv", "create", "work", "--python", gil); r.code != 0 {
		t.Fatalf("create: %s", r.stderr)
	}
	dir := filepath.Join(data, "venvs", "work")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("my notes"), 0o644)
	os.MkdirAll(filepath.Join(dir, "myproject"), 0o755)
	os.WriteFile(filepath.Join(dir, "myproject", "main.py"), []byte("print(1)\n"), 0o644)
	r := run(t, nil, "--data-dir", data, "venv", "create", "work", "--python", gil, "--recreate")
	if r.code != 0 {
		t.Fatalf("recreate: %s", r.stderr)
	}
	if !strings.Contains(r.stderr, "Kept what is not the venv's own: myproject, notes.txt") {
		t.Errorf("the recreate did not say what it kept: %s", r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "my notes" {
		t.Error("notes.txt is gone")
	}
	if _, err := os.Stat(filepath.Join(dir, "myproject", "main.py")); err != nil {
		t.Error("myproject is gone")
	}
	if r := run(t, nil, "--data-dir", data, "venv", "check", "work"); r.code != 0 {
		t.Errorf("the recreated venv: %s", r.stdout)
	}
}

// A create that fails after a slow index deletes what it made, and keeps
// the file the user saved in the folder while pip ran.
func TestFailedCreateKeepsWhatTheUserSavedMeanwhile(t *testing.T) {
	gil := testenv.GIL(t, "3.13")
	dir := filepath.Join(t.TempDir(), "proj")
	asked, saved := make(chan struct{}), make(chan struct{})
	var first sync.Once
	index := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first.Do(func() {
			close(asked)
			<-saved
		})
		http.NotFound(w, r)
	}))
	defer index.Close()
	req := filepath.Join(t.TempDir(), "r.txt")
	os.WriteFile(req, []byte("--index-url "+index.URL+"/simple/\nno-such-project\n"), 0o644)
	go func() {
		<-asked
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("saved while pip ran"), 0o644)
		close(saved)
	}()
	r := run(t, nil, "--data-dir", t.TempDir(), "venv", "create", "proj", "--python", gil, "--path", dir, "--requirements", req)
	if r.code != 1 {
		t.Fatalf("the create did not fail: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "saved while pip ran" {
		t.Fatalf("the user's file is gone: %s", r.stderr)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 1 {
		t.Errorf("left in the folder: %v", left)
	}
}

// profile export, and bench export --out, never replace a file of the
// user's unless told to: a hand-written requirements file beside the
// profile is refused, named, and left as it was.
func TestExportNeverReplacesTheUsersFiles(t *testing.T) {
	gil := testenv.GIL(t, "3.13")
	data := t.TempDir()
	if r := run(t, nil, "--data-dir", data, "venv", "create", "work", "--python", gil, "--requirements", testenv.OfflineRequirements(t)); r.code != 0 {
		t.Fatalf("create: %s", r.stderr)
	}
	repo := t.TempDir()
	mine := filepath.Join(repo, "work-requirements.txt")
	os.WriteFile(mine, []byte("hand-written==1.0\n"), 0o644)
	r := run(t, nil, "--data-dir", data, "profile", "export", filepath.Join(repo, "team.toml"))
	if r.code != 1 || !strings.Contains(r.stderr, mine+" already exists") || !strings.Contains(r.stderr, "--replace") {
		t.Fatalf("export over the user's file: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(mine); string(b) != "hand-written==1.0\n" {
		t.Fatal("the user's requirements file was replaced")
	}
	if _, err := os.Stat(filepath.Join(repo, "team.toml")); !os.IsNotExist(err) {
		t.Error("a refused export wrote the profile")
	}
	if r := run(t, nil, "--data-dir", data, "profile", "export", filepath.Join(repo, "team.toml"), "--replace"); r.code != 0 {
		t.Fatalf("export --replace: %s", r.stderr)
	}
	out := filepath.Join(repo, "runs.json")
	os.WriteFile(out, []byte("mine"), 0o644)
	if r := run(t, nil, "--data-dir", data, "bench", "export", "--format", "json", "--out", out); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("bench export over a file: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "mine" {
		t.Error("bench export replaced the file")
	}
}
