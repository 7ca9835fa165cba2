package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
)

// teamRepo lays out a teammate's repository: a profile whose venv runs an
// interpreter the repository brings (tools/x, which leaves a mark when it
// runs), and a requirements file that reaches beyond the package index.
func teamRepo(t *testing.T) (profilePath, mark string) {
	t.Helper()
	gil := testenv.GIL(t, "3.13")
	repo := t.TempDir()
	mark = filepath.Join(t.TempDir(), "tools-x-ran")
	os.MkdirAll(filepath.Join(repo, "tools"), 0o755)
	os.WriteFile(filepath.Join(repo, "tools", "x"), []byte("#!/bin/sh\necho ran >> '"+mark+"'\nexec '"+gil+"' \"$@\"\n"), 0o755)
	os.WriteFile(filepath.Join(repo, "requirements.txt"), []byte(
		"# the team's packages\n-r more.txt\n--index-url https://pypi.example.org/simple\n--trusted-host pypi.example.org\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "more.txt"), []byte("git+https://example.org/lib.git#egg=lib\n-e .\nrequests>=2\n"), 0o644)
	profilePath = filepath.Join(repo, "team.toml")
	os.WriteFile(profilePath, []byte("name = \"team\"\n\n[[venv]]\nname = \"tool-venv\"\npython = \"tools/x\"\n\n[[venv]]\nname = \"plain\"\npython = \"3.13\"\n"), 0o644)
	t.Setenv("PATH", filepath.Dir(gil)+string(os.PathListSeparator)+os.Getenv("PATH"))
	return profilePath, mark
}

// A profile is someone else's file: applying it runs what it names, so
// PyHangar shows the plan and asks. Without a terminal it refuses unless
// told --yes; a "no" changes nothing.
func TestProfileApplyAsksBeforeRunningAnything(t *testing.T) {
	profile, mark := teamRepo(t)
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "profile", "apply", profile)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was applied") || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("apply without a terminal: code %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "runs "+filepath.Join(filepath.Dir(profile), "tools", "x")) {
		t.Errorf("the plan does not say it runs tools/x:\n%s", r.stdout)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("tools/x ran before the user agreed")
	}
	r = runAnswering(t, nil, "n\n", true, "--data-dir", data, "profile", "apply", profile)
	if r.code != 1 || !strings.Contains(r.stderr, "Apply these 2 steps? [y/N]") || !strings.Contains(r.stderr, "not confirmed") {
		t.Fatalf("apply answered no: code %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("tools/x ran after the user said no")
	}
	if _, err := os.Stat(filepath.Join(data, "venvs")); err == nil {
		t.Fatal("a no created venvs")
	}
	r = runAnswering(t, nil, "y\n", true, "--data-dir", data, "profile", "apply", profile)
	if r.code != 0 {
		t.Fatalf("apply answered yes: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(mark); err != nil {
		t.Error("after yes, the venv from tools/x was not made with it")
	}
	// Applied again, nothing is left to do, so nothing is asked.
	if r := run(t, nil, "--data-dir", data, "profile", "apply", profile); r.code != 0 || !strings.Contains(r.stdout, "Nothing to do") {
		t.Errorf("second apply: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// The plan names what the requirements file does beyond installing
// packages by name from the index: other indexes, URLs and VCS checkouts,
// editable installs, with the file and line of each.
func TestProfilePlanCallsOutWhatRequirementsReach(t *testing.T) {
	profile, _ := teamRepo(t)
	dir := filepath.Dir(profile)
	os.WriteFile(profile, []byte("name = \"team\"\n\n[[venv]]\nname = \"dev\"\npython = \"3.13\"\nrequirements = \"requirements.txt\"\n"), 0o644)
	r := run(t, nil, "--data-dir", t.TempDir(), "profile", "apply", profile, "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{
		filepath.Join(dir, "requirements.txt") + ":3: packages come from https://pypi.example.org/simple instead of the index (--index-url)",
		filepath.Join(dir, "requirements.txt") + ":4: pypi.example.org is trusted without https (--trusted-host)",
		filepath.Join(dir, "more.txt") + ":1: installs git+https://example.org/lib.git#egg=lib from outside the package index",
		filepath.Join(dir, "more.txt") + ":2: installs . in development mode",
		"installs 1 package from " + filepath.Join(dir, "requirements.txt"),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the plan lacks %q:\n%s", want, r.stdout)
		}
	}
}

// Paths in a profile stay inside its directory tree: absolute paths,
// paths climbing out, and links leading out are refused when the profile
// is read, with the file and line.
func TestProfilePathsStayInsideItsTree(t *testing.T) {
	profile, _ := teamRepo(t)
	dir := filepath.Dir(profile)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "reqs.txt"), []byte("requests\n"), 0o644)
	os.Symlink(outside, filepath.Join(dir, "elsewhere"))
	os.WriteFile(filepath.Join(dir, "includes-out.txt"), []byte("-r ../"+filepath.Base(outside)+"/reqs.txt\n"), 0o644)
	cases := map[string]string{
		"python = \"" + testenv.GIL(t, "3.13") + "\"":              "absolute path",
		"python = \"../" + filepath.Base(outside) + "/python\"":    "leaves the profile's directory",
		"python = \"3.13\"\nrequirements = \"/etc/hosts\"":         "absolute path",
		"python = \"3.13\"\nrequirements = \"elsewhere/reqs.txt\"": "leads out of the profile's directory",
		"python = \"3.13\"\nrequirements = \"includes-out.txt\"":   "includes-out.txt:1: -r",
	}
	for body, want := range cases {
		os.WriteFile(profile, []byte("name = \"t\"\n\n[[venv]]\nname = \"v\"\n"+body+"\n"), 0o644)
		r := run(t, nil, "--data-dir", t.TempDir(), "profile", "apply", profile, "--yes")
		if r.code != 1 || !strings.Contains(r.stderr, profile+":") || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: code %d, stderr %q; want a refusal with %q", body, r.code, r.stderr, want)
		}
	}
}

// A venv the user made has the same name as one in the profile, from
// another Python: the profile does not replace it, and nothing is deleted.
func TestProfileDoesNotReplaceTheUsersVenv(t *testing.T) {
	profile, _ := teamRepo(t)
	data := t.TempDir()
	mine := filepath.Join(t.TempDir(), "my-venv")
	if r := run(t, nil, "--data-dir", data, "venv", "create", "plain", "--python", testenv.System(t), "--path", mine); r.code != 0 {
		t.Fatalf("create: %s", r.stderr)
	}
	os.WriteFile(filepath.Join(mine, "my-notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(profile, []byte("name = \"team\"\n\n[[venv]]\nname = \"plain\"\npython = \"3.13\"\n"), 0o644)
	r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--yes")
	if r.code != 1 || !strings.Contains(r.stdout, "refused") || !strings.Contains(r.stderr, "this profile did not make it") {
		t.Fatalf("apply over the user's venv: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(mine, "my-notes.txt")); err != nil || string(b) != "mine" || !envs.IsVenvDir(mine) {
		t.Fatal("the user's venv was touched")
	}
	// A venv this profile made is its own to recreate.
	os.WriteFile(profile, []byte("name = \"team\"\n\n[[venv]]\nname = \"team-venv\"\npython = \"3.13\"\n"), 0o644)
	if r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--yes"); r.code != 0 {
		t.Fatalf("apply: %s", r.stderr)
	}
	st, _ := store.Open(data)
	v, _, _ := st.VenvByName(t.Context(), "team-venv")
	st.Close()
	if v.Profile != profile {
		t.Errorf("the venv's record should name the profile that made it: %+v", v)
	}
	// Recreating it, the plan says what stays: what the user saved there.
	os.WriteFile(filepath.Join(v.Path, "notes.txt"), []byte("mine"), 0o644)
	os.WriteFile(profile, []byte("name = \"team\"\n\n[[venv]]\nname = \"team-venv\"\npython = \""+"3.11"+"\"\n"), 0o644)
	r = run(t, nil, "--data-dir", data, "profile", "apply", profile, "--dry-run")
	if !strings.Contains(r.stdout, "to recreate") || !strings.Contains(r.stdout, "replaces the venv at "+v.Path) || !strings.Contains(r.stdout, "notes.txt (not the venv's own) stay") {
		t.Errorf("recreating the profile's own venv: %s %s", r.stdout, r.stderr)
	}
	if r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--yes"); r.code != 0 {
		t.Fatalf("apply the recreate: %s", r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(v.Path, "notes.txt")); string(b) != "mine" {
		t.Error("the recreate deleted the user's notes")
	}
}

// With [bench] after_setup, apply benchmarks the profile's interpreters;
// --bench-out writes those runs to a file, one per machine for the lead to
// import and compare.
func TestProfileBenchOut(t *testing.T) {
	profile, _ := teamRepo(t)
	os.WriteFile(profile, []byte("name = \"team\"\n\n[[python]]\nspec = \"3.13\"\n\n[bench]\nafter_setup = true\n"), 0o644)
	data := t.TempDir()
	out := filepath.Join(t.TempDir(), "this-machine.json")
	r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--yes", "--bench-out", out)
	if r.code != 0 {
		t.Fatalf("apply: %d %s %s", r.code, r.stdout, r.stderr)
	}
	lead := t.TempDir()
	r = run(t, nil, "--data-dir", lead, "bench", "import", out)
	if r.code != 0 || !strings.Contains(r.stdout, "Imported 1 runs") {
		t.Fatalf("import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "--data-dir", lead, "bench", "history")
	if !strings.Contains(r.stdout, "GIL build") || !strings.Contains(r.stdout, testenv.GIL(t, "3.13")) {
		t.Errorf("history on the lead's machine: %s", r.stdout)
	}
}

// Without a terminal, --accept names what is agreed to: plain steps alone
// do not let a venv run an interpreter the profile brings (the refusal
// lists it and nothing changes); with paths accepted it applies, and
// --json says what changed, then that nothing did.
func TestProfileAcceptNamesWhatRunsFromTheProfile(t *testing.T) {
	profile, mark := teamRepo(t)
	data := t.TempDir()
	r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--accept", "plain", "--json")
	var res profileResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 1 || res.Changed ||
		!strings.Contains(res.Error, "venv tool-venv (Python tools/x) needs --accept paths: ") || len(res.Plan) != 2 {
		t.Fatalf("plain only: %d %v %+v\n%s", r.code, err, res, r.stderr)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("tools/x ran without paths accepted")
	}
	if r := run(t, nil, "--data-dir", data, "profile", "apply", profile, "--accept", "paths"); r.code != 2 {
		t.Errorf("paths without plain: %d %s", r.code, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "profile", "apply", profile, "--accept", "plain,paths", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 || !res.Changed || len(res.Result) != 2 || res.Result[0].State != "done" {
		t.Fatalf("plain and paths: %d %v %+v\n%s", r.code, err, res, r.stderr)
	}
	r = run(t, nil, "--data-dir", data, "profile", "apply", profile, "--accept", "plain", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 || res.Changed {
		t.Errorf("again: %d %v %+v", r.code, err, res)
	}
}
