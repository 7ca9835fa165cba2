package envs

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Scan finds the interpreters on a host without running anything (another
// machine's disk, say). Version, implementation and build come from the
// files that state them — conda-meta's python record, pyvenv.cfg, PEP 739
// build-details.json, patchlevel.h — and only where none does from names
// (then VersionSource is "name"): interpreter names, PEP 514 tags, uv's
// +freethreaded dirs, PythonT.framework.
func Scan(h *platform.Host) ([]Interpreter, DiscoverStats) {
	groups, stats := collect(h)
	out := make([]Interpreter, 0, len(groups))
	for _, g := range groups {
		hint := g.hint
		real := g.rec.Path
		if r, ok := h.Resolve(g.rec.Path); ok {
			real = r
		}
		if nh, ok := platform.NameHint(h.Base(real), h.Windows()); ok {
			hint.Merge(nh)
		}
		if g.venvRoot == "" {
			hint.Merge(installHint(h, real, hint))
		}
		g.rec.Version, g.rec.FreeThreaded = hint.Version, hint.FreeThreaded
		preferTellingName(h, g)
		rec := g.rec
		rec.Implementation = hint.Implementation
		if rec.Implementation == "" {
			rec.Implementation = "cpython"
		}
		rec.VersionSource = hint.VersionSource
		if rec.Version != "" && rec.VersionSource == "" {
			rec.VersionSource = platform.FromName
		}
		rec.IsVenv = g.venvRoot != ""
		rec.Status = StatusOK
		if rec.Arch == "" {
			rec.Arch = hint.Arch
		}
		out = append(out, rec)
	}
	sortInterpreters(out)
	return out, stats
}

var (
	pyVersionDefine   = regexp.MustCompile(`#define\s+PY_VERSION\s+"([^"]+)"`)
	pypyVersionDefine = regexp.MustCompile(`#define\s+PYPY_VERSION\s+"([^"]+)"`)
)

// installHint reads what an installation's files say of its interpreter:
// build-details.json (3.14 on), else the headers' patchlevel.h; for the
// free-threaded or standard build to match, and PyPy's own.
func installHint(h *platform.Host, exe string, hint platform.Hint) platform.Hint {
	dir := h.Dir(exe)
	prefix := dir
	if !h.Windows() {
		prefix = h.Dir(dir)
	}
	suffix := ""
	if hint.FreeThreaded {
		suffix = "t"
	}
	var headers, details []string
	if h.Windows() {
		headers = []string{h.Join(prefix, "include", "patchlevel.h")}
	} else {
		minor := string(hint.Version.Minor())
		// python3.13 or python3.13t for the build asked for (python3.7m
		// before 3.8), pypy3.9 for PyPy; any one when the name gives no
		// version.
		wanted := []string{"python" + minor + suffix, "python" + minor + "m", "pypy" + minor}
		for _, name := range h.ReadDir(h.Join(prefix, "include")) {
			if minor == "" || slices.Contains(wanted, name) {
				headers = append(headers, h.Join(prefix, "include", name, "patchlevel.h"))
			}
		}
		for _, name := range h.ReadDir(h.Join(prefix, "lib")) {
			if minor == "" || name == "python"+minor+suffix {
				details = append(details, h.Join(prefix, "lib", name, "build-details.json"))
			}
		}
	}
	for _, p := range details {
		if out, ok := readBuildDetails(h, p); ok {
			return out
		}
	}
	for _, p := range headers {
		data, ok := h.ReadFile(p, 1<<20)
		if !ok {
			continue
		}
		m := pyVersionDefine.FindSubmatch(data)
		if m == nil {
			continue
		}
		out := platform.Hint{Version: pyversion.Version(strings.TrimSuffix(string(m[1]), "+")), VersionSource: platform.FromPatchlevel, Implementation: "cpython"}
		out.FreeThreaded = strings.HasSuffix(h.Base(h.Dir(p)), "t")
		if pypyVersionDefine.Match(data) {
			out.Implementation, out.FreeThreaded = "pypy", false
		}
		return out
	}
	return platform.Hint{}
}

// readBuildDetails reads PEP 739's build-details.json: the language
// version with its release level, the implementation, and whether the ABI
// is free-threaded.
func readBuildDetails(h *platform.Host, p string) (platform.Hint, bool) {
	data, ok := h.ReadFile(p, 1<<20)
	if !ok {
		return platform.Hint{}, false
	}
	type versionInfo struct {
		Major, Minor, Micro int
		ReleaseLevel        string `json:"releaselevel"`
		Serial              int
	}
	var bd struct {
		Language struct {
			Version     string
			VersionInfo *versionInfo `json:"version_info"`
		}
		Implementation struct {
			Name    string
			Version versionInfo
		}
		ABI struct {
			Flags []string
		}
	}
	if json.Unmarshal(data, &bd) != nil {
		return platform.Hint{}, false
	}
	out := platform.Hint{VersionSource: platform.FromBuildDetails, Implementation: strings.ToLower(bd.Implementation.Name)}
	switch v := bd.Language.VersionInfo; {
	case v != nil && v.Major > 0:
		out.Version = pyversion.Version(versionString(v.Major, v.Minor, v.Micro, v.ReleaseLevel, v.Serial))
	case out.Implementation == "cpython" && bd.Implementation.Version.Major > 0:
		iv := bd.Implementation.Version
		out.Version = pyversion.Version(versionString(iv.Major, iv.Minor, iv.Micro, iv.ReleaseLevel, iv.Serial))
	default:
		out.Version = pyversion.Version(bd.Language.Version)
	}
	if out.Version == "" {
		return platform.Hint{}, false
	}
	for _, f := range bd.ABI.Flags {
		if f == "t" {
			out.FreeThreaded = true
		}
	}
	return out, true
}

func versionString(major, minor, micro int, level string, serial int) string {
	v := strings.Join([]string{strconv.Itoa(major), strconv.Itoa(minor), strconv.Itoa(micro)}, ".")
	switch level {
	case "alpha":
		v += "a" + strconv.Itoa(serial)
	case "beta":
		v += "b" + strconv.Itoa(serial)
	case "candidate":
		v += "rc" + strconv.Itoa(serial)
	}
	return v
}
