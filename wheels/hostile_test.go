package wheels_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/store"
	"github.com/pyhangar/pyhangar/wheels"
)

// A judge that hangs after its first answer is given up on at the
// deadline; one that picks a file past the page's end marks the package
// not checked, saying why, instead of taking PyHangar down; garbage is
// shown as printed.
func TestMisbehavingJudge(t *testing.T) {
	ix := testenv.StartPackageIndex(t, fixtures()...)
	real := testenv.FreeThreaded(t)["3.14"]
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := func(mode string) (wheels.Report, error) {
		c := &wheels.Checker{Python: testenv.Misbehaving(t, real, mode), IndexURL: ix.URL, Cache: st, Timeout: 2 * time.Second}
		return c.Check(t.Context(), names("fast", "pure"))
	}

	start := time.Now()
	if _, err := run("hang-after-first"); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("hang: %v after %v", err, time.Since(start))
	}
	rep, err := run("out-of-range")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Status != wheels.NotChecked || !strings.Contains(r.Reason, "which it is not") {
			t.Errorf("%s: %s (%s); want not-checked, saying the file picked is not there", r.Name, r.Status, r.Reason)
		}
	}
	if _, err := run("garbage"); err == nil || !strings.Contains(err.Error(), `"Traceback? \x1b[31mno JSON here"`) {
		t.Errorf("garbage: %v", err)
	}
	if left := testenv.ProcessesWith(t, "PyHangar's judge"); len(left) > 0 {
		t.Errorf("left running: %v", left)
	}
}

// Every URL a check fetches goes through the network policy: a page's
// link to plain http elsewhere is not followed, metadata that does not
// hash as the page declares is refused and not kept, links are read
// against the URL the page finally came from.
func TestIndexAnswersUnderThePolicy(t *testing.T) {
	w := testenv.Wheel
	bad := w("tampered-1.0-py3-none-any.whl", "evil")
	bad.MetadataSHA256 = strings.Repeat("0", 64)
	away := w("away-1.0-py3-none-any.whl", "evil")
	away.URL = "http://files.example/away-1.0-py3-none-any.whl"
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "tampered", Files: []testenv.IndexFile{bad}},
		testenv.IndexProject{Name: "away", Files: []testenv.IndexFile{away}},
		testenv.IndexProject{Name: "evil", Files: []testenv.IndexFile{w("evil-1.0-py3-none-any.whl")}},
	)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ft := testenv.FreeThreaded(t)["3.14"]
	for range 2 { // the second time, nothing bad was kept
		_, by := check(t, ft, ix.URL, st, names("tampered", "away")...)
		if r := by["tampered"]; !strings.Contains(r.Reason, "checksum mismatch") || len(r.BlockedBy) > 0 {
			t.Errorf("tampered: %s", r.Reason)
		}
		if r := by["away"]; !strings.Contains(r.Reason, "needs https") {
			t.Errorf("away: %s", r.Reason)
		}
		if _, ok := by["evil"]; ok {
			t.Error("evil was read from metadata PyHangar should have refused")
		}
	}
	for _, p := range ix.Paths() {
		if strings.HasSuffix(p, "evil-1.0-py3-none-any.whl.metadata") || strings.Contains(p, "/simple/evil") {
			t.Errorf("asked for %s", p)
		}
	}
}

