package trial

import (
	"context"
	"sort"

	"github.com/pyhangar/pyhangar/envs"
)

// GILResult is what the project's imports do to the GIL of a
// free-threaded build.
type GILResult struct {
	// Scanned says the imports were scanned; Note says why not (a GIL
	// build, a variant that sets the GIL).
	Scanned bool   `json:"scanned"`
	Note    string `json:"note,omitempty"`
	Modules int    `json:"modules"`
	// TurnedOn are the modules that turned the GIL back on, as the
	// interpreter's own warnings name them (an extension inside a
	// package, often).
	TurnedOn []string `json:"turned_on"`
	// Failed are imports that failed: "name: error".
	Failed []string `json:"failed"`
	// OnAtEnd says the GIL is on once all of them are imported in one
	// process.
	OnAtEnd bool   `json:"on_at_end"`
	Error   string `json:"error,omitempty"`
}

// scanGIL imports the project's own packages and every installed
// distribution's top-level modules, each in a fresh process with the GIL
// off, naming those that turn it back on; then all of them in one, for
// the state at the end.
func scanGIL(ctx context.Context, opt Options, t Target, v *VenvResult) *GILResult {
	out := &GILResult{TurnedOn: []string{}, Failed: []string{}}
	if !t.Python.FreeThreaded {
		out.Note = "a GIL build: the GIL is always on"
		out.OnAtEnd = true
		return out
	}
	if val, ok := t.Variant.Get("PYTHON_GIL"); ok {
		out.Note = "PYTHON_GIL=" + val + " sets the GIL whatever is imported"
		out.OnAtEnd = val != "0"
		return out
	}
	installed, err := envs.InstalledModules(ctx, v.Python)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	modules := append([]string{}, opt.Project.Packages...)
	seen := map[string]bool{}
	for _, m := range modules {
		seen[m] = true
	}
	for _, m := range installed {
		if !seen[m] && !toolModules[m] {
			seen[m] = true
			modules = append(modules, m)
		}
	}
	sort.Strings(modules)
	results, err := envs.ScanGIL(ctx, v.Python, modules, nil)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Scanned, out.Modules = true, len(modules)
	named := map[string]bool{}
	for _, r := range results {
		if r.Error != "" {
			out.Failed = append(out.Failed, r.Module+": "+r.Error)
		}
		if !r.EnablesGIL {
			continue
		}
		name := envs.WarnedModule(r.Warning)
		if name == "" {
			name = r.Module
		}
		if !named[name] {
			named[name] = true
			out.TurnedOn = append(out.TurnedOn, name)
		}
	}
	on, _, _, err := envs.GILAfter(ctx, v.Python, modules)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.OnAtEnd = on
	return out
}

// toolModules are the installers' own, never a project's: left out of the
// scan.
var toolModules = map[string]bool{"pip": true, "setuptools": true, "pkg_resources": true, "_distutils_hack": true, "wheel": true}
