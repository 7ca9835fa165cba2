package wheels

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

//go:embed judge.py
var judgeScript string

// judgeTimeout bounds one answer of the judge (its start included).
const judgeTimeout = 60 * time.Second

// judge is judge.py running in the target interpreter: every question
// about tags, versions, specifiers, markers and requirements goes to it,
// so they follow that interpreter's own rules (pip's vendored packaging).
type judge struct {
	python string
	cmd    *exec.Cmd
	in     io.WriteCloser
	lines  chan string
	stderr *strings.Builder
	env    judgeEnv
}

type judgeEnv struct {
	Tags          []string `json:"tags"`
	TagCount      int      `json:"tag_count"`
	FreeThreaded  bool     `json:"free_threaded"`
	PythonVersion string   `json:"python_version"`
}

func startJudge(ctx context.Context, python string) (*judge, error) {
	cmd := exec.CommandContext(ctx, python, "-I", "-c", judgeScript)
	j := &judge{python: python, cmd: cmd, stderr: &strings.Builder{}, lines: make(chan string)}
	cmd.Stderr = j.stderr
	var err error
	if j.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot run %s: %w", python, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			j.lines <- sc.Text()
		}
		close(j.lines)
	}()
	var ready struct {
		Ready bool   `json:"ready"`
		Error string `json:"error"`
	}
	if err := j.read(ctx, &ready); err != nil || !ready.Ready {
		j.close()
		if ready.Error != "" {
			return nil, fmt.Errorf("%s: %s", python, ready.Error)
		}
		return nil, fmt.Errorf("%s cannot judge packages: %v", python, err)
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
	b, err := json.Marshal(q)
	if err != nil {
		return err
	}
	if j.in == nil {
		return fmt.Errorf("%s stopped judging", j.python)
	}
	if _, err := j.in.Write(append(b, '\n')); err != nil {
		return j.failed(err)
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

func (j *judge) read(ctx context.Context, v any) error {
	timer := time.NewTimer(judgeTimeout)
	defer timer.Stop()
	select {
	case line, ok := <-j.lines:
		if !ok {
			return j.failed(io.ErrUnexpectedEOF)
		}
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Error != "" {
			if err := json.Unmarshal([]byte(line), v); err == nil {
				return errors.New(e.Error)
			}
		}
		return json.Unmarshal([]byte(line), v)
	case <-timer.C:
		return j.failed(fmt.Errorf("no answer within %v", judgeTimeout))
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (j *judge) failed(err error) error {
	j.close()
	if tail := platform.LastLine([]byte(j.stderr.String())); tail != "" {
		return fmt.Errorf("%s stopped judging: %s", j.python, tail)
	}
	return fmt.Errorf("%s stopped judging: %w", j.python, err)
}

// closeIfStarted closes a judge that may not have started (nil).
func (j *judge) closeIfStarted() {
	if j != nil {
		j.close()
	}
}

// close ends the judge: it exits when its input closes; one that does not
// within a few seconds is killed.
func (j *judge) close() {
	if j.in == nil {
		return
	}
	j.in.Close()
	j.in = nil
	done := make(chan struct{})
	go func() {
		for range j.lines {
		}
		j.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		j.cmd.Process.Kill()
		<-done
	}
}
