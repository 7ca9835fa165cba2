package envs

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

//go:embed probe.py
var probeScript string

// ProbeHash identifies the probe script; cached identities from another
// probe are not reused.
var ProbeHash = func() string {
	sum := sha256.Sum256([]byte(probeScript))
	return hex.EncodeToString(sum[:8])
}()

// DefaultProbeTimeout bounds one probe, the whole process tree included.
const DefaultProbeTimeout = 5 * time.Second

// ProbeResult is what discovery keeps of a probe between runs: an
// identity, or why the file is broken (Record makes one, Err reads it
// back).
type ProbeResult struct {
	Identity Identity       `json:"identity"`
	Error    string         `json:"error,omitempty"`
	Kind     ProbeErrorKind `json:"kind,omitempty"`
}

// ProbeErrorKind says why a probe failed.
type ProbeErrorKind string

const (
	// ProbeTimeout: it did not answer in time. A busy machine can do
	// this to a good interpreter, so it is asked again next time.
	ProbeTimeout ProbeErrorKind = "timeout"
	// ProbeStart: it could not be started at all.
	ProbeStart ProbeErrorKind = "start"
	// ProbeExit: it ran and exited with an error.
	ProbeExit ProbeErrorKind = "exit"
	// ProbeOutput: it answered with something other than the probe's JSON.
	ProbeOutput ProbeErrorKind = "output"
)

// ProbeError says why a file could not be identified. Err is the cause,
// so errors.Is(err, platform.ErrTimeout) and the like work through it.
type ProbeError struct {
	Path string
	Kind ProbeErrorKind
	// Reason says it in words, without the path: "did not answer within
	// 5s", "exited with status 1: ...".
	Reason string
	Err    error
	// lasting, for ProbeStart: the cause will not go away (missing, not
	// executable, not an executable format).
	lasting bool
}

func (e *ProbeError) Error() string { return e.Path + " " + e.Reason }
func (e *ProbeError) Unwrap() error { return e.Err }

// Cacheable reports whether the failure says something lasting about the
// file. A timeout, or a start that failed for want of resources (too many
// processes, no memory), will not happen every time, and is not kept.
func (e *ProbeError) Cacheable() bool {
	switch e.Kind {
	case ProbeTimeout:
		return false
	case ProbeStart:
		return e.lasting
	}
	return true
}

// Record is what discovery keeps of a probe's outcome.
func Record(id Identity, err error) ProbeResult {
	var pe *ProbeError
	if errors.As(err, &pe) {
		return ProbeResult{Error: pe.Reason, Kind: pe.Kind}
	}
	if err != nil {
		return ProbeResult{Error: err.Error(), Kind: ProbeStart}
	}
	return ProbeResult{Identity: id}
}

// Err is the kept failure of the file at path as a *ProbeError, or nil.
func (r ProbeResult) Err(path string) error {
	if r.Error == "" {
		return nil
	}
	return &ProbeError{Path: path, Kind: r.Kind, Reason: r.Error, Err: errors.New(r.Error)}
}

// Probe runs the probe script with path (argv, never a shell) and reads its
// answer, isolated with -I. Python 2, which predates -I, gets -E -s: at once
// when its name says 2.x, else as a retry. A failure is a *ProbeError.
func Probe(ctx context.Context, path string, timeout time.Duration) (Identity, error) {
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	isolate := []string{"-I"}
	if strings.HasPrefix(strings.TrimPrefix(filepath.Base(path), "python"), "2") {
		isolate = []string{"-E", "-s"}
	}
	res, err := platform.Run(ctx, append([]string{path}, append(isolate, "-c", probeScript)...), platform.RunOptions{Timeout: timeout})
	if err == nil && isolate[0] == "-I" && res.ExitCode != 0 && bytes.Contains(res.Stderr, []byte("-I")) && bytes.Contains(bytes.ToLower(res.Stderr), []byte("unknown option")) {
		res, err = platform.Run(ctx, []string{path, "-E", "-s", "-c", probeScript}, platform.RunOptions{Timeout: timeout})
	}
	fail := func(kind ProbeErrorKind, cause error, reason string) (Identity, error) {
		return Identity{}, &ProbeError{Path: path, Kind: kind, Reason: reason, Err: cause}
	}
	switch {
	case errors.Is(err, platform.ErrTimeout):
		return fail(ProbeTimeout, err, fmt.Sprintf("did not answer within %v", timeout))
	case errors.Is(err, platform.ErrOutputTooLarge):
		return fail(ProbeOutput, err, "printed too much: "+err.Error())
	case err != nil && ctx.Err() != nil:
		return fail(ProbeStart, ctx.Err(), "was not asked: "+ctx.Err().Error())
	case err != nil:
		lasting := errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOEXEC) || errors.Is(err, exec.ErrNotFound)
		return Identity{}, &ProbeError{Path: path, Kind: ProbeStart, Reason: "cannot run: " + err.Error(), Err: err, lasting: lasting}
	case res.ExitCode != 0:
		msg := fmt.Sprintf("exited with status %d", res.ExitCode)
		if tail := platform.LastLine(res.Stderr); tail != "" {
			msg += ": " + tail
		}
		return fail(ProbeExit, errors.New(msg), msg)
	}
	var id Identity
	out := bytes.TrimSpace(res.Stdout)
	if err := json.Unmarshal(out, &id); err != nil || id.Version == "" {
		snippet := string(out)
		if len(snippet) > 80 {
			snippet = snippet[:80] + "..."
		}
		if err == nil {
			err = errors.New("no version")
		}
		return fail(ProbeOutput, err, fmt.Sprintf("answered with something that is not the probe's JSON: %q", strings.ToValidUTF8(snippet, "?")))
	}
	return id, nil
}

// Identify probes the file at path and returns the interpreter it is, as
// every part of PyHangar lists it: its identity, architecture, the probe as
// the source of its version, the source given, status ok. A failure is a
// *ProbeError.
func Identify(ctx context.Context, path string, source platform.Source, timeout time.Duration) (Interpreter, error) {
	id, err := Probe(ctx, path, timeout)
	if err != nil {
		return Interpreter{}, err
	}
	in := Interpreter{Path: path, Aliases: []string{}, Source: source}
	in.identified(id)
	return in, nil
}

// identified fills in what the probe said.
func (in *Interpreter) identified(id Identity) {
	in.Identity = id
	in.VersionSource = FromProbe
	in.Status, in.Error = StatusOK, ""
	in.Arch = archOf(id.Machine, id.PointerBits)
	// The probe runs isolated (-I), so the JIT it finds on or off is the
	// build's default; PYTHON_JIT in this environment decides it as
	// CPython does (set and not starting with 0: on).
	if in.HasJIT() {
		if v := os.Getenv("PYTHON_JIT"); v != "" {
			on := v[0] != '0'
			in.JITEnabled = &on
		}
	}
}
