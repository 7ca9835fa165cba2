package disttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// wine is a throw-away Wine prefix holding the unpacked Windows download,
// Go's missing bcryptprimitives.dll, and the CPython stand-in.
type wine struct {
	prefix  string // the prefix on this side
	dist    string // C:\pyhangar, the unpacked zip
	standin string // the stand-in executable, on this side
	env     []string
}

var (
	wineOnce sync.Once
	wineEnv  *wine
	wineErr  error
	wineDirs []string // removed when the tests end
)

func TestMain(m *testing.M) {
	code := m.Run()
	if wineEnv != nil {
		k := exec.Command("wineserver", "-k")
		k.Env = wineEnv.env
		k.Run()
	}
	for _, d := range wineDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// needWine sets the prefix up once, failing in CI and skipping elsewhere
// when Wine or mingw is missing.
func needWine(t *testing.T) *wine {
	t.Helper()
	a := fyneApp(t)
	zip := testenv.DistFile(t, a.Name+"-"+a.Version+"-windows-amd64.zip")
	for _, tool := range []string{"wine", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			if testenv.InCI() {
				t.Fatalf("%s is missing: scripts/system-deps.sh test installs it", tool)
			}
			t.Skipf("%s is missing: run scripts/system-deps.sh test", tool)
		}
	}
	wineOnce.Do(func() { wineEnv, wineErr = setUpWine(t, zip) })
	if wineErr != nil {
		t.Fatal(wineErr)
	}
	return wineEnv
}

func setUpWine(t *testing.T, zip string) (*wine, error) {
	dir, err := os.MkdirTemp("", "pyhangar-wine-")
	if err != nil {
		return nil, err
	}
	wineDirs = append(wineDirs, dir)
	w := &wine{prefix: filepath.Join(dir, "prefix"), dist: `C:\pyhangar`}
	w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "WINEARCH=win64",
		// No Mono or Gecko: nothing here needs them, and asking for them
		// would wait for a click.
		"WINEDLLOVERRIDES=mscoree,mshtml=")
	start := time.Now()
	if err := os.Mkdir(w.prefix, 0o700); err != nil {
		return nil, err
	}
	// One Wine server for the whole run (killed in TestMain), and Wine's
	// own services started once by wineboot. Neither may hold a pipe of
	// ours: they outlive every command, which would wait for them.
	for _, argv := range [][]string{{"wineserver", "--persistent"}, {"wineboot", "-i"}} {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = w.env
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %v", strings.Join(argv, " "), err)
		}
	}
	for _, c := range []struct{ src, out string }{
		{"bcryptprimitives.c", w.unix(`C:\windows\system32\bcryptprimitives.dll`)},
		{"python-standin.c", filepath.Join(dir, "python-standin.exe")},
	} {
		args := []string{"-O2", "-s", "-Wall", "-o", c.out, filepath.Join("testdata", c.src), "-ladvapi32"}
		if strings.HasSuffix(c.out, ".dll") {
			args = append([]string{"-shared"}, args...)
		}
		if out, err := exec.Command("x86_64-w64-mingw32-gcc", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %v\n%s", c.src, err, out)
		}
	}
	w.standin = filepath.Join(dir, "python-standin.exe")
	unpacked := unzipWindows(t, zip)
	os.MkdirAll(w.unix(w.dist), 0o755)
	for _, exe := range []string{"pyhangar.exe", "pyhangarw.exe"} {
		b, err := os.ReadFile(filepath.Join(unpacked, exe))
		if err != nil {
			return nil, err
		}
		os.WriteFile(filepath.Join(w.unix(w.dist), exe), b, 0o755)
	}
	t.Logf("Wine prefix ready in %v", time.Since(start).Round(time.Millisecond))
	return w, nil
}

