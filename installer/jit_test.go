package installer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

// The JIT is offered for the source route's GIL builds of 3.13 and 3.14;
// every other request is refused, saying why.
func TestJITIsForTheSourceRoutesGILBuilds(t *testing.T) {
	uv := &installer.UV{Path: "/usr/bin/uv"}
	for _, c := range []struct {
		os    string
		spec  string
		route installer.Route
		want  string // "" when offered
	}{
		{"linux", "3.14", installer.RoutePythonOrg, ""},
		{"linux", "3.13.5", installer.RoutePythonOrg, ""},
		{"linux", "3.14t", installer.RoutePythonOrg, "free-threaded builds of 3.13 and 3.14 do not support the JIT"},
		{"linux", "3.13.5t", installer.RoutePythonOrg, "free-threaded builds of 3.13 and 3.14 do not support the JIT"},
		{"linux", "3.14", installer.RouteUV, "uv installs prebuilt builds"},
		{"linux", "3.12", installer.RoutePythonOrg, "the JIT starts with Python 3.13"},
		{"linux", "3.15", installer.RoutePythonOrg, "not that of 3.15"},
		{"windows", "3.14", installer.RoutePythonOrg, "prebuilt (3.14's have the JIT already, off until PYTHON_JIT=1)"},
		{"darwin", "3.14", installer.RoutePythonOrg, "a choice of the source build on Linux"},
	} {
		spec, err := envs.ParseSpec(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		in := &installer.Installer{OS: c.os, UV: uv}
		got := in.JITRefusal(spec, c.route)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s %s via %s: %q, want %q", c.os, c.spec, c.route, got, c.want)
		}
	}
	// Refused before anything is fetched, built or recorded.
	st := newStore(t)
	in := &installer.Installer{DataDir: t.TempDir(), Records: st, JIT: true, OS: "linux"}
	_, _, err := in.Install(t.Context(), envs.Spec{Version: "3.14", FreeThreaded: true}, installer.RoutePythonOrg)
	if err == nil || !strings.Contains(err.Error(), "3.14t cannot be built with the JIT: the free-threaded builds") {
		t.Errorf("3.14t with the JIT: %v", err)
	}
	if recs, _ := st.Installs(t.Context()); len(recs) != 0 {
		t.Errorf("a refused request was recorded: %+v", recs)
	}
}

// A build with the JIT configures with --enable-experimental-jit=yes-off
// and names a Python that runs to the JIT's build script; the record says
// the build has the JIT. The tarball's configure records its argv and
// environment and installs a stand-in for the built interpreter that runs
// the JIT test build (the real build with the JIT is the test builds'
// own, made by scripts/test-pythons.sh through this route).
func TestJITBuildConfiguresAndRecordsIt(t *testing.T) {
	real := testenv.JIT(t)
	seen := filepath.Join(t.TempDir(), "configure-saw")
	configure := `#!/bin/sh
printf '%s\n' "$@" > ` + seen + `
printf 'PYTHON_FOR_REGEN=%s\n' "$PYTHON_FOR_REGEN" >> ` + seen + `
for a in "$@"; do case $a in --prefix=*) prefix=${a#--prefix=};; esac; done
printf 'all:\naltinstall:\n' > Makefile
mkdir -p "$prefix/bin"
printf '#!/bin/sh\nexec %s "$@"\n' ` + real + ` > "$prefix/bin/python3.14"
chmod +x "$prefix/bin/python3.14"
`
	tarball := filepath.Join(t.TempDir(), "Python-3.14.7.tar.xz")
	scriptTarball(t, tarball, "Python-3.14.7/configure", configure)
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7", Tarball: tarball})
	site, err := installer.NewSite(org.URL)
	if err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	in := &installer.Installer{DataDir: t.TempDir(), Records: st, Site: site, JIT: true}
	got, rec, err := in.Install(t.Context(), envs.Spec{Version: "3.14"}, installer.RoutePythonOrg)
	if err != nil {
		t.Fatal(err)
	}
	saw, _ := os.ReadFile(seen)
	lines := strings.Split(strings.TrimSpace(string(saw)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "--prefix=") || lines[1] != "--enable-experimental-jit=yes-off" {
		t.Errorf("configure ran with %q", lines)
	}
	regen := strings.TrimPrefix(lines[len(lines)-1], "PYTHON_FOR_REGEN=")
	if regen == "" {
		t.Errorf("configure was given no Python for the JIT's build script: %q", lines)
	} else if out, err := os.ReadFile(rec.LogPath); err != nil || !strings.Contains(string(out), "its build script runs on "+regen) {
		t.Errorf("the log does not say the build has the JIT: %v\n%s", err, out)
	}
	if !got.HasJIT() || got.JITWords() != "off (PYTHON_JIT=1 turns it on)" {
		t.Errorf("installed: %+v (%s)", got.Identity, got.JITWords())
	}
	recs, err := st.Installs(t.Context())
	if err != nil || len(recs) != 1 || !recs[0].JIT || recs[0].Status != installer.StatusOK {
		t.Errorf("records: %+v %v", recs, err)
	}
	// Without the JIT the same route configures without it, and installing
	// over the JIT build is refused, saying what is there.
	in.JIT = false
	_, _, err = in.Install(t.Context(), envs.Spec{Version: "3.14"}, installer.RoutePythonOrg)
	if err == nil || !strings.Contains(err.Error(), "already installed at "+got.Path+" (with the JIT)") {
		t.Errorf("installing it again: %v", err)
	}
}
