package installer

import (
	"context"
	"fmt"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
)

// job is an install worked out before anything is written: what it
// installs into and, for python.org, the release and its files.
type job struct {
	spec   envs.Spec
	route  Route
	target string
	what   string // shown in messages: 3.13.5t
	rel    Release
	files  []File
	// local is a file the user brought (install --from), and sums what it
	// must hash to (every one); otherwise the file is downloaded.
	local string
	sums  []Checksum
	// jit builds it with the experimental JIT (Installer.JIT).
	jit bool
}

// targetFor names what installing spec's release rel installs into.
func targetFor(goos string, rel pyversion.Version, spec envs.Spec) (target, what string) {
	what = envs.Spec{Version: rel, FreeThreaded: spec.FreeThreaded}.String()
	switch goos {
	case "windows":
		// One official install holds both builds.
		return "cpython-" + string(rel), what
	case "darwin":
		return "macos-" + string(rel), what
	}
	return "cpython-" + what, what
}

// plan works out the job for spec by route: the exact release comes from
// the catalog, so a python.org plan fetches it.
func (in *Installer) plan(ctx context.Context, spec envs.Spec, route Route) (job, error) {
	j := job{spec: spec, route: route, what: spec.String(), jit: in.JIT}
	if route == RouteUV {
		j.target = "uv-" + UVRequest(spec)
		return j, nil
	}
	in.emit(Event{Phase: "catalog", Pct: -1})
	cat, err := in.Site.Releases(ctx)
	if err != nil {
		return j, err
	}
	rel, ok := PickRelease(cat.Releases, spec)
	if !ok {
		return j, fmt.Errorf("python.org has no release matching %s", spec)
	}
	if spec.FreeThreaded && !rel.FreeThreaded {
		return j, fmt.Errorf("Python %s has no free-threaded build (they start with 3.13)", rel.Version)
	}
	if j.files, err = in.Site.CachedFiles(ctx, in.Catalog, rel.ID); err != nil {
		return j, err
	}
	j.rel = rel
	j.target, j.what = targetFor(in.goos(), rel.Version, spec)
	return j, nil
}

// PickRelease chooses the release for a spec: the exact version, or the
// newest final release of the minor version.
func PickRelease(rels []Release, spec envs.Spec) (Release, bool) {
	for _, r := range rels { // newest first
		if r.Version == spec.Version {
			return r, true
		}
		if !r.PreRelease && r.Version.In(spec.Version) && strings.Count(string(spec.Version), ".") == 1 {
			return r, true
		}
	}
	return Release{}, false
}
