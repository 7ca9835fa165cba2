//go:build windows

package platform

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// removeAll is os.RemoveAll, which deletes each entry with POSIX semantics
// (FileDispositionInformationEx). File systems that do not offer that
// class answer ERROR_INVALID_FUNCTION (some network and third-party file
// systems, and Wine), which Go does not take as "not supported". Then the
// tree is deleted entry by entry with DeleteFileW and RemoveDirectoryW, as
// Microsoft's C++ library falls back to: a link or junction is removed
// itself, never what it points at.
func removeAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil || !errors.Is(err, windows.ERROR_INVALID_FUNCTION) {
		return err
	}
	var dirs []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return os.Remove(p)
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode().Type() != fs.ModeDir {
			// A junction or another reparse point: remove the link.
			if err := os.Remove(p); err != nil {
				return err
			}
			return fs.SkipDir
		}
		dirs = append(dirs, p)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Remove(dirs[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
