package envs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

func writeFile(t testing.TB, root, p, content string) {
	t.Helper()
	local := filepath.Join(root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(local, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func link(t testing.TB, root, p, target string) {
	t.Helper()
	local := filepath.Join(root, filepath.FromSlash(p))
	os.MkdirAll(filepath.Dir(local), 0o755)
	if err := os.Symlink(target, local); err != nil {
		t.Fatal(err)
	}
}

func TestScanLinuxDisk(t *testing.T) {
	root := t.TempDir()
	// Debian's python3 -> python3.11, absolute links resolved inside the root.
	writeFile(t, root, "usr/bin/python3.11", "ELF")
	link(t, root, "usr/bin/python3", "/usr/bin/python3.11")
	writeFile(t, root, "usr/include/python3.11/patchlevel.h", "#define PY_VERSION              \"3.11.2\"\n")
	// A source build of 3.14t, version from PEP 739 build-details.json; the
	// hard-linked python3.14 is the same interpreter.
	writeFile(t, root, "opt/py314/bin/python3.14t", "ELF")
	os.Link(filepath.Join(root, "opt/py314/bin/python3.14t"), filepath.Join(root, "opt/py314/bin/python3.14"))
	writeFile(t, root, "opt/py314/lib/python3.14t/build-details.json",
		`{"schema_version": "1.0", "language": {"version": "3.14"}, "implementation": {"name": "cpython", "version": {"major": 3, "minor": 14, "micro": 7, "releaselevel": "final", "serial": 0}}, "abi": {"flags": ["t"]}}`)
	// uv's full dir and its minor-version link dir: one interpreter.
	writeFile(t, root, "home/ada/.local/share/uv/python/cpython-3.13.5+freethreaded-linux-x86_64-gnu/bin/python3.13t", "ELF")
	link(t, root, "home/ada/.local/share/uv/python/cpython-3.13+freethreaded-linux-x86_64-gnu", "cpython-3.13.5+freethreaded-linux-x86_64-gnu")
	// A venv of the system python.
	writeFile(t, root, "home/ada/.venvs/web/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.2\n")
	link(t, root, "home/ada/.venvs/web/bin/python", "/usr/bin/python3")
	// Not interpreters: a dangling link, a directory, a file without x bits.
	link(t, root, "usr/local/bin/python3.9", "/nowhere/python3.9")
	os.MkdirAll(filepath.Join(root, "usr/local/bin/python3"), 0o755)
	os.WriteFile(filepath.Join(root, "usr/local/bin/python3.8"), nil, 0o644)

	list, _ := envs.Scan(platform.ScannedHost("linux", root, nil))
	want := map[string]struct {
		version string
		ft      bool
		source  string
		venv    bool
	}{
		"/usr/bin/python3.11":             {"3.11.2", false, "system", false},
		"/opt/py314/bin/python3.14t":      {"3.14.7", true, "local", false},
		"/home/ada/.venvs/web/bin/python": {"3.11.2", false, "venv", true},
		"/home/ada/.local/share/uv/python/cpython-3.13.5+freethreaded-linux-x86_64-gnu/bin/python3.13t": {"3.13.5", true, "uv", false},
	}
	if len(list) != len(want) {
		for _, in := range list {
			t.Logf("%s %s aliases %v", in.Path, in.Version, in.Aliases)
		}
		t.Fatalf("got %d interpreters, want %d", len(list), len(want))
	}
	for _, in := range list {
		w, ok := want[in.Path]
		if !ok {
			t.Errorf("unexpected %s", in.Path)
			continue
		}
		if in.Version != w.version || in.FreeThreaded != w.ft || in.Source != w.source || in.IsVenv != w.venv || in.GILEnabled != nil {
			t.Errorf("%s: %+v", in.Path, in)
		}
	}
	sys, _ := byPath(list, "/usr/bin/python3")
	if sys.Path != "/usr/bin/python3.11" {
		t.Errorf("/usr/bin/python3 should be an alias of python3.11: %+v", sys)
	}
	uvLink, _ := byPath(list, "/home/ada/.local/share/uv/python/cpython-3.13+freethreaded-linux-x86_64-gnu/bin/python3.13t")
	if uvLink.Version != "3.13.5" {
		t.Errorf("uv's minor-version dir should be an alias: %+v", uvLink)
	}
}

func TestScanWindowsDiskPrintsWindowsPaths(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "Users/ada/AppData/Local/Programs/Python/Python313/python.exe", "MZ")
	writeFile(t, root, "Users/ada/AppData/Local/Programs/Python/Python313/python3.13t.exe", "MZ")
	writeFile(t, root, "Users/ada/AppData/Local/Programs/Python/Python313/include/patchlevel.h", "#define PY_VERSION \"3.13.5\"\n")
	list, _ := envs.Scan(platform.ScannedHost("windows", root, nil))
	if len(list) != 2 {
		t.Fatalf("want python.exe and python3.13t.exe as two interpreters, got %+v", list)
	}
	for _, in := range list {
		wantFT := strings.HasSuffix(in.Path, "t.exe")
		if in.FreeThreaded != wantFT || in.Version != "3.13.5" || in.Path[:3] != `C:\` {
			t.Errorf("%+v", in)
		}
	}
}

// BenchmarkScan1000 scans a synthetic disk with 1,000 interpreters.
func BenchmarkScan1000(b *testing.B) {
	root := b.TempDir()
	for i := 0; i < 1000; i++ {
		minor := 8 + i%7
		dir := fmt.Sprintf("home/u%d/.pyenv/versions/3.%d.%d", i%10, minor, i)
		writeFile(b, root, dir+"/bin/python3."+fmt.Sprint(minor), "ELF")
		link(b, root, dir+"/bin/python3", "python3."+fmt.Sprint(minor))
	}
	h := platform.ScannedHost("linux", root, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		list, _ := envs.Scan(h)
		if len(list) != 1000 {
			b.Fatalf("found %d", len(list))
		}
	}
}
