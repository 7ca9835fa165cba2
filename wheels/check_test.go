package wheels_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/wheels"
)

const many = "manylinux_2_17_x86_64.manylinux2014_x86_64" // a compressed tag set

// fixtures is the stand-in index's catalogue for the cases below.
func fixtures() []testenv.IndexProject {
	w := testenv.Wheel
	return []testenv.IndexProject{
		{Name: "fast", Files: []testenv.IndexFile{
			w("fast-1.0-cp313-cp313t-" + many + ".whl"), w("fast-1.0-cp314-cp314t-" + many + ".whl"),
			w("fast-1.0-cp314-cp314-" + many + ".whl"), w("fast-1.0-cp313-cp313-" + many + ".whl"),
			w("fast-2.0-cp314-cp314t-" + many + ".whl"),
		}},
		{Name: "muslonly", Files: []testenv.IndexFile{w("muslonly-1.0-cp314-cp314t-musllinux_1_2_x86_64.whl"), w("muslonly-1.0-cp313-cp313t-musllinux_1_2_x86_64.whl")}},
		{Name: "desktoponly", Files: []testenv.IndexFile{w("desktoponly-1.0-cp314-cp314t-macosx_11_0_arm64.whl"), w("desktoponly-1.0-cp314-cp314t-win_amd64.whl")}},
		{Name: "stable", Files: []testenv.IndexFile{w("stable-1.0-cp39-abi3-" + many + ".whl")}},
		{Name: "pure", Files: []testenv.IndexFile{w("pure-3.1-py3-none-any.whl"), testenv.Sdist("pure", "3.1")}},
		{Name: "cbuild", Files: []testenv.IndexFile{testenv.Sdist("cbuild", "0.9")}},
		{Name: "yank", Files: []testenv.IndexFile{
			w("yank-1.0-py3-none-any.whl"), {Filename: "yank-2.0-py3-none-any.whl", Yanked: true, Metadata: "Name: yank\nVersion: 2.0\n"},
		}},
		{Name: "oldpy", Files: []testenv.IndexFile{
			w("oldpy-2.0-py3-none-any.whl"), {Filename: "oldpy-3.0-py3-none-any.whl", RequiresPython: ">=3.99", Metadata: "Name: oldpy\nVersion: 3.0\n"},
		}},
		{Name: "app", Files: []testenv.IndexFile{w("app-1.0-py3-none-any.whl", "mid>=1")}},
		{Name: "mid", Files: []testenv.IndexFile{w("mid-1.2-cp314-cp314t-"+many+".whl", "leaf"), w("mid-1.2-cp313-cp313t-"+many+".whl", "leaf")}},
		{Name: "leaf", Files: []testenv.IndexFile{w("leaf-4.0-cp314-cp314-" + many + ".whl"), w("leaf-4.0-cp313-cp313-" + many + ".whl")}},
		{Name: "web", Files: []testenv.IndexFile{w("web-2.0-py3-none-any.whl", `ujson>=5; extra == "speed"`, `oldonly; python_version < "3.14"`)}},
		{Name: "ujson", Files: []testenv.IndexFile{testenv.Sdist("ujson", "5.10.0")}},
		{Name: "oldonly", Files: []testenv.IndexFile{w("oldonly-1.0-py3-none-any.whl")}},
		{Name: "laggard", Files: []testenv.IndexFile{testenv.Sdist("laggard", "2.0"), w("laggard-1.5-cp314-cp314t-" + many + ".whl"), w("laggard-1.5-cp313-cp313t-" + many + ".whl")}},
	}
}

// check runs a check of reqs for python against the index, with a fresh
// store as the cache unless st is given.
func check(t *testing.T, python, index string, st *store.Store, reqs ...wheels.Requirement) (wheels.Report, map[string]wheels.Result) {
	t.Helper()
	if st == nil {
		var err error
		st, err = store.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	}
	c := &wheels.Checker{Python: python, IndexURL: index, Cache: st}
	rep, err := c.Check(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]wheels.Result{}
	for _, r := range rep.Results {
		by[r.Name] = r
	}
	return rep, by
}

