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
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/fetch"
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

// OpenVerified opens path and checks that its content hashes to every one
// of sums (at least one); the returned file is positioned at its start.
// The file that was hashed is the file the caller reads, so nothing can be
// swapped in between.
func OpenVerified(path string, sums ...Checksum) (*os.File, error) {
	if len(sums) == 0 {
		return nil, fmt.Errorf("no checksum to verify %s against", path)
	}
	hashes := make([]hash.Hash, len(sums))
	writers := make([]io.Writer, len(sums))
	for i, sum := range sums {
		h, err := sum.newHash()
		if err != nil {
			return nil, err
		}
		hashes[i], writers[i] = h, h
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.MultiWriter(writers...), f); err != nil {
		f.Close()
		return nil, err
	}
	for i, sum := range sums {
		if got := hex.EncodeToString(hashes[i].Sum(nil)); !strings.EqualFold(got, sum.Hex) {
			f.Close()
			return nil, fmt.Errorf("%w for %s: expected %s %s, got %s", ErrHashMismatch, path, sum.Algo, sum.Hex, got)
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Progress reports a download: bytes so far and the total (0 if unknown).
type Progress func(done, total int64)

// Downloader fetches files with verification and resume.
type Downloader struct {
	Client *http.Client
	// Retries is how many more attempts follow a dropped, stalled or
	// refused (502/503/504) transfer; default 3.
	Retries int
	// StallTimeout is how long a transfer may go without a byte before it
	// is dropped and resumed; default 30 s.
	StallTimeout time.Duration
	// Backoff is the wait before the first retry, doubled for each next
	// one; default 500 ms.
	Backoff time.Duration
	// Cap bounds a download whose size nobody gave in advance; 0 means
	// fetch.InstallerCap.
	Cap int64
}

func (d *Downloader) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return fetch.NewClient(0)
}

var (
	errTooLong   = errors.New("the server sent more than the announced size")
	errPermanent = errors.New("permanent")
	errStalled   = errors.New("no data arrived")
	errRetry     = errors.New("the server asked to try again later")
)

// Download fetches rawURL into dest, hashing while it streams into
// dest.part. A transfer that drops or stalls resumes with a Range request,
// also in a later run: a part file left by an earlier failure is carried
// on (its bytes are hashed first). The file is renamed into place only
// when its hash matches; on a mismatch the part file is deleted and the
// error names both hashes. A body longer than size (when size > 0) is an
// error. On cancel the part file is removed. Two processes must not
// download to the same dest at once (callers hold the install's lock).
func (d *Downloader) Download(ctx context.Context, rawURL, dest string, sum Checksum, size int64, progress Progress) (err error) {
	if _, err := fetch.CheckURL(rawURL); err != nil {
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
	defer func() {
		if err != nil {
			fi, serr := os.Stat(part)
			if ctx.Err() != nil || errors.Is(err, ErrHashMismatch) || errors.Is(err, errTooLong) || errors.Is(err, errPermanent) || (serr == nil && fi.Size() == 0) {
				os.Remove(part)
			}
		}
	}()
	carried := false // the part file came from an earlier run
	if fi, err := os.Stat(part); err == nil && fi.Size() > 0 {
		carried = true
	}
	for {
		if err := d.transfer(ctx, rawURL, part, size, h, progress); err != nil {
			return fmt.Errorf("downloading %s: %w", fetch.Redact(rawURL), err)
		}
		got := hex.EncodeToString(h.Sum(nil))
		if strings.EqualFold(got, sum.Hex) {
			return os.Rename(part, dest)
		}
		if carried {
			// The bytes from an earlier run may be of another file:
			// start once more from nothing.
			carried = false
			os.Remove(part)
			h.Reset()
			continue
		}
		return fmt.Errorf("%w for %s: expected %s %s, got %s; the file was deleted", ErrHashMismatch, fetch.Redact(rawURL), sum.Algo, sum.Hex, got)
	}
}

// transfer brings part up to the whole file, with retries.
func (d *Downloader) transfer(ctx context.Context, rawURL, part string, size int64, h hash.Hash, progress Progress) error {
	retries := d.Retries
	if retries == 0 {
		retries = 3
	}
	backoff := d.Backoff
	if backoff == 0 {
		backoff = 500 * time.Millisecond
	}
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff << (attempt - 1)):
			}
		}
		err := d.fetch(ctx, rawURL, part, size, h, progress)
		if err == nil {
			return nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errTooLong) || errors.Is(err, errPermanent) {
			return err
		}
	}
	return lastErr
}

// fetch appends to part from where it ends, feeding h with every byte of
// part: those already there first, then each one written.
func (d *Downloader) fetch(ctx context.Context, rawURL, part string, size int64, h hash.Hash, progress Progress) error {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	h.Reset()
	have, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	if size > 0 && have == size {
		return nil
	}
	if size > 0 && have > size {
		f.Truncate(0)
		return fmt.Errorf("%w: a partial download was larger than the file", errPermanent)
	}
	stallTimeout := d.StallTimeout
	if stallTimeout == 0 {
		stallTimeout = 30 * time.Second
	}
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(stallTimeout, func() { cancel(fmt.Errorf("%w for %v", errStalled, stallTimeout)) })
	defer stall.Stop()

	req, err := http.NewRequestWithContext(actx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "PyHangar")
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	resp, err := d.client().Do(req)
	if err != nil {
		if cause := context.Cause(actx); errors.Is(cause, errStalled) {
			return cause
		}
		if errors.Is(err, fetch.ErrRefused) {
			return fmt.Errorf("%w: %w", errPermanent, err)
		}
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		if start, ok := contentRangeStart(resp.Header.Get("Content-Range")); !ok || start != have {
			f.Truncate(0)
			return fmt.Errorf("%w: asked to resume at byte %d, the server sent %q", errPermanent, have, resp.Header.Get("Content-Range"))
		}
	case resp.StatusCode == http.StatusOK:
		// The server ignored the range: start over.
		if err := f.Truncate(0); err != nil {
			return err
		}
		have = 0
		h.Reset()
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		f.Truncate(0)
		return fmt.Errorf("the server refused to resume (HTTP %s); starting again", resp.Status)
	case resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout:
		return fmt.Errorf("%w: HTTP %s", errRetry, resp.Status)
	default:
		return fmt.Errorf("%w: HTTP %s", errPermanent, resp.Status)
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return err
	}
	total := size
	if total <= 0 && resp.ContentLength > 0 {
		total = have + resp.ContentLength
	}
	// Without a size given in advance, the cap bounds it.
	limit := size
	if limit <= 0 {
		limit = d.Cap
		if limit <= 0 {
			limit = fetch.InstallerCap
		}
		if total > limit {
			return fmt.Errorf("%w: the server says %s is %d bytes, and PyHangar takes at most %d from it (%w)", errPermanent, fetch.Redact(rawURL), total, limit, fetch.ErrTooLarge)
		}
	}
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			stall.Reset(stallTimeout)
			if have+int64(n) > limit {
				if size <= 0 {
					return fmt.Errorf("%w: %s sent more than %d bytes, what PyHangar takes at most (%w)", errPermanent, fetch.Redact(rawURL), limit, fetch.ErrTooLarge)
				}
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
			if cause := context.Cause(actx); cause != nil && ctx.Err() == nil {
				return cause
			}
			return rerr
		}
	}
	if size > 0 && have < size {
		return io.ErrUnexpectedEOF
	}
	return nil
}

// contentRangeStart reads the first byte position of "bytes 100-199/200".
func contentRangeStart(v string) (int64, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	return n, err == nil
}
