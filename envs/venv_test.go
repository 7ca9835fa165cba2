package envs_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

func create(t *testing.T, dir string, base envs.Interpreter, requirements string) (envs.Identity, []string, error) {
	t.Helper()
	var lines []string
	id, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{
		Dir: dir, Base: base, Requirements: requirements,
		Progress: func(l string) { lines = append(lines, l) },
	})
	return id, lines, err
}

func pyOut(t *testing.T, python string, code string) string {
	t.Helper()
	out, err := exec.Command(python, "-I", "-c", code).CombinedOutput()
	if err != nil {
		t.Fatalf("%s -c %q: %v\n%s", python, code, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestVenvGILWithRequirements(t *testing.T) {
	base := testenv.Interp(t, testenv.GIL(t, "3.13"))
	dir := filepath.Join(t.TempDir(), "venvs with space", "ñandú")
	id, lines, err := create(t, dir, base, testenv.OfflineRequirements(t))
	if err != nil {
		t.Fatalf("create: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if !id.IsVenv || id.FreeThreaded {
		t.Errorf("identity %+v", id)
	}
	if got := pyOut(t, envs.VenvPython(dir), "import phdemo; print(phdemo.VALUE)"); got != "42" {
		t.Errorf("phdemo not installed: %q", got)
	}
	var sawPip bool
	for _, l := range lines {
		sawPip = sawPip || strings.Contains(l, "Successfully installed phdemo-0.1")
	}
	if !sawPip {
		t.Errorf("pip's output was not streamed:\n%s", strings.Join(lines, "\n"))
	}
	cfg, _ := envs.ReadVenvConfig(dir)
	if cfg["include-system-site-packages"] != "false" {
		t.Errorf("system site-packages must be off: %v", cfg)
	}
	c := envs.Check(context.Background(), dir, "ñandú", "")
	if c.Status != envs.StatusOK || c.FreeThreaded || !c.Version.In("3.13") || !strings.HasPrefix(c.Pip, "pip ") || c.SizeBytes < 1<<20 {
		t.Errorf("check: %+v", c)
	}
	if a := c.Activate["bash"]; a != "source '"+filepath.Join(dir, "bin", "activate")+"'" {
		t.Errorf("activation: %q", a)
	}
}

func TestVenvSystemPython(t *testing.T) {
	base := testenv.Interp(t, testenv.System(t))
	dir := filepath.Join(t.TempDir(), "sys")
	if _, lines, err := create(t, dir, base, ""); err != nil {
		t.Fatalf("create: %v\n%s", err, strings.Join(lines, "\n"))
	}
	if c := envs.Check(context.Background(), dir, "sys", ""); c.Status != envs.StatusOK || c.FreeThreaded {
		t.Errorf("check: %+v", c)
	}
}

func TestVenvFreeThreadedAndGILScan(t *testing.T) {
	for minor, python := range testenv.FreeThreaded(t) {
		t.Run(minor, func(t *testing.T) {
			base := testenv.Interp(t, python)
			dir := filepath.Join(t.TempDir(), "ft")
			id, lines, err := create(t, dir, base, "")
			if err != nil {
				t.Fatalf("create: %v\n%s", err, strings.Join(lines, "\n"))
			}
			if !id.FreeThreaded {
				t.Fatal("a free-threaded base gave a GIL venv")
			}
			if got := pyOut(t, envs.VenvPython(dir), "import sysconfig; print(sysconfig.get_config_var('Py_GIL_DISABLED'))"); got != "1" {
				t.Fatalf("Py_GIL_DISABLED in the venv = %s", got)
			}
			c := envs.Check(context.Background(), dir, "ft", "")
			if c.Status != envs.StatusOK || !c.FreeThreaded {
				t.Fatalf("check: %+v", c)
			}

			// Two tiny C extensions: one without a Py_mod_gil slot, one
			// declaring Py_MOD_GIL_NOT_USED, and a module that fails.
			site := pyOut(t, envs.VenvPython(dir), "import sysconfig; print(sysconfig.get_paths()['platlib'])")
			testenv.GILExtensions(t, python, site)
			os.WriteFile(filepath.Join(site, "brokenmod.py"), []byte("raise ImportError('no luck')\n"), 0o644)

			results, err := envs.ScanGIL(context.Background(), envs.VenvPython(dir), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]envs.ModuleResult{}
			for _, r := range results {
				got[r.Module] = r
			}
			if r, ok := got["needsgil"]; !ok || !r.EnablesGIL || !strings.HasPrefix(r.Warning, envs.GILWarningPrefix) {
				t.Errorf("needsgil must be flagged: %+v (all: %+v)", r, results)
			}
			if r, ok := got["freemod"]; !ok || r.EnablesGIL || r.Error != "" {
				t.Errorf("freemod must not be flagged: %+v", r)
			}
			if r, ok := got["brokenmod"]; !ok || !strings.Contains(r.Error, "no luck") || r.EnablesGIL {
				t.Errorf("brokenmod's import error must be reported: %+v", r)
			}
			// --modules narrows the scan.
			only, err := envs.ScanGIL(context.Background(), envs.VenvPython(dir), []string{"freemod"}, nil)
			if err != nil || len(only) != 1 || only[0].EnablesGIL {
				t.Errorf("scan of freemod alone: %+v, %v", only, err)
			}
		})
	}
}

func TestGILScanRefusesGILBuild(t *testing.T) {
	_, err := envs.ScanGIL(context.Background(), testenv.GIL(t, "3.13"), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "GIL build") {
		t.Fatalf("err = %v", err)
	}
}

func TestVenvFailedCreateLeavesNothing(t *testing.T) {
	base := testenv.Interp(t, testenv.GIL(t, "3.13"))
	root := t.TempDir()
	req := filepath.Join(root, "requirements.txt")
	os.WriteFile(req, []byte("--no-index\nno-such-package-anywhere==1.0\n"), 0o644)
	dir := filepath.Join(root, "half")
	if _, _, err := create(t, dir, base, req); err == nil {
		t.Fatal("create with unsatisfiable requirements succeeded")
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Fatalf("a failed create left %s behind", dir)
	}

	// An existing non-empty directory is refused and untouched.
	busy := filepath.Join(root, "busy")
	os.MkdirAll(busy, 0o755)
	os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o644)
	if _, _, err := create(t, busy, base, ""); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(busy, "notes.txt")); string(b) != "mine" {
		t.Fatal("the existing directory was touched")
	}

	// A failed recreate puts the old venv back.
	old := filepath.Join(root, "old")
	if _, _, err := create(t, old, base, ""); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(old, "lib", "marker"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(old, "notes.txt"), []byte("mine"), 0o644)
	_, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{Dir: old, Base: base, Recreate: true, Requirements: req})
	if err == nil {
		t.Fatal("recreate with bad requirements succeeded")
	}
	if b, _ := os.ReadFile(filepath.Join(old, "lib", "marker")); string(b) != "old" {
		t.Fatal("a failed recreate lost the old venv")
	}
	if matches, _ := filepath.Glob(old + ".replaced-*"); len(matches) != 0 {
		t.Fatalf("left behind: %v", matches)
	}
	// A good recreate replaces the venv's own files; what the user saved
	// in its folder stays.
	if _, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{Dir: old, Base: base, Recreate: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(old, "lib", "marker")); !os.IsNotExist(err) {
		t.Fatal("recreate kept the old venv's contents")
	}
	if b, _ := os.ReadFile(filepath.Join(old, "notes.txt")); string(b) != "mine" {
		t.Fatal("recreate deleted the user's notes")
	}
	if matches, _ := filepath.Glob(old + ".replaced-*"); len(matches) != 0 {
		t.Fatalf("left behind: %v", matches)
	}
}

// What a create killed halfway left is undone by the next create with the
// same journal (cli's TestVenvCreateKilledHalfway kills a real one), but
// only a venv's own files go: a folder someone has put a project into
// since, or one reached through a link, is kept and the create stops.
func TestInterruptedCreateDeletesOnlyWhatItMade(t *testing.T) {
	base := testenv.Interp(t, testenv.GIL(t, "3.13"))
	root := t.TempDir()
	journal := filepath.Join(root, "journal.json")
	project := filepath.Join(root, "project")
	os.MkdirAll(filepath.Join(project, "bin"), 0o755)
	os.WriteFile(filepath.Join(project, "pyvenv.cfg"), []byte("home = /usr/bin\n"), 0o644)
	os.WriteFile(filepath.Join(project, "pyproject.toml"), []byte("[project]\n"), 0o644)
	os.Symlink(project, filepath.Join(root, "link"))
	for _, dir := range []string{project, filepath.Join(root, "link")} {
		b, _ := json.Marshal(map[string]string{"dir": dir})
		os.WriteFile(journal, b, 0o644)
		_, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{Dir: filepath.Join(root, "new"), Base: base, Journal: journal})
		if err == nil || !strings.Contains(err.Error(), "nothing was deleted") {
			t.Errorf("a journal naming %s: err %v", dir, err)
		}
		if _, err := os.Stat(filepath.Join(project, "pyproject.toml")); err != nil {
			t.Fatalf("the project went: %v", err)
		}
		if _, err := os.Stat(journal); err != nil {
			t.Errorf("the journal went without its undo: %v", err)
		}
	}

	// A journal naming a half-made venv: it goes, the create goes on, and
	// the journal stays for the caller to drop once the venv is recorded.
	half := filepath.Join(root, "half")
	os.MkdirAll(filepath.Join(half, "lib"), 0o755)
	b, _ := json.Marshal(map[string]string{"dir": half})
	os.WriteFile(journal, b, 0o644)
	var lines []string
	if _, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{Dir: filepath.Join(root, "new"), Base: base, Journal: journal,
		Progress: func(l string) { lines = append(lines, l) }}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(half); !os.IsNotExist(err) {
		t.Errorf("the half-made venv is still there: %v", err)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "was interrupted") {
		t.Errorf("the undo was not said: %q", lines)
	}
	if b, err := os.ReadFile(journal); err != nil || !strings.Contains(string(b), filepath.Join(root, "new")) {
		t.Errorf("the journal after a success: %q %v", b, err)
	}
}