// winDir is the directory of a Windows path.
func winDir(p string) string { return p[:strings.LastIndex(p, `\`)] }

// unix is where the Windows path C:\... is on this side.
func (w *wine) unix(win string) string {
	rest, ok := strings.CutPrefix(win, `C:\`)
	if !ok {
		panic("not a C: path: " + win)
	}
	return filepath.Join(w.prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

type wineResult struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// pyhangar runs pyhangar.exe with args under Wine, env adding to the
// prefix's environment (WINEPATH=... puts directories on PATH).
func (w *wine) pyhangar(t *testing.T, env []string, args ...string) wineResult {
	t.Helper()
	return w.run(t, env, append([]string{w.dist + `\pyhangar.exe`}, args...)...)
}

func (w *wine) run(t *testing.T, env []string, argv ...string) wineResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wine", argv...)
	cmd.Env = append(append([]string{}, w.env...), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second // should something the command started hold its pipes
	start := time.Now()
	err := cmd.Run()
	r := wineResult{stdout: out.String(), stderr: errb.String(), took: time.Since(start), code: cmd.ProcessState.ExitCode()}
	if err != nil && r.code < 0 {
		t.Fatalf("wine %v: %v\n%s", argv, err, r.stderr)
	}
	return r
}

// regImport loads a .reg file into the prefix's live registry, and takes
// the keys it names away again when the test ends.
func (w *wine) regImport(t *testing.T, reg string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "import.reg")
	os.WriteFile(path, []byte(strings.ReplaceAll(reg, "\n", "\r\n")), 0o644)
	if r := w.run(t, nil, "reg", "import", path); r.code != 0 {
		t.Fatalf("reg import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	t.Cleanup(func() {
		for _, line := range strings.Split(reg, "\n") {
			if key, ok := strings.CutPrefix(strings.TrimSpace(line), "["); ok && strings.Count(key, `\`) == 4 {
				w.run(t, nil, "reg", "delete", strings.TrimSuffix(key, "]"), "/f")
			}
		}
	})
}

// placeStandin puts the CPython stand-in at the Windows path exe with a
// standin.txt saying lines.
func (w *wine) placeStandin(t *testing.T, exe string, lines ...string) {
	t.Helper()
	b, err := os.ReadFile(w.standin)
	if err != nil {
		t.Fatal(err)
	}
	p := w.unix(exe)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if len(lines) > 0 {
		os.WriteFile(filepath.Join(filepath.Dir(p), "standin.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	}
}

// listed is one entry of list --json.
type listed struct {
	Path         string   `json:"path"`
	Aliases      []string `json:"aliases"`
	Version      string   `json:"version"`
	FreeThreaded bool     `json:"free_threaded"`
	GILEnabled   *bool    `json:"gil_enabled"`
	IsVenv       bool     `json:"is_venv"`
	Source       string   `json:"source"`
	OnPath       bool     `json:"on_path"`
	Status       string   `json:"status"`
	Error        string   `json:"error"`
}

func decodeList(t *testing.T, r wineResult) []listed {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("list: exit %d\n%s", r.code, r.stderr)
	}
	var list []listed
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	return list
}

// On an empty Windows machine the CLI answers: its version (the one in
// FyneApp.toml), its data dir under the user's AppData with the database
// in it, the doctor's findings, and an empty list as [].
func TestWineEmptyMachine(t *testing.T) {
	w := needWine(t)
	a := fyneApp(t)
	r := w.pyhangar(t, nil, "version", "--json")
	var v struct {
		Version  string `json:"version"`
		DataDir  string `json:"data_dir"`
		Database string `json:"database"`
		Go       string `json:"go"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || r.code != 0 {
		t.Fatalf("version --json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if v.Version != a.Version || !strings.Contains(v.Go, "windows/amd64") {
		t.Errorf("version --json: %+v; FyneApp.toml says %s", v, a.Version)
	}
	if !strings.HasPrefix(v.DataDir, `C:\users\`) || !strings.HasSuffix(v.DataDir, `\AppData\Local\PyHangar`) {
		t.Errorf("data dir %q, want the user's AppData\\Local\\PyHangar", v.DataDir)
	}
	if fi, err := os.Stat(w.unix(v.Database)); err != nil || fi.Size() == 0 {
		t.Errorf("the database %s: %v", v.Database, err)
	}
	t.Logf("version --json under Wine took %v", r.took.Round(time.Millisecond))

	r = w.pyhangar(t, nil, "doctor", "--json")
	var findings []struct{ ID, Severity, Message string }
	if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil || findings == nil {
		t.Errorf("doctor --json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	for _, f := range findings {
		if strings.Contains(f.Message, "Linux") {
			t.Errorf("the doctor speaks of Linux on Windows: %s", f.Message)
		}
	}

	data := `C:\data\empty`
	for _, args := range [][]string{{"list", "--json"}, {"venv", "list", "--json"}, {"bench", "history", "--json"}} {
		r = w.pyhangar(t, nil, append([]string{"--data-dir", data}, args...)...)
		if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
			t.Errorf("%v on an empty machine: exit %d, %q %s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// PEP 514 registrations in the live registry are found: a 3.13t (told
// free-threaded, GIL off) and a 3.14 that is also on PATH, listed once.
func TestWineRegistry(t *testing.T) {
	w := needWine(t)
	w.placeStandin(t, `C:\standins\py313\python3.13t.exe`, "version=3.13.5")
	w.placeStandin(t, `C:\standins\py314\python.exe`, "version=3.14.7")
	w.regImport(t, `Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.13t]
"DisplayName"="Python 3.13 (64-bit, freethreaded)"
"SysVersion"="3.13"
"SysArchitecture"="64bit"
"Version"="3.13.5"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.13t\InstallPath]
@="C:\\standins\\py313\\"
"ExecutablePath"="C:\\standins\\py313\\python3.13t.exe"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.14]
"DisplayName"="Python 3.14 (64-bit)"
"SysVersion"="3.14"
"SysArchitecture"="64bit"
"Version"="3.14.7"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.14\InstallPath]
@="C:\\standins\\py314\\"
"ExecutablePath"="C:\\standins\\py314\\python.exe"
`)
	list := decodeList(t, w.pyhangar(t, []string{`WINEPATH=C:\standins\py314`}, "--data-dir", `C:\data\registry`, "list", "--json"))
	byPath := map[string][]listed{}
	for _, in := range list {
		byPath[strings.ToLower(in.Path)] = append(byPath[strings.ToLower(in.Path)], in)
	}
	ft := byPath[`c:\standins\py313\python3.13t.exe`]
	if len(ft) != 1 || ft[0].Version != "3.13.5" || !ft[0].FreeThreaded || ft[0].GILEnabled == nil || *ft[0].GILEnabled || ft[0].Status != "ok" {
		t.Errorf("the registered 3.13t: %+v", ft)
	}
	gil := byPath[`c:\standins\py314\python.exe`]
	if len(gil) != 1 || gil[0].Version != "3.14.7" || gil[0].FreeThreaded || !gil[0].OnPath || gil[0].Status != "ok" {
		t.Errorf("the registered 3.14 on PATH, listed once: %+v", gil)
	}
	if len(list) != 2 {
		t.Errorf("listed %d interpreters, want the two registered: %+v", len(list), list)
	}
}

// An interpreter that never answers, and one whose child keeps the pipe
// open after it exits, cost list no more than the probe timeout, and
// leave no process behind: the child, too, dies with its job object.
func TestWineStuckInterpreters(t *testing.T) {
	w := needWine(t)
	data := `C:\data\stuck`
	quiet := w.pyhangar(t, nil, "--data-dir", data, "list", "--json")
	w.placeStandin(t, `C:\standins\hang\python.exe`, "version=3.13.5", "mode=hang")
	w.placeStandin(t, `C:\standins\hold\python.exe`, "version=3.13.5", "mode=hold")
	w.regImport(t, `Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\Software\Python\StandIn\hang\InstallPath]
