package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

// With no uv on the machine, get-uv fetches uv's own release (from a
// stand-in for GitHub), and install 3.14t then goes through that uv in
// seconds; the interpreter is listed. get-uv --remove takes it away.
func TestGetUVThenInstallThroughIt(t *testing.T) {
	ft := testenv.FreeThreaded(t)["3.14"]
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("PATH", "/usr/bin:/bin") // no uv here
	t.Setenv("UV_PYTHON_INSTALL_DIR", "")
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("UV_STANDIN_PYTHONS", "3.14.7t="+ft)
	gh := testenv.StartGitHub(t, installer.PinnedUV)
	data := t.TempDir()

	r := run(t, nil, "--data-dir", data, "install", "3.14t", "--via", "uv")
	if r.code != 1 || !strings.Contains(r.stderr, "pyhangar get-uv") {
		t.Fatalf("install through a missing uv: %d %s", r.code, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "get-uv", "--mirror", gh.URL, "--json")
	if r.code != 0 {
		t.Fatalf("get-uv: %d %s", r.code, r.stderr)
	}
	var own installer.OwnUV
	if err := json.Unmarshal([]byte(r.stdout), &own); err != nil || !strings.HasPrefix(own.Path, data) {
		t.Fatalf("get-uv --json: %v %s", err, r.stdout)
	}
	start := time.Now()
	r = run(t, nil, "--data-dir", data, "install", "3.14t", "--json")
	if r.code != 0 {
		t.Fatalf("install 3.14t: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "uv python install 3.14t") {
		t.Errorf("the install did not go through uv: %s", r.stderr)
	}
	var installed envs.Interpreter
	if err := json.Unmarshal([]byte(r.stdout), &installed); err != nil {
		t.Fatalf("install --json: %v\n%s", err, r.stdout)
	}
	r = run(t, nil, "--data-dir", data, "list", "--json")
	var list []envs.Interpreter
	json.Unmarshal([]byte(r.stdout), &list)
	found := false
	for _, in := range list {
		// The stand-in links uv's install to the test build: uv's path
		// may be an alias.
		for _, p := range append([]string{in.Path}, in.Aliases...) {
			if in.Source == "uv" && in.FreeThreaded && in.Version.In("3.14") &&
				strings.HasPrefix(p, filepath.Join(home, ".local", "share", "uv", "python")) {
				found = true
			}
			// install --json says of it what list --json says.
			if p == installed.Path && (installed.Arch != in.Arch || installed.VersionSource != in.VersionSource || installed.Source != in.Source) {
				t.Errorf("install --json: arch %q, version from %q, source %q; list --json: %q, %q, %q",
					installed.Arch, installed.VersionSource, installed.Source, in.Arch, in.VersionSource, in.Source)
			}
		}
	}
	if !found {
		t.Errorf("the installed 3.14t is not listed: %+v", list)
	}
	t.Logf("from install (uv route) to a listed 3.14t: %v", time.Since(start).Round(time.Millisecond))
	// The doctor names the uv and why it is the one used.
	if r = run(t, nil, "--data-dir", data, "doctor"); !strings.Contains(r.stdout, "PyHangar's own uv") {
		t.Errorf("doctor: %s", r.stdout)
	}
	if r = run(t, nil, "--data-dir", data, "get-uv", "--remove"); r.code != 0 {
		t.Fatalf("remove: %s", r.stderr)
	}
	if _, err := os.Stat(installer.UVDir(data)); !os.IsNotExist(err) {
		t.Error("get-uv --remove left tools/uv")
	}
}
