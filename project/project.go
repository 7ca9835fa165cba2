// Package project reads a Python project's folder as a try needs it: what
// it depends on (pyproject.toml's [project] with chosen extras and PEP 735
// dependency groups, a PEP 751 pylock.toml, or requirements*.txt), which
// Pythons it says it supports, whether it is a package to install, its own
// importable packages, and the commands that test it and time it. It
// reads files and runs nothing: a project is someone else's code.
package project

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/pyversion"
)

// From says where a project's dependencies were read.
type From string

const (
	// FromLock: pylock.toml (PEP 751), its packages pinned as locked.
	FromLock From = "pylock.toml"
	// FromPyproject: pyproject.toml's [project] dependencies, with the
	// chosen extras and dependency groups.
	FromPyproject From = "pyproject.toml"
	// FromRequirements: the requirements*.txt files at the top.
	FromRequirements From = "requirements"
	// FromNothing: the project names no dependencies.
	FromNothing From = "none"
)

// Options choose what of a project a try installs.
type Options struct {
	Extras []string // [project.optional-dependencies] to add
	// Groups are the [dependency-groups] to add; nil means the test
	// group (test or tests) when there is one.
	Groups []string
}

// Project is what a try knows of a folder.
type Project struct {
	Dir  string `json:"dir"`
	Name string `json:"name"`
	// Package says it builds as a package (a [build-system], or a
	// setup.py): it is installed into the try's venv itself.
	Package        bool   `json:"package"`
	RequiresPython string `json:"requires_python,omitempty"`
	// From says where Requirements were read; Files are those files,
	// relative to Dir.
	From  From     `json:"from"`
	Files []string `json:"files"`
	// Requirements are the lines to install, as a requirements file
	// writes them (options such as --index-url included).
	Requirements []envs.ReqLine `json:"-"`
	Extras       []string       `json:"extras,omitempty"`
	Groups       []string       `json:"groups,omitempty"`
	// OfferedExtras and OfferedGroups are all the project has.
	OfferedExtras []string `json:"offered_extras,omitempty"`
	OfferedGroups []string `json:"offered_groups,omitempty"`
	// Packages are its own top-level importable packages and modules.
	Packages []string `json:"packages"`
	// Test and Run are the commands found (nil: none), argv with
	// "python" for the target's interpreter.
	Test []string `json:"test,omitempty"`
	Run  []string `json:"run,omitempty"`
	// Notes say what was read and left out.
	Notes []string `json:"notes,omitempty"`
}

// ErrNotAProject says a folder has nothing a try can read.
var ErrNotAProject = errors.New("not a Python project")

// Read reads the project in dir.
func Read(dir string, opt Options) (Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Project{}, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return Project{}, fmt.Errorf("%s is not a folder", dir)
	}
	p := Project{Dir: abs, Name: filepath.Base(abs), From: FromNothing, Files: []string{}}
	py, hasPyproject, err := readPyproject(abs)
	if err != nil {
		return Project{}, err
	}
	reqs := requirementFiles(abs)
	lock := lockFile(abs)
	if !hasPyproject && len(reqs) == 0 && lock == "" && !exists(abs, "setup.py") {
		return Project{}, fmt.Errorf("%s: %w (no pyproject.toml, requirements*.txt, pylock.toml or setup.py)", abs, ErrNotAProject)
	}
	if hasPyproject {
		if py.Project.Name != "" {
			p.Name = py.Project.Name
		}
		p.RequiresPython = py.Project.RequiresPython
		p.Package = py.BuildSystem != nil
		p.OfferedExtras = sortedKeys(py.Project.OptionalDependencies)
		p.OfferedGroups = sortedKeys(py.DependencyGroups)
	}
	p.Package = p.Package || exists(abs, "setup.py")
	switch {
	case lock != "":
		lines, requires, notes, err := readLock(abs, lock)
		if err != nil {
			return Project{}, err
		}
		p.From, p.Files, p.Requirements = FromLock, []string{lock}, lines
		p.Notes = append(p.Notes, notes...)
		if p.RequiresPython == "" {
			p.RequiresPython = requires
		}
	case hasPyproject && py.Project.Name != "":
		if err := p.fromPyproject(py, opt); err != nil {
			return Project{}, err
		}
	case len(reqs) > 0:
		p.From, p.Files = FromRequirements, reqs
		for _, f := range reqs {
			lines, err := envs.ReadRequirements(filepath.Join(abs, f), abs)
			if err != nil {
				return Project{}, err
			}
			p.Requirements = append(p.Requirements, lines...)
		}
	}
	if p.RequiresPython != "" {
		if _, err := pyversion.Satisfies("3.13.0", p.RequiresPython); err != nil {
			return Project{}, fmt.Errorf("%s: %w", filepath.Join(abs, "pyproject.toml"), err)
		}
	}
	p.Packages = ownPackages(abs)
	p.Test, p.Run = p.commands()
	return p, nil
}

