package envs

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
)

// Scan finds the interpreters on a host without running anything (another
// machine's disk, say). Version and build come from what the files say:
// names, PEP 514 tags, uv's +freethreaded dirs, PythonT.framework,
// conda-meta, pyvenv.cfg, patchlevel.h and PEP 739 build-details.json.
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
		rec.Implementation = "cpython"
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

var pyVersionDefine = regexp.MustCompile(`#define\s+PY_VERSION\s+"([^"]+)"`)

// installHint reads the version from an installation's headers or its
// build-details.json, choosing the free-threaded or standard one to match.
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
	} else if minor := minorOf(hint.Version); minor != "" {
		headers = []string{h.Join(prefix, "include", "python"+minor+suffix, "patchlevel.h")}
		details = []string{h.Join(prefix, "lib", "python"+minor+suffix, "build-details.json")}
	} else {
		// No version in the name: any one the prefix holds will do.
		for _, name := range h.ReadDir(h.Join(prefix, "include")) {
			if strings.HasPrefix(name, "python") {
				headers = append(headers, h.Join(prefix, "include", name, "patchlevel.h"))
			}
		}
	}
	for _, p := range details {
		if data, ok := h.ReadFile(p, 1<<20); ok {
			var bd struct {
				Implementation struct {
					Version struct {
						Major, Minor, Micro int
						ReleaseLevel        string `json:"releaselevel"`
						Serial              int
					}
				}
				ABI struct {
					Flags []string
				}
			}
			if json.Unmarshal(data, &bd) == nil && bd.Implementation.Version.Major > 0 {
				v := bd.Implementation.Version
				out := platform.Hint{Version: versionString(v.Major, v.Minor, v.Micro, v.ReleaseLevel, v.Serial)}
				for _, f := range bd.ABI.Flags {
					if f == "t" {
						out.FreeThreaded = true
					}
				}
				return out
			}
		}
	}
	for _, p := range headers {
		if data, ok := h.ReadFile(p, 1<<20); ok {
			if m := pyVersionDefine.FindSubmatch(data); m != nil {
				out := platform.Hint{Version: strings.TrimSuffix(string(m[1]), "+")}
				out.FreeThreaded = strings.HasSuffix(h.Base(h.Dir(p)), "t")
				return out
			}
		}
	}
	return platform.Hint{}
}

func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "." + parts[1]
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
