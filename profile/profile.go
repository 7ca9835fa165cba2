// Package profile onboards a team machine from one TOML file: which
// interpreters and venvs it needs. It reads and checks the file, plans
// against what the machine has, applies the plan step by step, and exports
// the profile that describes this machine.
package profile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
)

// Profile is a team profile file.
type Profile struct {
	Name   string   `toml:"name"`
	Python []Python `toml:"python"`
	Venv   []Venv   `toml:"venv"`
	Bench  Bench    `toml:"bench"`

	// Path is the file it was read from; relative paths are under Dir.
	Path string `toml:"-"`
	Dir  string `toml:"-"`
}

// Python asks for an interpreter.
type Python struct {
	Spec string          `toml:"spec"`
	Via  installer.Route `toml:"via,omitempty"` // uv | python.org | "" (uv when present)
}

// Venv asks for a virtual environment.
type Venv struct {
	Name         string `toml:"name"`
	Python       string `toml:"python"`                 // a spec or a path
	Requirements string `toml:"requirements,omitempty"` // relative to the profile
}

// Bench says whether to benchmark the profile's interpreters after set-up.
type Bench struct {
	AfterSetup bool `toml:"after_setup"`
}

// Error is a problem in a profile, at a line of its file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Load reads a profile and checks everything that can be checked without
// the machine: TOML syntax, unknown keys, specs, names, tools, and that
// the files it names (interpreters, requirements files and what they
// include) exist inside the profile's directory tree. Each problem names
// the file and line.
func Load(path string) (*Profile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	p := &Profile{Path: abs, Dir: filepath.Dir(abs)}
	md, err := toml.Decode(string(src), p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: path, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	lines := newLineIndex(string(src))
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		k := undecoded[0]
		return nil, &Error{File: path, Line: lines.key(k), Msg: fmt.Sprintf("unknown key %q", k.String())}
	}
	fail := func(table string, i int, key, format string, a ...any) error {
		return &Error{File: path, Line: lines.item(table, i, key), Msg: fmt.Sprintf(format, a...)}
	}
	for i, py := range p.Python {
		if _, err := envs.ParseSpec(py.Spec); err != nil {
			return nil, fail("python", i, "spec", "%v", err)
		}
		if py.Via != "" && py.Via != installer.RouteUV && py.Via != installer.RoutePythonOrg {
			return nil, fail("python", i, "via", "via must be uv or python.org, not %q", py.Via)
		}
	}
	names := map[string]bool{}
	for i, v := range p.Venv {
		if err := envs.ValidateName(v.Name); err != nil {
			return nil, fail("venv", i, "name", "%v", err)
		}
		if names[v.Name] {
			return nil, fail("venv", i, "name", "the venv %s is listed twice", v.Name)
		}
		names[v.Name] = true
		if v.Python == "" {
			return nil, fail("venv", i, "name", "venv %s needs python = a spec or a path", v.Name)
		}
		if !isPath(v.Python) {
			if _, err := envs.ParseSpec(v.Python); err != nil {
				return nil, fail("venv", i, "python", "%v", err)
			}
		} else if err := p.inside(v.Python); err != nil {
			return nil, fail("venv", i, "python", "the interpreter %s: %v", v.Python, err)
		}
		if v.Requirements != "" {
			if err := p.inside(v.Requirements); err != nil {
				return nil, fail("venv", i, "requirements", "the requirements file %s: %v", v.Requirements, err)
			}
			if _, err := envs.ReadRequirements(p.RequirementsPath(v), p.Dir); err != nil {
				return nil, fail("venv", i, "requirements", "%v", err)
			}
		}
	}
	return p, nil
}

// RequirementsPath is a venv's requirements file, relative to the profile.
func (p *Profile) RequirementsPath(v Venv) string {
	if v.Requirements == "" {
		return ""
	}
	return filepath.Join(p.Dir, v.Requirements)
}

// PythonPath is the interpreter a venv names by path, relative to the
// profile ("" for a spec).
func (p *Profile) PythonPath(v Venv) string {
	if !isPath(v.Python) {
		return ""
	}
	return filepath.Join(p.Dir, filepath.FromSlash(v.Python))
}

// inside checks that a path the profile names is relative and stays in the
// profile's directory tree once links are followed: a profile comes from
// someone else's repository and may point nowhere else.
func (p *Profile) inside(rel string) error {
	if filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || (len(rel) > 1 && rel[1] == ':') {
		return fmt.Errorf("is an absolute path; a profile may name only files in its own directory tree")
	}
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return fmt.Errorf("leaves the profile's directory %s", p.Dir)
	}
	full := filepath.Join(p.Dir, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return fmt.Errorf("does not exist")
	}
	dir, err := filepath.EvalSymlinks(p.Dir)
	if err != nil {
		return err
	}
	if r, err := filepath.Rel(dir, real); err != nil || !filepath.IsLocal(r) {
		return fmt.Errorf("leads out of the profile's directory %s (to %s)", p.Dir, real)
	}
	return nil
}

func isPath(s string) bool { return strings.ContainsAny(s, `/\`) }

// lineIndex finds where keys sit in a profile's source: the n-th [[table]]
// header and the key lines under it. The schema is flat, so this is exact.
type lineIndex struct {
	lines []string
}

var headerLine = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?`)
var keyLine = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)

func newLineIndex(src string) *lineIndex {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return &lineIndex{lines}
}

// item is the line of key in the i-th [[table]] (the header's when the key
// is absent).
func (l *lineIndex) item(table string, i int, key string) int {
	seen := -1
	start := -1
	for n, line := range l.lines {
		if m := headerLine.FindStringSubmatch(line); m != nil {
			if start >= 0 {
				break
			}
			if m[1] == table {
				seen++
				if seen == i {
					start = n
				}
			}
			continue
		}
		if start >= 0 {
			if m := keyLine.FindStringSubmatch(line); m != nil && m[1] == key {
				return n + 1
			}
		}
	}
	return start + 1
}

// key is the line of a dotted key such as venv.colour or bench.when.
func (l *lineIndex) key(k toml.Key) int {
	want := k[len(k)-1]
	table := strings.Join(k[:len(k)-1], ".")
	current := ""
	for n, line := range l.lines {
		if m := headerLine.FindStringSubmatch(line); m != nil {
			current = m[1]
			if current == strings.Join(k, ".") {
				return n + 1
			}
			continue
		}
		if m := keyLine.FindStringSubmatch(line); m != nil && m[1] == want && current == table {
			return n + 1
		}
	}
	return 0
}
