package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pyhangar/pyhangar/envs"
)

// pyproject is what a try reads of pyproject.toml.
type pyproject struct {
	BuildSystem *struct {
		Requires     []string `toml:"requires"`
		BuildBackend string   `toml:"build-backend"`
	} `toml:"build-system"`
	Project struct {
		Name                 string              `toml:"name"`
		RequiresPython       string              `toml:"requires-python"`
		Dependencies         []string            `toml:"dependencies"`
		OptionalDependencies map[string][]string `toml:"optional-dependencies"`
	} `toml:"project"`
	// DependencyGroups (PEP 735) hold requirement strings and
	// {include-group = "name"} tables.
	DependencyGroups map[string][]any `toml:"dependency-groups"`
}

// maxPyproject bounds the file read.
const maxPyproject = 4 << 20

func readPyproject(dir string) (pyproject, bool, error) {
	var py pyproject
	path := filepath.Join(dir, "pyproject.toml")
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return py, false, nil
	case err != nil:
		return py, false, err
	case fi.Size() > maxPyproject:
		return py, false, fmt.Errorf("%s is %d bytes, more than a pyproject.toml holds", path, fi.Size())
	}
	if _, err := toml.DecodeFile(path, &py); err != nil {
		return py, false, fmt.Errorf("%s: %w", path, err)
	}
	return py, true, nil
}

// testGroups are the dependency groups a try takes unless told: the ones
// that bring the tests' tools.
var testGroups = []string{"test", "tests"}

// fromPyproject reads [project]'s dependencies, the extras asked for and
// the dependency groups (the test group unless told).
func (p *Project) fromPyproject(py pyproject, opt Options) error {
	p.From, p.Files = FromPyproject, []string{"pyproject.toml"}
	file := filepath.Join(p.Dir, "pyproject.toml")
	add := func(where, req string) error {
		if strings.TrimSpace(req) == "" || strings.ContainsAny(req, "\n\r") {
			return fmt.Errorf("%s: %s: %q is not a requirement", file, where, req)
		}
		p.Requirements = append(p.Requirements, envs.ReqLine{File: file, Text: strings.TrimSpace(req), Kind: kindOf(req)})
		return nil
	}
	for _, d := range py.Project.Dependencies {
		if err := add("project.dependencies", d); err != nil {
			return err
		}
	}
	for _, e := range opt.Extras {
		deps, ok := py.Project.OptionalDependencies[e]
		if !ok {
			return fmt.Errorf("%s has no extra %q (it has: %s)", file, e, orNone(p.OfferedExtras))
		}
		p.Extras = append(p.Extras, e)
		for _, d := range deps {
			if err := add("project.optional-dependencies."+e, d); err != nil {
				return err
			}
		}
	}
	groups := opt.Groups
	if groups == nil {
		for _, g := range testGroups {
			if _, ok := py.DependencyGroups[g]; ok {
				groups = append(groups, g)
			}
		}
	}
	for _, g := range groups {
		if _, ok := py.DependencyGroups[g]; !ok {
			return fmt.Errorf("%s has no dependency group %q (it has: %s)", file, g, orNone(p.OfferedGroups))
		}
		reqs, err := groupRequirements(py.DependencyGroups, g, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		p.Groups = append(p.Groups, g)
		for _, d := range reqs {
			if err := add("dependency-groups."+g, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// groupRequirements expands a PEP 735 group: its strings, and the groups
// it includes, each once; a cycle is refused, as PEP 735 says.
func groupRequirements(groups map[string][]any, name string, seen []string) ([]string, error) {
	for _, s := range seen {
		if normalize(s) == normalize(name) {
			return nil, fmt.Errorf("dependency group %q includes itself (%s)", name, strings.Join(append(seen, name), " → "))
		}
	}
	var entries []any
	found := false
	for k, v := range groups {
		if normalize(k) == normalize(name) {
			entries, found = v, true
		}
	}
	if !found {
		return nil, fmt.Errorf("dependency group %q is included but not there", name)
	}
	var out []string
	for _, e := range entries {
		switch v := e.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			inc, ok := v["include-group"].(string)
			if !ok || len(v) != 1 {
				return nil, fmt.Errorf("dependency group %q: a table in it must be {include-group = \"name\"}", name)
			}
			more, err := groupRequirements(groups, inc, append(seen, name))
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		default:
			return nil, fmt.Errorf("dependency group %q holds %v, which is neither a requirement nor an include", name, e)
		}
	}
	return out, nil
}

var (
	nameRE      = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)
	normalizeRE = regexp.MustCompile(`[-_.]+`)
)

// requirementName is the distribution a requirement names ("" for none).
func requirementName(req string) string {
	m := nameRE.FindStringSubmatch(req)
	if m == nil {
		return ""
	}
	return m[1]
}

// normalize is PEP 503's name normalization.
func normalize(name string) string { return strings.ToLower(normalizeRE.ReplaceAllString(name, "-")) }

// kindOf is a dependency's kind: from the index, or a direct reference
// (name @ URL).
func kindOf(req string) envs.ReqKind {
	if strings.Contains(strings.SplitN(req, ";", 2)[0], "@") {
		return envs.ReqDirect
	}
	return envs.ReqPackage
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
