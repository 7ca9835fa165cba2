package installer

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/ulikunitz/xz"

	"github.com/pyhangar/pyhangar/platform"
)

// ErrUnsafeArchive is returned (wrapped) for an archive entry that would
// land outside the target directory, or write through a link.
var ErrUnsafeArchive = errors.New("unsafe archive")

// ExtractTarXZ unpacks the .tar.xz read from archive into dir. Every write
// goes through an os.Root opened on dir, so nothing lands outside it; on top
// of that, entries are refused when their name is absolute or climbs out,
// when a parent directory on their way is a link, and when a link's target
// leads out of dir once the links already there are followed. A file entry
// replaces what had its name (never writing through a hard link). On any
// error the entries written so far are removed (dir must be new or empty).
//
// The xz stream is decoded by the system's xz when there is one (about
// fifteen times faster on CPython's tarball) and by the pure-Go decoder
// otherwise; a corrupt or truncated stream is an error either way.
func ExtractTarXZ(ctx context.Context, archive *os.File, dir string) (err error) {
	name := archive.Name()
	x, err := newExtractor(dir)
	if err != nil {
		return err
	}
	// Runs last, after the decoder's verdict below.
	defer func() { err = x.finish(err) }()
	var xr io.Reader
	if xzPath, lookErr := exec.LookPath("xz"); lookErr == nil {
		cmd := exec.CommandContext(ctx, xzPath, "-dc")
		cmd.Stdin = archive
		var stderr strings.Builder
		cmd.Stderr = &stderr
		pipe, pipeErr := cmd.StdoutPipe()
		if pipeErr != nil {
			return pipeErr
		}
		if startErr := cmd.Start(); startErr != nil {
			return startErr
		}
		defer func() {
			// The tar stream may end before xz has checked the rest of
			// its input: read it all, so xz reaches its own verdict.
			io.Copy(io.Discard, pipe)
			if werr := cmd.Wait(); werr != nil && err == nil && ctx.Err() == nil {
				err = fmt.Errorf("%s is not a valid xz archive: %s", name, strings.TrimSpace(stderr.String()))
			}
		}()
		xr = pipe
	} else {
		r, xzErr := xz.NewReader(archive)
		if xzErr != nil {
			return fmt.Errorf("%s is not an xz archive: %w", name, xzErr)
		}
		xr = r
		defer func() {
			// Read to the end of the xz stream, which checks it.
			if _, rerr := io.Copy(io.Discard, r); rerr != nil && err == nil {
				err = fmt.Errorf("%s is not a valid xz archive: %w", name, rerr)
			}
		}()
	}
	return x.tar(ctx, tar.NewReader(xr), name)
}

// ExtractTarGz unpacks the .tar.gz read from archive into dir, with the
// same guards as ExtractTarXZ.
func ExtractTarGz(ctx context.Context, archive *os.File, dir string) (err error) {
	x, err := newExtractor(dir)
	if err != nil {
		return err
	}
	defer func() { err = x.finish(err) }()
	zr, err := gzip.NewReader(archive)
	if err != nil {
		return fmt.Errorf("%s is not a gzip archive: %w", archive.Name(), err)
	}
	defer func() {
		// Read to the end of the gzip stream, which checks its CRC.
		if _, rerr := io.Copy(io.Discard, zr); rerr != nil && err == nil {
			err = fmt.Errorf("%s is not a valid gzip archive: %w", archive.Name(), rerr)
		}
	}()
	return x.tar(ctx, tar.NewReader(zr), archive.Name())
}

