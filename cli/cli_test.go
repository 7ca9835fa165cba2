package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/store"
)

type result struct {
	code           int
	stdout, stderr string
	guiOpened      *Session
}

func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runAnswering(t, env, "", false, args...)
}

// runAnswering runs the command line with stdin holding answer; terminal
// says whether stdin is a terminal (someone there to answer).
func runAnswering(t *testing.T, env map[string]string, answer string, terminal bool, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	var r result
	code := Main(context.Background(), args, Options{
		Version:     "9.9.9",
		Stdout:      &out,
		Stderr:      &errb,
		Stdin:       strings.NewReader(answer),
		Interactive: terminal,
		Getenv:      func(k string) string { return env[k] },
		GUI: func(ctx context.Context, s Session) error {
			r.guiOpened = &s
			return nil
		},
	})
	r.code, r.stdout, r.stderr = code, out.String(), errb.String()
	return r
}

// The help lists every command with its summary, and each command's own
// --help gives its usage line and exits 0.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := run(t, nil, args...)
		if r.code != 0 {
			t.Errorf("%v: code %d", args, r.code)
		}
		for _, c := range commands() {
			if !regexp.MustCompile(`(?m)^  ` + c.name + ` +` + regexp.QuoteMeta(c.summary) + `$`).MatchString(r.stdout) {
				t.Errorf("%v: the help lacks the line for %s:\n%s", args, c.name, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "--data-dir DIR") || !strings.Contains(r.stdout, "Exit status: 0 success, 1 failure, 2 bad usage.") {
			t.Errorf("%v: global flags or exit codes missing:\n%s", args, r.stdout)
		}
	}
	dir := t.TempDir()
	for _, c := range commands() {
		if c.name == "gui" {
			continue
		}
		r := run(t, nil, "--data-dir", dir, c.name, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: pyhangar "+c.name) {
			t.Errorf("%s --help: code %d, stdout %q", c.name, r.code, r.stdout)
		}
	}
	r := run(t, nil, "--data-dir", dir, "version", "--help")
	if !strings.Contains(r.stdout, "-json") {
		t.Errorf("version --help lacks its flag: %q", r.stdout)
	}
}

func TestBadUsageExits2(t *testing.T) {
	dir := t.TempDir()
	cases := [][]string{
		{"--data-dir", dir, "no-such-command"},
		{"--no-such-flag"},
		{"--data-dir", dir, "version", "--no-such-flag"},
		{"--data-dir", dir, "version", "extra"},
		{"--data-dir", dir, "gui", "extra"},
	}
	for _, args := range cases {
		r := run(t, nil, args...)
		if r.code != 2 || r.stderr == "" || r.stdout != "" {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want 2 with a message on stderr", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestVersionCreatesDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new dir")
	r := run(t, nil, "--data-dir", dir, "version")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	db := filepath.Join(dir, store.FileName)
	for _, want := range []string{"PyHangar 9.9.9", "go1.", db, fmt.Sprintf("(schema %d)", store.SchemaVersion)} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
}

func TestVersionJSONAndEnvDataDir(t *testing.T) {
	dir := t.TempDir()
	r := run(t, map[string]string{"PYHANGAR_HOME": dir}, "version", "--json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	var v struct {
		Version, Database string
		Schema            int
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
	if v.Version != "9.9.9" || v.Database != filepath.Join(dir, store.FileName) || v.Schema < 1 {
		t.Errorf("got %+v", v)
	}
}

func TestCorruptDatabaseNoticeOnStderr(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "--data-dir", dir, "version", "--json")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], ".corrupt-") {
		t.Errorf("want one line naming the moved file, got %q", r.stderr)
	}
	if !json.Valid([]byte(r.stdout)) {
		t.Errorf("stdout is not JSON: %q", r.stdout)
	}
}

func TestStoreErrorsExit1WithOneLine(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	os.WriteFile(file, nil, 0o600)
	r := run(t, nil, "--data-dir", filepath.Join(file, "sub"), "version")
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, file) {
		t.Errorf("code %d, stderr %q; want 1 and one line naming the path", r.code, r.stderr)
	}
}

func TestGUIIsTheDefault(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"--data-dir", dir}, {"--data-dir", dir, "gui"}} {
		r := run(t, nil, args...)
		if r.code != 0 || r.guiOpened == nil {
			t.Fatalf("%v: code %d, gui opened %v", args, r.code, r.guiOpened != nil)
		}
		if r.guiOpened.Store == nil || r.guiOpened.DataDir != dir {
			t.Errorf("%v: gui got store %v, data dir %q", args, r.guiOpened.Store, r.guiOpened.DataDir)
		}
	}
	// A store that cannot open still opens the window, which shows why.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	r := run(t, nil, "--data-dir", filepath.Join(file, "sub"))
	if r.guiOpened == nil || r.guiOpened.StoreErr == nil {
		t.Fatalf("gui should open with the store error")
	}
}
