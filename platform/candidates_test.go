package platform

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// tree builds files under root; paths use '/', and for Windows layouts they
// are the host path without its drive.
type tree struct {
	t    *testing.T
	root string
}

func newTree(t *testing.T) *tree { return &tree{t, t.TempDir()} }

func (tr *tree) file(p string, content string) {
	tr.t.Helper()
	local := filepath.Join(tr.root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(local, []byte(content), 0o755); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) link(p, target string) {
	tr.t.Helper()
	local := filepath.Join(tr.root, filepath.FromSlash(p))
	os.MkdirAll(filepath.Dir(local), 0o755)
	if err := os.Symlink(target, local); err != nil {
		tr.t.Fatal(err)
	}
}

// found indexes candidates by path.
func found(cands []Candidate) map[string]Candidate {
	m := map[string]Candidate{}
	for _, c := range cands {
		if _, ok := m[c.Path]; !ok {
			m[c.Path] = c
		}
	}
	return m
}

func expect(t *testing.T, m map[string]Candidate, path, source, version string, ft bool) {
	t.Helper()
	c, ok := m[path]
	if !ok {
		var all []string
		for p := range m {
			all = append(all, p)
		}
		sort.Strings(all)
		t.Errorf("%s not found; found:\n  %s", path, strings.Join(all, "\n  "))
		return
	}
	if string(c.Source) != source || string(c.Hint.Version) != version || c.Hint.FreeThreaded != ft {
		t.Errorf("%s: source %q version %q ft %v; want %q %q %v", path, c.Source, c.Hint.Version, c.Hint.FreeThreaded, source, version, ft)
	}
}

func absent(t *testing.T, m map[string]Candidate, path string) {
	t.Helper()
	if _, ok := m[path]; ok {
		t.Errorf("%s must not be a candidate", path)
	}
}

func TestNameHint(t *testing.T) {
	cases := []struct {
		name    string
		windows bool
		ok      bool
		version string
		ft      bool
	}{
		{"python", false, true, "", false},
		{"python3", false, true, "3", false},
		{"python3.13", false, true, "3.13", false},
		{"python3.13t", false, true, "3.13", true},
		{"python3t", false, true, "3", true},
		{"python2.7", false, true, "2.7", false},
		{"python3.13-config", false, false, "", false},
		{"python3.11-dbg", false, false, "", false},
		{"pythonw.exe", true, false, "", false},
		{"python.exe", true, true, "", false},
		{"python3.14t.exe", true, true, "3.14", true},
		{"Python.EXE", true, true, "", false},
		{"python.exe", false, false, "", false},
		{"python3", true, false, "", false},
	}
	for _, c := range cases {
		h, ok := NameHint(c.name, c.windows)
		if ok != c.ok || (ok && (string(h.Version) != c.version || h.FreeThreaded != c.ft)) {
			t.Errorf("NameHint(%q, %v) = %+v, %v", c.name, c.windows, h, ok)
		}
	}
}

func TestLinuxLayout(t *testing.T) {
	tr := newTree(t)
	// System and Fedora/deadsnakes free-threaded builds.
	tr.file("usr/bin/python3.11", "")
	tr.link("usr/bin/python3", "python3.11")
	tr.file("usr/bin/python3.14t", "")
	tr.file("usr/bin/python3.11-config", "")
	tr.file("usr/local/bin/python3.13", "")
	tr.file("opt/python-3.13.5t/bin/python3.13t", "")
	// pyenv, with shims that must never be listed.
	tr.file("home/ada/.pyenv/versions/3.13.5t/bin/python3.13t", "")
	tr.file("home/ada/.pyenv/versions/3.12.1/bin/python3.12", "")
	tr.file("home/ada/.pyenv/shims/python3", "#!/bin/sh\n")
	// asdf and mise.
	tr.file("home/ada/.asdf/installs/python/3.12.4/bin/python3", "")
	tr.file("home/ada/.local/share/mise/installs/python/3.14.0/bin/python3.14", "")
	tr.file("home/ada/.asdf/shims/python3", "")
	// uv: a free-threaded install and its minor-version link dir.
	tr.file("home/ada/.local/share/uv/python/cpython-3.14.2+freethreaded-linux-x86_64-gnu/bin/python3.14t", "")
	tr.link("home/ada/.local/share/uv/python/cpython-3.14+freethreaded-linux-x86_64-gnu", "cpython-3.14.2+freethreaded-linux-x86_64-gnu")
	tr.file("home/ada/.local/share/uv/python/cpython-3.13.1-linux-x86_64-gnu/bin/python3.13", "")
	// conda: base with python-freethreading, an env, one listed in environments.txt.
	tr.file("home/ada/miniforge3/bin/python3.13t", "")
	tr.file("home/ada/miniforge3/conda-meta/python-3.13.5-h1234_0_cp313t.json", "{}")
	tr.file("home/ada/miniforge3/conda-meta/python-freethreading-3.13.5-h0.json", "{}")
	tr.file("home/ada/miniforge3/envs/old/bin/python3.9", "")
	tr.file("home/ada/miniforge3/envs/old/conda-meta/python-3.9.18-h0.json", "{}")
	tr.file("srv/envs/listed/bin/python3.10", "")
	tr.file("srv/envs/listed/conda-meta/python-3.10.4-h0.json", "{}")
	tr.file("home/ada/.conda/environments.txt", "/srv/envs/listed\n\n/nowhere\n")
	// venvs, one free-threaded.
	tr.file("home/ada/.virtualenvs/web/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.2\n")
	tr.link("home/ada/.virtualenvs/web/bin/python", "/usr/bin/python3")
	tr.file("home/ada/.venvs/ft/pyvenv.cfg", "home = /opt/python-3.13.5t/bin\nexecutable = /opt/python-3.13.5t/bin/python3.13t\nversion_info = 3.13.5\n")
	tr.link("home/ada/.venvs/ft/bin/python", "/opt/python-3.13.5t/bin/python3.13t")
	// Homebrew on Linux.
	tr.file("home/linuxbrew/.linuxbrew/Cellar/python@3.12/3.12.8/bin/python3.12", "")
	// PyHangar's own install and a venv of its own.
	tr.file("data/pythons/cpython-3.13.5t/bin/python3.13t", "")
	tr.file("data/venvs/mine/pyvenv.cfg", "version = 3.13.5\n")
	tr.file("data/venvs/mine/bin/python", "")

	h := ScannedHost("linux", tr.root, nil)
	h.DataDir = "/data"
	h.Env["PATH"] = "/usr/bin:/home/ada/.pyenv/shims::relative/bin:/usr/bin"
	if len(h.Homes) != 1 || h.Homes[0] != "/home/ada" {
		t.Fatalf("homes = %v", h.Homes)
	}
	m := found(Candidates(h))
	expect(t, m, "/usr/bin/python3.11", "system", "3.11", false)
	expect(t, m, "/usr/bin/python3.14t", "system", "3.14", true)
	absent(t, m, "/usr/bin/python3.11-config")
	expect(t, m, "/usr/local/bin/python3.13", "local", "3.13", false)
	expect(t, m, "/opt/python-3.13.5t/bin/python3.13t", "local", "3.13.5", true)
	expect(t, m, "/home/ada/.pyenv/versions/3.13.5t/bin/python3.13t", "pyenv", "3.13.5", true)
	expect(t, m, "/home/ada/.pyenv/versions/3.12.1/bin/python3.12", "pyenv", "3.12.1", false)
	absent(t, m, "/home/ada/.pyenv/shims/python3")
	absent(t, m, "/home/ada/.asdf/shims/python3")
	expect(t, m, "/home/ada/.asdf/installs/python/3.12.4/bin/python3", "asdf", "3.12.4", false)
	expect(t, m, "/home/ada/.local/share/mise/installs/python/3.14.0/bin/python3.14", "mise", "3.14.0", false)
	expect(t, m, "/home/ada/.local/share/uv/python/cpython-3.14.2+freethreaded-linux-x86_64-gnu/bin/python3.14t", "uv", "3.14.2", true)
	expect(t, m, "/home/ada/.local/share/uv/python/cpython-3.14+freethreaded-linux-x86_64-gnu/bin/python3.14t", "uv", "3.14", true)
	expect(t, m, "/home/ada/.local/share/uv/python/cpython-3.13.1-linux-x86_64-gnu/bin/python3.13", "uv", "3.13.1", false)
	expect(t, m, "/home/ada/miniforge3/bin/python3.13t", "conda", "3.13.5", true)
	expect(t, m, "/home/ada/miniforge3/envs/old/bin/python3.9", "conda", "3.9.18", false)
	expect(t, m, "/srv/envs/listed/bin/python3.10", "conda", "3.10.4", false)
	expect(t, m, "/home/ada/.virtualenvs/web/bin/python", "venv", "3.11.2", false)
	expect(t, m, "/home/ada/.venvs/ft/bin/python", "venv", "3.13.5", true)
	expect(t, m, "/home/linuxbrew/.linuxbrew/Cellar/python@3.12/3.12.8/bin/python3.12", "homebrew", "3.12.8", false)
	expect(t, m, "/data/pythons/cpython-3.13.5t/bin/python3.13t", "pyhangar", "3.13.5", true)
	expect(t, m, "/data/venvs/mine/bin/python", "venv", "3.13.5", false)
	if m["/home/ada/.venvs/ft/bin/python"].Hint.VenvRoot != "/home/ada/.venvs/ft" {
		t.Errorf("venv root not recorded: %+v", m["/home/ada/.venvs/ft/bin/python"])
	}
	// PATH: /usr/bin once (duplicates, empty, relative and shim entries skipped).
	var onPath []string
	for _, c := range Candidates(h) {
		if c.OnPath {
			onPath = append(onPath, c.Path)
		}
	}
	sort.Strings(onPath)
	if strings.Join(onPath, " ") != "/usr/bin/python3 /usr/bin/python3.11 /usr/bin/python3.14t" {
		t.Errorf("PATH candidates = %v", onPath)
	}
}

func TestMacOSLayout(t *testing.T) {
	tr := newTree(t)
	tr.file("Library/Frameworks/Python.framework/Versions/3.13/bin/python3.13", "")
	tr.file("Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t", "")
	tr.link("usr/local/bin/python3.13t", "/Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t")
	tr.file("opt/homebrew/Cellar/python@3.12/3.12.8/Frameworks/Python.framework/Versions/3.12/bin/python3.12", "")
	tr.link("opt/homebrew/bin/python3.12", "../Cellar/python@3.12/3.12.8/Frameworks/Python.framework/Versions/3.12/bin/python3.12")
	tr.file("opt/homebrew/Cellar/python-freethreading/3.14.2/Frameworks/PythonT.framework/Versions/3.14/bin/python3.14t", "")
	tr.file("Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions/3.9/bin/python3", "")
	tr.file("Library/Developer/CommandLineTools/usr/bin/python3", "")
	tr.file("Applications/Xcode.app/Contents/Developer/Library/Frameworks/Python3.framework/Versions/3.9/bin/python3.9", "")
	tr.file("Applications/Xcode.app/Contents/Developer/usr/bin/python3", "")
	tr.file("usr/bin/python3", "stub")
	tr.file("Users/ada/Library/Application Support/uv/python/cpython-3.14.2+freethreaded-macos-aarch64-none/bin/python3.14t", "")
	tr.file("Users/Shared/not-a-home.txt", "")

	h := ScannedHost("darwin", tr.root, nil)
	m := found(Candidates(h))
	expect(t, m, "/Library/Frameworks/Python.framework/Versions/3.13/bin/python3.13", "python.org", "3.13", false)
	expect(t, m, "/Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t", "python.org", "3.13", true)
	expect(t, m, "/usr/local/bin/python3.13t", "homebrew", "3.13", true) // /usr/local is also Homebrew's Intel prefix
	expect(t, m, "/opt/homebrew/Cellar/python@3.12/3.12.8/Frameworks/Python.framework/Versions/3.12/bin/python3.12", "homebrew", "3.12.8", false)
	expect(t, m, "/opt/homebrew/bin/python3.12", "homebrew", "3.12", false)
	expect(t, m, "/opt/homebrew/Cellar/python-freethreading/3.14.2/Frameworks/PythonT.framework/Versions/3.14/bin/python3.14t", "homebrew", "3.14.2", true)
	// Apple's developer tools: the Command Line Tools and Xcode.app each
	// bring a python3 (what the /usr/bin/python3 shim runs).
	expect(t, m, "/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions/3.9/bin/python3", "apple", "3.9", false)
	expect(t, m, "/Library/Developer/CommandLineTools/usr/bin/python3", "apple", "3", false)
	expect(t, m, "/Applications/Xcode.app/Contents/Developer/Library/Frameworks/Python3.framework/Versions/3.9/bin/python3.9", "apple", "3.9", false)
	expect(t, m, "/Applications/Xcode.app/Contents/Developer/usr/bin/python3", "apple", "3", false)
	expect(t, m, "/usr/bin/python3", "apple", "3", false)
	expect(t, m, "/Users/ada/Library/Application Support/uv/python/cpython-3.14.2+freethreaded-macos-aarch64-none/bin/python3.14t", "uv", "3.14.2", true)

	// With Xcode.app alone, the shim runs Xcode's python3; with neither,
	// /usr/bin/python3 is a stub that offers to install the tools: never
	// listed (running it would pop up that offer).
	os.RemoveAll(filepath.Join(tr.root, "Library/Developer"))
	h.Env["PATH"] = "/usr/bin:/usr/local/bin"
	m = found(Candidates(h))
	expect(t, m, "/usr/bin/python3", "apple", "3", false)
	os.RemoveAll(filepath.Join(tr.root, "Applications/Xcode.app"))
	m = found(Candidates(h))
	absent(t, m, "/usr/bin/python3")
}

func TestWindowsLayout(t *testing.T) {
	tr := newTree(t)
	// python.org installer with Include_freethreaded=1: two interpreters in one folder.
	tr.file("Users/ada/AppData/Local/Programs/Python/Python313/python.exe", "")
	tr.file("Users/ada/AppData/Local/Programs/Python/Python313/python3.13t.exe", "")
	tr.file("Users/ada/AppData/Local/Programs/Python/Python313/pythonw.exe", "")
	tr.file("Program Files/Python312-32/python.exe", "")
	// The install manager.
	tr.file("Users/ada/AppData/Local/Python/pythoncore-3.14t-64/python3.14t.exe", "")
	tr.file("Users/ada/AppData/Local/Python/pythoncore-3.14-64/python.exe", "")
	// uv, current and legacy dirs.
	tr.file("Users/ada/AppData/Roaming/uv/python/cpython-3.14.2+freethreaded-windows-x86_64-none/python3.14t.exe", "")
	tr.file("Users/ada/AppData/Roaming/uv/data/python/cpython-3.12.1-windows-x86_64-none/python.exe", "")
	// Store: the package folder counts, the bare alias never does.
	tr.file("Users/ada/AppData/Local/Microsoft/WindowsApps/PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0/python.exe", "")
	tr.file("Users/ada/AppData/Local/Microsoft/WindowsApps/python.exe", "")
	// pyenv-win, NuGet, a venv and a conda env.
	tr.file("Users/ada/.pyenv/pyenv-win/versions/3.11.9/python.exe", "")
	tr.file("Users/ada/.nuget/packages/python/3.13.5/tools/python.exe", "")
	tr.file("Users/ada/.virtualenvs/api/pyvenv.cfg", "version = 3.13.5\nexecutable = C:\\Users\\ada\\AppData\\Local\\Programs\\Python\\Python313\\python3.13t.exe\n")
	tr.file("Users/ada/.virtualenvs/api/Scripts/python.exe", "")
	tr.file("Users/ada/miniconda3/python.exe", "")
	tr.file("Users/ada/miniconda3/conda-meta/python-3.12.7-h0.json", "{}")
	// A registry-only install in an odd place, from another company.
	tr.file("Tools/Py/python.exe", "")

	reg, err := ParseRegFile([]byte(`Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.13t]
"DisplayName"="Python 3.13 (64-bit, freethreaded)"
"SysVersion"="3.13"
"SysArchitecture"="64bit"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.13t\InstallPath]
@="C:\\Users\\ada\\AppData\\Local\\Programs\\Python\\Python313\\"
"ExecutablePath"="C:\\Users\\ada\\AppData\\Local\\Programs\\Python\\Python313\\python3.13t.exe"

[HKEY_LOCAL_MACHINE\SOFTWARE\Python\ExampleCorp\Py3]
"SysVersion"="3.12"

[HKEY_LOCAL_MACHINE\SOFTWARE\Python\ExampleCorp\Py3\InstallPath]
@="C:\\Tools\\Py"
`))
	if err != nil {
		t.Fatal(err)
	}
	h := ScannedHost("windows", tr.root, reg)
	if len(h.Homes) != 1 || h.Homes[0] != `C:\Users\ada` {
		t.Fatalf("homes = %v", h.Homes)
	}
	m := found(Candidates(h))
	const local = `C:\Users\ada\AppData\Local`
	expect(t, m, local+`\Programs\Python\Python313\python3.13t.exe`, "python.org", "3.13", true)
	if c := m[local+`\Programs\Python\Python313\python3.13t.exe`]; c.Hint.Tag != "3.13t" {
		t.Errorf("PEP 514 tag not recorded: %+v", c.Hint)
	}
	expect(t, m, local+`\Programs\Python\Python313\python.exe`, "python.org", "3.13", false)
	absent(t, m, local+`\Programs\Python\Python313\pythonw.exe`)
	expect(t, m, `C:\Program Files\Python312-32\python.exe`, "python.org", "3.12", false)
	expect(t, m, local+`\Python\pythoncore-3.14t-64\python3.14t.exe`, "python.org", "3.14", true)
	expect(t, m, local+`\Python\pythoncore-3.14-64\python.exe`, "python.org", "3.14", false)
	expect(t, m, `C:\Users\ada\AppData\Roaming\uv\python\cpython-3.14.2+freethreaded-windows-x86_64-none\python3.14t.exe`, "uv", "3.14.2", true)
	expect(t, m, `C:\Users\ada\AppData\Roaming\uv\data\python\cpython-3.12.1-windows-x86_64-none\python.exe`, "uv", "3.12.1", false)
	expect(t, m, local+`\Microsoft\WindowsApps\PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0\python.exe`, "store", "3.12", false)
	absent(t, m, local+`\Microsoft\WindowsApps\python.exe`)
	expect(t, m, `C:\Users\ada\.pyenv\pyenv-win\versions\3.11.9\python.exe`, "pyenv", "3.11.9", false)
	expect(t, m, `C:\Users\ada\.nuget\packages\python\3.13.5\tools\python.exe`, "nuget", "3.13.5", false)
	expect(t, m, `C:\Users\ada\.virtualenvs\api\Scripts\python.exe`, "venv", "3.13.5", true)
	expect(t, m, `C:\Users\ada\miniconda3\python.exe`, "conda", "3.12.7", false)
	expect(t, m, `C:\Tools\Py\python.exe`, "registry", "3.12", false)

	// PATH on Windows: ';'-separated, WindowsApps aliases skipped.
	h.Env["PATH"] = local + `\Microsoft\WindowsApps;` + local + `\Programs\Python\Python313\;;` + local + `\programs\python\python313`
	n := 0
	for _, c := range Candidates(h) {
		if c.OnPath {
			n++
			if strings.Contains(c.Path, "WindowsApps") {
				t.Errorf("alias listed from PATH: %s", c.Path)
			}
		}
	}
	if n != 2 {
		t.Errorf("want python.exe and python3.13t.exe from PATH once each, got %d", n)
	}
}
