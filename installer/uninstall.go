package installer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
)

// Uninstall removes one of PyHangar's own installs (by spec or interpreter
// path) and its record: uv's exact install through uv, a Windows install
// through its installer's uninstall, a source build by deleting its
// directory under pythons/. Anything else is refused, with the official
// way to remove it.
func (in *Installer) Uninstall(ctx context.Context, target string) (Record, error) {
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return Record{}, err
	}
	abs, _ := filepath.Abs(target)
	for _, r := range recs {
		if r.Status != StatusOK || (r.Spec != target && r.Path != abs && r.Path != target) {
			continue
		}
		lock, err := platform.TryLock(lockPath(in.DataDir, r.Target))
		var held *platform.LockedError
		if errors.As(err, &held) {
			return r, &BusyError{What: r.Spec, PID: held.PID}
		}
		if err != nil {
			return r, err
		}
		defer lock.Unlock()
		switch {
		case r.Method == RouteUV:
			if in.UV == nil {
				return r, fmt.Errorf("%s was installed with uv, which is no longer here", r.Path)
			}
			if r.Key == "" {
				key := r.Spec
				if list, err := in.UV.Installed(ctx); err == nil {
					if k := keyOf(list, r.Path); k != "" {
						key = k
					}
				}
				return r, fmt.Errorf("PyHangar did not install %s itself (uv had it already, or an older PyHangar did not record it); remove it with: uv python uninstall %s", r.Path, key)
			}
			if err := in.UV.Uninstall(ctx, r.Key); err != nil {
				return r, err
			}
		case in.goos() == "windows":
			if err := in.windowsUninstall(ctx, r); err != nil {
				return r, err
			}
		default:
			prefix, ok := in.ownPrefix(r.Path)
			if !ok {
				return r, fmt.Errorf("%s is not under %s; refusing to delete it", r.Path, in.PythonsDir())
			}
			kept, err := platform.DeleteMade(prefix, builtPrefix(in.DataDir))
			if err != nil {
				return r, err
			}
			if len(kept) > 0 {
				in.emit(Event{Line: fmt.Sprintf("kept in %s what the build did not write: %s", prefix, strings.Join(kept, ", ")), Pct: -1})
			}
		}
		// Every record of what was removed goes (on Windows one install
		// holds both builds).
		for _, o := range recs {
			if o.ID == r.ID || (o.Status == StatusOK && o.Target == r.Target && r.Target != "" && r.Method == RoutePythonOrg) {
				if err := in.Records.DeleteInstall(ctx, o.ID); err != nil {
					return r, err
				}
			}
		}
		return r, nil
	}
	return Record{}, fmt.Errorf("%s is not an interpreter PyHangar installed; %s", target, officialRemoval(target))
}

// ownPrefix returns the install dir under PythonsDir holding exe.
func (in *Installer) ownPrefix(exe string) (string, bool) {
	root := filepath.Clean(in.PythonsDir()) + string(filepath.Separator)
	if !strings.HasPrefix(exe, root) {
		return "", false
	}
	first := strings.SplitN(strings.TrimPrefix(exe, root), string(filepath.Separator), 2)[0]
	if first == "" || first == "." || first == ".." {
		return "", false
	}
	return filepath.Join(in.PythonsDir(), first), true
}

// officialRemoval names the way to remove an interpreter PyHangar did not
// install.
func officialRemoval(target string) string {
	t := strings.ToLower(filepath.ToSlash(target))
	switch {
	case strings.Contains(t, "/uv/python/"):
		return "it is uv's: remove it with 'uv python uninstall'"
	case strings.Contains(t, "/.pyenv/"):
		return "it is pyenv's: remove it with 'pyenv uninstall'"
	case strings.Contains(t, "pythont.framework") || strings.Contains(t, "python.framework"):
		return "it is the python.org macOS framework: delete its /Library/Frameworks/Python(T).framework/Versions/X.Y directory and the /usr/local/bin links"
	case strings.Contains(t, "/programs/python/") || strings.Contains(t, "/pythoncore-"):
		return "it is a python.org Windows install: use Settings > Apps, or run its installer with /uninstall"
	case strings.HasPrefix(t, "/usr/bin/") || strings.HasPrefix(t, "/bin/"):
		return "it belongs to the system: use the system's package manager"
	}
	return "remove it the way it was installed"
}
