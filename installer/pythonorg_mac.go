package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pyhangar/pyhangar/platform"
)

func (in *Installer) macOS(ctx context.Context, j job, rec *Record, log func(string)) (string, error) {
	pkg, sums, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return MacInstaller(files, j.rel.Version) },
		"the macOS package of "+string(j.rel.Version))
	if err != nil {
		return "", err
	}
	defer done()
	verified, err := OpenVerified(pkg, sums...)
	if err != nil {
		return "", err
	}
	defer verified.Close()
	choices := filepath.Join(downloadDir(in.DataDir, j.target), fmt.Sprintf("choices-%d.plist", rec.ID))
	if err := os.MkdirAll(filepath.Dir(choices), 0o755); err != nil {
		return "", err
	}
	defer os.Remove(filepath.Dir(choices)) // when empty
	defer os.Remove(choices)
	if err := os.WriteFile(choices, []byte(MacChoiceChanges(j.rel.Version)), 0o644); err != nil {
		return "", err
	}
	in.emit(Event{Phase: "install (the system asks for your password)", Pct: -1})
	res, err := platform.Run(ctx, MacInstallArgs(pkg, choices), platform.RunOptions{OnLine: log})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("the installer failed: %s", platform.LastLine(res.Stderr))
	}
	exe := MacFreeThreadedExe(j.rel.Version)
	if !j.spec.FreeThreaded {
		m := string(j.rel.Version.Minor())
		exe = "/Library/Frameworks/Python.framework/Versions/" + m + "/bin/python" + m
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}