// Supports says whether the project's requires-python takes version v,
// and why not when it does not.
func (p Project) Supports(v pyversion.Version) (bool, string) {
	if p.RequiresPython == "" {
		return true, ""
	}
	ok, err := pyversion.Satisfies(v, p.RequiresPython)
	switch {
	case err != nil:
		return false, err.Error()
	case !ok:
		return false, fmt.Sprintf("the project requires Python %s, and this is %s", p.RequiresPython, v)
	}
	return true, ""
}

// UseIndex makes url the index the requirements install from (pip's
// --index-url, as the first line of what is installed), over what the
// project's own files say.
func (p *Project) UseIndex(url string) {
	p.Requirements = append([]envs.ReqLine{{File: "--index-url", Text: "--index-url " + url, Kind: envs.ReqIndex,
		Option: "--index-url", Value: url}}, p.Requirements...)
}

// Names are the requirement names a try's readiness check follows: the
// package lines, each as written.
func (p Project) Names() []string {
	var out []string
	for _, l := range p.Requirements {
		if l.Kind == envs.ReqPackage && !l.Constraint {
			out = append(out, l.Text)
		}
	}
	return out
}

// Depends says whether the project's requirements or groups name a
// distribution (normalized as PEP 503 does: pytest, Pytest, py_test).
func (p Project) Depends(name string) bool {
	want := normalize(name)
	for _, l := range p.Requirements {
		if l.Kind == envs.ReqPackage && normalize(requirementName(l.Text)) == want {
			return true
		}
	}
	return false
}

// InputHash is the content hash of what the project's venv is made from:
// its dependency files, the extras and groups chosen and whether the
// project itself is installed. A venv made from the same inputs is the
// same venv.
func (p Project) InputHash() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "from=%s\x00package=%v\x00extras=%q\x00groups=%q\x00", p.From, p.Package, p.Extras, p.Groups)
	files := append([]string{}, p.Files...)
	if p.Package && !contains(files, "pyproject.toml") && exists(p.Dir, "pyproject.toml") {
		files = append(files, "pyproject.toml")
	}
	for _, name := range []string{"setup.py", "setup.cfg"} {
		if p.Package && exists(p.Dir, name) {
			files = append(files, name)
		}
	}
	// Files a requirements file includes count too.
	for _, l := range p.Requirements {
		if l.Kind == envs.ReqInclude || l.Kind == envs.ReqConstraint {
			if rel, err := filepath.Rel(p.Dir, included(l)); err == nil && !contains(files, rel) {
				files = append(files, rel)
			}
		}
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(p.Dir, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// RequirementsText is what a try installs before the project itself, as
// one requirements file that pip reads from the project's folder: every
// line of the project's requirements (options included; an included
// file's lines are there in its stead, a constraint file is named by its
// path).
func (p Project) RequirementsText() string {
	var b strings.Builder
	for _, l := range p.Requirements {
		switch {
		case l.Kind == envs.ReqInclude, l.Constraint && l.Kind != envs.ReqConstraint:
			continue // the included lines follow; the constraints come by their -c
		case l.Kind == envs.ReqConstraint:
			b.WriteString("-c " + included(l) + "\n")
		default:
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// included is the file an -r or -c line names.
func included(l envs.ReqLine) string {
	if filepath.IsAbs(l.Value) {
		return l.Value
	}
	return filepath.Join(filepath.Dir(l.File), l.Value)
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// requirementFiles are the requirements*.txt files at the top, sorted.
func requirementFiles(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "requirements*.txt"))
	var out []string
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
			out = append(out, filepath.Base(m))
		}
	}
	sort.Strings(out)
	return out
}

// skipDirs are folders that hold no package of the project's own.
var skipDirs = map[string]bool{"tests": true, "test": true, "docs": true, "doc": true, "build": true, "dist": true,
	"examples": true, "benchmarks": true, "scripts": true, "venv": true, "env": true}

// ownPackages are the project's top-level packages (folders with an
// __init__.py, in src/ when there is one) and modules.
func ownPackages(dir string) []string {
	root := dir
	if fi, err := os.Stat(filepath.Join(dir, "src")); err == nil && fi.IsDir() {
		root = filepath.Join(dir, "src")
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return []string{}
	}
	out := []string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || skipDirs[name] {
			continue
		}
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(root, name, "__init__.py")); err == nil && isIdentifier(name) {
				out = append(out, name)
			}
			continue
		}
		if root != dir && strings.HasSuffix(name, ".py") && isIdentifier(strings.TrimSuffix(name, ".py")) {
			out = append(out, strings.TrimSuffix(name, ".py")) // a module in src/
		}
	}
	return out
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// hasFiles says whether dir holds a file whose name match takes, at most
// depth folders down.
func hasFiles(dir string, depth int, match func(name string) bool) bool {
	found := false
	base := strings.Count(dir, string(filepath.Separator))
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return filepath.SkipDir
		}
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || strings.Count(path, string(filepath.Separator))-base > depth) {
				return filepath.SkipDir
			}
			return nil
		}
		if match(d.Name()) {
			found = true
		}
		return nil
	})
	return found
}
