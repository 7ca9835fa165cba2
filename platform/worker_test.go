//go:build !windows

package platform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sh starts a worker running a shell script (the test's own helper).
func sh(t *testing.T, ctx context.Context, script string, opt WorkerOptions) *Worker {
	t.Helper()
	w, err := StartWorker(ctx, []string{"/bin/sh", "-c", script}, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(time.Second) })
	return w
}

func TestWorkerAnswers(t *testing.T) {
	w := sh(t, t.Context(), `while read l; do echo "{\"got\": $l}"; done`, WorkerOptions{})
	for i := range 3 {
		var out struct{ Got int }
		if err := w.Ask(t.Context(), i, &out); err != nil || out.Got != i {
			t.Fatalf("ask %d: %v %+v", i, err, out)
		}
	}
}

// A helper that answers once and then hangs is given up on at the
// deadline, and is gone afterwards.
func TestWorkerThatHangsMeetsItsDeadline(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	w := sh(t, t.Context(), `echo $$ > `+pidFile+`; read l; echo '{}'; read l; exec sleep 60`, WorkerOptions{Timeout: 300 * time.Millisecond})
	var v struct{}
	if err := w.Ask(t.Context(), 1, &v); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := w.Ask(t.Context(), 2, &v)
	if !errors.Is(err, ErrNoAnswer) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %v; want ErrNoAnswer at the deadline", time.Since(start), err)
	}
	w.Close(time.Second)
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid == 0 || syscall.Kill(pid, 0) == nil {
		t.Errorf("the helper (pid %d) is still there", pid)
	}
}

// A helper that dies leaving a child holding its pipes holds nothing: the
// close returns at once and the child is ended with it.
func TestWorkerWhoseChildHoldsThePipes(t *testing.T) {
	marker := "pyhangar-worker-orphan-" + strconv.Itoa(os.Getpid())
	w := sh(t, t.Context(), `sh -c 'exec sleep 60 # `+marker+`' & read l; echo '{}'; exit 0`, WorkerOptions{})
	var v struct{}
	if err := w.Ask(t.Context(), 1, &v); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w.Close(2 * time.Second)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("close took %v", d)
	}
	if left := processesWith(marker); len(left) > 0 {
		t.Errorf("left running: %v", left)
	}
}

// processesWith lists live processes whose command line holds marker.
func processesWith(marker string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !strings.Contains(string(b), marker) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join(d, "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue
		}
		out = append(out, strings.ReplaceAll(string(b), "\x00", " "))
	}
	return out
}

// A flood on stderr keeps only its tail; an endless line is refused at
// the bound, saying so.
func TestWorkerBoundsWhatItKeeps(t *testing.T) {
	w := sh(t, t.Context(), `head -c 50000000 /dev/zero | tr '\0' x >&2; echo oops >&2; read l; echo '{}'`, WorkerOptions{})
	var v struct{}
	if err := w.Ask(t.Context(), 1, &v); err != nil {
		t.Fatal(err)
	}
	w.Close(time.Second) // all of stderr has come
	if tail := w.Stderr(); len(tail) > StderrTail || !strings.HasSuffix(tail, "oops\n") {
		t.Errorf("stderr kept: %d bytes, ending %q", len(tail), tail[max(0, len(tail)-10):])
	}
	long := sh(t, t.Context(), `read l; head -c 3000000 /dev/zero | tr '\0' y; echo`, WorkerOptions{MaxLine: 1 << 20})
	if err := long.Ask(t.Context(), 1, &v); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("a 3 MB line: %v", err)
	}
}

// Garbage is named with the line printed; a helper that exits says what
// it printed on stderr; a cancel ends it at once.
func TestWorkerSaysWhatWentWrong(t *testing.T) {
	w := sh(t, t.Context(), `read l; printf 'not json \033[2J\n'; read l; echo 'Traceback: boom' >&2; exit 3`, WorkerOptions{})
	var v struct{ N int }
	err := w.Ask(t.Context(), 1, &v)
	var g *GarbageError
	if !errors.As(err, &g) || !strings.Contains(err.Error(), `"not json \x1b[2J"`) {
		t.Errorf("garbage: %v", err)
	}
	if err := w.Ask(t.Context(), 2, &v); !errors.Is(err, ErrWorkerGone) || !strings.Contains(err.Error(), "Traceback: boom") {
		t.Errorf("exit: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	hung := sh(t, ctx, `read l; exec sleep 60`, WorkerOptions{})
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if err := hung.Ask(ctx, 1, &v); !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Errorf("cancel: %v after %v", err, time.Since(start))
	}
}