// A requirements file's own --index-url is asked instead of the index
// given before, as pip does, and its --extra-index-url too; nothing goes
// to the index it replaced.
func TestRequirementsFileChoosesItsIndexes(t *testing.T) {
	w := testenv.Wheel
	public := testenv.StartPackageIndex(t, testenv.IndexProject{Name: "internal-tool", Files: []testenv.IndexFile{w("internal_tool-9.9-py3-none-any.whl")}})
	private := testenv.StartPackageIndex(t, testenv.IndexProject{Name: "internal-tool", Files: []testenv.IndexFile{w("internal_tool-1.0-py3-none-any.whl")}})
	extra := testenv.StartPackageIndex(t, testenv.IndexProject{Name: "helper", Files: []testenv.IndexFile{w("helper-2.0-py3-none-any.whl")}})
	dir := t.TempDir()
	req := filepath.Join(dir, "requirements.txt")
	os.WriteFile(req, []byte("--index-url "+private.URL+"\n--extra-index-url "+extra.URL+"\ninternal-tool\nhelper\n"), 0o644)
	lines, err := envs.ReadRequirements(req, "")
	if err != nil {
		t.Fatal(err)
	}
	reqs, src := wheels.FromLines(lines)
	st, _ := store.Open(t.TempDir())
	defer st.Close()
	c := &wheels.Checker{Python: testenv.FreeThreaded(t)["3.14"], IndexURL: public.URL, Cache: st}
	c.Use(src)
	rep, err := c.Check(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]wheels.Result{}
	for _, r := range rep.Results {
		by[r.Name] = r
	}
	if by["internal-tool"].Version != "1.0" || by["helper"].Version != "2.0" || rep.Index != private.URL || len(rep.ExtraIndexes) != 1 {
		t.Errorf("results %+v, index %s, extras %v", rep.Results, rep.Index, rep.ExtraIndexes)
	}
	if public.Requests() != 0 {
		t.Errorf("the index the file replaced was asked %d times: %v", public.Requests(), public.Paths())
	}
}

// Links are read against the URL the page finally came from, after a
// redirect.
func TestLinksFollowTheRedirect(t *testing.T) {
	meta := "Metadata-Version: 2.1\nName: moved\nVersion: 1.0\nRequires-Dist: leaf\n"
	mux := http.NewServeMux()
	mux.HandleFunc("/simple/moved/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/mirror/simple/moved/", http.StatusFound)
	})
	mux.HandleFunc("/mirror/simple/moved/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<a href="../../files/moved-1.0-py3-none-any.whl" data-core-metadata="true">moved-1.0-py3-none-any.whl</a>`)
	})
	mux.HandleFunc("/mirror/files/moved-1.0-py3-none-any.whl.metadata", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, meta) })
	mux.HandleFunc("/simple/leaf/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, by := check(t, testenv.FreeThreaded(t)["3.14"], srv.URL+"/simple/", nil, names("moved")...)
	if r := by["moved"]; r.Status != wheels.PurePython || by["leaf"].Status != wheels.NotFound {
		t.Errorf("moved: %+v; leaf: %+v", r, by["leaf"])
	}
}

// A check is bounded: a wheel whose name multiplies its tag sets is not
// read, a package whose metadata names thousands of dependencies has
// them not checked, saying why, and the rest goes on.
func TestCheckIsBounded(t *testing.T) {
	w := testenv.Wheel
	var many []string
	for i := range 3000 {
		many = append(many, fmt.Sprintf("dep%d", i))
	}
	var py, abi, plat []string
	for i := range 20 {
		py, abi, plat = append(py, fmt.Sprintf("cp3%d", i)), append(abi, fmt.Sprintf("abi%d", i)), append(plat, fmt.Sprintf("p%d", i))
	}
	bomb := "bomb-1.0-" + strings.Join(py, ".") + "-" + strings.Join(abi, ".") + "-" + strings.Join(plat, ".") + ".whl"
	ix := testenv.StartPackageIndex(t,
		testenv.IndexProject{Name: "greedy", Files: []testenv.IndexFile{w("greedy-1.0-py3-none-any.whl", many...)}},
		testenv.IndexProject{Name: "bomb", Files: []testenv.IndexFile{w(bomb), w("bomb-1.0-py3-none-any.whl")}},
		testenv.IndexProject{Name: "pure", Files: []testenv.IndexFile{w("pure-3.1-py3-none-any.whl")}},
	)
	rep, by := check(t, testenv.FreeThreaded(t)["3.14"], ix.URL, nil, names("greedy", "bomb", "pure")...)
	if r := by["greedy"]; r.Status != wheels.PurePython || !strings.Contains(r.Reason, "names 3000, more than the 256") {
		t.Errorf("greedy: %s %s", r.Status, r.Reason)
	}
	if r := by["bomb"]; r.Status != wheels.PurePython || !strings.Contains(r.Reason, "1 of its files were not read") {
		t.Errorf("bomb: %s %s", r.Status, r.Reason)
	}
	if by["pure"].Status != wheels.PurePython || len(rep.Results) != 3 {
		t.Errorf("the rest: %+v", rep.Results)
	}
}
