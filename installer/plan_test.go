package installer

import (
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
)

// Each OS's python.org route is chosen by Installer.OS, so its target and
// its description are the same on any machine the tests run on.
func TestEachOSHasItsOwnRoute(t *testing.T) {
	ft := envs.Spec{Version: "3.14.2", FreeThreaded: true}
	for _, c := range []struct {
		goos, target, says string
	}{
		{"linux", "cpython-3.14.2t", "source tarball"},
		{"windows", "cpython-3.14.2", "official installer"}, // one install holds both builds
		{"darwin", "macos-3.14.2", "official package"},
	} {
		if target, what := targetFor(c.goos, ft.Version, ft); target != c.target || what != "3.14.2t" {
			t.Errorf("%s: target %q (%q), want %q", c.goos, target, what, c.target)
		}
		in := &Installer{OS: c.goos}
		if got := in.Describe(RoutePythonOrg, nil); !strings.Contains(got, c.says) {
			t.Errorf("%s: the python.org route says %q", c.goos, got)
		}
	}
}
