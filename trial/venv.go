package trial

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// VenvResult is a target's venv: made now, or reused.
type VenvResult struct {
	Path   string        `json:"path"`
	Python string        `json:"python"`
	Tool   envs.VenvTool `json:"tool"`
	Reused bool          `json:"reused"`
	// Reinstalled says the venv was reused and only the project itself
	// installed again (its source changed).
	Reinstalled bool    `json:"reinstalled,omitempty"`
	Seconds     float64 `json:"seconds"`
	Error       string  `json:"error,omitempty"`
}

// manifest is what a try venv was made from, written beside it once it is
// whole: a venv without one (a try killed while making it) is never
// reused.
type manifest struct {
	Key        string        `json:"key"`    // the interpreter, the tool and the project's inputs
	Source     string        `json:"source"` // the project's own files, when it is installed
	Python     string        `json:"python"`
	Tool       envs.VenvTool `json:"tool"`
	Made       time.Time     `json:"made"`
	ProjectDir string        `json:"project_dir"`
}

// venvPlace is where a project's venv for an interpreter lives, under
// the data dir: tries/<project>/<interpreter>, its manifest, journal,
// lock and work area beside it.
type venvPlace struct{ dir string }

func placeFor(dataDir, projectDir string, in envs.Interpreter) venvPlace {
	p := sha256.Sum256([]byte(projectDir))
	i := sha256.Sum256([]byte(in.Path))
	name := string(in.Version)
	if in.FreeThreaded {
		name += "t"
	}
	base := filepath.Base(projectDir)
	if !safeName(base) {
		base = "project"
	}
	return venvPlace{dir: filepath.Join(dataDir, "tries", base+"-"+hex.EncodeToString(p[:4]), name+"-"+hex.EncodeToString(i[:4]))}
}

func (v venvPlace) manifest() string { return v.dir + ".json" }
func (v venvPlace) journal() string  { return v.dir + ".journal" }
func (v venvPlace) lock() string     { return v.dir + ".lock" }
func (v venvPlace) work() string     { return v.dir + ".work" }

