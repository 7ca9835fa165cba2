package platform

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const lockHelperEnv = "PYHANGAR_PLATFORM_TEST_HOLD_LOCK"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockHelperEnv); path != "" {
		// A second process: take the lock, say so, and hold it until killed.
		if _, err := TryLock(path); err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Hour)
	}
	os.Exit(m.Run())
}

// holdLock starts a process that holds the lock at path.
func holdLock(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("the helper did not take the lock: %q", line)
	}
	return cmd
}

// A lock held by another process is refused with its pid, and freed by
// that process's death, even by SIGKILL.
func TestLockHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "install-cpython-3.13.5t.lock")
	holder := holdLock(t, path)
	_, err := TryLock(path)
	var held *LockedError
	if !errors.As(err, &held) || held.PID != holder.Process.Pid {
		t.Fatalf("TryLock while held: %v; want a LockedError naming pid %d", err, holder.Process.Pid)
	}
	waited := make(chan error, 1)
	var toldPID int
	go func() {
		l, err := WaitLock(context.Background(), path, func(e *LockedError) { toldPID = e.PID })
		if err == nil {
			l.Unlock()
		}
		waited <- err
	}()
	select {
	case err := <-waited:
		t.Fatalf("WaitLock returned while the lock was held: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	holder.Process.Kill()
	holder.Wait()
	select {
	case err := <-waited:
		if err != nil || toldPID != holder.Process.Pid {
			t.Fatalf("WaitLock after the holder died: %v (told pid %d)", err, toldPID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitLock did not get the lock after its holder was killed")
	}
	l, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after the holder died: %v", err)
	}
	if got := lockHolder(path); got != os.Getpid() {
		t.Errorf("the lock file names pid %d, want ours (%d)", got, os.Getpid())
	}
	l.Unlock()
}

func TestWaitLockGivesUpWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	holdLock(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	if _, err := WaitLock(ctx, path, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
