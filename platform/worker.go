package platform

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Worker is a long-lived helper process that answers, one line on its
// stdout, each line it is sent on its stdin: the benchmark's workload
// processes, the readiness judge, and anything like them. Whatever the
// helper does, it cannot hold PyHangar:
//
//   - every answer has a deadline (the context's, else Timeout);
//   - the helper runs in a process tree of its own (a process group, a job
//     object on Windows), which is ended whole when the helper is closed,
//     killed, cancelled or exits, so a child it leaves holding its pipes
//     stalls nothing;
//   - only the last StderrTail bytes of its stderr are kept;
//   - an answer line longer than MaxLine is an error that says so.
//
// The caller validates every answer before it uses it; GarbageError names
// one that does not read as the JSON asked for, with what was printed.
type Worker struct {
	name   string // for messages: the program, or who it runs for
	cmd    *exec.Cmd
	tree   *processTree
	in     io.WriteCloser
	lines  chan workerLine
	stderr *syncTail
	exited chan struct{} // closed once the process is reaped
	quit   chan struct{} // closed by Close: nobody reads answers any more
	opt    WorkerOptions

	mu     sync.Mutex
	closed bool
	stop   func() bool // undoes the context's kill
}

// WorkerOptions tune a worker.
type WorkerOptions struct {
	// Name says whose helper it is in messages ("" means argv[0]).
	Name string
	Env  []string // nil means the current environment
	Dir  string
	// MaxLine bounds one answer line; 0 means 1 MiB.
	MaxLine int
	// Timeout bounds each answer when the context given has no earlier
	// deadline; 0 means only the context's.
	Timeout time.Duration
}

type workerLine struct {
	b   []byte
	err error
}

// ErrNoAnswer is returned (wrapped) when a helper does not answer before
// its deadline.
var ErrNoAnswer = errors.New("no answer")

// ErrLineTooLong is returned (wrapped) for an answer longer than MaxLine.
var ErrLineTooLong = errors.New("an answer line too long")

// ErrWorkerGone is returned (wrapped) when the helper has exited.
var ErrWorkerGone = errors.New("the helper process ended")

// GarbageError is an answer that is not what was asked for: the line the
// helper printed (cut to 200 bytes, control characters escaped) and why.
type GarbageError struct {
	Name string
	Line string
	Err  error
}

func (e *GarbageError) Error() string {
	return fmt.Sprintf("%s answered %q, which PyHangar cannot use: %v", e.Name, e.Line, e.Err)
}

func (e *GarbageError) Unwrap() error { return e.Err }

// Garbage makes a GarbageError for a line the caller found unusable.
func (w *Worker) Garbage(line []byte, err error) error {
	return &GarbageError{Name: w.name, Line: Shown(line, 200), Err: err}
}

