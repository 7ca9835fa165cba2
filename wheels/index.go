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
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"

	"github.com/pyhangar/pyhangar/fetch"
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

// notSimpleAPI is a page that came, but is not a project page: the
// index is there, it answered something else.
type notSimpleAPI struct{ msg string }

func (e notSimpleAPI) Error() string { return e.msg }

// maxAgeCap clamps how long an answer is used without asking again,
// whatever the index says.
const maxAgeCap = 24 * time.Hour

// Page is an index answer as kept in the cache.
type Page struct {
	// URL is where it is kept: the URL asked for, without credentials.
	URL string
	// Final is where the answer finally came from (without credentials):
	// what its links are read against.
	Final        string
	ContentType  string
	ETag         string
	LastModified string
	Body         []byte
	FetchedAt    time.Time
	// MaxAge is how long the index said the answer stays fresh
	// (Cache-Control: max-age, at most a day); a fresh answer is used
	// without asking.
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
	// ".metadata" (PEP 658, PEP 714), and MetadataSHA256 what the index
	// says it hashes to (checked before it is used or kept).
	Metadata       bool   `json:"-"`
	MetadataSHA256 string `json:"-"`
	index          *Index // the index that lists it
}

// Project is a project page: its files, or that the index does not know
// it.
type Project struct {
	Name     string
	Files    []File
	NotFound bool
}

// Index reads a package index's simple API, through PyHangar's network
// policy (package fetch). Answers are cached, without credentials, with
// their ETag and Last-Modified and asked again with them; an answer still
// fresh (max-age), and any METADATA whose hash matches (it never changes),
// is used without asking. When the index cannot be reached, cached
// answers are used, and Offline and Oldest say so.
type Index struct {
	// URL is the simple API's root, ending in "/", as given (credentials
	// and all: they are sent, never shown).
	URL    string
	Client *http.Client
	Cache  PageCache // may be nil
	Now    func() time.Time

	root     *url.URL
	requests atomic.Int64
	mu       sync.Mutex
	offline  error
	oldest   time.Time
}

// NewIndex checks the URL (https, or http on this machine only) and makes
// an index client.
func NewIndex(rawURL string, cache PageCache) (*Index, error) {
	u, err := fetch.CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return &Index{URL: u.String(), root: u, Cache: cache, Now: time.Now, Client: fetch.NewClient(60 * time.Second)}, nil
}

// Shown is the index's URL as it may be shown: credentials hidden.
func (ix *Index) Shown() string { return fetch.Redact(ix.URL) }

// Requests is how many HTTP requests the index was sent.
func (ix *Index) Requests() int64 { return ix.requests.Load() }

// Offline is why the index could not be reached, when cached answers were
// used instead, and the oldest of those answers.
func (ix *Index) Offline() (error, time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.offline, ix.oldest
}

// withAuth gives a URL on the index's own host the index's credentials,
// as pip does for the files an index lists.
func (ix *Index) withAuth(u *url.URL) *url.URL {
	if ix.root.User != nil && u.User == nil && u.Host == ix.root.Host {
		c := *u
		c.User = ix.root.User
		return &c
	}
	return u
}

// Project reads a project's page (name in its normalised form).
func (ix *Index) Project(ctx context.Context, name string) (Project, error) {
	page, found, err := ix.get(ctx, ix.URL+name+"/", accept, fetch.PageCap, "")
	if err != nil || !found {
		return Project{Name: name, NotFound: !found}, err
	}
	final := page.Final
	if final == "" {
		final = page.URL
	}
	base, err := url.Parse(final)
	if err != nil {
		return Project{Name: name}, err
	}
	base = ix.withAuth(base)
	var files []File
	ct := strings.ToLower(page.ContentType)
	switch {
	case strings.HasPrefix(ct, jsonType), strings.HasPrefix(ct, "application/json"):
		files, err = parseJSON(page.Body, base)
	case strings.HasPrefix(ct, htmlType), strings.HasPrefix(ct, "text/html"), ct == "":
		files, err = parseHTML(page.Body, base)
	default:
		err = fmt.Errorf("its content type is %q", page.ContentType)
	}
	if err != nil {
		return Project{Name: name}, notSimpleAPI{fmt.Sprintf("%s answered for %s with something that is not a simple-API page: %v", ix.Shown(), name, err)}
	}
	return Project{Name: name, Files: files}, nil
}

