package project

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
)

// Python stands for the target's interpreter in a command: a try runs
// "python bench.py" with the try venv's python.
const Python = "python"

// commands are the test and run commands a try takes unless told: pytest
// when the project has tests and pytest among what it installs, unittest
// when its tests are unittest's, else none; and bench.py (or
// benchmarks/bench.py) when there is one.
func (p Project) commands() (test, run []string) {
	tests := testDir(p.Dir)
	switch {
	case p.Depends("pytest") && (tests != "" || hasFiles(p.Dir, 1, isTestFile)):
		test = []string{Python, "-m", "pytest", "-q"}
	case tests != "" && hasFiles(filepath.Join(p.Dir, tests), 3, func(name string) bool {
		return isTestFile(name) && fileHas(filepath.Join(p.Dir, tests), name, "unittest")
	}):
		test = []string{Python, "-m", "unittest", "discover", "-s", tests}
	case hasFiles(p.Dir, 0, func(name string) bool { return isTestFile(name) && fileHas(p.Dir, name, "unittest") }):
		test = []string{Python, "-m", "unittest"}
	}
	for _, script := range []string{"bench.py", filepath.Join("benchmarks", "bench.py")} {
		if fi, err := os.Stat(filepath.Join(p.Dir, script)); err == nil && fi.Mode().IsRegular() {
			run = []string{Python, filepath.ToSlash(script)}
			break
		}
	}
	return test, run
}

// testDir is the project's tests folder ("" for none).
func testDir(dir string) string {
	for _, name := range []string{"tests", "test"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			return name
		}
	}
	return ""
}

func isTestFile(name string) bool {
	return strings.HasSuffix(name, ".py") && (strings.HasPrefix(name, "test_") || strings.HasSuffix(name, "_test.py") || name == "tests.py")
}

// fileHas says whether a file found by hasFiles (named name, somewhere
// under dir) mentions word; it looks at the first match only, which is
// enough to tell unittest's tests.
func fileHas(dir, name, word string) bool {
	var hit bool
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || hit || d.IsDir() || d.Name() != name {
			return nil
		}
		b, rerr := os.ReadFile(path)
		hit = rerr == nil && bytes.Contains(b, []byte(word))
		return nil
	})
	return hit
}

// Command reads a command the user gave (--test, --run, the window's
// fields) into argv, split as a POSIX shell splits words (quotes and
// backslashes group) and run by none.
func Command(s string) ([]string, error) {
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' }) {
		return nil, fmt.Errorf("the command %q holds a control character", s)
	}
	argv, err := envs.SplitWords(s)
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("the command is empty")
	}
	return argv, nil
}

// CommandLine writes argv back as Command reads it.
func CommandLine(argv []string) string {
	var parts []string
	for _, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t'\"\\$`") {
			parts = append(parts, a)
			continue
		}
		parts = append(parts, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	return strings.Join(parts, " ")
}
