package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// RunResult is what a child process left behind.
type RunResult struct {
	Stdout   []byte
	Stderr   []byte // the last StderrTail bytes
	ExitCode int
}

// RunOptions bound a child process.
type RunOptions struct {
	Timeout   time.Duration // whole-process-tree deadline; 0 means none
	StdoutCap int           // stdout beyond this many bytes is an error; 0 means 1 MiB
	Env       []string      // nil means the current environment
	Dir       string
	// OnLine, when set, receives stdout and stderr line by line as they
	// come (merged); stdout is then not capped, and only its tail is kept.
	OnLine func(line string)
}

// StderrTail is how much of the end of stderr a RunResult keeps.
const StderrTail = 4096

// ErrOutputTooLarge is returned when a child writes more than StdoutCap.
var ErrOutputTooLarge = errors.New("output too large")

// ErrTimeout is returned when a child outlives its timeout.
var ErrTimeout = errors.New("timed out")

// Run runs argv (never through a shell) in a process group of its own.
// When the timeout passes, the context ends or stdout overflows its cap, the
// whole group is killed; when the child exits, anything it left running in
// its group is killed too, so grandchildren holding its pipes never stall
// the caller. A non-zero exit is not an error: see RunResult.ExitCode.
func Run(ctx context.Context, argv []string, opt RunOptions) (RunResult, error) {
	if len(argv) == 0 {
		return RunResult{}, errors.New("empty command")
	}
	if opt.StdoutCap <= 0 {
		opt.StdoutCap = 1 << 20
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	ctx, overflow := context.WithCancelCause(ctx)
	defer overflow(nil)

	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = opt.Env
	cmd.Dir = opt.Dir
	var stdout interface {
		Write([]byte) (int, error)
		Bytes() []byte
	}
	stderr := &tailBuffer{limit: StderrTail}
	var lines *lineWriter
	if opt.OnLine != nil {
		lines = &lineWriter{onLine: opt.OnLine, tail: stderr}
		stdout = stderr
		cmd.Stdout, cmd.Stderr = lines, lines
	} else {
		stdout = &cappedBuffer{limit: opt.StdoutCap, onOverflow: func() { overflow(ErrOutputTooLarge) }}
		cmd.Stdout, cmd.Stderr = stdout, stderr
	}
	tree := &processTree{cmd: cmd}
	cmd.Cancel = tree.kill
	// Pipes a grandchild keeps open are closed this long after the child
	// exits.
	cmd.WaitDelay = 200 * time.Millisecond

	if err := tree.start(); err != nil {
		return RunResult{}, err
	}
	defer tree.close()
	err := cmd.Wait()
	tree.kill() // leave nothing behind
	if lines != nil {
		lines.flush()
	}
	res := RunResult{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: cmd.ProcessState.ExitCode()}

	switch cause := context.Cause(ctx); {
	case errors.Is(cause, ErrOutputTooLarge):
		return res, fmt.Errorf("%w: more than %d bytes on stdout", ErrOutputTooLarge, opt.StdoutCap)
	case errors.Is(cause, context.DeadlineExceeded) && opt.Timeout > 0:
		return res, fmt.Errorf("%w after %v", ErrTimeout, opt.Timeout)
	case cause != nil:
		return res, cause
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		return res, err
	}
	return res, nil
}

// cappedBuffer keeps up to limit bytes and calls onOverflow once past it.
type cappedBuffer struct {
	buf        bytes.Buffer
	limit      int
	over       bool
	onOverflow func()
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.over {
		return 0, ErrOutputTooLarge
	}
	if c.buf.Len()+len(p) > c.limit {
		c.over = true
		c.onOverflow()
		return 0, ErrOutputTooLarge
	}
	return c.buf.Write(p)
}

func (c *cappedBuffer) Bytes() []byte { return c.buf.Bytes() }

// tailBuffer keeps the last limit bytes written to it.
type tailBuffer struct {
	buf   []byte
	limit int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.limit {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.limit:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte {
	if len(t.buf) > t.limit {
		return t.buf[len(t.buf)-t.limit:]
	}
	return t.buf
}

// lineWriter splits what it is given into lines for a callback, keeping a
// tail of everything. exec.Cmd calls it from one goroutine at a time when it
// is both Stdout and Stderr.
type lineWriter struct {
	onLine  func(string)
	tail    *tailBuffer
	partial []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.tail.Write(p)
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexAny(l.partial, "\r\n")
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(l.partial[:i])); line != "" {
			l.onLine(line)
		}
		l.partial = l.partial[i+1:]
	}
	if len(l.partial) > 64<<10 { // a line without an end: pass it on anyway
		l.flush()
	}
	return len(p), nil
}

func (l *lineWriter) flush() {
	if line := strings.TrimSpace(string(l.partial)); line != "" {
		l.onLine(line)
	}
	l.partial = nil
}

// LastLine is the last non-empty line of b, for one-line error messages.
func LastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