func names(texts ...string) []wheels.Requirement {
	var out []wheels.Requirement
	for _, s := range texts {
		out = append(out, wheels.Requirement{Text: s})
	}
	return out
}

// want checks one package's status, version and file (file "" skips it).
func want(t *testing.T, by map[string]wheels.Result, name string, status wheels.Status, version, file string) wheels.Result {
	t.Helper()
	r, ok := by[name]
	if !ok {
		t.Errorf("%s was not reported", name)
		return r
	}
	if r.Status != status || r.Version != version || (file != "" && r.File != file) {
		t.Errorf("%s: %s %s %s (%s); want %s %s %s", name, r.Status, r.Version, r.File, r.Reason, status, version, file)
	}
	return r
}

// Each kind of project, judged by the real free-threaded 3.14 and 3.13 and
// the GIL 3.14, against their own tags.
func TestEachKindOfProject(t *testing.T) {
	ix := testenv.StartPackageIndex(t, fixtures()...)
	ft314, ft313, gil314 := testenv.FreeThreaded(t)["3.14"], testenv.FreeThreaded(t)["3.13"], testenv.GIL(t, "3.14")
	all := names("fast", "muslonly", "desktoponly", "stable", "pure", "cbuild", "yank", "oldpy", "app", "web[speed]", "laggard", "nosuch",
		`winonly; sys_platform == "win32"`)

	rep, by := check(t, ft314, ix.URL, nil, all...)
	if !rep.FreeThreaded || !strings.HasPrefix(rep.PythonVersion, "3.14") {
		t.Errorf("report for %s: %+v", ft314, rep)
	}
	want(t, by, "fast", wheels.FreeThreadedWheel, "2.0", "fast-2.0-cp314-cp314t-"+many+".whl")
	want(t, by, "muslonly", wheels.NoCompatibleWheel, "1.0", "")
	if r := want(t, by, "desktoponly", wheels.NoCompatibleWheel, "1.0", ""); !strings.Contains(r.Reason, "cp314-cp314t") {
		t.Errorf("the reason should name the wheels there are: %s", r.Reason)
	}
	want(t, by, "stable", wheels.NoCompatibleWheel, "1.0", "") // abi3: not for a free-threaded 3.14
	want(t, by, "pure", wheels.PurePython, "3.1", "pure-3.1-py3-none-any.whl")
	want(t, by, "cbuild", wheels.SourceOnly, "0.9", "cbuild-0.9.tar.gz")
	want(t, by, "yank", wheels.PurePython, "1.0", "")
	want(t, by, "oldpy", wheels.PurePython, "2.0", "")
	want(t, by, "nosuch", wheels.NotFound, "", "")
	if r := by["winonly"]; r.Status != wheels.NotChecked || !strings.Contains(r.Reason, "not needed here") {
		t.Errorf("a requirement for Windows: %+v", r)
	}
	// app needs mid, which needs leaf, which has only GIL wheels.
	want(t, by, "leaf", wheels.NoCompatibleWheel, "4.0", "")
	if r := want(t, by, "mid", wheels.FreeThreadedWheel, "1.2", ""); !slices.Equal(r.BlockedBy, []string{"leaf"}) || !slices.Equal(r.RequiredBy, []string{"app"}) {
		t.Errorf("mid: blocked by %v, required by %v", r.BlockedBy, r.RequiredBy)
	}
	if r := want(t, by, "app", wheels.PurePython, "1.0", ""); !slices.Equal(r.BlockedBy, []string{"leaf"}) || !strings.Contains(r.Reason, "blocked by leaf") {
		t.Errorf("app: %+v", r)
	}
	// The extra pulls in a package pip would build; the marker leaves
	// oldonly out on 3.14.
	want(t, by, "ujson", wheels.SourceOnly, "5.10.0", "")
	if r := by["web"]; !slices.Equal(r.BlockedBy, []string{"ujson"}) {
		t.Errorf("web[speed]: %+v", r)
	}
	if _, ok := by["oldonly"]; ok {
		t.Error("oldonly is asked for only below Python 3.14")
	}
	if r := want(t, by, "laggard", wheels.SourceOnly, "2.0", ""); r.OlderVersionOK != "1.5" || !strings.Contains(r.Reason, "an older version, 1.5") {
		t.Errorf("laggard: %+v", r)
	}

	// The free-threaded 3.13 takes its own wheels, and the marker brings
	// oldonly in. The newest fast has a wheel for 3.14t alone: pip takes
	// the older one that fits, and the report says so.
	_, by = check(t, ft313, ix.URL, nil, names("fast", "web", "mid")...)
	if r := want(t, by, "fast", wheels.NoCompatibleWheel, "2.0", ""); r.OlderVersionOK != "1.0" || !strings.Contains(r.Reason, "pip takes it") {
		t.Errorf("fast on 3.13t: %+v", r)
	}
	want(t, by, "oldonly", wheels.PurePython, "1.0", "")
	_, pinned := check(t, ft313, ix.URL, nil, names("fast<2")...)
	want(t, pinned, "fast", wheels.FreeThreadedWheel, "1.0", "fast-1.0-cp313-cp313t-"+many+".whl")
	if _, ok := by["ujson"]; ok {
		t.Error("ujson is asked for only with the speed extra")
	}
	// The GIL 3.14 takes the GIL wheels and abi3.
	rep, by = check(t, gil314, ix.URL, nil, names("fast", "stable", "leaf")...)
	if rep.FreeThreaded {
		t.Error("the GIL build reported as free-threaded")
	}
	if r := want(t, by, "fast", wheels.NoCompatibleWheel, "2.0", ""); r.OlderVersionOK != "1.0" {
		t.Errorf("fast on the GIL 3.14: %+v", r)
	}
	want(t, by, "stable", wheels.BinaryWheel, "1.0", "")
	want(t, by, "leaf", wheels.BinaryWheel, "4.0", "")

	// An exact pin takes the yanked release, as pip does.
	_, by = check(t, ft314, ix.URL, nil, names("yank==2.0")...)
	want(t, by, "yank", wheels.PurePython, "2.0", "")
}

