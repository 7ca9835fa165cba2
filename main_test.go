package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// TestWindowSmoke builds the real binary, opens its window on the X display,
// checks the window appears with its title and draws something, and that
// SIGTERM quits it cleanly.
func TestWindowSmoke(t *testing.T) {
	testenv.NeedX(t)
	dir := t.TempDir()
	bin := buildBinary(t)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--data-dir", filepath.Join(dir, "data"))
	// Fyne's preferences (window size, last tab) go to a config dir of the
	// test's own, not the user's.
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-done
		}
	}()

	// Wait for a mapped top-level window titled PyHangar, then give its
	// first frames time to paint and look at the screen.
	w, h := testenv.WaitForWindow(t, regexp.MustCompile(`"PyHangar": \("PyHangar" "PyHangar"\)\s+(\d+)x(\d+)`), 20*time.Second, done, &stderr)
	t.Logf("window %sx%s appeared after %v", w, h, time.Since(start).Round(time.Millisecond))
	testenv.ScreenDrawn(t, 20, "smoke-window.png")

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("pyhangar did not quit cleanly on SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pyhangar did not quit within 10 s of SIGTERM")
	}
	if s := withoutFynePrefsRace(stderr.String()); strings.TrimSpace(s) != "" {
		t.Errorf("unexpected stderr from the window: %s", s)
	}
}

// The binary's name, ID and version are FyneApp.toml's, the file fyne
// package reads for the downloads: `pyhangar version` says what it says.
func TestVersionIsFyneAppVersion(t *testing.T) {
	app := testenv.FyneApp(t, "FyneApp.toml")
	info, err := readAppInfo()
	if err != nil {
		t.Fatal(err)
	}
	if d := info.Details; d.Name != app.Name || d.ID != app.ID || d.Version != app.Version {
		t.Errorf("read %+v from the embedded FyneApp.toml, the file says %+v", d, app)
	}
	if b, _ := os.ReadFile("FyneApp.toml"); !bytes.Contains(b, []byte("fyneDo = true")) {
		t.Error("FyneApp.toml lacks fyneDo = true (the binary is built with migrated_fynedo)")
	}

	bin := buildBinary(t)
	out, err := exec.Command(bin, "--data-dir", t.TempDir(), "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Version string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version != app.Version {
		t.Errorf("pyhangar version --json says %q (%v), FyneApp.toml %q", v.Version, err, app.Version)
	}
}

// buildBinary builds pyhangar as make build does, into the test's temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pyhangar")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// fynePrefsRace is what Fyne 2.7 logs, now and then, as the app exits: it
// saves the preferences file once more while its own watcher of that file
// is still alive, and the watcher can read it between truncation and
// write (fyne-io/fyne#2936). Nothing is lost: the save completes.
var fynePrefsRace = regexp.MustCompile(`(?m)^\S+ \S+ Fyne error:  Preferences load error:\n\S+ \S+   Cause: EOF\n\S+ \S+   At: \S+/fyne/v2@v[0-9.]+/app/preferences\.go:\d+\n`)

// withoutFynePrefsRace is stderr without that one known message.
func withoutFynePrefsRace(stderr string) string { return fynePrefsRace.ReplaceAllString(stderr, "") }

// Only that message is let through.
func TestWithoutFynePrefsRace(t *testing.T) {
	race := "2026/11/23 00:54:08 Fyne error:  Preferences load error:\n2026/11/23 00:54:08   Cause: EOF\n" +
		"2026/11/23 00:54:08   At: /root/go/pkg/mod/fyne.io/fyne/v2@v2.7.1/app/preferences.go:103\n"
	if got := withoutFynePrefsRace(race); got != "" {
		t.Errorf("the known message stays: %q", got)
	}
	other := "2026/11/23 00:54:08 Fyne error:  Preferences load error:\n2026/11/23 00:54:08   Cause: permission denied\n"
	if got := withoutFynePrefsRace(race + other); got != other {
		t.Errorf("another error went too: %q", got)
	}
}
