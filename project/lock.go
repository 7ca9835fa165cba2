package project

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pyhangar/pyhangar/envs"
)

// pylock is what a try reads of a PEP 751 lock file.
type pylock struct {
	LockVersion    string `toml:"lock-version"`
	RequiresPython string `toml:"requires-python"`
	Packages       []struct {
		Name    string `toml:"name"`
		Version string `toml:"version"`
		Marker  string `toml:"marker"`
		// Where it comes from other than an index (a VCS, a folder, an
		// archive): such a package is left out, said so.
		VCS       map[string]any `toml:"vcs"`
		Directory map[string]any `toml:"directory"`
		Archive   map[string]any `toml:"archive"`
	} `toml:"packages"`
}

// lockFile is the project's PEP 751 lock: pylock.toml, else the only
// pylock.NAME.toml.
func lockFile(dir string) string {
	if exists(dir, "pylock.toml") {
		return "pylock.toml"
	}
	named, _ := filepath.Glob(filepath.Join(dir, "pylock.*.toml"))
	sort.Strings(named)
	if len(named) == 1 {
		return filepath.Base(named[0])
	}
	return ""
}

// readLock turns a lock's packages into pinned requirements (name==version
// ; marker): what the lock says is installed, from the index.
func readLock(dir, name string) (lines []envs.ReqLine, requiresPython string, notes []string, err error) {
	path := filepath.Join(dir, name)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", nil, err
	}
	if fi.Size() > maxPyproject*4 {
		return nil, "", nil, fmt.Errorf("%s is %d bytes, more than a lock file holds", path, fi.Size())
	}
	var lock pylock
	if _, err := toml.DecodeFile(path, &lock); err != nil {
		return nil, "", nil, fmt.Errorf("%s: %w", path, err)
	}
	if !strings.HasPrefix(lock.LockVersion, "1.") {
		return nil, "", nil, fmt.Errorf("%s: lock-version %q is not one PyHangar reads (1.x)", path, lock.LockVersion)
	}
	for i, pkg := range lock.Packages {
		switch {
		case requirementName(pkg.Name) != pkg.Name || strings.ContainsAny(pkg.Version+pkg.Marker, "\n\r"):
			return nil, "", nil, fmt.Errorf("%s: packages[%d]: %q is not a package name", path, i, pkg.Name)
		case pkg.VCS != nil || pkg.Directory != nil || pkg.Archive != nil || pkg.Version == "":
			notes = append(notes, fmt.Sprintf("%s: %s comes from a repository, a folder or an archive, not an index: left out", name, pkg.Name))
			continue
		}
		text := pkg.Name + "==" + pkg.Version
		if pkg.Marker != "" {
			text += " ; " + pkg.Marker
		}
		lines = append(lines, envs.ReqLine{File: path, Line: i + 1, Text: text, Kind: envs.ReqPackage})
	}
	return lines, lock.RequiresPython, notes, nil
}
