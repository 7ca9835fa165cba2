package trial

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// pytest's summary as a real pytest prints it (Debian's, for the system
// python): the counts of its last line and the failing tests' names from
// its short summary; a file that does not import counts as an error.
func TestPytestsSummary(t *testing.T) {
	python := testenv.System(t)
	if err := exec.Command(python, "-c", "import pytest").Run(); err != nil {
		if testenv.InCI() {
			t.Fatalf("%s has no pytest (make test installs python3-pytest): %v", python, err)
		}
		t.Skipf("%s has no pytest", python)
	}
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("test_some.py", "import pytest\n\ndef test_one():\n    assert 1\n\ndef test_two():\n    assert 2\n\n"+
		"def test_wrong():\n    assert 1 == 2\n\n@pytest.mark.skip(reason='not here')\ndef test_later():\n    pass\n")
	pytest := func() (TestResult, string) {
		out, _ := exec.Command(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", dir).CombinedOutput()
		var r TestResult
		summarize(&r, strings.Split(string(out), "\n"))
		return r, string(out)
	}
	r, out := pytest()
	if !r.Summarized || r.Passed != 2 || r.Failed != 1 || r.Skipped != 1 || r.Errors != 0 || r.Interrupted != "" {
		t.Errorf("read %+v from:\n%s", r, out)
	}
	if len(r.Failing) != 1 || !strings.HasSuffix(r.Failing[0], "test_some.py::test_wrong") {
		t.Errorf("failing: %q from:\n%s", r.Failing, out)
	}
	if got := r.words(); got != "1 of 3 tests fail ("+r.Failing[0]+")" {
		t.Errorf("words: %s", got)
	}
	// A test file that does not import stops pytest before any test runs.
	write("test_broken.py", "import no_such_module\n")
	r, out = pytest()
	if r.Errors != 1 || r.Interrupted != "1 error during collection" || len(r.Failing) != 1 || !strings.HasSuffix(r.Failing[0], "test_broken.py") {
		t.Errorf("read %+v from:\n%s", r, out)
	}
	if got := r.words(); !strings.HasPrefix(got, "the tests stop before they run: 1 error during collection (") {
		t.Errorf("words: %s", got)
	}
}
