// Package installer gets new interpreters: the release catalog, verified
// downloads, the uv driver and python.org's installers for each OS.
package installer

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Checksum is what a download must hash to. SHA-256 is preferred; MD5 is
// used only where the catalog has nothing better, and is reported as weaker.
type Checksum struct {
	Algo string // "sha256" or "md5"
	Hex  string
}

func (c Checksum) newHash() (hash.Hash, error) {
	switch c.Algo {
	case "sha256":
		return sha256.New(), nil
	case "md5":
		return md5.New(), nil
	}
	return nil, fmt.Errorf("no checksum to verify the download against")
}

// Weak reports a checksum that proves integrity but not much more.
func (c Checksum) Weak() bool { return c.Algo != "sha256" }

// ErrHashMismatch is returned (wrapped) when a download's hash is wrong.
var ErrHashMismatch = errors.New("checksum mismatch")

// Progress reports a download: bytes so far and the total (0 if unknown).
type Progress func(done, total int64)

// Downloader fetches files with verification and resume.
type Downloader struct {
	Client  *http.Client
	Retries int // extra attempts after a dropped connection; default 3
}

// IsLoopback reports whether a URL's host is this machine.
func IsLoopback(u *url.URL) bool {
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckURL allows https everywhere and http only on loopback.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", raw, err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u):
	default:
		return nil, fmt.Errorf("refusing %s: downloads need https (plain http only for a mirror on this machine)", raw)
	}
	return u, nil
}

func (d *Downloader) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return &http.Client{
		Timeout: 0, // bodies can be large; the context bounds a download
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("too many redirects")
			}
			if _, err := CheckURL(req.URL.String()); err != nil {
				return fmt.Errorf("redirect refused: %w", err)
			}
			return nil
		},
	}
}

// Download fetches rawURL into dest, hashing while it streams into
// dest.part. An interrupted transfer resumes with a Range request. The file
// is renamed into place only when its hash matches; on a mismatch the part
// file is deleted and the error names both hashes. A body longer than size
// (when size > 0) is an error. On cancel the part file is removed.
func (d *Downloader) Download(ctx context.Context, rawURL, dest string, sum Checksum, size int64, progress Progress) (err error) {
	if _, err := CheckURL(rawURL); err != nil {
		return err
	}
	h, err := sum.newHash()
	if err != nil {
		return err
	}
	if progress == nil {
		progress = func(int64, int64) {}
	}
	part := dest + ".part"
	retries := d.Retries
	if retries == 0 {
		retries = 3
	}
	defer func() {
		if err != nil && (ctx.Err() != nil || errors.Is(err, ErrHashMismatch) || errors.Is(err, errTooLong)) {
			os.Remove(part)
		}
	}()
	os.Remove(part) // a stale part from another download is not trusted
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt) * 300 * time.Millisecond):
			}
		}
		err := d.fetch(ctx, rawURL, part, size, h, progress)
		if err == nil {
			lastErr = nil
			break
		}
		lastErr = err
		if ctx.Err() != nil || errors.Is(err, errTooLong) || errors.Is(err, errPermanent) {
			return err
		}
	}
	if lastErr != nil {
		os.Remove(part)
		return fmt.Errorf("downloading %s: %w", rawURL, lastErr)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(got, sum.Hex) {
		return fmt.Errorf("%w for %s: expected %s %s, got %s; the file was deleted", ErrHashMismatch, rawURL, sum.Algo, sum.Hex, got)
	}
	return os.Rename(part, dest)
}

var (
	errTooLong   = errors.New("the server sent more than the announced size")
	errPermanent = errors.New("permanent")
)

// fetch appends to part from where it ends, feeding h with every byte
// written (h has seen exactly the bytes already in part).
func (d *Downloader) fetch(ctx context.Context, rawURL, part string, size int64, h hash.Hash, progress Progress) error {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if size > 0 && have == size {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "PyHangar")
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	resp, err := d.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
	case resp.StatusCode == http.StatusOK:
		// The server ignored the range: start over.
		if err := f.Truncate(0); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		have = 0
		h.Reset()
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		f.Truncate(0)
		h.Reset()
		return fmt.Errorf("the server refused to resume")
	default:
		return fmt.Errorf("%w: HTTP %s", errPermanent, resp.Status)
	}
	total := size
	if total <= 0 && resp.ContentLength > 0 {
		total = have + resp.ContentLength
	}
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if size > 0 && have+int64(n) > size {
				return errTooLong
			}
			if _, err := f.Write(buf[:n]); err != nil {
				return err
			}
			h.Write(buf[:n])
			have += int64(n)
			progress(have, total)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if size > 0 && have < size {
		return io.ErrUnexpectedEOF
	}
	return nil
}
