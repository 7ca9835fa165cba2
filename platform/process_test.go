package platform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// processesWith lists live (non-zombie) processes whose command line holds
// marker. (internal/testenv has the same for the other packages; it cannot
// be imported here, as it imports envs, which imports this package.)
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

func TestRunKillsTheTreeOnTimeout(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc to look for leftover processes")
	}
	marker := "7777.25"
	start := time.Now()
	_, err := Run(context.Background(), []string{"/bin/sh", "-c", "sleep " + marker + " & sleep " + marker}, RunOptions{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	time.Sleep(100 * time.Millisecond)
	if left := processesWith(marker); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestRunGrandchildHoldingStdout(t *testing.T) {
	marker := "7778.25"
	res, err := Run(context.Background(), []string{"/bin/sh", "-c", "sleep " + marker + " & echo parent-done"}, RunOptions{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if strings.TrimSpace(string(res.Stdout)) != "parent-done" || res.ExitCode != 0 {
		t.Errorf("result = %q, exit %d", res.Stdout, res.ExitCode)
	}
	time.Sleep(100 * time.Millisecond)
	if left := processesWith(marker); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestRunCapsStdout(t *testing.T) {
	_, err := Run(context.Background(), []string{"/bin/sh", "-c", "head -c 50000000 /dev/zero"}, RunOptions{Timeout: 20 * time.Second, StdoutCap: 1 << 20})
	if !errors.Is(err, ErrOutputTooLarge) {
		t.Fatalf("err = %v, want ErrOutputTooLarge", err)
	}
}

func TestRunExitCodeAndStderrTail(t *testing.T) {
	res, err := Run(context.Background(), []string{"/bin/sh", "-c", "echo first >&2; echo 'the reason' >&2; exit 3"}, RunOptions{})
	if err != nil || res.ExitCode != 3 || LastLine(res.Stderr) != "the reason" {
		t.Fatalf("res = %+v, err = %v", res, err)
	}
	if _, err := Run(context.Background(), []string{"/nonexistent/python"}, RunOptions{}); err == nil {
		t.Fatal("running a missing file succeeded")
	}
}

func TestRunStreamsLines(t *testing.T) {
	var got []string
	res, err := Run(context.Background(), []string{"/bin/sh", "-c", "echo one; echo two >&2; printf 'three'; exit 2"},
		RunOptions{OnLine: func(l string) { got = append(got, l) }})
	if err != nil || res.ExitCode != 2 {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("lines = %q", got)
	}
	if LastLine(res.Stderr) != "three" {
		t.Errorf("tail = %q", res.Stderr)
	}
}
