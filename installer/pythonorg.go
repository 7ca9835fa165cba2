package installer

import (
	"context"
	"fmt"
	"io"
)

// pythonOrg installs from python.org's files for the installer's OS.
func (in *Installer) pythonOrg(ctx context.Context, j job, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	switch in.goos() {
	case "linux", "freebsd":
		return in.fromSource(ctx, j, rec, logFile, log)
	case "windows":
		return in.windows(ctx, j, rec, log)
	case "darwin":
		return in.macOS(ctx, j, rec, log)
	}
	return "", fmt.Errorf("no python.org route for %s", in.goos())
}
