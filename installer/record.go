package installer

import (
	"context"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// Status is how an install attempt stands. Its JSON is the text of the
// constant.
type Status string

const (
	// StatusRunning: under way (or its process died: see Sweep).
	StatusRunning Status = "running"
	// StatusOK: installed; the record owns what it installed.
	StatusOK Status = "ok"
	// StatusFailed: stopped by an error, which the record keeps.
	StatusFailed Status = "failed"
	// StatusCancelled: stopped by the user (Cancel, Ctrl+C, SIGTERM).
	StatusCancelled Status = "cancelled"
	// StatusInterrupted: its process died (killed, or its last database
	// write failed); Sweep finds and clears them.
	StatusInterrupted Status = "interrupted"
)

// Variant is the build an attempt installs.
type Variant string

const (
	VariantFreeThreaded Variant = "freethreaded"
	VariantStandard     Variant = "standard"
)

// variantOf is the variant a spec asks for.
func variantOf(spec envs.Spec) Variant {
	if spec.FreeThreaded {
		return VariantFreeThreaded
	}
	return VariantStandard
}

// Record is one install attempt, as the store keeps it.
type Record struct {
	ID      int64   `json:"id"`
	Spec    string  `json:"spec"`
	Variant Variant `json:"variant"`
	// JIT says the build has the experimental JIT (off until PYTHON_JIT=1).
	JIT    bool  `json:"jit"`
	Method Route `json:"method"`
	// Target names what the attempt installs into and locks:
	// cpython-3.13.5t (a directory under pythons/), uv-3.14t.
	Target   string    `json:"target"`
	Key      string    `json:"key"` // uv's key for its install
	URL      string    `json:"url"`
	SHA256   string    `json:"sha256"`
	Path     string    `json:"path"` // the interpreter
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   Status    `json:"status"`
	LogPath  string    `json:"log"`
	Error    string    `json:"error"`
}

// Duration is how long a finished attempt took.
func (r Record) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// Records keeps install attempts (the store implements it).
type Records interface {
	StartInstall(ctx context.Context, r Record) (int64, error)
	FinishInstall(ctx context.Context, r Record) error
	Installs(ctx context.Context) ([]Record, error)
	DeleteInstall(ctx context.Context, id int64) error
}

func sourceOf(route Route) platform.Source {
	if route == RouteUV {
		return platform.SourceUV
	}
	return platform.SourcePyHangar
}
