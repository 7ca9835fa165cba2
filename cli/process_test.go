package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tests that need a real second process, or a real signal, run the command
// line in a child: this test binary, started again with the arguments in
// mainHelperEnv, runs Main as main.go does (cancelled by SIGINT/SIGTERM).
const mainHelperEnv = "PYHANGAR_CLI_TEST_MAIN"

func TestMain(m *testing.M) {
	if args := os.Getenv(mainHelperEnv); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, strings.Split(args, "\x1f"), Options{Version: "test", Stdout: os.Stdout, Stderr: os.Stderr,
			GUI: func(context.Context, Session) error { return nil }})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// child is the command line running in another process.
type child struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	stdout bytes.Buffer
	done   chan struct{}
	code   int
}

// startChild starts pyhangar ARGS in a child process; the test ends it
// if it is still running.
func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	c := &child{done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(append(os.Environ(), env...), mainHelperEnv+"="+strings.Join(args, "\x1f"))
	c.cmd.Stderr = writerFunc(func(p []byte) { c.mu.Lock(); c.stderr.Write(p); c.mu.Unlock() })
	c.cmd.Stdout = writerFunc(func(p []byte) { c.mu.Lock(); c.stdout.Write(p); c.mu.Unlock() })
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		c.code = c.cmd.ProcessState.ExitCode()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// Stderr is what the child wrote to stderr so far.
func (c *child) Stderr() string { c.mu.Lock(); defer c.mu.Unlock(); return c.stderr.String() }

// waitStderr waits until the child's stderr holds s.
func (c *child) waitStderr(t *testing.T, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(c.Stderr(), s) {
		select {
		case <-c.done:
			if strings.Contains(c.Stderr(), s) {
				return
			}
			t.Fatalf("the child exited (code %d) without printing %q:\n%s", c.code, s, c.Stderr())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child did not print %q within %v:\n%s", s, within, c.Stderr())
		}
	}
}

// wait waits for the child to exit and returns its exit code.
func (c *child) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
		return c.code
	case <-time.After(within):
		t.Fatalf("the child did not exit within %v:\n%s", within, c.Stderr())
	}
	return -1
}

// alive reports whether the child still runs.
func (c *child) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return c.cmd.Process.Signal(syscall.Signal(0)) == nil
	}
}
