package wheels

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

//go:embed judge.py
var judgeScript string

// judgeTimeout bounds one answer of the judge (its start included).
const judgeTimeout = 60 * time.Second

// judgeLine bounds one answer line of the judge.
const judgeLine = 4 << 20

// judge is judge.py running in the target interpreter: every question
// about tags, versions, specifiers, markers and requirements goes to it,
// so they follow that interpreter's own rules (pip's vendored packaging).
// It runs as a platform.Worker: each answer has a deadline, its lines are
// bounded, and closing it ends whatever it started.
type judge struct {
	python string
	w      *platform.Worker
	env    judgeEnv
}

type judgeEnv struct {
	Tags          []string `json:"tags"`
	TagCount      int      `json:"tag_count"`
	FreeThreaded  bool     `json:"free_threaded"`
	PythonVersion string   `json:"python_version"`
}

func startJudge(ctx context.Context, python string, timeout time.Duration) (*judge, error) {
	if timeout <= 0 {
		timeout = judgeTimeout
	}
	w, err := platform.StartWorker(ctx, []string{python, "-I", "-c", judgeScript}, platform.WorkerOptions{Name: python, MaxLine: judgeLine, Timeout: timeout})
	if err != nil {
		return nil, err
	}
	j := &judge{python: python, w: w}
	var ready struct {
		Ready bool   `json:"ready"`
		Error string `json:"error"`
	}
	if err := j.read(ctx, &ready); err != nil || !ready.Ready {
		j.close()
		if ready.Error != "" {
			return nil, fmt.Errorf("%s: %s", python, ready.Error)
		}
		if err == nil {
			err = errors.New("it did not say it was ready")
		}
		return nil, fmt.Errorf("%s cannot judge packages: %w", python, err)
	}
	if err := j.ask(ctx, map[string]any{"op": "env"}, &j.env); err != nil {
		j.close()
		return nil, err
	}
	return j, nil
}

// ask sends a question and reads its answer into v; an answer with an
// "error" is returned as one.
func (j *judge) ask(ctx context.Context, q any, v any) error {
	if err := j.w.Send(q); err != nil {
		return err
	}
	return j.read(ctx, v)
}

// pipIndexURL is the index-url the interpreter's pip is configured with,
// or "".
func (j *judge) pipIndexURL(ctx context.Context) (string, error) {
	var out struct {
		URL string `json:"url"`
	}
	err := j.ask(ctx, map[string]any{"op": "pip_index_url"}, &out)
	return out.URL, err
}

// askMany puts one question to each of items at once (op is one of the
// judge's list ops) and returns the answers in order; an answer that is an
// error comes back as that error.
func (j *judge) askMany(ctx context.Context, op string, items []any) ([]json.RawMessage, []error, error) {
	if len(items) == 0 {
		return nil, nil, nil
	}
	var out struct {
		Answers []json.RawMessage `json:"answers"`
	}
	if err := j.ask(ctx, map[string]any{"op": op, "items": items}, &out); err != nil {
		return nil, nil, err
	}
	if len(out.Answers) != len(items) {
		return nil, nil, fmt.Errorf("%s answered %d of %d questions", j.python, len(out.Answers), len(items))
	}
	errs := make([]error, len(items))
	for i, a := range out.Answers {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(a, &e) == nil && e.Error != "" {
			errs[i] = errors.New(e.Error)
		}
	}
	return out.Answers, errs, nil
}

// read reads one answer into v; garbage is named with the line printed.
func (j *judge) read(ctx context.Context, v any) error {
	line, err := j.w.Receive(ctx)
	if err != nil {
		return err
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(line, &e) == nil && e.Error != "" {
		return errors.New(e.Error)
	}
	if err := json.Unmarshal(line, v); err != nil {
		return j.w.Garbage(line, err)
	}
	return nil
}

// closeIfStarted closes a judge that may not have started (nil).
func (j *judge) closeIfStarted() {
	if j != nil {
		j.close()
	}
}

// close ends the judge: it exits when its input closes; one that does not
// within a few seconds is killed, with all it started.
func (j *judge) close() { j.w.Close(5 * time.Second) }
