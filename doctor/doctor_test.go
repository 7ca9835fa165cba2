package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
)

func touch(t *testing.T, root, p string) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(p))
	os.MkdirAll(filepath.Dir(full), 0o755)
	if err := os.WriteFile(full, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func find(fs []Finding, id string) (Finding, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return Finding{}, false
}

func TestLinuxFindings(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "usr/local/bin/python3")
	touch(t, root, "usr/bin/python3")
	touch(t, root, "home/ada/.pyenv/shims/python3")
	h := platform.ScannedHost("linux", root, nil)
	h.Env["PATH"] = "/home/ada/.pyenv/shims:/usr/local/bin:/usr/bin:/usr/local/bin"
	ft := envs.Interpreter{Path: "/opt/py/bin/python3.14t", Identity: envs.Identity{Version: "3.14.7", FreeThreaded: true}, Status: envs.StatusOK}
	broken := envs.VenvEntry{Venv: envs.Venv{Name: "web", Path: "/home/ada/.venvs/web", BaseVersion: "3.13.5", FreeThreaded: true},
		Status: envs.StatusBroken, Problems: []string{"its python or base interpreter is gone"}}
	fs := Examine(Facts{Host: h, Interpreters: []envs.Interpreter{ft}, Venvs: []envs.VenvEntry{broken},
		MissingPrereqs: []string{"OpenSSL headers"}, PrereqFix: "sudo apt-get install -y libssl-dev"})

	if f, ok := find(fs, "path.duplicate"); !ok || !strings.Contains(f.Message, "/usr/local/bin") || f.Severity != Warn {
		t.Errorf("duplicate PATH entry: %+v", f)
	}
	if f, ok := find(fs, "path.python3"); !ok || !strings.HasPrefix(f.Message, "python3 on PATH is /usr/local/bin/python3") || !strings.Contains(f.Message, "shadows /usr/bin/python3") || strings.Contains(f.Message, "shims") {
		t.Errorf("python3 on PATH: %+v", f)
	}
	if f, ok := find(fs, "freethreaded.hidden"); !ok || !strings.Contains(f.Fix, "/opt/py/bin/python3.14t") {
		t.Errorf("hidden free-threaded build: %+v", f)
	}
	if f, ok := find(fs, "venv.broken"); !ok || f.Severity != Error || !strings.Contains(f.Fix, "--python 3.13t --recreate") {
		t.Errorf("broken venv: %+v", f)
	}
	if f, ok := find(fs, "build.prereqs"); !ok || f.Severity != Warn || f.Fix != "sudo apt-get install -y libssl-dev" {
		t.Errorf("prereqs: %+v", f)
	}
	if _, ok := find(fs, "uv.missing"); !ok {
		t.Error("uv missing not reported")
	}
	if fs[0].Severity != Error {
		t.Errorf("most serious first: %+v", fs[0])
	}
	fs = Examine(Facts{Host: h, UV: "/home/ada/.local/bin/uv", UVVersion: "uv 0.9.5"})
	if f, ok := find(fs, "uv.present"); !ok || !strings.Contains(f.Message, "uv 0.9.5") {
		t.Errorf("uv present: %+v", f)
	}
}

func TestWindowsFindings(t *testing.T) {
	root := t.TempDir()
	touch(t, root, "Users/ada/AppData/Local/Programs/Python/Python313/python.exe")
	h := platform.ScannedHost("windows", root, nil)
	h.Env["PATH"] = `C:\Users\ada\AppData\Local\Programs\Python\Python313;` + strings.Repeat(`C:\x;`, 500)
	fs := Examine(Facts{Host: h})
	if _, ok := find(fs, "windows.vcruntime"); !ok {
		t.Error("missing VC++ runtime not reported")
	}
	if f, ok := find(fs, "windows.path-length"); !ok || !strings.Contains(f.Message, "2047") {
		t.Errorf("long PATH: %+v", f)
	}
	if f, ok := find(fs, "path.python"); !ok || !strings.Contains(f.Message, `Python313\python.exe`) {
		t.Errorf("python on PATH: %+v", f)
	}
	touch(t, root, "Windows/System32/vcruntime140.dll")
	h.Env["PATH"] = `C:\Users\ada\AppData\Local\Programs\Python\Python313`
	fs = Examine(Facts{Host: h})
	if _, ok := find(fs, "windows.vcruntime"); ok {
		t.Error("vcruntime present but reported missing")
	}
}

func TestMacOSDanglingFrameworkLink(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr/local/bin"), 0o755)
	os.Symlink("../../../Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t", filepath.Join(root, "usr/local/bin/python3.13t"))
	touch(t, root, "Library/Frameworks/PythonT.framework/Versions/3.14/bin/python3.14t")
	os.Symlink("../../../Library/Frameworks/PythonT.framework/Versions/3.14/bin/python3.14t", filepath.Join(root, "usr/local/bin/python3.14t"))
	h := platform.ScannedHost("darwin", root, nil)
	fs := Examine(Facts{Host: h})
	var dangling []string
	for _, f := range fs {
		if f.ID == "macos.dangling-link" {
			dangling = append(dangling, f.Message)
		}
	}
	if len(dangling) != 1 || !strings.Contains(dangling[0], "/usr/local/bin/python3.13t") {
		t.Errorf("dangling links: %v", dangling)
	}
}

// A build with the JIT switched off gets a finding that says how to switch
// it on; the same build run with PYTHON_JIT=1, and a build without the
// JIT, get none.
func TestJITOffSaysHowToSwitchItOn(t *testing.T) {
	h := platform.ScannedHost("linux", t.TempDir(), nil)
	identify := func(path string) envs.Interpreter {
		in, err := envs.Identify(t.Context(), path, platform.SourcePyHangar, 0)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	jit, gil := identify(testenv.JIT(t)), identify(testenv.GIL(t, "3.13"))
	fs := Examine(Facts{Host: h, Interpreters: []envs.Interpreter{jit, gil}})
	var offs []Finding
	for _, f := range fs {
		if f.ID == "jit.off" {
			offs = append(offs, f)
		}
	}
	if len(offs) != 1 || offs[0].Path != jit.Path || offs[0].Severity != Info ||
		!strings.Contains(offs[0].Fix, "PYTHON_JIT=1") || !strings.Contains(offs[0].Fix, "pyhangar bench --jit --python "+jit.Path) {
		t.Errorf("findings about the JIT: %+v", offs)
	}
	t.Setenv("PYTHON_JIT", "1")
	on := identify(jit.Path)
	if on.JITEnabled == nil || !*on.JITEnabled {
		t.Fatalf("with PYTHON_JIT=1 the probe says the JIT is %v", on.JITEnabled)
	}
	if f, ok := find(Examine(Facts{Host: h, Interpreters: []envs.Interpreter{on}}), "jit.off"); ok {
		t.Errorf("the JIT is on, yet: %+v", f)
	}
}
