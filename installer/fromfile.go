package installer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
)

// ErrUnchecked is returned (wrapped) when a file brought to install can be
// checked against nothing: the catalog on record does not list it and no
// checksum was given.
var ErrUnchecked = errors.New("no checksum to check the file against")

// localKinds name python.org's files by what they are on each OS: the
// source tarball on Linux, the installer on Windows, the package on macOS.
var localKinds = map[string]*regexp.Regexp{
	"linux":   regexp.MustCompile(`^Python-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\.tar\.xz$`),
	"windows": regexp.MustCompile(`^python-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)-(?:amd64|arm64)\.exe$`),
	"darwin":  regexp.MustCompile(`^python-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)-macos\d+\.pkg$`),
}

// FromFileRelease reads the release a python.org file is of from its name
// (Python-3.14.7.tar.xz, python-3.14.7-amd64.exe, python-3.14.7-macos11.pkg),
// for goos.
func FromFileRelease(goos, name string) (pyversion.Version, error) {
	if goos != "windows" && goos != "darwin" {
		goos = "linux"
	}
	m := localKinds[goos].FindStringSubmatch(name)
	if m == nil {
		example := map[string]string{"linux": "Python-3.14.7.tar.xz", "windows": "python-3.14.7-amd64.exe", "darwin": "python-3.14.7-macos11.pkg"}[goos]
		return "", fmt.Errorf("%s is not one of python.org's files for this system (one named like %s)", name, example)
	}
	return pyversion.Version(m[1]), nil
}

// InstallFrom installs from a python.org file the user fetched elsewhere
// (for a machine without internet): the source tarball on Linux, the
// installer on Windows, the package on macOS. The build is free-threaded
// unless spec says otherwise. The file is checked against the checksum
// python.org's catalog gives it (fetched now, or kept from before), else
// against sha256; with neither it is refused. The file itself is left
// where it is.
func (in *Installer) InstallFrom(ctx context.Context, path string, spec *envs.Spec, sha256 string) (envs.Interpreter, Record, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return envs.Interpreter{}, Record{}, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
		return envs.Interpreter{}, Record{}, fmt.Errorf("%s is not a file", path)
	}
	ver, err := FromFileRelease(in.goos(), filepath.Base(abs))
	if err != nil {
		return envs.Interpreter{}, Record{}, err
	}
	s := envs.Spec{Version: ver, FreeThreaded: true}
	if spec != nil {
		if !ver.In(spec.Version) {
			return envs.Interpreter{}, Record{}, fmt.Errorf("%s is Python %s, not %s", filepath.Base(abs), ver, spec.Version)
		}
		s.FreeThreaded = spec.FreeThreaded
	}
	if s.FreeThreaded && !freeThreadedRelease(ver) {
		return envs.Interpreter{}, Record{}, fmt.Errorf("Python %s has no free-threaded build (they start with 3.13); pass %s to build it standard", ver, ver)
	}
	if in.JIT {
		if why := in.JITRefusal(s, RoutePythonOrg); why != "" {
			return envs.Interpreter{}, Record{}, fmt.Errorf("%s cannot be built with the JIT: %s", s, why)
		}
	}
	sums, from, err := in.checksumOf(ctx, ver, filepath.Base(abs), sha256)
	if err != nil {
		return envs.Interpreter{}, Record{}, err
	}
	in.emit(Event{Line: fmt.Sprintf("%s is checked against %s", filepath.Base(abs), from), Pct: -1})
	j := job{spec: s, route: RoutePythonOrg, rel: Release{Version: ver}, local: abs, sums: sums, jit: in.JIT}
	j.target, j.what = targetFor(in.goos(), ver, s)
	rec := Record{Spec: s.String(), Variant: variantOf(s), JIT: in.JIT, Method: RoutePythonOrg, Started: time.Now().UTC(), Status: StatusRunning}
	return in.run(ctx, j, rec)
}

// checksumOf finds what a python.org file must hash to: the catalog's
// checksum (python.org's answer now, or what it said before) and the one
// the user gave, every one of them. The user's SHA-256 always applies:
// beside a catalog's MD5 (never enough when the user asked for more),
// and equal to a catalog's SHA-256.
func (in *Installer) checksumOf(ctx context.Context, ver pyversion.Version, name, given string) ([]Checksum, string, error) {
	var user Checksum
	if given != "" {
		h := strings.ToLower(strings.TrimSpace(given))
		if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
			return nil, "", fmt.Errorf("--sha256 %q is not a SHA-256 (64 hex digits)", given)
		}
		user = Checksum{Algo: "sha256", Hex: h}
	}
	known, ok := in.catalogChecksum(ctx, ver, name)
	switch {
	case ok && user.Hex != "" && known.Algo == "sha256" && known.Hex != user.Hex:
		return nil, "", fmt.Errorf("the SHA-256 given (%s) is not the one python.org's catalog gives %s (%s)", user.Hex, name, known.Hex)
	case ok && user.Hex != "" && known.Algo != "sha256":
		return []Checksum{user, known}, "the SHA-256 given (" + user.Hex + ") and python.org's catalog (" + known.Algo + " " + known.Hex + ")", nil
	case ok:
		return []Checksum{known}, "python.org's catalog (" + known.Algo + " " + known.Hex + ")", nil
	case user.Hex != "":
		return []Checksum{user}, "the SHA-256 given (" + user.Hex + ")", nil
	}
	return nil, "", fmt.Errorf("%w: PyHangar cannot check %s, which the catalog on record does not list (run 'pyhangar available' while online, or use a mirror); "+
		"give its SHA-256 from python.org's download page with --sha256 HEX", ErrUnchecked, name)
}

// catalogChecksum looks the file up in python.org's catalog, online or as
// kept from before.
func (in *Installer) catalogChecksum(ctx context.Context, ver pyversion.Version, name string) (Checksum, bool) {
	cat, _, err := in.Site.CachedReleases(ctx, in.Catalog)
	if err != nil {
		return Checksum{}, false
	}
	for _, rel := range cat.Releases {
		if rel.Version != ver {
			continue
		}
		files, err := in.Site.CachedFiles(ctx, in.Catalog, rel.ID)
		if err != nil {
			return Checksum{}, false
		}
		for _, f := range files {
			if (f.Name == name || filepath.Base(f.URL) == name) && f.Checksum.Hex != "" {
				return f.Checksum, true
			}
		}
	}
	return Checksum{}, false
}