// ExtractZip unpacks the .zip archive into dir, with the same guards as
// ExtractTarXZ (zip entries are files and directories; a link is refused).
func ExtractZip(ctx context.Context, archive *os.File, dir string) (err error) {
	fi, err := archive.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(archive, fi.Size())
	if err != nil {
		return fmt.Errorf("%s is not a zip archive: %w", archive.Name(), err)
	}
	x, err := newExtractor(dir)
	if err != nil {
		return err
	}
	defer func() { err = x.finish(err) }()
	for _, f := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			err = x.mkdir(f.Name)
		case mode.IsRegular():
			var rc io.ReadCloser
			if rc, err = f.Open(); err == nil {
				err = x.file(f.Name, mode, rc)
				rc.Close()
			}
		default:
			err = fmt.Errorf("%w: %s is not a plain file (mode %v)", ErrUnsafeArchive, f.Name, mode)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// tar writes a tar stream's entries (see ExtractTarXZ).
func (x *extractor) tar(ctx context.Context, tr *tar.Reader, name string) error {
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err = x.count(hdr.Name, 0); err == nil {
				err = x.mkdir(hdr.Name)
			}
		case tar.TypeReg:
			err = x.file(hdr.Name, os.FileMode(hdr.Mode), tr)
		case tar.TypeSymlink:
			err = x.symlink(hdr.Name, hdr.Linkname)
		case tar.TypeLink:
			err = x.hardlink(hdr.Name, hdr.Linkname)
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			err = fmt.Errorf("%w: %s is a special file (type %q)", ErrUnsafeArchive, hdr.Name, hdr.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

// extractor writes archive entries under one directory through an
// os.Root, and remembers the links it made for a last check.
type extractor struct {
	dir   string
	root  *os.Root
	links []string
	// written and entries count what was unpacked, against the bounds.
	written, entries int64
}

// Bounds of one archive's contents: CPython's source tarball unpacks to
// about 120 MB in 5,000 entries, uv's archive to about 50 MB in three.
var (
	maxUnpacked int64 = 4 << 30
	maxEntries  int64 = 200_000
)

// count adds an entry of n bytes, refusing the archive past a bound.
func (x *extractor) count(name string, n int64) error {
	x.entries++
	x.written += n
	switch {
	case x.entries > maxEntries:
		return fmt.Errorf("%w: it holds more than %d entries (at %s); PyHangar stops there", ErrUnsafeArchive, maxEntries, name)
	case x.written > maxUnpacked:
		return fmt.Errorf("%w: it unpacks to more than %d MiB (at %s); PyHangar stops there", ErrUnsafeArchive, maxUnpacked>>20, name)
	}
	return nil
}

func newExtractor(dir string) (*extractor, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &extractor{dir: dir, root: root}, nil
}

// finish checks every link once more (a later entry may have changed
// where an earlier one leads), closes the root, and on failure removes
// what was written.
func (x *extractor) finish(err error) error {
	if err == nil {
		for _, l := range x.links {
			if fi, lerr := x.root.Lstat(l); lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
				continue // replaced by a later entry
			}
			target, rerr := x.root.Readlink(l)
			if rerr != nil {
				err = rerr
				break
			}
			if !x.staysInside(parentParts(l), target) {
				err = fmt.Errorf("%w: %s links outside the target (%s)", ErrUnsafeArchive, l, target)
				break
			}
		}
	}
	x.root.Close()
	if err != nil {
		// What was written goes; the target, new and empty before, stays.
		platform.DeleteMade(x.dir, platform.Made{KeepFolder: true, Within: x.dir})
	}
	return err
}

// clean turns an archive name into a slash path relative to the root,
// refusing absolute names and names that climb out.
func clean(name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	if name == "" || path.IsAbs(n) || filepath.IsAbs(name) || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("%w: absolute path %q", ErrUnsafeArchive, name)
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: %q contains ..", ErrUnsafeArchive, name)
		}
	}
	c := path.Clean(n)
	if c == "." {
		return "", fmt.Errorf("%w: empty name %q", ErrUnsafeArchive, name)
	}
	return c, nil
}

func parentParts(rel string) []string {
	d := path.Dir(rel)
	if d == "." {
		return nil
	}
	return strings.Split(d, "/")
}

// parents makes rel's parent directories, refusing to go through a link.
func (x *extractor) parents(rel string) error {
	parts := parentParts(rel)
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		fi, err := x.root.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := x.root.Mkdir(p, 0o755); err != nil {
				return err
			}
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%w: %s would be written through the link %s", ErrUnsafeArchive, rel, p)
		case !fi.IsDir():
			return fmt.Errorf("%w: %s would be written under the file %s", ErrUnsafeArchive, rel, p)
		}
	}
	return nil
}

