package platform_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
	"github.com/pyhangar/pyhangar/platform"
)

func TestRunKillsTheTreeOnTimeout(t *testing.T) {
	marker := "7777.25"
	start := time.Now()
	_, err := platform.Run(context.Background(), []string{"/bin/sh", "-c", "sleep " + marker + " & sleep " + marker}, platform.RunOptions{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, platform.ErrTimeout) {
		t.Fatalf("err = %v, want platform.ErrTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	time.Sleep(100 * time.Millisecond)
	if left := testenv.ProcessesWith(t, marker); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestRunGrandchildHoldingStdout(t *testing.T) {
	marker := "7778.25"
	res, err := platform.Run(context.Background(), []string{"/bin/sh", "-c", "sleep " + marker + " & echo parent-done"}, platform.RunOptions{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if strings.TrimSpace(string(res.Stdout)) != "parent-done" || res.ExitCode != 0 {
		t.Errorf("result = %q, exit %d", res.Stdout, res.ExitCode)
	}
	time.Sleep(100 * time.Millisecond)
	if left := testenv.ProcessesWith(t, marker); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestRunCapsStdout(t *testing.T) {
	_, err := platform.Run(context.Background(), []string{"/bin/sh", "-c", "head -c 50000000 /dev/zero"}, platform.RunOptions{Timeout: 20 * time.Second, StdoutCap: 1 << 20})
	if !errors.Is(err, platform.ErrOutputTooLarge) {
		t.Fatalf("err = %v, want platform.ErrOutputTooLarge", err)
	}
}

func TestRunExitCodeAndStderrTail(t *testing.T) {
	res, err := platform.Run(context.Background(), []string{"/bin/sh", "-c", "echo first >&2; echo 'the reason' >&2; exit 3"}, platform.RunOptions{})
	if err != nil || res.ExitCode != 3 || platform.LastLine(res.Stderr) != "the reason" {
		t.Fatalf("res = %+v, err = %v", res, err)
	}
	if _, err := platform.Run(context.Background(), []string{"/nonexistent/python"}, platform.RunOptions{}); err == nil {
		t.Fatal("running a missing file succeeded")
	}
}

func TestRunStreamsLines(t *testing.T) {
	var got []string
	res, err := platform.Run(context.Background(), []string{"/bin/sh", "-c", "echo one; echo two >&2; printf 'three'; exit 2"},
		platform.RunOptions{OnLine: func(l string) { got = append(got, l) }})
	if err != nil || res.ExitCode != 2 {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("lines = %q", got)
	}
	if platform.LastLine(res.Stderr) != "three" {
		t.Errorf("tail = %q", res.Stderr)
	}
}
