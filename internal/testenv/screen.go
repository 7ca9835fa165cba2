package testenv

import (
	"image/png"
	"os"
	"regexp"
	"testing"
)

// DistinctColours counts the colours of a PNG screenshot (every other
// pixel): a blank or frozen window has a handful.
func DistinctColours(t testing.TB, path string) int {
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
