package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// The concurrent-writer test runs this test binary as a second process; see
// TestMain.
const helperEnv = "PYHANGAR_STORE_TEST_WRITER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		os.Exit(writerProcess(spec))
	}
	os.Exit(m.Run())
}

// writerProcess opens the store in dir and writes 500 settings, each in its
// own statement, as another PyHangar process would.
func writerProcess(spec string) int {
	dir, prefix, _ := strings.Cut(spec, "|")
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	for i := 0; i < 500; i++ {
		if err := s.SetSetting(context.Background(), fmt.Sprintf("%s-%03d", prefix, i), "v"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

func openT(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenCreatesSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data dir with spaces ✈ and %3f?#")
	s := openT(t, dir)
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Path = %q", s.Path())
	}
	if _, err := os.Stat(s.Path()); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	v, err := s.Version(t.Context())
	if err != nil || v != SchemaVersion || v < 1 {
		t.Fatalf("Version = %d, %v; want %d", v, err, SchemaVersion)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	for _, table := range []string{"settings", "interpreter_cache", "installs", "venvs", "machine_snapshots", "bench_runs", "bench_samples"} {
		var n int
		if err := s.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	if s.Notice() != "" {
		t.Errorf("unexpected notice on a fresh database: %s", s.Notice())
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	if err := s.SetSetting(t.Context(), "mirror", "https://example.test"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(t.Context(), "mirror", "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2 := openT(t, dir)
	v, ok, err := s2.Setting(t.Context(), "mirror")
	if err != nil || !ok || v != "http://127.0.0.1:8080" {
		t.Fatalf("Setting = %q, %v, %v", v, ok, err)
	}
	if _, ok, _ := s2.Setting(t.Context(), "absent"); ok {
		t.Error("absent setting reported as set")
	}
}

// checkMovedAside opens a data dir holding a bad database file and checks
// that the file was moved aside byte for byte and a fresh database created.
func checkMovedAside(t *testing.T, dir string, bad []byte) {
	t.Helper()
	s := openT(t, dir)
	var matches []string
	all, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*"))
	for _, m := range all {
		if !strings.HasSuffix(m, "-wal") && !strings.HasSuffix(m, "-shm") {
			matches = append(matches, m)
		}
	}
	if len(matches) != 1 {
		t.Fatalf("want one corrupt-* file, got %v", matches)
	}
	got, err := os.ReadFile(matches[0])
	if err != nil || !bytes.Equal(got, bad) {
		t.Fatalf("moved-aside file differs from the original (%d vs %d bytes, %v)", len(got), len(bad), err)
	}
	if !strings.Contains(s.Notice(), matches[0]) || strings.Contains(s.Notice(), "\n") {
		t.Errorf("notice should be one line naming %s: %q", matches[0], s.Notice())
	}
	if v, err := s.Version(t.Context()); err != nil || v != SchemaVersion {
		t.Errorf("fresh database version = %d, %v", v, err)
	}
	if err := s.SetSetting(t.Context(), "k", "v"); err != nil {
		t.Errorf("fresh database not writable: %v", err)
	}
}

func TestRandomBytesMovedAside(t *testing.T) {
	dir := t.TempDir()
	bad := make([]byte, 64*1024)
	rand.Read(bad)
	if err := os.WriteFile(filepath.Join(dir, FileName), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	checkMovedAside(t, dir, bad)
}

func TestTruncatedDatabaseMovedAside(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	// Enough rows to span many pages, then checkpoint into the main file.
	for i := 0; i < 400; i++ {
		if err := s.SetSetting(t.Context(), fmt.Sprintf("key-%04d", i), strings.Repeat("x", 200)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(full) < 8*4096 {
		t.Fatalf("database unexpectedly small: %d bytes", len(full))
	}
	bad := full[:len(full)/2+100] // cut mid-page
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	checkMovedAside(t, dir, bad)
}

func TestNewerSchemaRefusedAndUntouched(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+5)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer database: err = %v, want ErrNewerSchema", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprint(SchemaVersion+5)) {
		t.Errorf("message should name the file and its version: %s", msg)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatal("the newer database was modified")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, FileName+".corrupt-*")); len(m) != 0 {
		t.Fatalf("a newer database must not be moved aside: %v", m)
	}
}

func TestConcurrentProcessesWrite(t *testing.T) {
	dir := t.TempDir()
	// Both processes start on a missing database, so they also race to
	// create the schema.
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|proc%d", helperEnv, dir, i))
			cmd.Stdout = &outs[i]
			cmd.Stderr = &outs[i]
			errs[i] = cmd.Run()
		}(i)
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Errorf("writer %d: %v: %s", i, errs[i], outs[i].String())
		}
		if strings.Contains(outs[i].String(), "locked") {
			t.Errorf("writer %d saw a lock error: %s", i, outs[i].String())
		}
	}
	s := openT(t, dir)
	all, err := s.Settings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1000 {
		t.Fatalf("got %d rows, want 1000", len(all))
	}
}

func TestUnwritableDataDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "data")
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Open under a file: err = %v, want one naming %s", err, dir)
	}

	// An existing directory nobody may write to. Root ignores permission
	// bits, so as root use a /proc directory, which refuses even root.
	ro := filepath.Join(base, "read-only")
	if os.Geteuid() == 0 {
		if runtime.GOOS != "linux" {
			if testenv.InCI() {
				t.Fatal("as root, the read-only directory is Linux's /proc: run CI as a non-root user elsewhere")
			}
			t.Skip("needs a non-root user or Linux's /proc for a read-only directory")
		}
		ro = "/proc/self/fdinfo"
	} else {
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
	}
	_, err = Open(ro)
	if err == nil || !strings.Contains(err.Error(), ro) || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("Open(%s): err = %v, want 'not writable' naming the path", ro, err)
	}
}
