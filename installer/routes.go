package installer

import (
	"fmt"
	"runtime"
	"time"
)

// Describe says what installing through route does on this machine, and
// how long it takes here: the median of this machine's earlier installs
// by that route, when there are any.
func (in *Installer) Describe(route Route, recs []Record) string {
	var what, usual string
	switch {
	case route == RouteUV:
		what, usual = "uv: a prebuilt build (python-build-standalone) among uv's managed Pythons", "usually seconds"
	case runtime.GOOS == "windows":
		what, usual = "python.org: the official installer, checked against its SHA-256", "usually a minute"
	case runtime.GOOS == "darwin":
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
