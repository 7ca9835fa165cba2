// Package wheels answers "will my packages work on this interpreter?": it
// reads a package index's simple API (PEP 691 JSON, PEP 503 HTML, PEP 658
// metadata) with a cache, and has the target interpreter itself judge each
// requirement against its own supported tags.
package wheels

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"
)

// DefaultIndex is PyPI's simple API.
const DefaultIndex = "https://pypi.org/simple/"

// Content types of the simple API (PEP 691).
const (
	jsonType = "application/vnd.pypi.simple.v1+json"
	htmlType = "application/vnd.pypi.simple.v1+html"
	// accept asks for JSON and takes HTML, as pip does.
	accept = jsonType + ", " + htmlType + ";q=0.2, text/html;q=0.01"
)

// Body limits: a project page (numpy's lists thousands of files) and one
// distribution's METADATA.
const (
	pageLimit     = 64 << 20
	metadataLimit = 4 << 20
)

// Page is an index answer as kept in the cache.
type Page struct {
	URL          string
	ContentType  string
	ETag         string
	LastModified string
	Body         []byte
	FetchedAt    time.Time
	// MaxAge is how long the index said the answer stays fresh
	// (Cache-Control: max-age); a fresh answer is used without asking.
	MaxAge time.Duration
}

// PageCache keeps index answers between runs (the store implements it).
type PageCache interface {
	IndexPage(ctx context.Context, url string) (Page, bool, error)
	SaveIndexPage(ctx context.Context, p Page) error
}

// File is one distribution file a project page lists.
type File struct {
	Filename       string `json:"filename"`
	URL            string `json:"-"`
	RequiresPython string `json:"requires_python,omitempty"`
	Yanked         bool   `json:"yanked,omitempty"`
	// Metadata says the index serves the file's core metadata at URL +
	// ".metadata" (PEP 658, PEP 714).
	Metadata bool `json:"-"`
}

// Project is a project page: its files, or that the index does not know
// it.
type Project struct {
	Name     string
	Files    []File
	NotFound bool
}

// Index reads a package index's simple API. Answers are cached with their
// ETag and Last-Modified and asked again with them; an answer still fresh
// (max-age), and any METADATA (it never changes), is used without asking.
// When the index cannot be reached, cached answers are used, and Offline
// and Oldest say so.
type Index struct {
	URL    string // the simple API's root, ending in "/"
	Client *http.Client
	Cache  PageCache // may be nil
	Now    func() time.Time

	requests atomic.Int64
	mu       sync.Mutex
	offline  error
	oldest   time.Time
}

// NewIndex checks the URL (https, or http on this machine only) and makes
// an index client.
func NewIndex(rawURL string, cache PageCache) (*Index, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	ix := &Index{URL: u.String(), Cache: cache, Now: time.Now}
	ix.Client = &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		_, err := checkURL(req.URL.String())
		return err
	}}
	return ix, nil
}

// checkURL accepts https anywhere and plain http only on this machine.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an index URL", raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback()) {
			return u, nil
		}
	}
	return nil, fmt.Errorf("%s: the index must be reached over https (plain http only on this machine)", raw)
}

// Requests is how many HTTP requests the index was sent.
func (ix *Index) Requests() int64 { return ix.requests.Load() }

// Offline is why the index could not be reached, when cached answers were
// used instead, and the oldest of those answers.
func (ix *Index) Offline() (error, time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.offline, ix.oldest
}

// Project reads a project's page (name in its normalised form).
func (ix *Index) Project(ctx context.Context, name string) (Project, error) {
	page, found, err := ix.get(ctx, ix.URL+name+"/", accept, pageLimit, false)
	if err != nil || !found {
		return Project{Name: name, NotFound: !found}, err
	}
	base, _ := url.Parse(page.URL)
	var files []File
	if strings.HasPrefix(page.ContentType, jsonType) || strings.HasPrefix(page.ContentType, "application/json") {
		files, err = parseJSON(page.Body, base)
	} else {
		files, err = parseHTML(page.Body, base)
	}
	if err != nil {
		return Project{Name: name}, fmt.Errorf("the index's page for %s: %w", name, err)
	}
	return Project{Name: name, Files: files}, nil
}

// Metadata reads a file's core metadata (PEP 658).
func (ix *Index) Metadata(ctx context.Context, f File) (string, error) {
	page, found, err := ix.get(ctx, f.URL+".metadata", "*/*", metadataLimit, true)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("the index lists metadata for %s but does not serve it", f.Filename)
	}
	return string(page.Body), nil
}