// Shown is text from elsewhere made safe to show in one line: cut to max
// bytes (at a character boundary) and invalid UTF-8 replaced; %q then
// escapes its control characters.
func Shown(b []byte, max int) string {
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > max {
		cut := max
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// StartWorker starts argv (never through a shell) as a worker. The context
// bounds its life: when it ends, the whole tree is killed.
func StartWorker(ctx context.Context, argv []string, opt WorkerOptions) (*Worker, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty command")
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = 1 << 20
	}
	if opt.Name == "" {
		opt.Name = argv[0]
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = opt.Env, opt.Dir
	w := &Worker{name: opt.Name, cmd: cmd, tree: &processTree{cmd: cmd}, lines: make(chan workerLine, 1),
		stderr: &syncTail{t: tailBuffer{limit: StderrTail}}, exited: make(chan struct{}), quit: make(chan struct{}), opt: opt}
	cmd.Stderr = w.stderr
	// Pipes a grandchild keeps open are closed this long after the helper
	// exits, so Wait returns.
	cmd.WaitDelay = 200 * time.Millisecond
	var err error
	if w.in, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := w.tree.start(); err != nil {
		return nil, fmt.Errorf("cannot run %s: %w", opt.Name, err)
	}
	go w.read(out)
	go func() {
		cmd.Wait()
		w.tree.kill() // leave nothing of it behind
		w.tree.close()
		close(w.exited)
	}()
	w.stop = context.AfterFunc(ctx, w.Kill)
	return w, nil
}

// read passes the helper's stdout on line by line.
func (w *Worker) read(out io.Reader) {
	defer close(w.lines)
	pass := func(l workerLine) bool {
		select {
		case w.lines <- l:
			return true
		case <-w.quit:
			return false
		}
	}
	r := bufio.NewReaderSize(out, 64<<10)
	for {
		var line []byte
		for {
			chunk, err := r.ReadSlice('\n')
			if len(line)+len(chunk) > w.opt.MaxLine+1 {
				pass(workerLine{err: fmt.Errorf("%w: %s printed more than %d bytes on one line", ErrLineTooLong, w.name, w.opt.MaxLine)})
				return
			}
			line = append(line, chunk...)
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil {
				if len(line) > 0 {
					pass(workerLine{b: line})
				}
				return
			}
			break
		}
		if !pass(workerLine{b: line[:len(line)-1]}) {
			return
		}
	}
}

// Send writes v as one JSON line.
func (w *Worker) Send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := w.in.Write(append(b, '\n')); err != nil {
		return w.gone(err)
	}
	return nil
}

// Receive waits for the next answer line: until the context's deadline or
// Timeout, whichever is first.
func (w *Worker) Receive(ctx context.Context) ([]byte, error) {
	var timeout <-chan time.Time
	if w.opt.Timeout > 0 {
		t := time.NewTimer(w.opt.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case l, ok := <-w.lines:
		switch {
		case !ok:
			return nil, w.gone(io.ErrUnexpectedEOF)
		case l.err != nil:
			w.Kill()
			return nil, l.err
		}
		return l.b, nil
	case <-timeout:
		w.Kill()
		return nil, fmt.Errorf("%w: %s gave none within %v", ErrNoAnswer, w.name, w.opt.Timeout)
	case <-ctx.Done():
		w.Kill()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: %s gave none before the deadline", ErrNoAnswer, w.name)
		}
		return nil, ctx.Err()
	}
}

// Ask sends q and reads the answer into v; an answer that is not JSON for
// v is a *GarbageError.
func (w *Worker) Ask(ctx context.Context, q, v any) error {
	if err := w.Send(q); err != nil {
		return err
	}
	line, err := w.Receive(ctx)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(line, v); err != nil {
		return w.Garbage(line, err)
	}
	return nil
}

// gone says the helper ended, with the last line of what it said on
// stderr.
func (w *Worker) gone(cause error) error {
	select {
	case <-w.exited:
	case <-time.After(time.Second):
	}
	if tail := LastLine(w.stderr.Bytes()); tail != "" {
		return fmt.Errorf("%w: %s: %s", ErrWorkerGone, w.name, Shown([]byte(tail), 300))
	}
	return fmt.Errorf("%w: %s (%v)", ErrWorkerGone, w.name, cause)
}

// Stderr is the tail of what the helper wrote on stderr.
func (w *Worker) Stderr() string { return string(w.stderr.Bytes()) }

// Close ends the helper: its stdin closes, which tells it to exit; one
// that does not within grace is killed, with everything it started.
func (w *Worker) Close(grace time.Duration) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.exited
		return
	}
	w.closed = true
	w.mu.Unlock()
	w.stop()
	w.in.Close()
	select {
	case <-w.exited:
	case <-time.After(grace):
		w.Kill()
		<-w.exited
	}
	close(w.quit)
}

// Kill ends the helper's whole tree at once (once it is reaped, there is
// nothing left to end).
func (w *Worker) Kill() {
	select {
	case <-w.exited:
	default:
		w.tree.kill()
	}
}

// syncTail is a tailBuffer written by exec's copying goroutine and read
// by others.
type syncTail struct {
	mu sync.Mutex
	t  tailBuffer
}

func (s *syncTail) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.Write(p)
}

func (s *syncTail) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.t.Bytes()...)
}
