package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
)

// leftovers lists what an install left in the data dir's work areas.
func leftovers(t *testing.T, data string) []string {
	var out []string
	for _, dir := range []string{"build", "downloads", "pythons"} {
		entries, _ := os.ReadDir(filepath.Join(data, dir))
		for _, e := range entries {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestInstallFromSourceEndToEnd downloads the real 3.13.5 tarball from a
// python.org stand-in on 127.0.0.1, builds it free-threaded and installs it.
func TestInstallFromSourceEndToEnd(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball})
	data := t.TempDir()
	start := time.Now()
	r := run(t, nil, "--data-dir", data, "install", "3.13.5t", "--via", "python.org", "--mirror", org.URL, "--json")
	if r.code != 0 {
		t.Fatalf("install: code %d\n%s", r.code, tail(r.stderr, 3000))
	}
	t.Logf("install 3.13.5t from source took %s", time.Since(start).Round(time.Second))
	for _, phase := range []string{"download", "configure", "compile", "install"} {
		if !strings.Contains(r.stderr, phase) {
			t.Errorf("no %s progress on stderr", phase)
		}
	}
	exe := filepath.Join(data, "pythons", "cpython-3.13.5t", "bin", "python3.13t")
	r = run(t, nil, "--data-dir", data, "list", "--json")
	var list []envs.Interpreter
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	var got *envs.Interpreter
	for i := range list {
		if list[i].Path == exe {
			got = &list[i]
		}
	}
	if got == nil || !got.FreeThreaded || got.GILEnabled == nil || *got.GILEnabled || got.Source != "pyhangar" || got.Version != "3.13.5" {
		t.Fatalf("list after install: %+v", got)
	}
	if left := leftovers(t, data); len(left) != 1 || left[0] != filepath.Join("pythons", "cpython-3.13.5t") {
		t.Errorf("left behind: %v", left)
	}
	st, _ := store.Open(data)
	recs, _ := st.Installs(t.Context())
	st.Close()
	if len(recs) != 1 || recs[0].Status != "ok" || recs[0].Path != exe || recs[0].SHA256 == "" || !strings.HasSuffix(recs[0].URL, "Python-3.13.5.tar.xz") {
		t.Errorf("record: %+v", recs)
	}
	if log, err := os.ReadFile(recs[0].LogPath); err != nil || !strings.Contains(string(log), "--disable-gil") {
		t.Errorf("the build log was not kept: %v", err)
	}
	// Installing it again is refused; uninstall removes it.
	if r := run(t, nil, "--data-dir", data, "install", "3.13.5t", "--via", "python.org", "--mirror", org.URL); r.code != 1 || !strings.Contains(r.stderr, "already installed") {
		t.Errorf("reinstall: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "--data-dir", data, "uninstall", "3.13.5t"); r.code != 0 {
		t.Fatalf("uninstall: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(exe); !os.IsNotExist(err) {
		t.Error("uninstall left the interpreter")
	}
	if r := run(t, nil, "--data-dir", data, "uninstall", "/usr/bin/python3"); r.code != 1 || !strings.Contains(r.stderr, "package manager") {
		t.Errorf("uninstalling a system python: %d %s", r.code, r.stderr)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func TestInstallTamperedTarballRefused(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball, Tampered: true})
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "install", "3.13t", "--via", "python.org", "--mirror", org.URL)
	if r.code != 1 || !strings.Contains(r.stderr, "checksum mismatch") || strings.Count(r.stderr, "sha256") < 1 {
		t.Fatalf("code %d\n%s", r.code, tail(r.stderr, 2000))
	}
	if left := leftovers(t, data); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Cancelled while ./configure runs compilers: the whole build tree goes,
// its processes included.
func TestInstallCancelledDuringBuild(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball})
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	site, _ := installer.NewSite(org.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancelled once configure runs processes in the build tree.
	var once sync.Once
	running := make(chan struct{})
	in := &installer.Installer{DataDir: data, Records: st, Site: site, Progress: func(e installer.Event) {
		if e.Phase != "configure" {
			return
		}
		once.Do(func() {
			go func() {
				defer cancel()
				for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
					if len(testenv.ProcessesIn(filepath.Join(data, "build"))) > 0 {
						close(running)
						return
					}
				}
			}()
		})
	}}
	_, rec, err := in.Install(ctx, envs.Spec{Version: "3.13", FreeThreaded: true}, "python.org")
	if err == nil || rec.Status != "cancelled" {
		t.Fatalf("err %v, record %+v", err, rec)
	}
	select {
	case <-running:
	default:
		t.Fatal("no process ran in the build tree; the cancel did not land in the build")
	}
	if left := testenv.ProcessesIn(data); len(left) > 0 {
		t.Errorf("processes of the cancelled build still run: %v", left)
	}
	if left := leftovers(t, data); len(left) != 0 {
		t.Errorf("a cancelled build left: %v", left)
	}
	recs, _ := st.Installs(t.Context())
	if len(recs) != 1 || recs[0].Status != "cancelled" {
		t.Errorf("records: %+v", recs)
	}
}

func TestAvailableWithMirrorAndUVStandIn(t *testing.T) {
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7"}, testenv.StandInRelease{ID: 900, Version: "3.12.10"})
	standIn, _ := filepath.Abs("../installer/testdata/uv-standin")
	t.Setenv("PATH", standIn+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("UV_STANDIN_PYTHONS", "3.14.7t=/nonexistent/python3.14t;3.12.1=/nonexistent/python3.12")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "available", "--mirror", org.URL, "--json")
	var got struct {
		Releases []installer.Release
		Offline  bool
		UV       []installer.UVDownload
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("%v %d %s", err, r.code, r.stderr)
	}
	if len(got.Releases) != 2 || !got.Releases[0].FreeThreaded || got.Offline {
		t.Errorf("releases: %+v", got)
	}
	if len(got.UV) != 2 || got.UV[1].Variant != "freethreaded" {
		t.Errorf("uv downloads: %+v", got.UV)
	}
	// Offline, the last catalog comes back with its age.
	org.Close()
	r = run(t, nil, "--data-dir", data, "available", "--mirror", org.URL)
	if r.code != 0 || !strings.Contains(r.stderr, "offline") || !strings.Contains(r.stdout, "3.14.7") {
		t.Errorf("offline: %d %s %s", r.code, r.stderr, r.stdout)
	}
}

// installs reads the data dir's install records.
func installs(t *testing.T, data string) []installer.Record {
	t.Helper()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.Installs(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// gatedPythonOrg serves the 3.13.5 tarball, holding its download part-way
// until the test ends.
func gatedPythonOrg(t *testing.T) *testenv.PythonOrg {
	tarball := testenv.SourceTarball(t, "3.13.5")
	gate := make(chan struct{})
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball, Gate: gate})
	t.Cleanup(func() { close(gate) }) // runs before the server closes
	return org
}

// Two processes installing the same build: the second is told who is at
// it and stops; killed with SIGKILL, the first leaves a record the next
// start sweeps, with what it left removed.
func TestSecondInstallIsRefusedAndAKilledOneIsSwept(t *testing.T) {
	org := gatedPythonOrg(t)
	data := t.TempDir()
	first := startChild(t, nil, "--data-dir", data, "install", "3.13.5t", "--via", "python.org", "--mirror", org.URL)
	org.WaitForRequest(t, "Python-3.13.5.tar.xz")
	first.waitStderr(t, "download", 30*time.Second)

	for _, spec := range []string{"3.13.5t", "3.13t"} {
		second := startChild(t, nil, "--data-dir", data, "install", spec, "--via", "python.org", "--mirror", org.URL)
		code := second.wait(t, time.Minute)
		want := fmt.Sprintf("another install of 3.13.5t is running (pid %d)", first.cmd.Process.Pid)
		if code != 1 || !strings.Contains(second.Stderr(), want) {
			t.Fatalf("install %s while another runs: code %d, stderr:\n%s\nwant %q", spec, code, second.Stderr(), want)
		}
	}
	if !first.alive() {
		t.Fatalf("the first install ended: %s", first.Stderr())
	}
	// A GIL build of the same version is another target: it may start.
	if recs := installs(t, data); len(recs) != 1 || recs[0].Status != "running" || recs[0].Target != "cpython-3.13.5t" {
		t.Fatalf("records while the first runs: %+v", recs)
	}

	first.cmd.Process.Kill()
	first.wait(t, 10*time.Second)
	if left := leftovers(t, data); len(left) == 0 {
		t.Fatal("the killed install left nothing to sweep; the test does not test the sweep")
	}
	r := run(t, nil, "--data-dir", data, "version")
	if r.code != 0 || !strings.Contains(r.stderr, "install of 3.13.5t did not finish") {
		t.Errorf("the next start: code %d, stderr %q", r.code, r.stderr)
	}
	recs := installs(t, data)
	if len(recs) != 1 || recs[0].Status != "interrupted" {
		t.Fatalf("records after the sweep: %+v", recs)
	}
	if left := leftovers(t, data); len(left) != 0 {
		t.Errorf("the sweep left: %v", left)
	}
	// Nothing blocks the next install: it gets as far as the download.
	again := startChild(t, nil, "--data-dir", data, "install", "3.13.5t", "--via", "python.org", "--mirror", org.URL)
	again.waitStderr(t, "download", 30*time.Second)
}

// SIGTERM cancels an install: it cleans up, records "cancelled" and exits 1.
func TestSIGTERMCancelsAnInstall(t *testing.T) {
	org := gatedPythonOrg(t)
	data := t.TempDir()
	c := startChild(t, nil, "--data-dir", data, "install", "3.13.5t", "--via", "python.org", "--mirror", org.URL)
	org.WaitForRequest(t, "Python-3.13.5.tar.xz")
	c.waitStderr(t, "download", 30*time.Second)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != 1 || !strings.Contains(c.Stderr(), "cancelled") {
		t.Fatalf("code %d, stderr:\n%s", code, c.Stderr())
	}
	if recs := installs(t, data); len(recs) != 1 || recs[0].Status != "cancelled" {
		t.Errorf("records: %+v", recs)
	}
	if left := leftovers(t, data); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// install --from takes the python.org tarball fetched elsewhere: checked
// against the catalog's checksum while the site answers (or as kept from
// before), against --sha256 when not, and refused with neither. The
// build starts from the user's file, which stays where it is. (Each build
// is stopped with SIGTERM once configure runs.)
func TestInstallFromAFile(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.13.5")
	sum := sha256File(t, tarball)
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball})
	startsBuilding := func(data string, args ...string) string {
		t.Helper()
		c := startChild(t, nil, append([]string{"--data-dir", data, "install"}, args...)...)
		c.waitStderr(t, "configure", time.Minute)
		c.cmd.Process.Signal(syscall.SIGTERM)
		if code := c.wait(t, time.Minute); code != 1 || !strings.Contains(c.Stderr(), "cancelled") {
			t.Fatalf("code %d:\n%s", code, c.Stderr())
		}
		if left := leftovers(t, data); len(left) != 0 {
			t.Errorf("left: %v", left)
		}
		return c.Stderr()
	}
	data := t.TempDir()
	out := startsBuilding(data, "--from", tarball, "--mirror", org.URL)
	if !strings.Contains(out, "checked against python.org's catalog (sha256 "+sum+")") {
		t.Errorf("online: %s", out)
	}
	recs := installs(t, data)
	if len(recs) != 1 || recs[0].Spec != "3.13.5t" || recs[0].URL != "file://"+tarball || recs[0].SHA256 != sum {
		t.Errorf("record: %+v", recs)
	}
	org.Close()
	// Offline, what the catalog said before still checks it.
	if out := startsBuilding(data, "3.13.5", "--from", tarball, "--mirror", org.URL); !strings.Contains(out, "checked against python.org's catalog") {
		t.Errorf("offline with the catalog kept: %s", out)
	}
	// Offline on a machine that never saw the catalog: --sha256.
	if out := startsBuilding(t.TempDir(), "--from", tarball, "--mirror", org.URL, "--sha256", strings.ToUpper(sum)); !strings.Contains(out, "checked against the SHA-256 given") {
		t.Errorf("offline with --sha256: %s", out)
	}
	fresh := t.TempDir()
	r := run(t, nil, "--data-dir", fresh, "install", "--from", tarball, "--mirror", org.URL)
	if r.code != 1 || !strings.Contains(r.stderr, "--sha256 HEX") {
		t.Errorf("with no way to check it: %d %s", r.code, r.stderr)
	}
	r = run(t, nil, "--data-dir", fresh, "install", "--from", tarball, "--mirror", org.URL, "--sha256", strings.Repeat("ab", 32))
	if r.code != 1 || !strings.Contains(r.stderr, "checksum mismatch") {
		t.Errorf("with a wrong --sha256: %d %s", r.code, r.stderr)
	}
	if left := leftovers(t, fresh); len(left) != 0 {
		t.Errorf("a refused file left: %v", left)
	}
	if r := run(t, nil, "--data-dir", fresh, "install", "3.14", "--from", tarball, "--sha256", sum); r.code != 1 || !strings.Contains(r.stderr, "is Python 3.13.5, not 3.14") {
		t.Errorf("a spec the file is not: %d %s", r.code, r.stderr)
	}
	// A catalog that lists only an MD5 for the file: the SHA-256 given
	// still applies, beside it, and a wrong one stops the install before
	// anything of the file runs.
	md5only := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.13.5", Tarball: tarball, MD5Only: true})
	weak := t.TempDir()
	r = run(t, nil, "--data-dir", weak, "install", "--from", tarball, "--mirror", md5only.URL, "--sha256", strings.Repeat("ab", 32))
	if r.code != 1 || !strings.Contains(r.stderr, "checksum mismatch") || strings.Contains(r.stderr, "configure") {
		t.Errorf("a wrong --sha256 beside a catalog's MD5: %d %s", r.code, r.stderr)
	}
	if out := startsBuilding(weak, "--from", tarball, "--mirror", md5only.URL, "--sha256", sum); !strings.Contains(out, "checked against the SHA-256 given ("+sum+") and python.org's catalog (md5 ") {
		t.Errorf("the right --sha256 beside a catalog's MD5: %s", out)
	}
	if _, err := os.Stat(tarball); err != nil {
		t.Fatalf("the user's file is gone: %v", err)
	}
}

