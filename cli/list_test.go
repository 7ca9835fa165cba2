package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// listContract is the set of fields DESIGN.md promises in list --json.
var listContract = []string{"path", "aliases", "version", "implementation", "free_threaded", "gil_enabled",
	"abiflags", "arch", "is_venv", "source", "on_path", "status", "error"}

func TestListJSONContract(t *testing.T) {
	system := testenv.System(t)
	dir := t.TempDir()
	r := run(t, nil, "--data-dir", dir, "list", "--json")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, r.stdout)
	}
	var sys map[string]any
	for _, in := range list {
		for _, f := range listContract {
			if _, ok := in[f]; !ok {
				t.Errorf("%v lacks %q", in["path"], f)
			}
		}
		if in["path"] == system {
			sys = in
		}
		for _, a := range in["aliases"].([]any) {
			if a == system {
				sys = in
			}
		}
	}
	if sys == nil || sys["status"] != "ok" || !strings.HasPrefix(sys["version"].(string), "3.") {
		t.Fatalf("%s missing or wrong: %v", system, sys)
	}

	// The readable table marks its interpreters and counts them.
	r = run(t, nil, "--data-dir", dir, "list")
	if r.code != 0 || !strings.Contains(r.stdout, "VERSION") || !strings.Contains(r.stdout, "interpreters,") {
		t.Errorf("table: code %d\n%s", r.code, r.stdout)
	}
}

func utf16File(t *testing.T, path, s string) {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScanWindowsImageWithRegistry(t *testing.T) {
	root := t.TempDir()
	exe := filepath.Join(root, "Users", "Zoë", "AppData", "Local", "Python", "pythoncore-3.14t-64", "python3.14t.exe")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	os.WriteFile(exe, []byte("MZ"), 0o755)
	odd := filepath.Join(root, "Tools", "CorpPy", "python.exe")
	os.MkdirAll(filepath.Dir(odd), 0o755)
	os.WriteFile(odd, []byte("MZ"), 0o755)
	reg := filepath.Join(t.TempDir(), "python.reg")
	utf16File(t, reg, `Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Python\Corp\CorpPy3.12\InstallPath]
@="C:\\Tools\\CorpPy"
"ExecutablePath"="C:\\Tools\\CorpPy\\python.exe"

[HKEY_LOCAL_MACHINE\SOFTWARE\Python\Corp\CorpPy3.12]
"SysVersion"="3.12"
`)
	r := run(t, nil, "--data-dir", t.TempDir(), "scan", "--os", "windows", "--root", root, "--registry", reg, "--json")
	if r.code != 0 {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]any{}
	for _, in := range list {
		got[in["path"].(string)] = in
	}
	ft := got[`C:\Users\Zoë\AppData\Local\Python\pythoncore-3.14t-64\python3.14t.exe`]
	if ft == nil || ft["free_threaded"] != true || ft["version"] != "3.14" || ft["source"] != "python.org" {
		t.Errorf("free-threaded runtime: %v\nall: %v", ft, got)
	}
	corp := got[`C:\Tools\CorpPy\python.exe`]
	if corp == nil || corp["source"] != "registry" || corp["version"] != "3.12" || corp["pep514_company"] != "Corp" {
		t.Errorf("registry-only install: %v", corp)
	}
}

func TestScanUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scan", "--root", dir},
		{"scan", "--os", "beos", "--root", dir},
		{"scan", "--os", "linux"},
		{"scan", "--os", "linux", "--root", dir, "--registry", "x.reg"},
	} {
		r := run(t, nil, append([]string{"--data-dir", dir}, args...)...)
		if r.code != 2 {
			t.Errorf("%v: code %d, stderr %q; want 2", args, r.code, r.stderr)
		}
	}
	r := run(t, nil, "--data-dir", dir, "scan", "--os", "linux", "--root", filepath.Join(dir, "missing"))
	if r.code != 1 || !strings.Contains(r.stderr, "not a directory") {
		t.Errorf("missing root: code %d, stderr %q", r.code, r.stderr)
	}
	notReg := filepath.Join(dir, "not.reg")
	os.WriteFile(notReg, []byte("hello"), 0o644)
	r = run(t, nil, "--data-dir", dir, "scan", "--os", "windows", "--root", dir, "--registry", notReg)
	if r.code != 1 || !strings.Contains(r.stderr, "not a registry export") {
		t.Errorf("bad .reg: code %d, stderr %q", r.code, r.stderr)
	}
}

// An interpreter's answers reach the terminal with their control
// characters escaped: a hostile one cannot retitle the terminal or clear
// the screen.
func TestListEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	probe := `{"version": "3.13.9\u001b]0;pwned\u0007", "implementation": "cpython\u001b[2J", "executable": "/x",
"prefix": "/x", "base_prefix": "/x", "is_venv": false, "free_threaded": false, "gil_enabled": true, "abiflags": "",
"machine": "x86_64", "pointer_bits": 64}`
	script := "#!/bin/sh\nprintf '%s\\n' '" + strings.ReplaceAll(probe, "\n", " ") + "'\n"
	os.WriteFile(filepath.Join(dir, "python3.13"), []byte(script), 0o755)
	os.WriteFile(filepath.Join(dir, "python3.12"), []byte("#!/bin/sh\nprintf 'Fatal \\033[31merror\\033]0;x\\a' >&2\nexit 1\n"), 0o755)
	t.Setenv("PATH", dir)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PYENV_ROOT", "")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "list")
	if r.code != 0 {
		t.Fatalf("list: %d %s", r.code, r.stderr)
	}
	for _, bad := range []string{"\x1b", "\x07"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("list printed a raw control character %q:\n%q", bad, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, `3.13.9\u001b]0;pwned\u0007`) || !strings.Contains(r.stdout, `Fatal \u001b[31merror`) {
		t.Errorf("the text should be there, escaped:\n%s", r.stdout)
	}
	r = run(t, nil, "--data-dir", data, "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("--json is no longer JSON: %v\n%s", err, r.stdout)
	}
	found := false
	for _, in := range list {
		found = found || in["version"] == "3.13.9\x1b]0;pwned\x07"
	}
	if !found {
		t.Errorf("--json must carry the exact text: %v", list)
	}
}

func TestSafeWriterSplitsAndEscapes(t *testing.T) {
	var out strings.Builder
	w := newSafeWriter(&out)
	in := "ok é\x1b[2J\r\u009b\x7f\t\n" // é split across writes below
	for i := 0; i < len(in); i++ {
		w.Write([]byte{in[i]})
	}
	w.Write([]byte{0xc3}) // an incomplete sequence at the end
	w.Flush()
	if want := `ok é\u001b[2J\u000d\u009b\u007f` + "\t\n" + `\xc3`; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
