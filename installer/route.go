package installer

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Route is a way to get an interpreter.
type Route string

const (
	// RouteUV runs uv python install: a prebuilt build, in seconds.
	RouteUV Route = "uv"
	// RoutePythonOrg uses python.org's files: a source build on Linux,
	// the official installer on Windows and macOS.
	RoutePythonOrg Route = "python.org"
)

// Routes are every route, in the order they are offered.
var Routes = []Route{RouteUV, RoutePythonOrg}

// Unavailable says why each route cannot be used here ("" when it can).
func (in *Installer) Unavailable() map[Route]string {
	out := map[Route]string{RouteUV: "", RoutePythonOrg: ""}
	if in.UV == nil {
		out[RouteUV] = "uv is not installed (looked on PATH, ~/.local/bin and ~/.cargo/bin); get it with: pyhangar get-uv"
	}
	if in.goos() == "linux" {
		if missing, fix := MissingPrereqs(nil, nil, 0); len(missing) > 0 {
			out[RoutePythonOrg] = "a source build needs " + strings.Join(missing, ", ") + "; install them with: " + fix
		}
	}
	return out
}

// DefaultRoute is uv when it is installed, else python.org.
func (in *Installer) DefaultRoute() Route {
	if in.UV != nil {
		return RouteUV
	}
	return RoutePythonOrg
}

// Describe says what installing through route does on this machine, and
// how long it takes here: the median of this machine's earlier installs
// by that route, when there are any.
func (in *Installer) Describe(route Route, recs []Record) string {
	var what, usual string
	switch {
	case route == RouteUV:
		what, usual = "uv: a prebuilt build (python-build-standalone) among uv's managed Pythons", "usually seconds"
	case in.goos() == "windows":
		what, usual = "python.org: the official installer, checked against its SHA-256", "usually a minute"
	case in.goos() == "darwin":
		what, usual = "python.org: the official package, checked against its SHA-256 (the system asks for your password)", "usually a minute"
	default:
		what, usual = "python.org: the source tarball, checked against its SHA-256 and built here (configure, make)", "usually 3 to 5 minutes"
	}
	if d, ok := Estimate(recs, route); ok {
		return fmt.Sprintf("%s; about %s here, going by earlier installs", what, roughly(d))
	}
	return what + "; " + usual
}

// roughly writes a duration for people: 4 s, 3 min.
func roughly(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f min", d.Minutes())
}

// Estimate is how long an install by route took on this machine: the
// median of its earlier successful installs; ok is false when there were
// none.
func Estimate(recs []Record, route Route) (d time.Duration, ok bool) {
	var ds []time.Duration
	for _, r := range recs {
		if r.Status == StatusOK && r.Method == route && r.Duration() > 0 {
			ds = append(ds, r.Duration())
		}
	}
	if len(ds) == 0 {
		return 0, false
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], true
}
