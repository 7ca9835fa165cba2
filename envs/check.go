package envs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// CheckResult is what checking a venv found.
type CheckResult struct {
	Name         string            `json:"name"`
	Path         string            `json:"path"`
	Python       string            `json:"python"`
	Base         string            `json:"base"`
	Version      pyversion.Version `json:"version"`
	FreeThreaded bool              `json:"free_threaded"`
	Status       Status            `json:"status"`
	Problems     []string          `json:"problems"`
	Pip          string            `json:"pip"` // pip's version line, or ""
	SizeBytes    int64             `json:"size_bytes"`
	GILScan      []ModuleResult    `json:"gil_scan,omitempty"`
	CheckedAt    time.Time         `json:"checked_at"`
	Activate     map[string]string `json:"activate"`
}

// Check looks a venv over: its python runs and is a venv, its base
// interpreter still exists, pip runs and `pip check` is clean, and how big
// and which build it is. Problems make it broken; nothing is changed.
func Check(ctx context.Context, dir, name, uv string) (res CheckResult) {
	abs, _ := filepath.Abs(dir)
	res = CheckResult{Name: name, Path: abs, Python: VenvPython(abs), Problems: []string{}, CheckedAt: time.Now().UTC(),
		Activate: Activation(abs, runtime.GOOS)}
	broken := func(format string, a ...any) { res.Problems = append(res.Problems, fmt.Sprintf(format, a...)) }
	defer func() {
		res.Status = StatusOK
		if len(res.Problems) > 0 {
			res.Status = StatusBroken
		}
	}()

	if !IsVenvDir(abs) {
		broken("%s is not a venv: it has no pyvenv.cfg", abs)
		return res
	}
	res.SizeBytes = platform.DirSize(abs)
	cfg, _ := ReadVenvConfig(abs)
	res.Base = baseFromConfig(cfg)
	if res.Base != "" {
		if _, err := os.Stat(res.Base); err != nil {
			broken("its base interpreter %s is gone (removed or upgraded away); recreate the venv", res.Base)
		}
	}
	if home := cfg["home"]; home != "" {
		if _, err := os.Stat(home); err != nil {
			broken("its base interpreter's directory %s is gone (removed or upgraded away); recreate the venv", home)
		}
	}
	if _, err := os.Stat(res.Python); err != nil {
		broken("its python %s is missing or points to an interpreter that is gone", res.Python)
		return res
	}
	id, err := Probe(ctx, res.Python, 0)
	var pe *ProbeError
	if errors.As(err, &pe) {
		broken("its python does not run: %s", pe.Reason)
		return res
	}
	res.Version, res.FreeThreaded = id.Version, id.FreeThreaded
	if !id.IsVenv {
		broken("its python reports prefix == base_prefix (%s): not a venv", id.Prefix)
	}
	if res.Base == "" {
		res.Base = id.BasePrefix
	}

	// pip: the venv's own, else uv's for a venv uv made without pip.
	var pipArgv []string
	if out, err := platform.Run(ctx, []string{res.Python, "-I", "-m", "pip", "--version"}, platform.RunOptions{Timeout: 30 * time.Second}); err == nil && out.ExitCode == 0 {
		res.Pip = strings.TrimSpace(string(out.Stdout))
		pipArgv = []string{res.Python, "-I", "-m", "pip", "check", "--disable-pip-version-check"}
	} else if cfg["uv"] != "" && uv != "" {
		res.Pip = "uv pip"
		pipArgv = []string{uv, "pip", "check", "--python", res.Python, "--color", "never"}
	} else if cfg["uv"] != "" {
		res.Pip = ""
	} else {
		broken("pip does not run: %s", runError(out, err))
	}
	if pipArgv != nil {
		out, err := platform.Run(ctx, pipArgv, platform.RunOptions{Timeout: 60 * time.Second})
		if err != nil || out.ExitCode != 0 {
			broken("pip check: %s", runError(out, err))
		}
	}
	return res
}

// baseFromConfig names the base interpreter recorded in pyvenv.cfg.
func baseFromConfig(cfg map[string]string) string {
	for _, k := range []string{"base-executable", "executable"} {
		if v := cfg[k]; v != "" {
			return v
		}
	}
	return ""
}

func runError(out platform.RunResult, err error) string {
	if err != nil {
		return err.Error()
	}
	tail := platform.LastLine(out.Stdout)
	if t := platform.LastLine(out.Stderr); t != "" {
		tail = t
	}
	return fmt.Sprintf("exit status %d: %s", out.ExitCode, tail)
}
