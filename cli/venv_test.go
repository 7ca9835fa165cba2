package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

func TestVenvLifecycle(t *testing.T) {
	testenv.PyenvVersion(t, "3.12")
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "venv", "create", "demo", "--python", "3.12")
	if r.code != 0 {
		t.Fatalf("create: code %d\n%s", r.code, r.stderr)
	}
	dir := filepath.Join(data, "venvs", "demo")
	if !strings.Contains(r.stdout, "Created venv demo") || !strings.Contains(r.stdout, "source '"+dir+"/bin/activate'") {
		t.Errorf("create output: %s", r.stdout)
	}
	// The same name again is refused; so is a reserved name.
	if r := run(t, nil, "--data-dir", data, "venv", "create", "CON", "--python", "3.12"); r.code != 2 {
		t.Errorf("reserved name: code %d", r.code)
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
	var ft string
	for _, p := range testenv.FreeThreaded(t) {
		ft = p
		break
	}
	data := t.TempDir()
	if r := run(t, nil, "--data-dir", data, "venv", "create", "ft", "--python", ft); r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	r := run(t, nil, "--data-dir", data, "venv", "check", "ft", "--gil-scan", "--json")
	var check struct {
		FreeThreaded bool `json:"free_threaded"`
		Status       string
		GILScan      []map[string]any `json:"gil_scan"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &check); err != nil || r.code != 0 {
		t.Fatalf("check: %v %d %s %s", err, r.code, r.stdout, r.stderr)
	}
	if !check.FreeThreaded || check.Status != "ok" {
		t.Errorf("check: %+v", check)
	}
	// A fresh venv has only pip and setuptools-like tooling, which the scan
	// skips or imports cleanly: nothing may turn the GIL on.
	for _, m := range check.GILScan {
		if m["enables_gil"] == true {
			t.Errorf("%v turned the GIL on", m)
		}
	}
}
