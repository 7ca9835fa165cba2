package profile_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/profile"
	"github.com/pyhangar/pyhangar/store"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// machine is this machine as a profile sees it, with PATH holding the
// standard test builds only, so the free-threaded ones are not already
// "present".
func machine(t *testing.T, data string, st *store.Store, mirror string) profile.Machine {
	t.Helper()
	in, err := installer.New(context.Background(), data, st, mirror, nil)
	if err != nil {
		t.Fatal(err)
	}
	in.UV = nil
	return profile.Machine{
		Discover: func(ctx context.Context) ([]envs.Interpreter, error) {
			h := platform.ThisHost(data)
			h.Env["PATH"] = gilPath(t)
			list, _, err := envs.Discover(ctx, h, envs.DiscoverOptions{Cache: st})
			return list, err
		},
		Installer: in,
		Venvs:     st,
		VenvsDir:  filepath.Join(data, "venvs"),
	}
}

// gilPath is a PATH holding the standard test builds.
func gilPath(t testing.TB) string {
	var dirs []string
	for _, p := range testenv.GILBuilds(t) {
		dirs = append(dirs, filepath.Dir(p))
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

func TestMalformedProfilesAreRefusedWithTheirLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, body string
		line       int
		want       string
	}{
		{"bad.toml", "name = \"x\"\n\n[[python]]\nspec = 3.13t\n", 4, ""},
		{"unknown-key.toml", "name = \"x\"\n\n[[venv]]\nname = \"a\"\npython = \"3.12\"\ncolour = \"red\"\n", 6, "unknown key \"venv.colour\""},
		{"unknown-top.toml", "name = \"x\"\nteam = \"y\"\n", 2, "unknown key \"team\""},
		{"bad-spec.toml", "[[python]]\nspec = \"3.13t\"\n\n[[python]]\nspec = \"3.13x\"\n", 5, "not a version spec"},
		{"bad-via.toml", "[[python]]\nspec = \"3.13t\"\nvia = \"conda\"\n", 3, "via must be uv or python.org"},
		{"missing-reqs.toml", "[[venv]]\nname = \"a\"\npython = \"3.12\"\nrequirements = \"nope.txt\"\n", 4, "does not exist"},
		{"bad-name.toml", "[[venv]]\nname = \"CON\"\npython = \"3.12\"\n", 2, "reserved"},
	}
	for _, c := range cases {
		path := write(t, dir, c.name, c.body)
		_, err := profile.Load(path)
		var pe *profile.Error
		if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+":") {
			t.Errorf("%s: err = %v; want line %d with %q", c.name, err, c.line, c.want)
		}
	}
}

func TestVenvNeedingAnUnavailablePythonIsRefusedBeforeAnyChange(t *testing.T) {
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := write(t, t.TempDir(), "team.toml", "name = \"t\"\n\n[[venv]]\nname = \"ok\"\npython = \"3.13\"\n\n[[venv]]\nname = \"old\"\npython = \"3.9t\"\n")
	p, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Apply(context.Background(), machine(t, data, st, ""))
	var pe *profile.Error
	if !errors.As(err, &pe) || pe.Line != 9 || !strings.Contains(err.Error(), "does not install and this machine lacks") {
		t.Fatalf("err = %v", err)
	}
	if venvs, _ := st.Venvs(t.Context()); len(venvs) != 0 {
		t.Fatalf("something was created: %+v", venvs)
	}
	if _, err := os.Stat(filepath.Join(data, "venvs")); !os.IsNotExist(err) {
		t.Fatal("the venvs dir was touched")
	}
}

