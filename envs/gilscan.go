package envs

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

//go:embed gilscan.py
var gilScanScript string

// ModuleResult is what importing one module did to the GIL.
type ModuleResult struct {
	Module string `json:"module"`
	// EnablesGIL: importing it turned the GIL back on.
	EnablesGIL bool   `json:"enables_gil"`
	Warning    string `json:"warning,omitempty"`
	Error      string `json:"error,omitempty"`
}

// GILWarningPrefix begins the RuntimeWarning CPython gives when an
// extension without Py_mod_gil turns the GIL back on.
const GILWarningPrefix = "The global interpreter lock (GIL) has been enabled to load module"

// ScanGIL imports each module (all of site-packages' top-level modules when
// modules is empty) in a fresh free-threaded process and reports which
// ones turn the GIL back on and which fail to import.
func ScanGIL(ctx context.Context, python string, modules []string, progress func(done, total int, module string)) ([]ModuleResult, error) {
	id, err := Probe(ctx, python, 0)
	if err != nil {
		return nil, fmt.Errorf("the GIL scan cannot start: %w", err)
	}
	if !id.FreeThreaded {
		return nil, fmt.Errorf("the GIL scan is for free-threaded interpreters; %s is a GIL build", python)
	}
	if len(modules) == 0 {
		if modules, err = InstalledModules(ctx, python); err != nil {
			return nil, err
		}
	}
	results := make([]ModuleResult, 0, len(modules))
	for i, m := range modules {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r := ModuleResult{Module: m}
		out, err := platform.Run(ctx, []string{python, "-I", "-c", gilScanScript, m}, platform.RunOptions{Timeout: 60 * time.Second})
		var rep struct {
			Before, After bool
			Warnings      []string
			Error         *string
		}
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil || out.ExitCode != 0:
			r.Error = "the import crashed the interpreter: " + runError(out, err)
		case json.Unmarshal(out.Stdout, &rep) != nil:
			r.Error = "the import printed something the scan cannot read: " + platform.LastLine(out.Stdout)
		default:
			r.EnablesGIL = rep.After && !rep.Before
			for _, w := range rep.Warnings {
				if strings.HasPrefix(w, GILWarningPrefix) {
					r.EnablesGIL = true
				}
				r.Warning = w
			}
			if rep.Error != nil {
				r.Error = *rep.Error
			}
		}
		results = append(results, r)
		if progress != nil {
			progress(i+1, len(modules), m)
		}
	}
	return results, nil
}

// InstalledModules are the top-level modules installed in the
// site-packages of python's environment (pip's own left out).
func InstalledModules(ctx context.Context, python string) ([]string, error) {
	out, err := platform.Run(ctx, []string{python, "-I", "-c", gilScanScript, "--list"}, platform.RunOptions{Timeout: 30 * time.Second})
	if err != nil || out.ExitCode != 0 {
		return nil, fmt.Errorf("listing the installed modules: %s", runError(out, err))
	}
	var modules []string
	if err := json.Unmarshal(out.Stdout, &modules); err != nil {
		return nil, fmt.Errorf("listing the installed modules: %v", err)
	}
	return modules, nil
}

// GILAfter imports every module in one fresh free-threaded process, in
// turn, and says whether the GIL is on at the end, with the GIL warnings
// the imports raised (each names the module that turned it on) and the
// first import that failed.
func GILAfter(ctx context.Context, python string, modules []string) (on bool, gilWarnings []string, importError string, err error) {
	out, err := platform.Run(ctx, append([]string{python, "-I", "-c", gilScanScript}, modules...), platform.RunOptions{Timeout: 5 * time.Minute})
	if err != nil || out.ExitCode != 0 {
		return false, nil, "", fmt.Errorf("importing the modules in one process: %s", runError(out, err))
	}
	var rep struct {
		After    bool
		Warnings []string
		Error    *string
	}
	if err := json.Unmarshal(out.Stdout, &rep); err != nil {
		return false, nil, "", fmt.Errorf("importing the modules in one process printed something the scan cannot read: %s", platform.LastLine(out.Stdout))
	}
	if rep.Error != nil {
		importError = *rep.Error
	}
	return rep.After, rep.Warnings, importError, nil
}

var warnedModule = regexp.MustCompile(`to load module '([^']+)'`)

// WarnedModule is the module a GIL warning names ("" when it names none):
// CPython's "…has been enabled to load module 'foo._speedups', which has
// not declared…".
func WarnedModule(warning string) string {
	if m := warnedModule.FindStringSubmatch(warning); m != nil {
		return m[1]
	}
	return ""
}
