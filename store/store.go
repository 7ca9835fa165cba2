// Package store is PyHangar's memory: one SQLite file per data dir, its
// schema (numbered migrations embedded in the binary) and typed reads and
// writes for the other packages. No SQL lives outside this package.
//
// Every method takes the caller's context first: a cancelled job stops
// waiting on a busy database. A write that records what already happened
// (how an install ended, a venv just made) is given
// context.WithoutCancel by its caller, so a cancel at that moment does not
// lose it.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the database/sql driver
)

// FileName is the database's name inside the data dir.
const FileName = "pyhangar.db"

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the schema steps in order; step i (1-based) brings the
// database to user_version i.
var migrations = mustLoadMigrations()

// SchemaVersion is the newest schema this build knows.
var SchemaVersion = len(migrations)

// ErrNewerSchema is returned (wrapped) when the database was written by a
// newer PyHangar. The file is left untouched.
var ErrNewerSchema = errors.New("database schema is newer than this PyHangar")

// Store is an open PyHangar database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	notice string
}

// Open opens (creating when needed) the database in dataDir and brings its
// schema up to date.
//
// A file that is not a readable SQLite database is moved aside, byte for
// byte, as pyhangar.db.corrupt-<timestamp>; a fresh database takes its place
// and Notice says where the old one went. A database from a newer PyHangar is
// refused with ErrNewerSchema and not touched.
func Open(dataDir string) (*Store, error) {
	if err := ensureWritableDir(dataDir); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, FileName)
	s := &Store{path: path}

	if err := s.inspectExisting(); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.db = db
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Notice is a sentence for the user about something Open had to do (a
// corrupt database moved aside), or "".
func (s *Store) Notice() string { return s.notice }

// Version is the database's schema version (PRAGMA user_version).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func ensureWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data dir %s: %w", dir, unwrapPathError(err))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("the data dir %s is not writable: %w", dir, unwrapPathError(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// dsn builds the go-sqlite3 data source name. The path goes into a file: URI,
// where '%', '?' and '#' must be escaped; everything else stays literal.
func dsn(path string, readOnly bool) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	busy := strconv.Itoa(int(busyTimeout / time.Millisecond))
	if readOnly {
		return "file:" + esc + "?mode=ro&_busy_timeout=" + busy
	}
	// WAL: readers never wait for the writer. synchronous=NORMAL: safe
	// with WAL (a power cut may lose the last commits, never corrupt).
	// busy_timeout: another PyHangar process writing makes this one wait,
	// not fail. foreign_keys: SQLite leaves them off unless asked.
	// txlock=immediate: a transaction takes the write lock when it begins,
	// so two writers queue instead of one failing on its first write.
	return "file:" + esc + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=" + busy + "&_foreign_keys=on&_txlock=immediate"
}

// busyTimeout is how long a statement waits for another process's write.
const busyTimeout = 10 * time.Second

// inspectExisting looks at an existing database file without changing it:
// a newer schema is refused, an unreadable file is moved aside.
func (s *Store) inspectExisting() error {
	st, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the database %s: %w", s.path, unwrapPathError(err))
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("the database path %s is not a regular file", s.path)
	}
	if st.Size() == 0 {
		return nil // SQLite treats an empty file as an empty database
	}
	// Reading a WAL-mode file may create its -wal and -shm companions; they
	// stay with the file (and are moved aside with it).
	version, problem, err := readOnlyCheck(s.path)
	if err != nil {
		return err
	}
	if problem != "" {
		return s.moveAside(problem)
	}
	if version > SchemaVersion {
		return fmt.Errorf("%w: %s has schema version %d and this PyHangar knows up to %d; it was left untouched: upgrade PyHangar or use another --data-dir",
			ErrNewerSchema, s.path, version, SchemaVersion)
	}
	return nil
}

// readOnlyCheck returns the schema version and, when the file is not a sound
// SQLite database, a description of what is wrong. err is for failures that
// say nothing about the file's contents (permissions, I/O).
func readOnlyCheck(path string) (version int, problem string, err error) {
	db, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return 0, "", fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		if isCorrupt(err) {
			return 0, err.Error(), nil
		}
		return 0, "", fmt.Errorf("cannot read the database %s: %w", path, err)
	}
	rows, err := db.Query("PRAGMA quick_check")
	if err != nil {
		if isCorrupt(err) {
			return 0, err.Error(), nil
		}
		return 0, "", fmt.Errorf("cannot check the database %s: %w", path, err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return 0, "", err
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return 0, err.Error(), nil
		}
		return 0, "", fmt.Errorf("cannot check the database %s: %w", path, err)
	}
	if len(msgs) > 0 {
		if len(msgs) > 3 {
			msgs = append(msgs[:3], "...")
		}
		return version, "integrity check failed: " + strings.Join(msgs, "; "), nil
	}
	return version, "", nil
}

// moveAside renames the database (and its WAL and shared-memory files, when
// present) to pyhangar.db.corrupt-<timestamp>[-wal|-shm]. Nothing is deleted.
func (s *Store) moveAside(problem string) error {
	stamp := time.Now().UTC().Format("20060102T150405Z")
	target := s.path + ".corrupt-" + stamp
	for i := 2; exists(target); i++ {
		target = s.path + ".corrupt-" + stamp + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(s.path, target); err != nil {
		return fmt.Errorf("the database %s is unreadable (%s) and could not be moved aside: %w", s.path, problem, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if exists(s.path + suffix) {
			if err := os.Rename(s.path+suffix, target+suffix); err != nil {
				return fmt.Errorf("moving %s aside: %w", s.path+suffix, err)
			}
		}
	}
	s.notice = fmt.Sprintf("the database %s was unreadable (%s); it was moved to %s and a fresh one was created", s.path, problem, target)
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// migrate applies the missing migrations, each in its own immediate
// transaction that re-reads user_version, so concurrent openers agree.
// Two processes creating the same new database can see SQLITE_BUSY while
// SQLite sets up its write-ahead log (the busy timeout does not cover
// that); the step is tried again for up to the busy timeout.
func (s *Store) migrate(ctx context.Context) error {
	for i, m := range migrations {
		target := i + 1
		deadline := time.Now().Add(busyTimeout)
		for {
			err := s.applyMigration(ctx, target, m)
			if err == nil {
				break
			}
			if !isBusy(err) || time.Now().After(deadline) {
				return fmt.Errorf("migrating %s to schema %d: %w", s.path, target, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, target int, sqlText string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current > SchemaVersion {
		return fmt.Errorf("%w: %s has schema version %d and this PyHangar knows up to %d",
			ErrNewerSchema, s.path, current, SchemaVersion)
	}
	if current >= target {
		return nil
	}
	if _, err := tx.ExecContext(ctx, sqlText); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(target)); err != nil {
		return err
	}
	return tx.Commit()
}

func mustLoadMigrations() []string {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for i, name := range names {
		// Files are NNNN_description.sql, numbered from 1 without gaps.
		n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil || n != i+1 {
			panic("store: migration " + name + " is out of sequence")
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			panic(err)
		}
		out = append(out, string(b))
	}
	return out
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