"ExecutablePath"="C:\\standins\\hang\\python.exe"

[HKEY_CURRENT_USER\Software\Python\StandIn\hold\InstallPath]
"ExecutablePath"="C:\\standins\\hold\\python.exe"
`)
	r := w.pyhangar(t, nil, "--data-dir", data, "list", "--json")
	list := decodeList(t, r)
	const probeTimeout = 5 * time.Second // envs.DefaultProbeTimeout
	t.Logf("list with two stuck interpreters took %v (%v without them)", r.took.Round(time.Millisecond), quiet.took.Round(time.Millisecond))
	if limit := quiet.took + probeTimeout + time.Second; r.took > limit {
		t.Errorf("list took %v, more than the probe timeout and a second over a quiet list (%v)", r.took, limit)
	}
	broken := 0
	for _, in := range list {
		if strings.Contains(strings.ToLower(in.Path), `\standins\`) {
			if in.Status != "broken" || in.Error == "" {
				t.Errorf("%s: status %q, error %q", in.Path, in.Status, in.Error)
			}
			broken++
		}
	}
	if broken != 2 {
		t.Errorf("listed %d of the two stuck interpreters: %+v", broken, list)
	}
	var left []string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		left = append(testenv.ProcessesWith(t, `standins\hang`), testenv.ProcessesWith(t, `standins\hold`)...)
		if len(left) == 0 {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("stand-in processes outlived list: %q", left)
	}
}

// venv rm on Windows removes a registered venv and refuses a project root
// that holds a venv (pyproject.toml, src), leaving it whole.
func TestWineVenvRemove(t *testing.T) {
	w := needWine(t)
	data := `C:\data\venvs`
	w.placeStandin(t, `C:\standins\base314\python.exe`, "version=3.14.7")
	for _, dir := range []string{`C:\work\tool-venv`, `C:\work\project`} {
		w.placeStandin(t, dir+`\Scripts\python.exe`)
		cfg := "home = C:\\standins\\base314\r\ninclude-system-site-packages = false\r\nversion = 3.14.7\r\n"
		os.WriteFile(w.unix(dir+`\pyvenv.cfg`), []byte(cfg), 0o644)
		os.MkdirAll(w.unix(dir+`\Lib\site-packages`), 0o755)
	}
	os.WriteFile(w.unix(`C:\work\project\pyproject.toml`), []byte("[project]\nname = \"p\"\n"), 0o644)
	os.MkdirAll(w.unix(`C:\work\project\src\p`), 0o755)
	os.WriteFile(w.unix(`C:\work\project\src\p\__init__.py`), nil, 0o644)

	for name, dir := range map[string]string{"tool": `C:\work\tool-venv`, "proj": `C:\work\project`} {
		if r := w.pyhangar(t, nil, "--data-dir", data, "venv", "add", dir, "--name", name); r.code != 0 {
			t.Fatalf("venv add %s: exit %d\n%s%s", dir, r.code, r.stdout, r.stderr)
		}
	}
	if r := w.pyhangar(t, nil, "--data-dir", data, "venv", "rm", "tool"); r.code != 0 {
		t.Errorf("venv rm tool: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(w.unix(`C:\work\tool-venv`)); !os.IsNotExist(err) {
		t.Errorf("the venv is still there: %v", err)
	}
	r := w.pyhangar(t, nil, "--data-dir", data, "venv", "rm", "proj")
	if r.code == 0 {
		t.Error("venv rm of a project root succeeded")
	}
	for _, keep := range []string{`C:\work\project\pyproject.toml`, `C:\work\project\src\p\__init__.py`, `C:\work\project\pyvenv.cfg`} {
		if _, err := os.Stat(w.unix(keep)); err != nil {
			t.Errorf("venv rm of a project root touched it: %v (%s)", err, r.stderr)
		}
	}
}

// install through python.org runs the official installer with its
// documented command line (the stand-in refuses anything else), finds
// the free-threaded build it put in place, and uninstall runs it again
// with /uninstall, which removes the files and the registrations.
func TestWineOfficialInstaller(t *testing.T) {
	w := needWine(t)
	installer := filepath.Join(t.TempDir(), "python-3.13.5-amd64.exe")
	b, _ := os.ReadFile(w.standin)
	os.WriteFile(installer, b, 0o755)
	org := testenv.StartPythonOrg(t, testenv.StandInRelease{ID: 1, Version: "3.13.5", WindowsInstaller: installer})
	data := `C:\data\official`

	r := w.pyhangar(t, nil, "--data-dir", data, "install", "3.13t", "--via", "python.org", "--mirror", org.URL, "--json")
	if r.code != 0 {
		t.Fatalf("install 3.13t: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got listed
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("install --json: %v\n%s", err, r.stdout)
	}
	if !got.FreeThreaded || got.Version != "3.13.5" || !strings.HasPrefix(got.Path, data+`\pythons\`) || !strings.HasSuffix(got.Path, `\python3.13t.exe`) {
		t.Errorf("installed: %+v", got)
	}
	logs, _ := filepath.Glob(filepath.Join(w.unix(data), "logs", "windows-installer-*.log"))
	if len(logs) != 1 {
		t.Fatalf("installer logs: %v", logs)
	}
	log, _ := os.ReadFile(logs[0])
	for _, want := range []string{"/quiet", "InstallAllUsers=0", "Include_freethreaded=1", `TargetDir=` + winDir(got.Path)} {
		if !strings.Contains(string(log), " "+want) {
			t.Errorf("the installer was not given %s:\n%s", want, log)
		}
	}
	if q := w.run(t, nil, "reg", "query", `HKCU\Software\Python\PythonCore\3.13t\InstallPath`, "/v", "ExecutablePath"); !strings.Contains(q.stdout, got.Path) {
		t.Errorf("the installer's registration: %s", q.stdout)
	}
	list := decodeList(t, w.pyhangar(t, nil, "--data-dir", data, "list", "--json"))
	found := false
	for _, in := range list {
		found = found || strings.EqualFold(in.Path, got.Path) && in.FreeThreaded
	}
	if !found {
		t.Errorf("list does not show the installed 3.13t: %+v", list)
	}

	if r := w.pyhangar(t, nil, "--data-dir", data, "uninstall", "3.13t"); r.code != 0 {
		t.Fatalf("uninstall: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, gone := range []string{got.Path, winDir(got.Path) + `\python.exe`, data + `\installers\python-3.13.5-amd64.exe`} {
		if _, err := os.Stat(w.unix(gone)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after uninstall (%v)", gone, err)
		}
	}
	if q := w.run(t, nil, "reg", "query", `HKCU\Software\Python\PythonCore\3.13t`); q.code == 0 {
		t.Errorf("the registration is still there after uninstall: %s", q.stdout)
	}
}

// pyhangarw.exe opens its window under Wine (on the X display make test
// gives it), draws it, and quits cleanly when Windows asks it to close.
func TestWineWindow(t *testing.T) {
	w := needWine(t)
	testenv.NeedX(t)
	cmd := exec.Command("wine", w.dist+`\pyhangarw.exe`, "--data-dir", `C:\data\window`)
	cmd.Env = w.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			w.run(t, nil, "taskkill", "/f", "/im", "pyhangarw.exe")
			<-done
		}
	}()

	width, height := testenv.WaitForWindow(t, regexp.MustCompile(`"PyHangar": \([^)]*\)\s+(\d+)x(\d+)`), 60*time.Second, done, &stderr)
	t.Logf("the window (%sx%s) appeared %v after wine started pyhangarw.exe", width, height, time.Since(start).Round(time.Millisecond))
	testenv.ScreenDrawn(t, 40, "wine-window.png")

	// taskkill without /f asks the window to close (WM_CLOSE), as the
	// close button does.
	if r := w.run(t, nil, "taskkill", "/im", "pyhangarw.exe"); r.code != 0 {
		t.Fatalf("taskkill: %d %s %s", r.code, r.stdout, r.stderr)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("pyhangarw.exe did not quit cleanly: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("pyhangarw.exe did not quit within 20 s of being asked to close")
	}
}
