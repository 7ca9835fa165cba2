package testenv

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ProjectOption changes the test project: an extension module, a failing
// test.
type ProjectOption func(t testing.TB, dir string)

// WithExtension adds the extension module speedups.c as
// src/tinyproj/_speedups.c: the project's build compiles it with the
// machine's C compiler, and it does not declare free-threading support.
func WithExtension(t testing.TB, dir string) {
	copyFile(t, filepath.Join(projectsDir(t), "speedups.c"), filepath.Join(dir, "src", "tinyproj", "_speedups.c"))
}

// WithFailingTest adds a test that fails on purpose.
func WithFailingTest(t testing.TB, dir string) {
	body := "import unittest\n\n\nclass TestOnPurpose(unittest.TestCase):\n    def test_fails_on_purpose(self):\n        self.assertEqual(1 + 1, 3)\n"
	if err := os.WriteFile(filepath.Join(dir, "tests", "test_fails.py"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Project is a copy of the test project tinyproj in a folder of the
// test's own: a pure-Python package built by its own PEP 517 backend in
// its tree, depending on tinydep (from TinyIndex), with unittest tests,
// bench.py (prime counting in 2 threads) and alloc.py (holds 200 MB).
func Project(t testing.TB, opts ...ProjectOption) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tinyproj")
	src := filepath.Join(projectsDir(t), "tinyproj")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		copyFile(t, path, filepath.Join(dir, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(t, dir)
	}
	return dir
}

// TinyIndex serves tinydep 1.0, a real wheel, from a package index
// stand-in.
func TinyIndex(t testing.TB) *PackageIndex {
	return StartPackageIndex(t, IndexProject{Name: "tinydep", Files: []IndexFile{
		RealWheel("tinydep", "1.0", map[string]string{"tinydep/__init__.py": "def answer():\n    return 42\n"}),
	}})
}

func projectsDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no source path for the test projects")
	}
	return filepath.Join(filepath.Dir(file), "projects")
}

func copyFile(t testing.TB, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