func TestVenvFromPython2Refused(t *testing.T) {
	py2, ok := testenv.Older(t, "2.7", "a venv from Python 2 is refused")
	if !ok {
		return
	}
	dir := filepath.Join(t.TempDir(), "py2")
	_, _, err := create(t, dir, testenv.Interp(t, py2), "")
	if err == nil || !strings.Contains(err.Error(), "no venv module") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Fatal("a directory was left")
	}
}

func TestVenvWithRemovedBaseIsBroken(t *testing.T) {
	real := testenv.GIL(t, "3.13")
	root := t.TempDir()
	// A base install that can be removed: a prefix whose python links to the
	// real one (as an upgrade that deletes the old prefix would leave it).
	baseBin := filepath.Join(root, "base", "bin")
	os.MkdirAll(baseBin, 0o755)
	target, _ := filepath.EvalSymlinks(real)
	os.Symlink(target, filepath.Join(baseBin, "python3.13"))
	dir := filepath.Join(root, "venv")
	if _, _, err := create(t, dir, testenv.Interp(t, filepath.Join(baseBin, "python3.13")), ""); err != nil {
		t.Fatal(err)
	}
	if c := envs.Check(context.Background(), dir, "v", ""); c.Status != envs.StatusOK {
		t.Fatalf("before removal: %+v", c)
	}
	os.RemoveAll(filepath.Join(root, "base"))
	c := envs.Check(context.Background(), dir, "v", "")
	if c.Status != envs.StatusBroken || len(c.Problems) == 0 || !strings.Contains(strings.Join(c.Problems, " "), "gone") {
		t.Fatalf("after removal: %+v", c)
	}
}