func TestFailedStepThenResume(t *testing.T) {
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	good := testenv.OfflineRequirements(t)
	write(t, dir, "good.txt", mustRead(t, good))
	bad := write(t, dir, "b.txt", "--no-index\nno-such-package==9\n")
	path := write(t, dir, "team.toml", `name = "resume"

[[python]]
spec = "3.13"

[[venv]]
name = "a"
python = "3.13"
requirements = "good.txt"

[[venv]]
name = "b"
python = "3.13"
requirements = "b.txt"

[[venv]]
name = "c"
python = "3.13"
`)
	p, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m := machine(t, data, st, "")
	steps, err := p.Apply(context.Background(), m)
	if err == nil || !strings.Contains(err.Error(), "venv b") {
		t.Fatalf("err = %v", err)
	}
	states := stateList(steps)
	if states != "present,done,failed,not run" {
		t.Fatalf("states = %s", states)
	}
	if _, err := os.Stat(filepath.Join(data, "venvs", "a", "pyvenv.cfg")); err != nil {
		t.Fatal("the finished step was not kept")
	}
	// Fix the file; the next apply picks up at b.
	write(t, dir, "b.txt", mustRead(t, good))
	steps, err = p.Apply(context.Background(), m)
	if err != nil || stateList(steps) != "present,present,done,done" {
		t.Fatalf("second apply: %s, %v", stateList(steps), err)
	}
	plan, err := p.Plan(context.Background(), m)
	if err != nil || stateList(plan) != "present,present,present,present" {
		t.Fatalf("third plan: %s, %v", stateList(plan), err)
	}
	_ = bad
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func stateList(steps []profile.Step) string {
	var s []string
	for _, st := range steps {
		s = append(s, string(st.State))
	}
	return strings.Join(s, ",")
}

// TestApplyInstallsAndCreatesThenIsANoOp applies a profile: an install
// through uv (the stand-in, which brings the real free-threaded 3.13 test
// build; the python.org source route is built for real by cli's
// TestInstallFromSourceEndToEnd) and a real venv with a locally built
// wheel; the second apply changes nothing.
func TestApplyInstallsAndCreatesThenIsANoOp(t *testing.T) {
	t.Setenv("UV_PYTHON_INSTALL_DIR", t.TempDir())
	t.Setenv("UV_STANDIN_PYTHONS", "3.13.5t="+testenv.FreeThreaded(t)["3.13"])
	data := t.TempDir()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	write(t, dir, "requirements-dev.txt", mustRead(t, testenv.OfflineRequirements(t)))
	path := write(t, dir, "team.toml", `name = "data-team"

[[python]]
spec = "3.13t"
via = "uv"

[[venv]]
name = "ft-dev"
python = "3.13t"
requirements = "requirements-dev.txt"
`)
	p, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m := machine(t, data, st, "")
	m.Installer.UV = &installer.UV{Path: testenv.UVStandIn(), Version: "uv 0.9.24 (stand-in)", Dir: data}
	start := time.Now()
	steps, err := p.Apply(context.Background(), m)
	if err != nil {
		t.Fatalf("apply: %v (%s)", err, stateList(steps))
	}
	t.Logf("first apply took %s", time.Since(start).Round(time.Second))
	if stateList(steps) != "done,done" {
		t.Fatalf("states %s", stateList(steps))
	}
	py := envs.VenvPython(filepath.Join(data, "venvs", "ft-dev"))
	out, err := exec.Command(py, "-c", "import sys, sysconfig, phdemo; print(phdemo.VALUE, sysconfig.get_config_var('Py_GIL_DISABLED'), sys._is_gil_enabled())").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "42 1 False" {
		t.Fatalf("the venv: %s %v", out, err)
	}
	start = time.Now()
	steps, err = p.Apply(context.Background(), m)
	if err != nil || stateList(steps) != "present,present" {
		t.Fatalf("second apply: %s %v", stateList(steps), err)
	}
	t.Logf("second apply took %s", time.Since(start).Round(time.Millisecond))

	// Export describes this machine: the install and the venv, frozen.
	out2 := filepath.Join(t.TempDir(), "exported.toml")
	venvs, _ := st.Venvs(t.Context())
	recs, _ := st.Installs(t.Context())
	// A requirements file of the user's beside it is not replaced unless
	// told to.
	mine := filepath.Join(filepath.Dir(out2), "ft-dev-requirements.txt")
	os.WriteFile(mine, []byte("hand-written\n"), 0o644)
	var exists *platform.ExistsError
	if _, err := profile.Export(context.Background(), out2, "exported", recs, venvs, func(string) bool { return false }); !errors.As(err, &exists) || exists.Paths[0] != mine {
		t.Fatalf("over the user's file: %v", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "hand-written\n" {
		t.Fatal("the user's requirements file was replaced")
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Error("a refused export wrote the profile")
	}
	if _, err := profile.Export(context.Background(), out2, "exported", recs, venvs, func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	back, err := profile.Load(out2)
	if err != nil {
		t.Fatalf("the exported profile does not load: %v\n%s", err, mustRead(t, out2))
	}
	if len(back.Python) != 1 || back.Python[0].Spec != "3.13t" || len(back.Venv) != 1 || back.Venv[0].Python != "3.13t" ||
		!strings.Contains(mustRead(t, back.RequirementsPath(back.Venv[0])), "phdemo==0.1") {
		t.Errorf("exported: %+v", back)
	}
}