// A requirements file: includes are followed, constraints limit versions,
// and the lines PyHangar cannot judge are listed with their reason.
func TestRequirementsFile(t *testing.T) {
	ix := testenv.StartPackageIndex(t, fixtures()...)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.txt"), []byte("pure>=3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "constraints.txt"), []byte("fast<2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(
		"-r base.txt\n-c constraints.txt\nfast\n--index-url https://example.invalid/simple\n"+
			"git+https://example.invalid/x.git#egg=x\n-e ./src\nlocal @ file:///tmp/local.whl\n"), 0o644)
	lines, err := envs.ReadRequirements(filepath.Join(dir, "requirements.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	reqs, src := wheels.FromLines(lines)
	if src.IndexURL != "https://example.invalid/simple" || src.NoIndex || len(src.ExtraIndexURLs) > 0 {
		t.Errorf("the file's sources: %+v", src)
	}
	rep, by := check(t, testenv.FreeThreaded(t)["3.14"], ix.URL, nil, reqs...)
	want(t, by, "pure", wheels.PurePython, "3.1", "")
	want(t, by, "fast", wheels.FreeThreadedWheel, "1.0", "fast-1.0-cp314-cp314t-"+many+".whl")
	var notChecked []string
	for _, r := range rep.Results {
		if r.Status == wheels.NotChecked {
			notChecked = append(notChecked, r.Reason)
		}
	}
	if len(notChecked) != 3 || !strings.Contains(strings.Join(notChecked, "\n"), "requirements.txt:6: an editable install") {
		t.Errorf("not checked: %q", notChecked)
	}
	if len(rep.Results) != 5 {
		t.Errorf("results: %+v", rep.Results)
	}
}

// An index without PEP 691 is read in HTML; a second check asks only with
// the ETags it kept (and is told "not modified"); with max-age it asks
// nothing; with the index gone, the answers kept are used and said to be.
func TestHTMLCacheAndOffline(t *testing.T) {
	ix := testenv.StartPackageIndex(t, fixtures()...)
	ix.HTMLOnly = true
	ft := testenv.FreeThreaded(t)["3.14"]
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reqs := names("app", "yank", "oldpy")
	rep, by := check(t, ft, ix.URL, st, reqs...)
	want(t, by, "mid", wheels.FreeThreadedWheel, "1.2", "")
	want(t, by, "yank", wheels.PurePython, "1.0", "")
	want(t, by, "oldpy", wheels.PurePython, "2.0", "")
	cold := rep.Requests
	if cold != 9 { // the pages of app, yank, oldpy, mid, leaf; the metadata of the first four
		t.Errorf("cold: %d requests (%v)", cold, ix.Paths())
	}
	rep, _ = check(t, ft, ix.URL, st, reqs...)
	if rep.Requests != 5 { // the five pages, answered 304; metadata never changes
		t.Errorf("warm without max-age: %d requests", rep.Requests)
	}
	ix.MaxAge = 600
	check(t, ft, ix.URL, st, reqs...)
	rep, by = check(t, ft, ix.URL, st, reqs...)
	if rep.Requests != 0 {
		t.Errorf("warm within max-age: %d requests", rep.Requests)
	}
	ix.MaxAge = 0
	ix.Close()
	for _, p := range []string{"app", "mid", "leaf", "yank", "oldpy"} {
		page, ok, _ := st.IndexPage(t.Context(), ix.URL+p+"/")
		if !ok {
			t.Fatalf("%s was not kept", p)
		}
		page.MaxAge = 0
		st.SaveIndexPage(t.Context(), page)
	}
	rep, by = check(t, ft, ix.URL, st, reqs...)
	want(t, by, "leaf", wheels.NoCompatibleWheel, "4.0", "")
	if rep.Offline == "" || rep.OldestAnswer.IsZero() {
		t.Errorf("offline: %q, oldest %v", rep.Offline, rep.OldestAnswer)
	}
	// Offline with nothing kept: one clear error, not a list of failures.
	_, err = (&wheels.Checker{Python: ft, IndexURL: ix.URL}).Check(context.Background(), reqs)
	if err == nil || !strings.Contains(err.Error(), "cannot be reached, and nothing from it is kept here") {
		t.Errorf("offline with nothing kept: %v", err)
	}
}

// The index: --index-url, else PIP_INDEX_URL, else the index-url pip is
// configured with (read by the interpreter's own pip), else PyPI.
func TestIndexChoice(t *testing.T) {
	first := testenv.StartPackageIndex(t, fixtures()...)
	second := testenv.StartPackageIndex(t, fixtures()...)
	conf := filepath.Join(t.TempDir(), "pip.conf")
	os.WriteFile(conf, []byte("[global]\nindex-url = "+second.URL+"\n"), 0o644)
	t.Setenv("PIP_CONFIG_FILE", conf)
	ft := testenv.FreeThreaded(t)["3.14"]
	for _, c := range []struct {
		flag, env, want string
	}{
		{"", "", second.URL},
		{"", first.URL, first.URL},
		{second.URL, first.URL, second.URL},
	} {
		ck := &wheels.Checker{Python: ft, IndexURL: c.flag, Getenv: func(k string) string {
			if k == "PIP_INDEX_URL" {
				return c.env
			}
			return ""
		}}
		rep, err := ck.Check(context.Background(), names("pure"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Index != c.want || rep.Results[0].Status != wheels.PurePython {
			t.Errorf("flag %q, PIP_INDEX_URL %q: asked %s (%+v), want %s", c.flag, c.env, rep.Index, rep.Results, c.want)
		}
	}
	if _, err := (&wheels.Checker{Python: ft, IndexURL: "http://example.invalid/simple/"}).Check(context.Background(), names("pure")); err == nil ||
		!strings.Contains(err.Error(), "https") {
		t.Errorf("a plain-http index elsewhere was accepted: %v", err)
	}
}
