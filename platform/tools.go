package platform

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// FindTool finds a command-line tool such as uv on this machine: on PATH,
// then in the places its installers put it (~/.local/bin, ~/.cargo/bin).
// It returns "" when the tool is not installed.
func FindTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	exe := name
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	for _, dir := range []string{filepath.Join(home, ".local", "bin"), filepath.Join(home, ".cargo", "bin")} {
		p := filepath.Join(dir, exe)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}
