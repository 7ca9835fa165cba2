package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Made says what PyHangar made in a folder it deletes from: the one rule
// every delete of a folder goes by (venv rm, a recreate, a failed or
// interrupted create, uninstall, the start-up sweep, its own work areas).
type Made struct {
	// Owns says which of the folder's entries PyHangar made there (a
	// venv's bin, lib and pyvenv.cfg; a build's bin, include, lib, share).
	// nil: the folder is PyHangar's whole (its own work areas).
	Owns func(name string) bool
	// KeepOthers: entries PyHangar did not make are kept, and the folder
	// with them. Otherwise they refuse the delete: nothing is deleted and
	// the error (a *ForeignError) names them.
	KeepOthers bool
	// KeepFolder: the folder itself stays, emptied of what PyHangar made.
	KeepFolder bool
	// Within, when set, is the folder (PyHangar's data dir) under which no
	// link may lead to dir; it may itself be reached through one. Unset,
	// no component of dir's path may be a link.
	Within string
}

// Everything is a folder PyHangar made whole.
var Everything = Made{}

// ForeignError is a folder that holds what PyHangar did not make.
type ForeignError struct {
	Dir   string
	Names []string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%s holds %s, which PyHangar did not make; nothing was deleted", e.Dir, strings.Join(e.Names, ", "))
}

// DeleteMade deletes what PyHangar made in dir, and nothing else: the
// entries m owns (each with all it holds, links never followed), then the
// folder when it is empty and m does not keep it. Entries it does not own
// are kept (returned, sorted) or refuse the delete, as m says. A folder
// that is gone is nothing to do. It refuses, deleting nothing, a folder
// that is not one, is reached through a symbolic link anywhere on its
// path, or is the file system's root or the home dir.
func DeleteMade(dir string, m Made) (kept []string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	abs = filepath.Clean(abs)
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if link := m.linkOnPath(abs); link != "" {
		return nil, fmt.Errorf("%s is reached through the symbolic link %s; PyHangar never deletes through a link, so nothing was deleted", abs, link)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder; nothing was deleted", abs)
	}
	if home, _ := os.UserHomeDir(); abs == filepath.Dir(abs) || (home != "" && abs == filepath.Clean(home)) {
		return nil, fmt.Errorf("refusing to delete from %s", abs)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var own []string
	for _, e := range entries {
		if m.Owns == nil || m.Owns(e.Name()) {
			own = append(own, e.Name())
		} else {
			kept = append(kept, e.Name())
		}
	}
	sort.Strings(kept)
	if len(kept) > 0 && !m.KeepOthers {
		return kept, &ForeignError{Dir: abs, Names: kept}
	}
	for _, name := range own {
		if err := RemoveAll(filepath.Join(abs, name)); err != nil {
			return kept, fmt.Errorf("deleting %s: %w", filepath.Join(abs, name), err)
		}
	}
	if len(kept) == 0 && !m.KeepFolder {
		if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, fmt.Errorf("deleting %s: %w", abs, err)
		}
	}
	return kept, nil
}

// linkOnPath is the link on the way to abs that the rule forbids, or "".
func (m Made) linkOnPath(abs string) string {
	if m.Within == "" {
		return LinkOnPath(abs)
	}
	root, err := filepath.Abs(m.Within)
	if err != nil {
		return LinkOnPath(abs)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return LinkOnPath(abs) // not under it after all
	}
	p := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return p
		}
	}
	return ""
}

// LinkOnPath returns the first component of an absolute path that is a
// symbolic link, or "".
func LinkOnPath(abs string) string {
	vol := filepath.VolumeName(abs)
	p := vol + string(filepath.Separator)
	for _, part := range strings.Split(strings.TrimPrefix(abs[len(vol):], string(filepath.Separator)), string(filepath.Separator)) {
		if part == "" {
			continue
		}
		p = filepath.Join(p, part)
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return p
		}
	}
	return ""
}
