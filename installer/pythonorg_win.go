package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
)

// installersDir keeps the official Windows installers: uninstalling runs
// the same installer again.
func (in *Installer) installersDir() string { return filepath.Join(in.DataDir, "installers") }

func (in *Installer) windows(ctx context.Context, j job, rec *Record, log func(string)) (string, error) {
	arch := "amd64"
	if runtime.GOARCH == "arm64" {
		arch = "arm64"
	}
	target := filepath.Join(in.PythonsDir(), j.target)
	exe := filepath.Join(target, "python.exe")
	if j.spec.FreeThreaded {
		exe = WindowsFreeThreadedExe(target, j.rel.Version)
	}
	if _, err := os.Stat(exe); err == nil {
		return exe, nil // the official install holds both builds
	}
	dl, sums, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return WindowsInstaller(files, j.rel.Version, arch) },
		"python-"+string(j.rel.Version)+"-"+arch+".exe")
	if err != nil {
		return "", err
	}
	defer done()
	if err := os.MkdirAll(in.installersDir(), 0o755); err != nil {
		return "", err
	}
	// The installer is kept (uninstalling runs it again), and checked once
	// more where it runs from.
	kept := filepath.Join(in.installersDir(), filepath.Base(dl))
	if err := copyFile(dl, kept); err != nil {
		return "", err
	}
	verified, err := OpenVerified(kept, sums...)
	if err != nil {
		os.Remove(kept)
		return "", err
	}
	defer verified.Close()
	logPath := filepath.Join(in.DataDir, "logs", fmt.Sprintf("windows-installer-%d.log", rec.ID))
	in.emit(Event{Phase: "install", Pct: -1})
	res, err := platform.Run(ctx, WindowsInstallArgs(kept, target, logPath), platform.RunOptions{})
	if err != nil {
		return "", err
	}
	ok, reboot := WindowsExitOK(res.ExitCode)
	if !ok {
		tail, _ := os.ReadFile(logPath)
		return "", fmt.Errorf("the installer failed (exit code %d): %s", res.ExitCode, platform.LastLine(tail))
	}
	if reboot {
		log("the installer finished; Windows needs a restart to complete it")
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}

// windowsUninstall runs the official installer PyHangar kept with its
// documented uninstall switch.
func (in *Installer) windowsUninstall(ctx context.Context, r Record) error {
	exe := filepath.Join(in.installersDir(), baseOfURL(r.URL))
	if _, err := os.Stat(exe); err != nil {
		return fmt.Errorf("the installer of %s (%s) is gone; remove it in Settings > Apps", r.Path, exe)
	}
	logPath := filepath.Join(in.DataDir, "logs", fmt.Sprintf("windows-uninstall-%d.log", r.ID))
	res, err := platform.Run(ctx, WindowsUninstallArgs(exe, logPath), platform.RunOptions{})
	if err != nil {
		return err
	}
	if ok, _ := WindowsExitOK(res.ExitCode); !ok {
		tail, _ := os.ReadFile(logPath)
		return fmt.Errorf("the uninstaller failed (exit code %d): %s", res.ExitCode, platform.LastLine(tail))
	}
	return os.Remove(exe)
}

func baseOfURL(u string) string { return u[strings.LastIndex(u, "/")+1:] }
