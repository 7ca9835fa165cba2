package envs

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
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
		out, err := platform.Run(ctx, []string{python, "-I", "-c", gilScanScript, "--list"}, platform.RunOptions{Timeout: 30 * time.Second})
		if err != nil || out.ExitCode != 0 {
			return nil, fmt.Errorf("listing the installed modules: %s", runError(out, err))
		}
		if err := json.Unmarshal(out.Stdout, &modules); err != nil {
			return nil, fmt.Errorf("listing the installed modules: %v", err)
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
