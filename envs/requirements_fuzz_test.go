package envs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRequirements reads requirements files a teammate could write, in a
// tree: whatever the file says, reading it never panics, never reads a
// file outside the tree, and a refusal names the line it is about.
func FuzzRequirements(f *testing.F) {
	for _, seed := range []string{
		"requests>=2\n", "-r other.txt\n", "--requirem ../outside.txt\n", "-e ./pkg\n", "--edit ../outside\n",
		"-r${HOME}/x.txt\n", "--index https://x/simple --pre\n", "numpy \\\n  --hash=sha256:ab\n", "# c\n-c c.txt # c\n",
		"-r 'a b.txt'\n", "--pr\n", "\"unclosed\n", "-r\n", "pkg @ file:///etc/passwd\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		dir := t.TempDir()
		repo := filepath.Join(dir, "repo")
		os.MkdirAll(filepath.Join(repo, "pkg"), 0o755)
		os.WriteFile(filepath.Join(repo, "other.txt"), []byte("six\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "outside.txt"), []byte("evil\n"), 0o644)
		req := filepath.Join(repo, "requirements.txt")
		if err := os.WriteFile(req, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		lines, err := readRequirements(req, repo, func(k string) string { return map[string]string{"HOME": dir}[k] })
		if err != nil {
			if !strings.Contains(err.Error(), req) && !strings.Contains(err.Error(), repo) {
				t.Errorf("a refusal that names no file: %v", err)
			}
			return
		}
		for _, l := range lines {
			if !strings.HasPrefix(l.File, repo+string(filepath.Separator)) {
				t.Errorf("read %s, outside the tree", l.File)
			}
			if l.Line < 1 {
				t.Errorf("line %d", l.Line)
			}
		}
	})
}