// replace removes what already has rel's name, unless it is a directory.
func (x *extractor) replace(rel string) error {
	fi, err := x.root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%w: %s is both a directory and another entry", ErrUnsafeArchive, rel)
	}
	return x.root.Remove(rel)
}

func (x *extractor) mkdir(name string) error {
	rel, err := clean(name)
	if err != nil {
		return err
	}
	if err := x.parents(rel); err != nil {
		return err
	}
	fi, err := x.root.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return x.root.Mkdir(rel, 0o755)
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%w: the directory %s is already another entry", ErrUnsafeArchive, rel)
	}
	return nil
}

func (x *extractor) file(name string, mode os.FileMode, r io.Reader) error {
	rel, err := clean(name)
	if err != nil {
		return err
	}
	if err := x.parents(rel); err != nil {
		return err
	}
	if err := x.replace(rel); err != nil {
		return err
	}
	if err := x.count(name, 0); err != nil {
		return err
	}
	out, err := x.root.OpenFile(rel, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode&0o777|0o600)
	if err != nil {
		return err
	}
	// Never more than the bound left, whatever the header said.
	n, err := io.Copy(out, io.LimitReader(r, maxUnpacked-x.written+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = x.count(name, n)
		x.entries--
	}
	return err
}

func (x *extractor) symlink(name, target string) error {
	rel, err := clean(name)
	if err != nil {
		return err
	}
	t := strings.ReplaceAll(target, `\`, "/")
	if path.IsAbs(t) || filepath.IsAbs(target) || (len(t) > 1 && t[1] == ':') {
		return fmt.Errorf("%w: %s links to the absolute path %s", ErrUnsafeArchive, name, target)
	}
	if err := x.parents(rel); err != nil {
		return err
	}
	if !x.staysInside(parentParts(rel), t) {
		return fmt.Errorf("%w: %s links outside the target (%s)", ErrUnsafeArchive, name, target)
	}
	if err := x.replace(rel); err != nil {
		return err
	}
	if err := x.root.Symlink(t, rel); err != nil {
		return err
	}
	x.links = append(x.links, rel)
	return nil
}

func (x *extractor) hardlink(name, target string) error {
	rel, err := clean(name)
	if err != nil {
		return err
	}
	src, err := clean(target)
	if err != nil {
		return fmt.Errorf("%w: %s hard-links outside the target (%s)", ErrUnsafeArchive, name, target)
	}
	if err := x.parents(rel); err != nil {
		return err
	}
	// The source must be a regular file reached without a link.
	for i, parts := 0, parentParts(src); i < len(parts); i++ {
		if fi, err := x.root.Lstat(strings.Join(parts[:i+1], "/")); err != nil || !fi.IsDir() {
			return fmt.Errorf("%w: %s hard-links to %s, which is not a file in the archive", ErrUnsafeArchive, name, target)
		}
	}
	if fi, err := x.root.Lstat(src); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s hard-links to %s, which is not a file in the archive", ErrUnsafeArchive, name, target)
	}
	if rel == src {
		return nil
	}
	if err := x.replace(rel); err != nil {
		return err
	}
	return x.root.Link(src, rel)
}

// staysInside follows a link target from the directory dir (parts of a
// path under the root without links in it), through the links already on
// disk, and reports whether it stays under the root all the way. Parts not
// on disk yet are taken as written; finish checks again at the end.
func (x *extractor) staysInside(dir []string, target string) bool {
	hops := 0
	_, ok := x.follow(dir, target, &hops)
	return ok
}

func (x *extractor) follow(dir []string, target string, hops *int) ([]string, bool) {
	if path.IsAbs(target) {
		return nil, false
	}
	cur := append([]string(nil), dir...)
	for _, part := range strings.Split(target, "/") {
		switch part {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return nil, false
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, part)
		p := strings.Join(cur, "/")
		fi, err := x.root.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if *hops++; *hops > 40 {
			return nil, false
		}
		next, err := x.root.Readlink(p)
		if err != nil {
			return nil, false
		}
		var ok bool
		if cur, ok = x.follow(cur[:len(cur)-1], strings.ReplaceAll(next, `\`, "/"), hops); !ok {
			return nil, false
		}
	}
	return cur, true
}
