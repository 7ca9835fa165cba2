package platform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FileLock is an exclusive lock on a file, held through the operating
// system (flock on Unix, LockFileEx on Windows): it ends with the process
// that holds it, however that process ends, so a lock is never left stale.
// The file holds the holder's process id, for messages.
type FileLock struct {
	f *os.File
}

// LockedError says that another process holds a lock.
type LockedError struct {
	Path string
	PID  int // 0 when the holder has not written its pid yet
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is held by process %d", e.Path, e.PID)
	}
	return e.Path + " is held by another process"
}

// TryLock takes the lock at path without waiting, creating the file (and
// its directory) when needed. When another process holds it, the error is
// a *LockedError.
func TryLock(path string) (*FileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &LockedError{Path: path, PID: lockHolder(path)}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &FileLock{f: f}, nil
}

// WaitLock takes the lock at path, waiting for its holder while ctx lasts.
// waiting, when set, is called once with the holder's error if it has to
// wait.
func WaitLock(ctx context.Context, path string, waiting func(*LockedError)) (*FileLock, error) {
	told := false
	for {
		l, err := TryLock(path)
		var held *LockedError
		if !errors.As(err, &held) {
			return l, err
		}
		if !told && waiting != nil {
			waiting(held)
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Unlock releases the lock. The file stays: removing it would race with a
// process about to lock it.
func (l *FileLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	unlockFile(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}

func lockHolder(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
