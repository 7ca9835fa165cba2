package wheels_test

import (
	"strings"
	"testing"
	"time"

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
