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

// ProbeResult is the outcome of probing one file: an identity, or why it is
// broken.
type ProbeResult struct {
	Identity Identity       `json:"identity"`
	Error    string         `json:"error,omitempty"`
	Kind     ProbeErrorKind `json:"kind,omitempty"`
	lasting  bool           // for ProbeStart: the cause will not go away
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

// Cacheable reports whether the result says something lasting about the
// file: an identity, or a failure that will happen again. A timeout, or a
// start that failed for want of resources, is not kept.
func (r ProbeResult) Cacheable() bool {
	switch r.Kind {
	case ProbeTimeout:
		return false
	case ProbeStart:
		// Missing, not executable, not an executable format: lasting.
		// Anything else (too many processes, no memory) is not.
		return r.lasting
	}
	return true
}

// Probe runs the probe script with path (argv, never a shell) and reads its
// answer, isolated with -I. Python 2, which predates -I, gets -E -s: at once
// when its name says 2.x, else as a retry.
func Probe(ctx context.Context, path string, timeout time.Duration) ProbeResult {
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
	switch {
	case errors.Is(err, platform.ErrTimeout):
		return ProbeResult{Error: fmt.Sprintf("did not answer within %v", timeout), Kind: ProbeTimeout}
	case errors.Is(err, platform.ErrOutputTooLarge):
		return ProbeResult{Error: "printed too much: " + err.Error(), Kind: ProbeOutput}
	case err != nil:
		lasting := errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOEXEC) || errors.Is(err, exec.ErrNotFound)
		return ProbeResult{Error: "cannot run: " + err.Error(), Kind: ProbeStart, lasting: lasting}
	case res.ExitCode != 0:
		msg := fmt.Sprintf("exited with status %d", res.ExitCode)
		if tail := platform.LastLine(res.Stderr); tail != "" {
			msg += ": " + tail
		}
		return ProbeResult{Error: msg, Kind: ProbeExit}
	}
	var id Identity
	out := bytes.TrimSpace(res.Stdout)
	if err := json.Unmarshal(out, &id); err != nil || id.Version == "" {
		snippet := string(out)
		if len(snippet) > 80 {
			snippet = snippet[:80] + "..."
		}
		return ProbeResult{Error: fmt.Sprintf("answered with something that is not the probe's JSON: %q", strings.ToValidUTF8(snippet, "?")), Kind: ProbeOutput}
	}
	return ProbeResult{Identity: id}
}
