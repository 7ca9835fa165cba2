package installer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// UV drives the uv command-line tool.
type UV struct {
	Path    string
	Version string // "uv 0.9.5 (...)"
}

// FindUV finds uv and asks its version; ok is false when it is missing.
func FindUV(ctx context.Context) (UV, bool) {
	p := platform.FindTool("uv")
	if p == "" {
		return UV{}, false
	}
	res, err := platform.Run(ctx, []string{p, "--version"}, platform.RunOptions{Timeout: 10 * time.Second})
	if err != nil || res.ExitCode != 0 {
		return UV{Path: p}, true
	}
	return UV{Path: p, Version: strings.TrimSpace(string(res.Stdout))}, true
}

// UVRequest is the request uv gets for a spec: always with an explicit
// variant, since uv may satisfy a bare "3.14" with a free-threaded build.
func UVRequest(spec envs.Spec) string {
	if spec.FreeThreaded {
		return spec.Version + "t"
	}
	return spec.Version + "+gil"
}

// uvHint is added to uv's own error lines.
const uvHint = "if uv does not know this version, upgrade uv (uv self update)"

func (u UV) run(ctx context.Context, progress func(string), args ...string) (string, error) {
	argv := append([]string{u.Path}, args...)
	var last string
	res, err := platform.Run(ctx, argv, platform.RunOptions{Timeout: time.Hour, OnLine: func(l string) {
		last = l
		if progress != nil {
			progress(l)
		}
	}})
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
	return strings.TrimSpace(string(res.Stderr)), nil
}

// Install runs uv python install and returns the path uv python find
// gives for the same request.
func (u UV) Install(ctx context.Context, spec envs.Spec, progress func(string)) (string, error) {
	req := UVRequest(spec)
	if progress != nil {
		progress("$ uv python install " + req)
	}
	if _, err := u.run(ctx, progress, "python", "install", req, "--no-progress", "--color", "never"); err != nil {
		return "", err
	}
	res, err := platform.Run(ctx, []string{u.Path, "python", "find", req, "--color", "never"}, platform.RunOptions{Timeout: time.Minute})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("uv python find %s failed: %s", req, platform.LastLine(res.Stderr))
	}
	return platform.LastLine(res.Stdout), nil
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

// Downloads lists what uv can install.
func (u UV) Downloads(ctx context.Context) ([]UVDownload, error) {
	res, err := platform.Run(ctx, []string{u.Path, "python", "list", "--only-downloads", "--output-format", "json", "--color", "never"},
		platform.RunOptions{Timeout: time.Minute})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, fmt.Errorf("uv python list failed: %s", platform.LastLine(res.Stderr))
	}
	var out []UVDownload
	if err := json.Unmarshal(res.Stdout, &out); err != nil {
		return nil, fmt.Errorf("uv python list: unexpected output: %v", err)
	}
	return out, nil
}