func TestRemoveVenvRefusesWhatIsNotSafe(t *testing.T) {
	root := t.TempDir()
	venv := filepath.Join(root, "venv")
	os.MkdirAll(filepath.Join(venv, "bin"), 0o755)
	os.WriteFile(filepath.Join(venv, "pyvenv.cfg"), []byte("home = /usr/bin\n"), 0o644)
	plain := filepath.Join(root, "plain")
	os.MkdirAll(plain, 0o755)
	os.WriteFile(filepath.Join(plain, "keep.txt"), []byte("x"), 0o644)
	link := filepath.Join(root, "link-to-venv")
	os.Symlink(venv, link)
	home, _ := os.UserHomeDir()
	all := func(string) bool { return true }
	cases := []struct {
		path  string
		known func(string) bool
		want  string
	}{
		{plain, all, "not a venv"},
		{home, all, "refusing"},
		{"/", all, "refusing"},
		{link, all, "symbolic link"},
		{venv, func(string) bool { return false }, "did not make"},
		{filepath.Join(root, "missing"), all, "no such file"},
	}
	for _, c := range cases {
		err := envs.RemoveVenv(c.path, c.known)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RemoveVenv(%s): err = %v, want %q", c.path, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(plain, "keep.txt")); err != nil {
		t.Error("the plain folder was touched")
	}
	if !envs.IsVenvDir(venv) {
		t.Fatal("the venv behind the link was touched")
	}
	if err := envs.RemoveVenv(venv, all); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(venv); !os.IsNotExist(err) {
		t.Fatal("the known venv was not deleted")
	}
}

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"ft-dev", "data team", "ñandú", "py3.13t", "a"} {
		if err := envs.ValidateName(ok); err != nil {
			t.Errorf("%q rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "CON", "nul.txt", "Com1", "lpt9", "x:y", "trailing.", " lead", "tab\there", strings.Repeat("n", 65)} {
		if err := envs.ValidateName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestActivation(t *testing.T) {
	unix := envs.Activation("/home/ada/it's here", "linux")
	if unix["bash"] != `source '/home/ada/it'\''s here/bin/activate'` || unix["fish"] != `source '/home/ada/it'\''s here/bin/activate.fish'` {
		t.Errorf("unix: %v", unix)
	}
	win := envs.Activation(`C:\Users\ada\venvs\ft`, "windows")
	if win["powershell"] != `& 'C:\Users\ada\venvs\ft\Scripts\Activate.ps1'` || win["cmd"] != `"C:\Users\ada\venvs\ft\Scripts\activate.bat"` {
		t.Errorf("windows: %v", win)
	}
}

// TestVenvViaUVStandIn makes a venv with the uv stand-in (no registry here
// serves uv): uv venv makes no pip, so requirements and checks go through
// uv pip.
func TestVenvViaUVStandIn(t *testing.T) {
	uv, _ := filepath.Abs("../installer/testdata/uv-standin/uv")
	base := testenv.Interp(t, testenv.GIL(t, "3.13"))
	dir := filepath.Join(t.TempDir(), "uv venv")
	var lines []string
	_, err := envs.MakeVenvDir(context.Background(), envs.MakeOptions{Dir: dir, Base: base, Via: "uv", UV: uv,
		Requirements: testenv.OfflineRequirements(t), Progress: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	// uv made it from the base asked for: uv says so, and the venv's
	// python runs on that base.
	if !strings.Contains(strings.Join(lines, "\n"), "Using CPython interpreter at: "+base.Path) {
		t.Errorf("uv was not given the base interpreter:\n%s", strings.Join(lines, "\n"))
	}
	if got := pyOut(t, envs.VenvPython(dir), "import sys; print(sys.base_prefix)"); got != base.Prefix {
		t.Errorf("the venv runs on %s, want %s", got, base.Prefix)
	}
	// Its packages came through uv pip: the venv has no pip of its own.
	if out, err := exec.Command(envs.VenvPython(dir), "-I", "-m", "pip", "--version").CombinedOutput(); err == nil {
		t.Errorf("a uv venv should have no pip, yet: %s", out)
	}
	if got := pyOut(t, envs.VenvPython(dir), "import phdemo; print(phdemo.VALUE)"); got != "42" {
		t.Errorf("uv pip did not install phdemo: %q", got)
	}
	c := envs.Check(context.Background(), dir, "uv", uv)
	if c.Status != envs.StatusOK || c.Pip != "uv pip" {
		t.Errorf("check: %+v", c)
	}
}

// What a venv holds is read from its dist-info METADATA, and agrees with
// what the venv's own importlib.metadata says.
func TestInstalledPackages(t *testing.T) {
	base := testenv.Interp(t, testenv.FreeThreaded(t)["3.14"])
	dir := filepath.Join(t.TempDir(), "v")
	if _, lines, err := create(t, dir, base, testenv.OfflineRequirements(t)); err != nil {
		t.Fatalf("create: %v\n%s", err, strings.Join(lines, "\n"))
	}
	got, err := envs.InstalledPackages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, p := range got {
		mine = append(mine, p.Name+"=="+p.Version)
	}
	slices.SortFunc(mine, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	theirs := pyOut(t, envs.VenvPython(dir), "import importlib.metadata as m; print('\\n'.join(sorted((d.metadata['Name'] + '==' + d.version for d in m.distributions()), key=str.lower)))")
	if strings.Join(mine, "\n") != theirs || len(mine) < 2 {
		t.Errorf("read %q; the venv says %q", mine, theirs)
	}
}
