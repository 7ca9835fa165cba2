package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func texts(p Project) string {
	var out []string
	for _, l := range p.Requirements {
		out = append(out, l.Text)
	}
	return strings.Join(out, "|")
}

// pyproject.toml: [project]'s dependencies, the extras asked for, PEP 735
// groups (the test group unless told, includes expanded once, a cycle
// refused), requires-python, the package and its own packages; pytest in
// a group makes pytest the test command; bench.py the run command.
func TestReadPyproject(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"pyproject.toml": `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
[project]
name = "demo"
requires-python = ">=3.10"
dependencies = ["requests>=2", "numpy; python_version >= '3.11'"]
[project.optional-dependencies]
fast = ["orjson"]
[dependency-groups]
lint = ["ruff"]
test = ["pytest>=8", {include-group = "lint"}]
`,
		"src/demo/__init__.py": "", "src/_private/__init__.py": "", "tests/test_x.py": "def test_x(): pass\n", "bench.py": "",
	})
	p, err := Read(dir, Options{Extras: []string{"fast"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "demo" || !p.Package || p.From != FromPyproject || p.RequiresPython != ">=3.10" || strings.Join(p.Groups, ",") != "test" {
		t.Errorf("%+v", p)
	}
	if got := texts(p); got != "requests>=2|numpy; python_version >= '3.11'|orjson|pytest>=8|ruff" {
		t.Errorf("requirements: %s", got)
	}
	if strings.Join(p.Packages, ",") != "demo" || CommandLine(p.Test) != "python -m pytest -q" || CommandLine(p.Run) != "python bench.py" {
		t.Errorf("packages %v, test %q, run %q", p.Packages, p.Test, p.Run)
	}
	if ok, why := p.Supports("3.9.18"); ok || !strings.Contains(why, "requires Python >=3.10") {
		t.Errorf("3.9: %v %q", ok, why)
	}
	if ok, _ := p.Supports("3.14.7"); !ok {
		t.Error("3.14 is refused")
	}
	// No groups asked for: none; an unknown extra or group is refused,
	// naming what there is.
	if p, _ := Read(dir, Options{Groups: []string{}}); texts(p) != "requests>=2|numpy; python_version >= '3.11'" || p.Test != nil {
		t.Errorf("no groups: %s, test %v", texts(p), p.Test)
	}
	if _, err := Read(dir, Options{Extras: []string{"gpu"}}); err == nil || !strings.Contains(err.Error(), `no extra "gpu" (it has: fast)`) {
		t.Errorf("unknown extra: %v", err)
	}
	write(t, dir, map[string]string{"pyproject.toml": "[project]\nname = \"demo\"\n[dependency-groups]\ntest = [{include-group = \"b\"}]\nb = [{include-group = \"test\"}]\n"})
	if _, err := Read(dir, Options{}); err == nil || !strings.Contains(err.Error(), "includes itself") {
		t.Errorf("a cycle of groups: %v", err)
	}
}

// A pylock.toml wins over everything: its packages pinned as locked, a
// package from a folder or a repository left out, saying so.
func TestReadPylock(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"pyproject.toml": "[project]\nname = \"demo\"\ndependencies = [\"attrs\"]\n",
		"pylock.toml": `lock-version = "1.0"
requires-python = ">=3.12"
[[packages]]
name = "attrs"
version = "25.1.0"
[[packages]]
name = "colorama"
version = "0.4.6"
marker = "sys_platform == 'win32'"
[[packages]]
name = "demo"
directory = { path = "." }
`,
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.From != FromLock || texts(p) != "attrs==25.1.0|colorama==0.4.6 ; sys_platform == 'win32'" || len(p.Notes) != 1 || p.RequiresPython != ">=3.12" {
		t.Errorf("%s, notes %q, requires %q", texts(p), p.Notes, p.RequiresPython)
	}
}

// requirements*.txt when there is no [project]: read as pip reads them,
// includes kept in the tree; the input hash follows what was included.
func TestReadRequirementsAndTheInputHash(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"requirements.txt":     "flask>=3\n-r more/extra.txt\n",
		"requirements-dev.txt": "pytest\n",
		"more/extra.txt":       "click\n",
		"test_app.py":          "import unittest\n",
	})
	p, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.From != FromRequirements || strings.Join(p.Files, ",") != "requirements-dev.txt,requirements.txt" || !p.Depends("PyTest") {
		t.Errorf("%+v", p)
	}
	if got := p.RequirementsText(); got != "pytest\nflask>=3\nclick\n" {
		t.Errorf("what is installed:\n%s", got)
	}
	before, _ := p.InputHash()
	write(t, dir, map[string]string{"more/extra.txt": "click>=8\n"})
	p, _ = Read(dir, Options{})
	if after, _ := p.InputHash(); after == before {
		t.Error("the input hash did not change with the included file")
	}
	write(t, dir, map[string]string{"requirements.txt": "-r ../outside.txt\n"})
	if _, err := Read(dir, Options{}); err == nil {
		t.Error("an include outside the project was followed")
	}
	if _, err := Read(t.TempDir(), Options{}); !errors.Is(err, ErrNotAProject) {
		t.Errorf("an empty folder: %v", err)
	}
}

func TestCommand(t *testing.T) {
	for in, want := range map[string]string{
		`python bench.py`:          "python|bench.py",
		`python -c "print('a b')"`: "python|-c|print('a b')",
		`python -m my.bench --n 3`: "python|-m|my.bench|--n|3",
		`pytest 'tests/a b.py'`:    "pytest|tests/a b.py",
	} {
		argv, err := Command(in)
		if err != nil || strings.Join(argv, "|") != want {
			t.Errorf("Command(%q) = %q, %v", in, argv, err)
		}
		if back, _ := Command(CommandLine(argv)); strings.Join(back, "|") != want {
			t.Errorf("CommandLine(%q) = %q does not read back", argv, CommandLine(argv))
		}
	}
	for _, bad := range []string{"", "  ", `python "unclosed`, "python\x00x"} {
		if _, err := Command(bad); err == nil {
			t.Errorf("Command(%q) took it", bad)
		}
	}
}
