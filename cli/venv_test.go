package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

func TestVenvLifecycle(t *testing.T) {
	// The standard test build of 3.13 is the newest GIL 3.13 on PATH.
	gil := testenv.GIL(t, "3.13")
	t.Setenv("PATH", filepath.Dir(gil)+string(os.PathListSeparator)+os.Getenv("PATH"))
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "venv", "create", "demo", "--python", "3.13")
	if r.code != 0 {
		t.Fatalf("create: code %d\n%s", r.code, r.stderr)
	}
	dir := filepath.Join(data, "venvs", "demo")
	if !strings.Contains(r.stdout, "Created venv demo") || !strings.Contains(r.stdout, "source '"+dir+"/bin/activate'") {
		t.Errorf("create output: %s", r.stdout)
	}
	// The same name again is refused, where it is and elsewhere, and the
	// venv is untouched; so is a reserved name.
	marker := filepath.Join(dir, "marker")
	os.WriteFile(marker, []byte("still here"), 0o644)
	if r := run(t, nil, "--data-dir", data, "venv", "create", "demo", "--python", "3.13"); r.code != 1 || !strings.Contains(r.stderr, "not empty") || !strings.Contains(r.stderr, "--recreate") {
		t.Errorf("same name again: code %d, stderr %q", r.code, r.stderr)
	}
	if r := run(t, nil, "--data-dir", data, "venv", "create", "demo", "--python", "3.13", "--path", filepath.Join(t.TempDir(), "other")); r.code != 1 || !strings.Contains(r.stderr, "a venv named demo already exists at "+dir) {
		t.Errorf("same name elsewhere: code %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(marker); string(b) != "still here" {
		t.Error("a refused create touched the venv")
	}
	os.Remove(marker)
	if r := run(t, nil, "--data-dir", data, "venv", "create", "CON", "--python", "3.13"); r.code != 2 || !strings.Contains(r.stderr, "reserved on Windows") {
		t.Errorf("reserved name: code %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "venv", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != 0 {
		t.Fatalf("list: %v %d %s", err, r.code, r.stdout)
	}
	var demo map[string]any
	for _, v := range list {
		if v["name"] == "demo" {
			demo = v
		}
	}
	for _, f := range []string{"base", "free_threaded", "created", "size_bytes", "status", "activate"} {
		if _, ok := demo[f]; !ok {
			t.Errorf("venv list entry lacks %s: %v", f, demo)
		}
	}
	if demo["status"] != "ok" || demo["origin"] != "created" {
		t.Errorf("demo: %v", demo)
	}
	r = run(t, nil, "--data-dir", data, "venv", "check", "demo", "--json")
	var check map[string]any
	if json.Unmarshal([]byte(r.stdout), &check); r.code != 0 || check["status"] != "ok" || check["free_threaded"] != false {
		t.Errorf("check: %d %s", r.code, r.stdout)
	}
	for _, f := range []string{"name", "path", "python", "base", "free_threaded", "status", "problems"} {
		if _, ok := check[f]; !ok {
			t.Errorf("check lacks %s", f)
		}
	}
	if r := run(t, nil, "--data-dir", data, "venv", "rm", "demo"); r.code != 0 {
		t.Fatalf("rm: %d %s", r.code, r.stderr)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Fatal("rm left the venv")
	}
}

func TestVenvRmRefusals(t *testing.T) {
	data := t.TempDir()
	plain := filepath.Join(t.TempDir(), "plain")
	os.MkdirAll(plain, 0o755)
	stranger := filepath.Join(t.TempDir(), "stranger")
	os.MkdirAll(stranger, 0o755)
	os.WriteFile(filepath.Join(stranger, "pyvenv.cfg"), []byte("home = /usr/bin\n"), 0o644)
	for _, target := range []string{plain, "/", stranger, "nosuchname"} {
		r := run(t, nil, "--data-dir", data, "venv", "rm", target)
		if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("rm %s: code %d, stderr %q", target, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(stranger, "pyvenv.cfg")); err != nil {
		t.Fatal("an unknown venv was touched")
	}
	// Once registered, it can be removed.
	if r := run(t, nil, "--data-dir", data, "venv", "add", stranger); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "--data-dir", data, "venv", "rm", "stranger"); r.code != 0 {
		t.Fatalf("rm registered: %d %s", r.code, r.stderr)
	}
	if _, err := os.Lstat(stranger); !os.IsNotExist(err) {
		t.Fatal("the registered venv was not deleted")
	}
}

func TestVenvFreeThreadedGILScanCLI(t *testing.T) {
	ft := testenv.FreeThreaded(t)["3.14"]
	data := t.TempDir()
	if r := run(t, nil, "--data-dir", data, "venv", "create", "ft", "--python", ft); r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	dir := filepath.Join(data, "venvs", "ft")
	site, err := exec.Command(envs.VenvPython(dir), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])").Output()
	if err != nil {
		t.Fatal(err)
	}
	testenv.GILExtensions(t, ft, strings.TrimSpace(string(site)))
	r := run(t, nil, "--data-dir", data, "venv", "check", "ft", "--gil-scan", "--json")
	var check struct {
		FreeThreaded bool `json:"free_threaded"`
		Status       string
		GILScan      []envs.ModuleResult `json:"gil_scan"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &check); err != nil || r.code != 0 {
		t.Fatalf("check: %v %d %s %s", err, r.code, r.stdout, r.stderr)
	}
	if !check.FreeThreaded || check.Status != "ok" {
		t.Errorf("check: %+v", check)
	}
	// The scan ran and judged each module: the extension without a
	// Py_mod_gil slot turns the GIL on, the one declaring it does not.
	judged := map[string]envs.ModuleResult{}
	for _, m := range check.GILScan {
		judged[m.Module] = m
	}
	if m, ok := judged["needsgil"]; !ok || !m.EnablesGIL {
		t.Errorf("needsgil: %+v (scan: %+v)", m, check.GILScan)
	}
	if m, ok := judged["freemod"]; !ok || m.EnablesGIL || m.Error != "" {
		t.Errorf("freemod: %+v (scan: %+v)", m, check.GILScan)
	}
	// The readable report names the module that turns the GIL on.
	r = run(t, nil, "--data-dir", data, "venv", "check", "ft", "--gil-scan")
	if !strings.Contains(r.stdout, "GIL back on: needsgil") || strings.Contains(r.stdout, "GIL back on: freemod") {
		t.Errorf("check --gil-scan:\n%s", r.stdout)
	}
}

// A project made into a venv with "python -m venv ." can be registered and
// checked, but venv rm never deletes it: it holds the project too. Nor
// does venv rm delete through a link on the way to a venv.
func TestVenvRmRefusesAProjectRootAndLinks(t *testing.T) {
	py := testenv.System(t)
	data := t.TempDir()
	project := filepath.Join(t.TempDir(), "myproject")
	os.MkdirAll(filepath.Join(project, "src", "myproject"), 0o755)
	os.MkdirAll(filepath.Join(project, ".git"), 0o755)
	os.WriteFile(filepath.Join(project, "pyproject.toml"), []byte("[project]\nname = \"myproject\"\n"), 0o644)
	os.WriteFile(filepath.Join(project, "src", "myproject", "__init__.py"), []byte("VALUE = 1\n"), 0o644)
	cmd := exec.Command(py, "-m", "venv", "--without-pip", ".")
	cmd.Dir = project
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python -m venv .: %v %s", err, out)
	}
	added := run(t, nil, "--data-dir", data, "venv", "add", project)
	if added.code != 0 {
		t.Fatalf("add: %d %s", added.code, added.stderr)
	}
	for _, arg := range []string{"myproject", project} {
		r := run(t, nil, "--data-dir", data, "venv", "rm", arg)
		if r.code != 1 || !strings.Contains(r.stderr, "pyproject.toml") || !strings.Contains(r.stderr, ".git") || !strings.Contains(r.stderr, "nothing was deleted") {
			t.Errorf("rm %s: code %d, stderr %q", arg, r.code, r.stderr)
		}
	}
	for _, f := range []string{"pyproject.toml", "src/myproject/__init__.py", ".git", "pyvenv.cfg", "bin/python"} {
		if _, err := os.Lstat(filepath.Join(project, f)); err != nil {
			t.Errorf("%s is gone: %v", f, err)
		}
	}
	if !strings.Contains(added.stdout, "never delete it") {
		t.Errorf("venv add should say it will never delete a project: %s", added.stdout)
	}

	// A venv reached through a linked directory is refused by that path.
	real := t.TempDir()
	venv := filepath.Join(real, "v")
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	link := filepath.Join(t.TempDir(), "linked")
	os.Symlink(real, link)
	if r := run(t, nil, "--data-dir", data, "venv", "add", venv); r.code != 0 {
		t.Fatalf("add: %s", r.stderr)
	}
	r := run(t, nil, "--data-dir", data, "venv", "rm", filepath.Join(link, "v"))
	if r.code != 1 || !strings.Contains(r.stderr, "symbolic link "+link) {
		t.Errorf("rm through a link: code %d, stderr %q", r.code, r.stderr)
	}
	if !envs.IsVenvDir(venv) {
		t.Fatal("the venv was deleted through the link")
	}
	if r := run(t, nil, "--data-dir", data, "venv", "rm", "v"); r.code != 0 {
		t.Errorf("rm by name: %d %s", r.code, r.stderr)
	}
}

// A venv create killed halfway (SIGKILL, once venv has written pyvenv.cfg,
// while pip is put in) blocks nothing. While it runs, a second create of
// the name is refused, naming the first. After it, the next create of the
// name undoes what it left and makes the venv whole. A recreate killed
// halfway gives the old venv back before it goes on: no copy of it is
// left beside.
func TestVenvCreateKilledHalfway(t *testing.T) {
	py := testenv.GIL(t, "3.13")
	data := t.TempDir()
	dir := filepath.Join(data, "venvs", "half")
	killWhen := func(c *child, ready func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !ready(); time.Sleep(2 * time.Millisecond) {
			if !c.alive() || time.Now().After(deadline) {
				t.Fatalf("the create ended before it was halfway:\n%s", c.Stderr())
			}
		}
		c.cmd.Process.Kill()
		c.wait(t, 10*time.Second)
	}
	hasCfg := func() bool { _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); return err == nil }

	c := startChild(t, nil, "--data-dir", data, "venv", "create", "half", "--python", py)
	for deadline := time.Now().Add(time.Minute); !hasCfg() && time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
	}
	if r := run(t, nil, "--data-dir", data, "venv", "create", "half", "--python", py); r.code != 1 || !strings.Contains(r.stderr, "another PyHangar process") || !strings.Contains(r.stderr, "is creating the venv half") {
		t.Errorf("a second create while the first runs: code %d, stderr %q", r.code, r.stderr)
	}
	killWhen(c, hasCfg)
	r := run(t, nil, "--data-dir", data, "venv", "create", "half", "--python", py)
	if r.code != 0 || !strings.Contains(r.stderr, "interrupted") {
		t.Fatalf("the create after a killed one: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if out, err := exec.Command(envs.VenvPython(dir), "-I", "-m", "pip", "--version").CombinedOutput(); err != nil {
		t.Errorf("the venv made after the kill has no pip: %v %s", err, out)
	}

	// A recreate killed once the old venv is aside and the new one begun.
	marker := filepath.Join(dir, "lib", "old-venv")
	os.WriteFile(marker, []byte("the old venv"), 0o644)
	c = startChild(t, nil, "--data-dir", data, "venv", "create", "half", "--python", py, "--recreate")
	killWhen(c, func() bool {
		aside, _ := filepath.Glob(dir + ".replaced-*")
		return len(aside) == 1 && hasCfg()
	})
	r = run(t, nil, "--data-dir", data, "venv", "create", "half", "--python", py, "--recreate")
	if r.code != 0 {
		t.Fatalf("the recreate after a killed one: code %d\n%s", r.code, r.stderr)
	}
	if aside, _ := filepath.Glob(dir + ".replaced-*"); len(aside) > 0 {
		t.Errorf("a copy of the old venv is left beside: %v", aside)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the recreate kept the old venv's files")
	}
	if r := run(t, nil, "--data-dir", data, "venv", "check", "half"); r.code != 0 {
		t.Errorf("check after the recreate: code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
