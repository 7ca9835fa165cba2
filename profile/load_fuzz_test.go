package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad reads team profiles a teammate could write: whatever the file
// says, loading never panics, a refusal names the file, and a profile
// that loads names only paths inside its own tree.
func FuzzLoad(f *testing.F) {
	f.Add("name = \"t\"\n\n[[python]]\nspec = \"3.14t\"\nvia = \"uv\"\n\n[[venv]]\nname = \"dev\"\npython = \"3.14t\"\nrequirements = \"r.txt\"\n")
	f.Add("[[venv]]\nname = \"x\"\npython = \"../../bin/python\"\n")
	f.Add("[[venv]]\nname = \"x\"\npython = \"3.13\"\nrequirements = \"/etc/passwd\"\n")
	f.Add("[bench]\nafter_setup = true\nwhen = \"now\"\n")
	f.Add("[[venv]]\nname = \"con\"\npython = \"3.13\"\n")
	f.Add("name = \"unterminated\n")
	f.Fuzz(func(t *testing.T, src string) {
		dir := t.TempDir()
		repo := filepath.Join(dir, "repo")
		os.MkdirAll(filepath.Join(repo, "tools"), 0o755)
		os.WriteFile(filepath.Join(repo, "r.txt"), []byte("requests\n-r more.txt\n"), 0o644)
		os.WriteFile(filepath.Join(repo, "more.txt"), []byte("six\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "outside.txt"), []byte("evil\n"), 0o644)
		path := filepath.Join(repo, "team.toml")
		os.WriteFile(path, []byte(src), 0o644)
		p, err := Load(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("a refusal that does not name the file: %v", err)
			}
			return
		}
		for _, v := range p.Venv {
			for _, rel := range []string{p.RequirementsPath(v), p.PythonPath(v)} {
				if rel != "" && !strings.HasPrefix(rel, repo+string(filepath.Separator)) {
					t.Errorf("the profile names %s, outside its tree", rel)
				}
			}
		}
	})
}
