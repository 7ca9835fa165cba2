// Package fetch is the one network policy for every URL PyHangar fetches:
// the release catalog, downloads, uv's releases, package index pages and
// metadata, and the redirects between them.
//
//   - https only; plain http only on this machine (a mirror or stand-in on
//     loopback), for the first URL and for every redirect;
//   - links are read against the URL the answer finally came from;
//   - a body is bounded: by the size the server or the catalog gives, else
//     by a cap for its kind, and refused past it, saying so;
//   - a hash the server or the catalog declares is checked before the body
//     is used or kept;
//   - credentials in a URL are never shown: Redact writes them as pip does
//     (user:****@host), Strip leaves them out of what is kept.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Caps for bodies whose size nobody gave in advance, by kind.
const (
	// CatalogCap bounds python.org's API answers and the Windows feed.
	CatalogCap = 64 << 20
	// PageCap bounds a package index's project page (numpy's lists
	// thousands of files).
	PageCap = 64 << 20
	// MetadataCap bounds one distribution's METADATA.
	MetadataCap = 4 << 20
	// ChecksumCap bounds a published checksum file.
	ChecksumCap = 4 << 10
	// ArchiveCap bounds a tool's release archive (uv's is about 20 MB).
	ArchiveCap = 200 << 20
	// InstallerCap bounds a python.org file the catalog gives no size for.
	InstallerCap = 1 << 30
)

// UserAgent is what PyHangar says it is.
const UserAgent = "PyHangar"

var (
	// ErrRefused: the URL is not one the policy allows.
	ErrRefused = errors.New("refused by PyHangar's network policy")
	// ErrTooLarge: the body is past its bound.
	ErrTooLarge = errors.New("larger than PyHangar accepts")
	// ErrHashMismatch: the body does not hash to what was declared.
	ErrHashMismatch = errors.New("checksum mismatch")
)

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
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not a URL", ErrRefused, Redact(raw))
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u):
	default:
		return nil, fmt.Errorf("%w: %s needs https (plain http only on this machine)", ErrRefused, Redact(raw))
	}
	return u, nil
}

// userinfo finds the credentials of URLs in text: scheme://user:pass@ or
// scheme://token@.
var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\s:]*)(:[^/@\s]*)?@`)

// Redact hides the password (or lone token) of every URL in s, as pip
// does: https://alice:****@host/simple/, https://****@host/.
func Redact(s string) string {
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		p := userinfo.FindStringSubmatch(m)
		if p[3] == "" {
			return p[1] + "****@"
		}
		return p[1] + p[2] + ":****@"
	})
}

// Strip is a URL without its credentials: the form it is kept under.
func Strip(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return Redact(raw)
	}
	u.User = nil
	return u.String()
}

// NewClient is the client for everything PyHangar fetches: redirects are
// followed, at most ten, only to URLs CheckURL allows. timeout 0 means
// none (a download is bounded by its context and its stall timeout).
func NewClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("too many redirects")
			}
			_, err := CheckURL(req.URL.String())
			return err
		},
	}
}

// Request is one GET.
type Request struct {
	URL    string
	Header http.Header
	// Limit bounds the body: the size the server or catalog gave, else
	// the cap for its kind.
	Limit int64
	// SHA256, when declared, is what a 200 answer's body must hash to.
	SHA256 string
}

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	// URL is where the answer finally came from, after redirects: what
	// its links are read against.
	URL  *url.URL
	Body []byte
}

// Get fetches r.URL with c (nil means NewClient(60 s)) under the policy.
// Any status comes back as a Response (the caller reads 304 and 404); a
// 200 body is bounded and its declared hash checked. Errors never show
// credentials.
func Get(ctx context.Context, c *http.Client, r Request) (*Response, error) {
	if _, err := CheckURL(r.URL); err != nil {
		return nil, err
	}
	if c == nil {
		c = NewClient(60 * time.Second)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Redact(r.URL), err)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", UserAgent)
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach %s: %w", Redact(r.URL), redacted{unwrapURLError(err)})
	}
	defer resp.Body.Close()
	out := &Response{Status: resp.StatusCode, Header: resp.Header, URL: resp.Request.URL}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return out, nil
	}
	if r.Limit > 0 && resp.ContentLength > r.Limit {
		return nil, fmt.Errorf("%w: %s says it is %d bytes, and PyHangar takes at most %d from it", ErrTooLarge, Redact(r.URL), resp.ContentLength, r.Limit)
	}
	body := resp.Body.(io.Reader)
	if r.Limit > 0 {
		body = io.LimitReader(resp.Body, r.Limit+1)
	}
	if out.Body, err = io.ReadAll(body); err != nil {
		return nil, fmt.Errorf("reading %s: %w", Redact(r.URL), redacted{err})
	}
	if r.Limit > 0 && int64(len(out.Body)) > r.Limit {
		return nil, fmt.Errorf("%w: %s sent more than %d bytes", ErrTooLarge, Redact(r.URL), r.Limit)
	}
	if err := CheckSHA256(out.Body, r.SHA256); err != nil {
		return nil, fmt.Errorf("%s: %w", Redact(r.URL), err)
	}
	return out, nil
}

// CheckSHA256 checks b against a declared SHA-256 ("" declares none).
func CheckSHA256(b []byte, want string) error {
	if want == "" {
		return nil
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, strings.TrimSpace(want)) {
		return fmt.Errorf("%w: it was declared to hash to sha256 %s, and hashes to %s", ErrHashMismatch, want, got)
	}
	return nil
}

// redacted is an error whose text shows no credentials.
type redacted struct{ err error }

func (r redacted) Error() string { return Redact(r.err.Error()) }
func (r redacted) Unwrap() error { return r.err }

// unwrapURLError drops net/url's "Get \"URL\": " prefix (the caller names
// the URL itself, redacted).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