func sha256File(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// install --jit on a machine whose PATH has no LLVM names what the build
// needs and the one line that installs it, before anything is fetched or
// built; a free-threaded build is refused the JIT, saying why.
func TestInstallWithTheJITNamesWhatItNeeds(t *testing.T) {
	tarball := testenv.SourceTarball(t, "3.14.7")
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1002, Version: "3.14.7", Tarball: tarball})
	bin := t.TempDir() // a compiler, make and a Python, and no LLVM
	for tool, real := range map[string]string{"cc": "", "gcc": "", "make": "", "python3": testenv.System(t)} {
		if real == "" {
			var err error
			if real, err = exec.LookPath(tool); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(real, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "install", "3.14", "--via", "python.org", "--jit", "--mirror", org.URL)
	want := "a source build with the JIT needs LLVM 19 (clang-19 and llvm-readobj-19, for the JIT); install them with: sudo apt-get install -y clang-19 llvm-19"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("code %d, stderr:\n%s\nwant %q", r.code, r.stderr, want)
	}
	if org.Asked("Python-3.14.7.tar.xz") {
		t.Error("the tarball was fetched for a build that cannot run")
	}
	r = run(t, nil, "--data-dir", data, "install", "3.14t", "--via", "python.org", "--jit", "--mirror", org.URL)
	if r.code != 1 || !strings.Contains(r.stderr, "3.14t cannot be built with the JIT: the free-threaded builds of 3.13 and 3.14 do not support the JIT") {
		t.Errorf("3.14t --jit: code %d %s", r.code, r.stderr)
	}
}

// --if-missing installs nothing when an interpreter here matches the spec
// and says so in --json ("changed": false, with the interpreter); with
// --dry-run, for a spec nothing here matches, it says it would install
// and fetches nothing.
func TestInstallIfMissing(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	t.Setenv("PATH", filepath.Dir(py)+string(os.PathListSeparator)+os.Getenv("PATH"))
	data := t.TempDir()
	var got struct {
		Changed     bool
		Interpreter *struct {
			Path    string
			Version string
		}
	}
	r := run(t, nil, "--data-dir", data, "install", "3.13", "--if-missing", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 || got.Changed || got.Interpreter == nil || !strings.HasPrefix(got.Interpreter.Version, "3.13") {
		t.Fatalf("present: %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "install", "3.9t", "--if-missing", "--dry-run", "--json", "--mirror", "http://127.0.0.1:9/")
	got.Interpreter = nil
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 || !got.Changed || got.Interpreter != nil {
		t.Fatalf("missing, dry run: %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	if r := run(t, nil, "--data-dir", data, "install", "3.13", "--dry-run"); r.code != 2 {
		t.Errorf("--dry-run alone: %d %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "pythons")); len(entries) != 0 {
		t.Errorf("something was installed: %v", entries)
	}
}
