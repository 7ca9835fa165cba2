//go:build !cgo

package store

import "strings"

// isCorrupt and isBusy read SQLite's messages: without cgo (static checks
// for other OSes) the driver's error type does not exist, and the store
// cannot open a database anyway.
func isCorrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "not a database") || strings.Contains(msg, "malformed")
}

func isBusy(err error) bool { return strings.Contains(err.Error(), "database is locked") }
