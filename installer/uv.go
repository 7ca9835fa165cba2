package installer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	version "github.com/hashicorp/go-version"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// UV drives the uv command-line tool.
type UV struct {
	Path    string
	Version string // "uv 0.9.5 (...)"
	// Own says it is the uv PyHangar got for itself (get-uv), used because
	// the user has none of their own.
	Own bool
	// Dir is the working directory uv runs in: PyHangar's data dir, where
	// no project, venv or uv.toml can steer it.
	Dir string
}

// Why says which uv this is and why it is the one used.
func (u UV) Why() string {
	if u.Own {
		return "PyHangar's own uv (pyhangar get-uv), used because no uv of yours was found"
	}
	return "your uv, found on PATH or where uv's installer puts it"
}

// UVPath is the path of the uv to use, found without running anything:
// the user's own (on PATH, ~/.local/bin, ~/.cargo/bin) always wins; else
// the newest one PyHangar got into the data dir. path is "" when there is
// none.
func UVPath(dataDir string) (path string, own bool) {
	if p := platform.FindTool("uv"); p != "" {
		return p, false
	}
	exe := "uv"
	if runtime.GOOS == "windows" {
		exe = "uv.exe"
	}
	for _, v := range OwnUVs(dataDir) {
		p := filepath.Join(UVDir(dataDir), v, exe)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// FindUV finds the uv to use (see UVPath) and asks its version; ok is
// false when there is none.
func FindUV(ctx context.Context, dataDir string) (UV, bool) {
	p, own := UVPath(dataDir)
	if p == "" {
		return UV{}, false
	}
	uv := UV{Path: p, Own: own, Dir: dataDir}
	res, err := platform.Run(ctx, []string{p, "--version"}, platform.RunOptions{Timeout: 10 * time.Second})
	if err == nil && res.ExitCode == 0 {
		uv.Version = strings.TrimSpace(string(res.Stdout))
	}
	return uv, true
}

// UVRequest is the request uv gets for a spec: always with an explicit
// variant, since uv may satisfy a bare "3.14" with a free-threaded build.
func UVRequest(spec envs.Spec) string {
	if spec.FreeThreaded {
		return string(spec.Version) + "t"
	}
	return string(spec.Version) + "+gil"
}

// uvHint is added to uv's own error lines.
const uvHint = "if uv does not know this version, upgrade uv (uv self update)"

// managedOnly are the flags that keep uv to its own managed interpreters
// and away from any project: --managed-python (no system Python),
// --no-config (no uv.toml or pyproject.toml settings), and for find,
// --system (no active or nearby virtual environment) and --no-project.
var managedOnly = []string{"--managed-python", "--no-config", "--color", "never"}

// env is the environment uv runs with: without the variables that point it
// at an active environment.
func (u UV) env() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "VIRTUAL_ENV" || k == "CONDA_PREFIX" || k == "UV_PROJECT_ENVIRONMENT" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// run runs uv with args, streaming its lines to progress; stdout is
// returned.
func (u UV) run(ctx context.Context, progress func(string), args ...string) (string, error) {
	argv := append([]string{u.Path}, args...)
	var last string
	opt := platform.RunOptions{Timeout: time.Hour, Dir: u.Dir, Env: u.env()}
	if progress != nil {
		opt.OnLine = func(l string) {
			last = l
			progress(l)
		}
	}
	res, err := platform.Run(ctx, argv, opt)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		if last == "" {
			last = platform.LastLine(res.Stderr)
		}
		return "", fmt.Errorf("uv %s failed (exit status %d): %s (%s)", args[0]+" "+args[1], res.ExitCode, last, uvHint)
	}
	return string(res.Stdout), nil
}

// Install runs uv python install for spec and returns the managed
// interpreter uv has for it and uv's key for that install
// (cpython-3.14.2+freethreaded-linux-x86_64-gnu), which Uninstall takes.
// fresh is false when uv had that install already: then it is not
// PyHangar's to remove.
func (u UV) Install(ctx context.Context, spec envs.Spec, progress func(string)) (exe, key string, fresh bool, err error) {
	req := UVRequest(spec)
	if !spec.FreeThreaded && !u.knowsGIL() {
		return "", "", false, fmt.Errorf("%s is too old to ask for a standard build (+gil needs uv 0.9.6 or newer); upgrade uv (uv self update)", u.Version)
	}
	before, err := u.Installed(ctx)
	if err != nil {
		return "", "", false, err
	}
	if progress != nil {
		progress("$ uv python install " + req)
	}
	if _, err := u.run(ctx, progress, append([]string{"python", "install", req, "--no-progress"}, managedOnly...)...); err != nil {
		return "", "", false, err
	}
	out, err := u.run(ctx, nil, append([]string{"python", "find", req, "--system", "--no-project"}, managedOnly...)...)
	if err != nil {
		return "", "", false, err
	}
	exe = platform.LastLine([]byte(out))
	after, err := u.Installed(ctx)
	if err != nil {
		return "", "", false, err
	}
	if key = keyOf(after, exe); key == "" {
		return "", "", false, fmt.Errorf("uv python find %s gave %s, which uv does not list among its installs", req, exe)
	}
	for _, d := range before {
		if d.Key == key {
			return exe, key, false, nil
		}
	}
	return exe, key, true, nil
}

// keyOf finds the install whose interpreter exe is: by its path, else by
// the file it reaches.
func keyOf(list []UVDownload, exe string) string {
	for _, d := range list {
		if d.Path != nil && *d.Path == exe {
			return d.Key
		}
	}
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		return ""
	}
	for _, d := range list {
		if d.Path == nil {
			continue
		}
		if r, err := filepath.EvalSymlinks(*d.Path); err == nil && r == real {
			return d.Key
		}
	}
	return ""
}

// knowsGIL reports whether this uv takes +gil requests (0.9.6 and newer).
func (u UV) knowsGIL() bool {
	f := strings.Fields(u.Version) // uv 0.9.24 (...)
	if len(f) < 2 {
		return true // unknown: let uv answer
	}
	v, err := version.NewVersion(f[1])
	return err != nil || !v.LessThan(version.Must(version.NewVersion("0.9.6")))
}

// Uninstall removes exactly the managed install key names.
func (u UV) Uninstall(ctx context.Context, key string) error {
	_, err := u.run(ctx, nil, append([]string{"python", "uninstall", key}, managedOnly...)...)
	return err
}

// UVDownload is one entry of uv python list --output-format json.
type UVDownload struct {
	Key            string  `json:"key"`
	Version        string  `json:"version"`
	Path           *string `json:"path"`
	URL            *string `json:"url"`
	OS             string  `json:"os"`
	Variant        string  `json:"variant"`
	Implementation string  `json:"implementation"`
	Arch           string  `json:"arch"`
	Libc           string  `json:"libc"`
}

func (u UV) list(ctx context.Context, which string) ([]UVDownload, error) {
	out, err := u.run(ctx, nil, append([]string{"python", "list", which, "--output-format", "json"}, managedOnly...)...)
	if err != nil {
		return nil, err
	}
	var list []UVDownload
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("uv python list: unexpected output: %v", err)
	}
	return list, nil
}

// Downloads lists what uv can install.
func (u UV) Downloads(ctx context.Context) ([]UVDownload, error) {
	return u.list(ctx, "--only-downloads")
}

// Installed lists uv's managed installs.
func (u UV) Installed(ctx context.Context) ([]UVDownload, error) {
	return u.list(ctx, "--only-installed")
}