// get fetches u through the cache; found is false for a 404.
func (ix *Index) get(ctx context.Context, u, acceptHdr string, limit int64, immutable bool) (Page, bool, error) {
	var cached Page
	var have bool
	if ix.Cache != nil {
		cached, have, _ = ix.Cache.IndexPage(ctx, u)
	}
	now := ix.Now()
	if have && (immutable || now.Before(cached.FetchedAt.Add(cached.MaxAge))) {
		return cached, true, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Page{}, false, err
	}
	req.Header.Set("Accept", acceptHdr)
	req.Header.Set("User-Agent", "PyHangar")
	if have {
		if cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			req.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	ix.requests.Add(1)
	resp, err := ix.Client.Do(req)
	if err != nil {
		if have && ctx.Err() == nil {
			ix.usedCached(err, cached)
			return cached, true, nil
		}
		return Page{}, false, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && have:
		cached.FetchedAt, cached.MaxAge = now.UTC(), maxAge(resp.Header)
		ix.save(ctx, cached)
		return cached, true, nil
	case resp.StatusCode == http.StatusNotFound:
		return Page{}, false, nil
	case resp.StatusCode != http.StatusOK:
		err := fmt.Errorf("%s answered %s", u, resp.Status)
		if have && resp.StatusCode >= 500 {
			ix.usedCached(err, cached)
			return cached, true, nil
		}
		return Page{}, false, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return Page{}, false, err
	}
	if int64(len(body)) > limit {
		return Page{}, false, fmt.Errorf("%s is larger than %d MiB", u, limit>>20)
	}
	page := Page{URL: u, ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), Body: body, FetchedAt: now.UTC(), MaxAge: maxAge(resp.Header)}
	ix.save(ctx, page)
	return page, true, nil
}

func (ix *Index) save(ctx context.Context, p Page) {
	if ix.Cache != nil {
		ix.Cache.SaveIndexPage(ctx, p)
	}
}

func (ix *Index) usedCached(err error, p Page) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.offline = err
	if ix.oldest.IsZero() || p.FetchedAt.Before(ix.oldest) {
		ix.oldest = p.FetchedAt
	}
}

var maxAgeRE = regexp.MustCompile(`(?i)(?:^|[,\s])max-age=(\d+)`)

// maxAge reads Cache-Control's max-age (no-cache and no-store: none).
func maxAge(h http.Header) time.Duration {
	cc := h.Get("Cache-Control")
	if strings.Contains(strings.ToLower(cc), "no-cache") || strings.Contains(strings.ToLower(cc), "no-store") {
		return 0
	}
	if m := maxAgeRE.FindStringSubmatch(cc); m != nil {
		if s, err := strconv.Atoi(m[1]); err == nil {
			return time.Duration(s) * time.Second
		}
	}
	return 0
}

// parseJSON reads a PEP 691 project page.
func parseJSON(body []byte, base *url.URL) ([]File, error) {
	var doc struct {
		Files []struct {
			Filename       string          `json:"filename"`
			URL            string          `json:"url"`
			RequiresPython *string         `json:"requires-python"`
			Yanked         json.RawMessage `json:"yanked"`
			CoreMetadata   json.RawMessage `json:"core-metadata"`
			DistInfo       json.RawMessage `json:"data-dist-info-metadata"`
		} `json:"files"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	files := make([]File, 0, len(doc.Files))
	for _, f := range doc.Files {
		u, err := base.Parse(f.URL)
		if err != nil {
			continue
		}
		file := File{Filename: f.Filename, URL: stripFragment(u)}
		if f.RequiresPython != nil {
			file.RequiresPython = *f.RequiresPython
		}
		file.Yanked = truthy(f.Yanked)
		file.Metadata = truthy(f.CoreMetadata) || (len(f.CoreMetadata) == 0 && truthy(f.DistInfo))
		files = append(files, file)
	}
	return files, nil
}

// truthy reads PEP 691's "true, or a string, or a hash dict" fields.
func truthy(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "false" && s != "null"
}

// parseHTML reads a PEP 503 project page: an anchor per file, with
// data-requires-python, data-yanked and data-core-metadata (or
// data-dist-info-metadata).
func parseHTML(body []byte, base *url.URL) ([]File, error) {
	z := html.NewTokenizer(bytes.NewReader(body))
	var files []File
	var cur *File
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return files, nil
			}
			return files, z.Err()
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "a" {
				continue
			}
			f := File{}
			coreSeen := false
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "href":
					if u, err := base.Parse(string(v)); err == nil {
						f.URL = stripFragment(u)
					}
				case "data-requires-python":
					f.RequiresPython = string(v)
				case "data-yanked":
					f.Yanked = true
				case "data-core-metadata":
					coreSeen = true
					f.Metadata = string(v) != "false"
				case "data-dist-info-metadata":
					if !coreSeen {
						f.Metadata = string(v) != "false"
					}
				}
			}
			cur = &f
		case html.TextToken:
			if cur != nil {
				cur.Filename += strings.TrimSpace(string(z.Text()))
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && cur != nil {
				if cur.URL != "" && cur.Filename != "" {
					files = append(files, *cur)
				}
				cur = nil
			}
		}
	}
}

func stripFragment(u *url.URL) string {
	c := *u
	c.Fragment = ""
	return c.String()
}
