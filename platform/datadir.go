// Package platform knows operating systems: where things live on each, the
// Windows registry, machine facts, and running child processes safely.
package platform

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DataDirEnv names the environment variable that overrides the data dir.
const DataDirEnv = "PYHANGAR_HOME"

// DefaultDataDir is the per-user data dir PyHangar uses on this machine when
// neither --data-dir nor PYHANGAR_HOME says otherwise.
func DefaultDataDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("cannot find the home directory to place the data dir in; pass --data-dir DIR")
	}
	return DataDirFor(runtime.GOOS, os.Getenv, home)
}

// DataDirFor is the per-user data dir for an OS, given its environment and
// home dir:
//
//	linux and others  $XDG_DATA_HOME/pyhangar, else ~/.local/share/pyhangar
//	darwin            ~/Library/Application Support/PyHangar
//	windows           %LOCALAPPDATA%\PyHangar
func DataDirFor(goos string, getenv func(string) string, home string) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return d + `\PyHangar`, nil
		}
		if home == "" {
			return "", errors.New("LOCALAPPDATA is not set; pass --data-dir DIR")
		}
		return home + `\AppData\Local\PyHangar`, nil
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "PyHangar"), nil
	default:
		// The XDG spec ignores relative values.
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "pyhangar"), nil
		}
		return filepath.Join(home, ".local", "share", "pyhangar"), nil
	}
}