func safeName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// makeVenv gives the target its venv for the project: the one made before
// when the interpreter, the tool and the project's dependency inputs are
// unchanged (the project itself installed again when its own files
// changed), else a new one in its place. Another try of the same project
// and interpreter is waited for.
func makeVenv(ctx context.Context, opt Options, l *launcher, t Target, say func(string)) (*VenvResult, error) {
	start := time.Now()
	place := placeFor(opt.DataDir, opt.Project.Dir, t.Python)
	tool := envs.ToolVenv
	if opt.UV != "" {
		tool = envs.ToolUV
	}
	inputs, err := opt.Project.InputHash()
	if err != nil {
		return nil, err
	}
	key := keyOf(t.Python, tool, inputs)
	source := ""
	if opt.Project.Package {
		if source, err = sourceHash(opt.Project.Dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(place.dir), 0o755); err != nil {
		return nil, err
	}
	lock, err := platform.WaitLock(ctx, place.lock(), func(held *platform.LockedError) {
		say(fmt.Sprintf("waiting for another try of this project on %s (pid %d)", t.Python.Path, held.PID))
	})
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	res := &VenvResult{Path: place.dir, Python: envs.VenvPython(place.dir), Tool: tool}
	old, ok := readManifest(place.manifest())
	if ok && old.Key == key && envs.IsVenvDir(place.dir) {
		if _, err := os.Stat(res.Python); err == nil {
			res.Reused = true
			if old.Source != source {
				say("the project's own files changed: installing it again")
				if err := installProject(ctx, opt, l, place, tool, []string{"--no-deps", "--force-reinstall"}, say); err != nil {
					os.Remove(place.manifest()) // no longer what it says
					return nil, err
				}
				old.Source, res.Reinstalled = source, true
				if err := writeManifest(place.manifest(), old); err != nil {
					return nil, err
				}
			}
			res.Seconds = time.Since(start).Seconds()
			return res, nil
		}
	}
	// Made again: first the manifest goes, so that a try killed from here
	// on leaves a venv no later try reuses.
	if err := os.Remove(place.manifest()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	why := "no venv for this project and interpreter yet"
	if ok {
		why = "what it is made from changed"
	}
	say(fmt.Sprintf("making the venv %s (%s)", place.dir, why))
	_, err = envs.MakeVenvDir(ctx, envs.MakeOptions{Dir: place.dir, Base: t.Python, Via: tool, UV: opt.UV,
		Recreate: envs.IsVenvDir(place.dir), Journal: place.journal(), Progress: say})
	if err != nil {
		return nil, err
	}
	os.Remove(place.journal())
	if len(opt.Project.Requirements) > 0 {
		reqs := place.dir + ".requirements.txt"
		if err := os.WriteFile(reqs, []byte(opt.Project.RequirementsText()), 0o644); err != nil {
			return nil, err
		}
		if err := envs.Install(ctx, envs.InstallOptions{Venv: place.dir, Via: tool, UV: opt.UV, Args: []string{"-r", reqs},
			Dir: opt.Project.Dir, Progress: say, Run: l.tool}); err != nil {
			return nil, fmt.Errorf("installing the project's requirements: %w", err)
		}
	}
	if opt.Project.Package {
		if err := installProject(ctx, opt, l, place, tool, []string{"--no-deps"}, say); err != nil {
			return nil, err
		}
	}
	m := manifest{Key: key, Source: source, Python: t.Python.Path, Tool: tool, Made: time.Now().UTC(), ProjectDir: opt.Project.Dir}
	if err := writeManifest(place.manifest(), m); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// keyOf names what a venv is made from: the interpreter (its path and its
// binary's size and time, so a rebuilt one counts as new), the tool and
// the project's inputs.
func keyOf(in envs.Interpreter, tool envs.VenvTool, inputs string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%v\x00", in.Path, in.Version, tool, in.FreeThreaded)
	if fi, err := os.Stat(in.Path); err == nil {
		fmt.Fprintf(h, "%d\x00%d\x00", fi.Size(), fi.ModTime().UnixNano())
	}
	h.Write([]byte(inputs))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// installProject installs the project itself from a copy of its folder in
// the venv's work area, so that its build writes nothing in the project
// (setuptools would leave build/ and *.egg-info there).
func installProject(ctx context.Context, opt Options, l *launcher, place venvPlace, tool envs.VenvTool, flags []string, say func(string)) error {
	work := place.work()
	if _, err := platform.DeleteMade(work, platform.Made{Within: opt.DataDir}); err != nil {
		return err
	}
	defer platform.DeleteMade(work, platform.Made{Within: opt.DataDir})
	src := filepath.Join(work, filepath.Base(opt.Project.Dir))
	if err := copyProject(opt.Project.Dir, src); err != nil {
		return fmt.Errorf("copying the project to build it: %w", err)
	}
	say("installing the project itself (its build backend runs)")
	err := envs.Install(ctx, envs.InstallOptions{Venv: place.dir, Via: tool, UV: opt.UV, Args: append(flags, src), Dir: opt.Project.Dir, Progress: say, Run: l.tool})
	if err != nil {
		return fmt.Errorf("installing the project itself: %w", err)
	}
	return nil
}

// skipped are what a copy of a project leaves out: version control,
// venvs, caches and build output.
func skipped(name string, d fs.DirEntry, full string) bool {
	switch name {
	case ".git", ".hg", ".svn", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "build", "dist":
		return true
	}
	if strings.HasSuffix(name, ".egg-info") {
		return true
	}
	return d.IsDir() && envs.IsVenvDir(full)
}

// maxProjectFiles bounds what a copy or a source hash walks.
var maxProjectFiles = 100_000

// walkProject visits the project's own files (not what skipped leaves
// out), links not followed.
func walkProject(dir string, visit func(rel string, d fs.DirEntry) error) error {
	n := 0
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		if skipped(d.Name(), d, path) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if n++; n > maxProjectFiles {
			return fmt.Errorf("%s holds more than %d files", dir, maxProjectFiles)
		}
		rel, _ := filepath.Rel(dir, path)
		return visit(rel, d)
	})
}

// sourceHash stands for the project's own files: their names, sizes and
// modification times.
func sourceHash(dir string) (string, error) {
	h := sha256.New()
	err := walkProject(dir, func(rel string, d fs.DirEntry) error {
		if d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", filepath.ToSlash(rel), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)[:16]), err
}

// copyProject copies the project's own files (regular files and folders;
// links are left out) into dst, written through os.Root.
func copyProject(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	return walkProject(src, func(rel string, d fs.DirEntry) error {
		switch {
		case d.IsDir():
			return root.Mkdir(rel, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(filepath.Join(src, rel))
		if err != nil {
			return err
		}
		defer in.Close()
		fi, err := in.Stat()
		if err != nil {
			return err
		}
		out, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func readManifest(path string) (manifest, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return manifest{}, false
	}
	var m manifest
	if json.Unmarshal(b, &m) != nil || m.Key == "" {
		return manifest{}, false
	}
	return m, true
}

// writeManifest writes whole or not at all.
func writeManifest(path string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
