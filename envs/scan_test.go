package envs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
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
		if string(in.Version) != w.version || in.FreeThreaded != w.ft || string(in.Source) != w.source || in.IsVenv != w.venv || in.GILEnabled != nil {
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

// Layouts real users have, laid out as the tools lay them out: conda
// distributions and their environments installed through pyenv and asdf
// or under a name of the user's choosing, environments in .condarc's
// envs_dirs, a venv made under pyenv, PyPy through pyenv, and a
// pre-release whose build-details.json says so. Each is named by the files
// that state what it is, not by its directory's name.
func TestScanNamesEachLayoutByItsFiles(t *testing.T) {
	root := t.TempDir()
	ada := "home/ada/"
	conda := func(prefix, python string, base bool) {
		writeFile(t, root, prefix+"/bin/python3", "ELF")
		link(t, root, prefix+"/bin/python", "python3")
		writeFile(t, root, prefix+"/conda-meta/python-"+python+"-h955ad1f_0.json", "{}")
		writeFile(t, root, prefix+"/conda-meta/history", "==> 2024-01-01 00:00:00 <==\n")
		if base {
			writeFile(t, root, prefix+"/bin/conda", "#!/bin/sh\n")
			writeFile(t, root, prefix+"/condabin/conda", "#!/bin/sh\n")
		}
	}
	// conda distributions installed through pyenv, with an environment.
	conda(ada+".pyenv/versions/anaconda3-2021.04", "3.8.8", true)
	conda(ada+".pyenv/versions/anaconda3-2021.04/envs/ds", "3.11.5", false)
	conda(ada+".pyenv/versions/miniconda3-4.0.5", "3.5.1", true)
	conda(ada+".pyenv/versions/mambaforge", "3.10.12", true)
	// Through asdf.
	conda(ada+".asdf/installs/python/miniforge3-24.3.0-0", "3.12.3", true)
	// A base under a name of the user's choosing, with no environments.txt.
	conda(ada+"anaconda3-2023.03", "3.11.5", true)
	// Environments in a directory .condarc names.
	writeFile(t, root, ada+".condarc", "channels:\n  - conda-forge\nenvs_dirs:\n  - /data/conda-envs\n  - ~/more-envs\n")
	conda("data/conda-envs/ml", "3.12.1", false)
	conda(ada+"more-envs/web", "3.9.18", false)
	// A venv made under pyenv (pyenv-virtualenv), of pyenv's 3.10.13.
	writeFile(t, root, ada+".pyenv/versions/3.10.13/bin/python3.10", "ELF")
	writeFile(t, root, ada+".pyenv/versions/my-virtual-env/pyvenv.cfg", "home = /home/ada/.pyenv/versions/3.10.13/bin\ninclude-system-site-packages = false\nversion = 3.10.13\n")
	link(t, root, ada+".pyenv/versions/my-virtual-env/bin/python", "/home/ada/.pyenv/versions/3.10.13/bin/python3.10")
	// PyPy through pyenv: pypy3.9 with its python links, PyPy's headers.
	writeFile(t, root, ada+".pyenv/versions/pypy3.9-7.3.15/bin/pypy3.9", "ELF")
	for _, name := range []string{"python", "python3", "pypy", "pypy3"} {
		link(t, root, ada+".pyenv/versions/pypy3.9-7.3.15/bin/"+name, "pypy3.9")
	}
	writeFile(t, root, ada+".pyenv/versions/pypy3.9-7.3.15/include/pypy3.9/patchlevel.h",
		"#define PY_VERSION\t\t\"3.9.18\"\n#define PYPY_VERSION \"7.3.15\"\n")
	os.MkdirAll(filepath.Join(root, ada+".pyenv/versions/pypy3.9-7.3.15/lib/pypy3.9"), 0o755)
	// A pre-release: build-details.json gives its release level.
	writeFile(t, root, "opt/py315/bin/python3.15", "ELF")
	writeFile(t, root, "opt/py315/lib/python3.15/build-details.json", `{"schema_version": "1.0",
"language": {"version": "3.15", "version_info": {"major": 3, "minor": 15, "micro": 0, "releaselevel": "alpha", "serial": 1}},
"implementation": {"name": "cpython", "version": {"major": 3, "minor": 15, "micro": 0, "releaselevel": "alpha", "serial": 1}},
"abi": {"flags": []}}`)
	// Only a name says what this one is.
	writeFile(t, root, "usr/local/bin/python3.12", "ELF")

	list, _ := envs.Scan(platform.ScannedHost("linux", root, nil))
	want := map[string]struct{ version, source, impl, from string }{
		"/home/ada/.pyenv/versions/anaconda3-2021.04/bin/python3":         {"3.8.8", "conda", "cpython", "conda-meta"},
		"/home/ada/.pyenv/versions/anaconda3-2021.04/envs/ds/bin/python3": {"3.11.5", "conda", "cpython", "conda-meta"},
		"/home/ada/.pyenv/versions/miniconda3-4.0.5/bin/python3":          {"3.5.1", "conda", "cpython", "conda-meta"},
		"/home/ada/.pyenv/versions/mambaforge/bin/python3":                {"3.10.12", "conda", "cpython", "conda-meta"},
		"/home/ada/.asdf/installs/python/miniforge3-24.3.0-0/bin/python3": {"3.12.3", "conda", "cpython", "conda-meta"},
		"/home/ada/anaconda3-2023.03/bin/python3":                         {"3.11.5", "conda", "cpython", "conda-meta"},
		"/data/conda-envs/ml/bin/python3":                                 {"3.12.1", "conda", "cpython", "conda-meta"},
		"/home/ada/more-envs/web/bin/python3":                             {"3.9.18", "conda", "cpython", "conda-meta"},
		"/home/ada/.pyenv/versions/my-virtual-env/bin/python":             {"3.10.13", "pyenv", "cpython", "pyvenv.cfg"},
		"/home/ada/.pyenv/versions/3.10.13/bin/python3.10":                {"3.10.13", "pyenv", "cpython", "name"},
		"/home/ada/.pyenv/versions/pypy3.9-7.3.15/bin/pypy3.9":            {"3.9.18", "pyenv", "pypy", "patchlevel"},
		"/opt/py315/bin/python3.15":                                       {"3.15.0a1", "local", "cpython", "build-details"},
		"/usr/local/bin/python3.12":                                       {"3.12", "local", "cpython", "name"},
	}
	got := map[string]envs.Interpreter{}
	for _, in := range list {
		got[in.Path] = in
	}
	for path, w := range want {
		in, ok := got[path]
		if !ok {
			t.Errorf("%s not found", path)
			continue
		}
		if string(in.Version) != w.version || string(in.Source) != w.source || in.Implementation != w.impl || in.VersionSource != w.from {
			t.Errorf("%s: version %q from %q, source %q, implementation %q; want %q from %q, %q, %q",
				path, in.Version, in.VersionSource, in.Source, in.Implementation, w.version, w.from, w.source, w.impl)
		}
	}
	if venv := got["/home/ada/.pyenv/versions/my-virtual-env/bin/python"]; !venv.IsVenv {
		t.Errorf("the pyenv venv is not a venv: %+v", venv)
	}
	if len(list) != len(want) {
		for _, in := range list {
			t.Logf("%s %s", in.Path, in.Version)
		}
		t.Errorf("%d interpreters, want %d", len(list), len(want))
	}
}

// scan (running nothing) and list (running each interpreter) agree on
// every interpreter of this machine, the test builds included: version,
// implementation and build. Where they disagree, list is right, and the
// test names the file that misled scan.
func TestScanAgreesWithList(t *testing.T) {
	var path []string
	for _, p := range testenv.FreeThreaded(t) {
		path = append(path, filepath.Dir(p))
	}
	for _, p := range testenv.GILBuilds(t) {
		path = append(path, filepath.Dir(p))
	}
	path = append(path, "/usr/bin")
	listed, _, err := envs.Discover(context.Background(), realHost(t, path...), envs.DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scanHost := platform.ScannedHost("linux", "/", nil)
	scanHost.Env["PATH"] = strings.Join(path, ":")
	scanned, _ := envs.Scan(scanHost)
	compared := 0
	for _, l := range listed {
		if l.Status != envs.StatusOK {
			continue
		}
		s, ok := byPath(scanned, l.Path)
		if !ok {
			t.Errorf("list found %s (%s), scan did not", l.Path, l.Source)
			continue
		}
		compared++
		if s.Version != l.Version || s.Implementation != l.Implementation || s.FreeThreaded != l.FreeThreaded {
			t.Errorf("%s: scan says %s %s free-threaded %v (version from %s), list says %s %s free-threaded %v",
				l.Path, s.Implementation, s.Version, s.FreeThreaded, s.VersionSource, l.Implementation, l.Version, l.FreeThreaded)
		}
		t.Logf("%-70s %-8s %-7s ft=%-5v scan's version from %s", l.Path, l.Version, l.Implementation, l.FreeThreaded, s.VersionSource)
	}
	if compared < len(testenv.FreeThreaded(t))+len(testenv.GILBuilds(t))+1 {
		t.Errorf("only %d interpreters compared", compared)
	}
}
