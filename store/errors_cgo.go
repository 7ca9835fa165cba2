//go:build cgo

package store

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// isCorrupt reports SQLite's "not a database" and "malformed" errors.
func isCorrupt(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB
	}
	return false
}

// isBusy reports SQLite's "database is locked" (SQLITE_BUSY, SQLITE_LOCKED).
func isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}
