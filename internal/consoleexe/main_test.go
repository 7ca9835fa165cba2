package main

import (
	"bytes"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A GUI executable built by Go's linker comes out as a console one that
// differs in the subsystem field alone.
func TestSetSubsystemToConsole(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644)
	gui := filepath.Join(dir, "gui.exe")
	build := exec.Command("go", "build", "-ldflags=-H=windowsgui", "-o", gui, src)
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if got := subsystem(t, gui); got != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Fatalf("built with -H=windowsgui, subsystem %d", got)
	}
	orig, _ := os.ReadFile(gui)
	data := bytes.Clone(orig)
	if err := setSubsystem(data, pe.IMAGE_SUBSYSTEM_WINDOWS_CUI); err != nil {
		t.Fatal(err)
	}
	console := filepath.Join(dir, "console.exe")
	os.WriteFile(console, data, 0o755)
	if got := subsystem(t, console); got != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("subsystem %d after setting console", got)
	}
	var diff []int
	for i := range orig {
		if orig[i] != data[i] {
			diff = append(diff, i)
		}
	}
	if len(diff) != 1 {
		t.Errorf("%d bytes differ (%v), want the subsystem's low byte alone", len(diff), diff)
	}

	if err := setSubsystem([]byte("MZ not a PE file at all, just text"), pe.IMAGE_SUBSYSTEM_WINDOWS_CUI); err == nil {
		t.Error("a file that is not an executable was accepted")
	}
}

func subsystem(t *testing.T, path string) uint16 {
	t.Helper()
	f, err := pe.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return f.OptionalHeader.(*pe.OptionalHeader64).Subsystem
}