// Metadata reads a file's core metadata (PEP 658), checked against the
// hash the index gave for it.
func (ix *Index) Metadata(ctx context.Context, f File) (string, error) {
	page, found, err := ix.get(ctx, f.URL+".metadata", "*/*", fetch.MetadataCap, f.MetadataSHA256)
	if err != nil {
		return "", fmt.Errorf("the metadata of %s: %w", f.Filename, err)
	}
	if !found {
		return "", fmt.Errorf("the index lists metadata for %s but does not serve it", f.Filename)
	}
	return string(page.Body), nil
}

// get fetches u through the cache; found is false for a 404. sum, when
// given, is the SHA-256 the body must have: such a body never changes, so
// a kept one that matches is used without asking.
func (ix *Index) get(ctx context.Context, u, acceptHdr string, limit int64, sum string) (Page, bool, error) {
	key := fetch.Strip(u)
	var cached Page
	var have bool
	if ix.Cache != nil {
		cached, have, _ = ix.Cache.IndexPage(ctx, key)
	}
	if have && sum != "" && fetch.CheckSHA256(cached.Body, sum) != nil {
		have = false // kept before the hash was known, or tampered with
	}
	now := ix.Now()
	if have && (sum != "" || now.Before(cached.FetchedAt.Add(cached.MaxAge))) {
		return cached, true, nil
	}
	h := http.Header{"Accept": {acceptHdr}}
	if have {
		if cached.ETag != "" {
			h.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			h.Set("If-Modified-Since", cached.LastModified)
		}
	}
	ix.requests.Add(1)
	resp, err := fetch.Get(ctx, ix.Client, fetch.Request{URL: u, Header: h, Limit: limit, SHA256: sum})
	switch {
	case err != nil && errors.Is(err, fetch.ErrRefused), err != nil && errors.Is(err, fetch.ErrTooLarge), err != nil && errors.Is(err, fetch.ErrHashMismatch):
		return Page{}, false, err
	case err != nil:
		if have && ctx.Err() == nil {
			ix.usedCached(err, cached)
			return cached, true, nil
		}
		return Page{}, false, err
	}
	switch {
	case resp.Status == http.StatusNotModified && have:
		cached.FetchedAt, cached.MaxAge = now.UTC(), maxAge(resp.Header)
		ix.save(ctx, cached)
		return cached, true, nil
	case resp.Status == http.StatusNotFound:
		return Page{}, false, nil
	case resp.Status != http.StatusOK:
		err := fmt.Errorf("%s answered HTTP %d %s", fetch.Redact(u), resp.Status, http.StatusText(resp.Status))
		if have && resp.Status >= 500 {
			ix.usedCached(err, cached)
			return cached, true, nil
		}
		return Page{}, false, err
	}
	page := Page{URL: key, Final: fetch.Strip(resp.URL.String()), ContentType: resp.Header.Get("Content-Type"), ETag: resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"), Body: resp.Body, FetchedAt: now.UTC(), MaxAge: maxAge(resp.Header)}
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

// maxAge reads Cache-Control's max-age (no-cache and no-store: none), at
// most a day.
func maxAge(h http.Header) time.Duration {
	cc := h.Get("Cache-Control")
	if strings.Contains(strings.ToLower(cc), "no-cache") || strings.Contains(strings.ToLower(cc), "no-store") {
		return 0
	}
	if m := maxAgeRE.FindStringSubmatch(cc); m != nil {
		if s, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			return min(time.Duration(min(s, int64(maxAgeCap/time.Second)))*time.Second, maxAgeCap)
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
		if err != nil || f.Filename == "" {
			continue
		}
		file := File{Filename: f.Filename, URL: stripFragment(u)}
		if f.RequiresPython != nil {
			file.RequiresPython = *f.RequiresPython
		}
		file.Yanked = truthy(f.Yanked)
		meta := f.CoreMetadata
		if len(meta) == 0 {
			meta = f.DistInfo
		}
		file.Metadata = truthy(meta)
		var hashes map[string]string
		if json.Unmarshal(meta, &hashes) == nil {
			file.MetadataSHA256 = strings.ToLower(hashes["sha256"])
		}
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
					f.Metadata, f.MetadataSHA256 = htmlMetadata(string(v))
				case "data-dist-info-metadata":
					if !coreSeen {
						f.Metadata, f.MetadataSHA256 = htmlMetadata(string(v))
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

// htmlMetadata reads data-core-metadata: "true", or "sha256=HEX" (PEP 714).
func htmlMetadata(v string) (bool, string) {
	if v == "false" {
		return false, ""
	}
	if algo, hex, ok := strings.Cut(v, "="); ok && strings.EqualFold(algo, "sha256") {
		return true, strings.ToLower(hex)
	}
	return true, ""
}

func stripFragment(u *url.URL) string {
	c := *u
	c.Fragment = ""
	return c.String()
}
