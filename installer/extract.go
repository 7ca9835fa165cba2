package installer

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/ulikunitz/xz"
)

// ErrUnsafeArchive is returned (wrapped) for an archive entry that would
// land outside the target directory.
var ErrUnsafeArchive = errors.New("unsafe archive")

// ExtractTarXZ unpacks a .tar.xz into dir, refusing absolute names, names
// with "..", and links that point outside dir. On any error the files
// written so far are removed (dir itself must be new or empty).
//
// The xz stream is decoded by the system's xz when there is one (about
// fifteen times faster on CPython's tarball) and by the pure-Go decoder
// otherwise; either way every entry passes the same checks here.
func ExtractTarXZ(ctx context.Context, archive, dir string) (err error) {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	var xr io.Reader
	if xzPath, lookErr := exec.LookPath("xz"); lookErr == nil {
		cmd := exec.CommandContext(ctx, xzPath, "-dc")
		cmd.Stdin = f
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		defer func() {
			out.Close()
			if werr := cmd.Wait(); werr != nil && err == nil && ctx.Err() == nil {
				err = fmt.Errorf("%s is not a valid xz archive: %s", archive, strings.TrimSpace(stderr.String()))
			}
		}()
		xr = out
	} else {
		r, err := xz.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s is not an xz archive: %w", archive, err)
		}
		xr = r
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}()
	tr := tar.NewReader(xr)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", archive, err)
		}
		target, err := safeJoin(dir, hdr.Name)
		if err != nil {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(hdr.Mode)&0o777|0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			// The link's target, resolved from the link's own directory,
			// must stay inside dir.
			linkTarget := hdr.Linkname
			if path.IsAbs(linkTarget) || filepath.IsAbs(linkTarget) {
				return fmt.Errorf("%w: %s links to the absolute path %s", ErrUnsafeArchive, hdr.Name, linkTarget)
			}
			if _, err := safeJoin(dir, path.Join(path.Dir(hdr.Name), linkTarget)); err != nil {
				return fmt.Errorf("%w: %s links outside the target (%s)", ErrUnsafeArchive, hdr.Name, linkTarget)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(linkTarget, target); err != nil {
				return err
			}
		case tar.TypeLink:
			src, err := safeJoin(dir, hdr.Linkname)
			if err != nil {
				return fmt.Errorf("%w: %s hard-links outside the target (%s)", ErrUnsafeArchive, hdr.Name, hdr.Linkname)
			}
			if err := os.Link(src, target); err != nil {
				return err
			}
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			return fmt.Errorf("%w: %s is a special file (type %q)", ErrUnsafeArchive, hdr.Name, hdr.Typeflag)
		}
	}
}

// safeJoin joins an archive name onto dir, refusing names that escape it.
func safeJoin(dir, name string) (string, error) {
	if name == "" || path.IsAbs(name) || filepath.IsAbs(name) || strings.HasPrefix(name, `\`) || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("%w: absolute path %q", ErrUnsafeArchive, name)
	}
	clean := path.Clean(strings.ReplaceAll(name, `\`, "/"))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("%w: %q leaves the target directory", ErrUnsafeArchive, name)
	}
	for _, part := range strings.Split(strings.ReplaceAll(name, `\`, "/"), "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: %q contains ..", ErrUnsafeArchive, name)
		}
	}
	return filepath.Join(dir, filepath.FromSlash(clean)), nil
}
