package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ExistsError is a file of the user's that PyHangar was not told to
// replace: nothing was written.
type ExistsError struct{ Paths []string }

func (e *ExistsError) Error() string {
	what := e.Paths[0] + " already exists"
	if len(e.Paths) > 1 {
		what = strings.Join(e.Paths, ", ") + " already exist"
	}
	return what + "; nothing was written (PyHangar replaces a file of yours only when told to)"
}

// Existing lists the paths that are there, as an *ExistsError, or nil:
// what writing them all without replacing would refuse.
func Existing(paths ...string) error {
	var there []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			there = append(there, p)
		}
	}
	if len(there) == 0 {
		return nil
	}
	return &ExistsError{Paths: there}
}

// WriteFile writes data to path, outside PyHangar's own data: whole or not
// at all (a temporary file beside it, then moved into place), and never
// over a file that is there unless replace says so — without it, an
// existing file is refused (an *ExistsError), even one that appears while
// this writes.
func WriteFile(path string, data []byte, replace bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if replace {
		if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a file; nothing was written", path)
		}
		return os.Rename(tmp.Name(), path)
	}
	// A hard link fails if anything has the name: no race with a file
	// that appears meanwhile.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &ExistsError{Paths: []string{path}}
		}
		return err
	}
	return os.Remove(tmp.Name())
}
