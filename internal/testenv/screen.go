package testenv

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// NeedX fails in CI and skips elsewhere when there is no X display (make
// test runs the suite under xvfb-run), and fails when the tools that look
// at the screen are missing.
func NeedX(t testing.TB) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		if InCI() {
			t.Fatal("DISPLAY is not set: make test runs the suite under xvfb-run")
		}
		t.Skip("no X display; run the suite with 'make test' (it uses xvfb-run)")
	}
	for _, tool := range []string{"xwininfo", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run scripts/system-deps.sh test", tool)
		}
	}
}

// WaitForWindow waits up to limit for a top-level window that title
// matches (its two groups are the width and height) and is wider than one
// pixel, and returns its size. A process that ends first (done) fails the
// test with its stderr.
func WaitForWindow(t testing.TB, title *regexp.Regexp, limit time.Duration, done <-chan error, stderr fmt.Stringer) (width, height string) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, _ := exec.Command("xwininfo", "-root", "-tree").Output()
		if m := title.FindStringSubmatch(string(out)); m != nil && m[1] != "1" {
			return m[1], m[2]
		}
		select {
		case err := <-done:
			t.Fatalf("the app exited before its window appeared: %v\n%s", err, stderr)
		default:
		}
	}
	t.Fatalf("no window matching %s within %v\n%s", title, limit, stderr)
	return "", ""
}

// ScreenDrawn takes a screenshot of the display every 250 ms, up to tries
// times, until one has 16 colours or more (a blank or frozen window has a
// handful), and fails if none has. The last one is kept as keepAs in
// $PYHANGAR_SCREENSHOT_DIR when that is set.
func ScreenDrawn(t testing.TB, tries int, keepAs string) {
	t.Helper()
	shot := filepath.Join(t.TempDir(), keepAs)
	colours := 0
	for i := 0; i < tries && colours < 16; i++ {
		time.Sleep(250 * time.Millisecond)
		if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
			t.Fatalf("screenshot: %v\n%s", err, out)
		}
		colours = distinctColours(t, shot)
	}
	if colours < 16 {
		t.Fatalf("the screenshot looks blank: %d distinct colours", colours)
	}
	if keep := os.Getenv("PYHANGAR_SCREENSHOT_DIR"); keep != "" {
		b, _ := os.ReadFile(shot)
		os.MkdirAll(keep, 0o755)
		os.WriteFile(filepath.Join(keep, keepAs), b, 0o644)
	}
}

// distinctColours counts the colours of a PNG screenshot, every other pixel.
func distinctColours(t testing.TB, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// App is what FyneApp.toml says of the app.
type App struct{ Name, ID, Version string }

// FyneApp reads the FyneApp.toml at path, as a reader of the file sees
// it (the binary embeds it; fyne package reads it).
func FyneApp(t testing.TB, path string) App {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*"([^"]+)"`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s has no %s", path, name)
		}
		return string(m[1])
	}
	return App{field("Name"), field("ID"), field("Version")}
}
