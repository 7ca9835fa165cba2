package installer

import "github.com/pyhangar/pyhangar/platform"

// What the installer deletes goes by the one rule (platform.DeleteMade):
// its work areas in the data dir are its own whole; an install's prefix
// holds what the build wrote (make altinstall: bin, include, lib, share),
// and anything else found there is kept.

// buildEntries are the entries a CPython build installs under its prefix.
var buildEntries = map[string]bool{"bin": true, "include": true, "lib": true, "lib64": true, "share": true}

// workArea is a folder of the data dir PyHangar made whole (a download
// or build dir, its own uv).
func workArea(dataDir string) platform.Made { return platform.Made{Within: dataDir} }

// builtPrefix is an install prefix under pythons/: what the build wrote
// goes, anything else stays (and the folder with it).
func builtPrefix(dataDir string) platform.Made {
	return platform.Made{Owns: func(name string) bool { return buildEntries[name] }, KeepOthers: true, Within: dataDir}
}
