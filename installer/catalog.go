package installer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/pyversion"
)

// DefaultSite is python.org; a mirror stands for it with the same paths.
const DefaultSite = "https://www.python.org"

// Release is one CPython release the catalog offers.
type Release struct {
	Version      pyversion.Version `json:"version"` // 3.14.2
	Name         string            `json:"name"`    // Python 3.14.2
	ID           string            `json:"id"`      // python.org's release id
	Date         string            `json:"date"`
	PreRelease   bool              `json:"pre_release"`
	FreeThreaded bool              `json:"free_threaded"` // a free-threaded build can be had (3.13+)
}

// File is one downloadable file of a release.
type File struct {
	Name     string   `json:"name"`
	URL      string   `json:"url"`
	OS       string   `json:"os"` // windows | macos | source
	Size     int64    `json:"size"`
	Checksum Checksum `json:"checksum"`
}

// Catalog is what can be installed, as fetched at a time.
type Catalog struct {
	Site      string    `json:"site"`
	FetchedAt time.Time `json:"fetched_at"`
	Releases  []Release `json:"releases"`
}

// Age says for people how long ago the catalog was fetched: "5 minutes
// ago", "2 days ago".
func (c Catalog) Age(now time.Time) string {
	d := now.Sub(c.FetchedAt)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour")
	}
	return plural(int(d.Hours()/24), "day")
}

// Site is python.org or a mirror of it.
type Site struct {
	Base   string // https://www.python.org or the mirror's base URL
	Client *http.Client
}

// NewSite checks a mirror base URL ("" means python.org).
func NewSite(mirror string) (*Site, error) {
	if mirror == "" {
		return &Site{Base: DefaultSite}, nil
	}
	u, err := fetch.CheckURL(strings.TrimRight(mirror, "/"))
	if err != nil {
		return nil, fmt.Errorf("mirror: %w", err)
	}
	return &Site{Base: strings.TrimRight(u.String(), "/")}, nil
}

// Rewrite moves a python.org URL onto the mirror (same path).
func (s *Site) Rewrite(raw string) string {
	if s.Base == DefaultSite {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.HasSuffix(u.Hostname(), "python.org") {
		return raw
	}
	return s.Base + u.RequestURI()
}

// getJSON reads a JSON answer of the site into v and returns the URL it
// finally came from.
func (s *Site) getJSON(ctx context.Context, path string, v any) (*url.URL, error) {
	client := s.Client
	if client == nil {
		client = fetch.NewClient(30 * time.Second)
	}
	where := fetch.Redact(s.Base + path)
	resp, err := fetch.Get(ctx, client, fetch.Request{URL: s.Base + path, Header: http.Header{"Accept": {"application/json"}}, Limit: fetch.CatalogCap})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d %s", where, resp.Status, http.StatusText(resp.Status))
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return nil, fmt.Errorf("%s answered with something that is not the JSON python.org serves: %w", where, err)
	}
	return resp.URL, nil
}

var releaseVersion = regexp.MustCompile(`^Python (\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)$`)
var trailingID = regexp.MustCompile(`/(\d+)/?$`)

// Releases fetches the published CPython 3 releases, newest first.
func (s *Site) Releases(ctx context.Context) (Catalog, error) {
	var raw []struct {
		Name        string `json:"name"`
		Version     int    `json:"version"`
		IsPublished bool   `json:"is_published"`
		PreRelease  bool   `json:"pre_release"`
		ReleaseDate string `json:"release_date"`
		ResourceURI string `json:"resource_uri"`
	}
	if _, err := s.getJSON(ctx, "/api/v2/downloads/release/?is_published=true", &raw); err != nil {
		return Catalog{}, err
	}
	cat := Catalog{Site: s.Base, FetchedAt: time.Now().UTC()}
	for _, r := range raw {
		m := releaseVersion.FindStringSubmatch(strings.TrimSpace(r.Name))
		id := trailingID.FindStringSubmatch(r.ResourceURI)
		if m == nil || id == nil || !r.IsPublished || r.Version != 3 {
			continue
		}
		date := r.ReleaseDate
		if len(date) >= 10 {
			date = date[:10]
		}
		cat.Releases = append(cat.Releases, Release{Version: pyversion.Version(m[1]), Name: r.Name, ID: id[1], Date: date,
			PreRelease: r.PreRelease, FreeThreaded: freeThreadedRelease(pyversion.Version(m[1]))})
	}
	sortReleases(cat.Releases)
	return cat, nil
}

// freeThreadedRelease: CPython offers free-threaded builds from 3.13 on.
func freeThreadedRelease(v pyversion.Version) bool { return v.AtLeast("3.13.0a1") }

// sortReleases puts the newest first.
func sortReleases(rs []Release) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Version.Compare(rs[j].Version) > 0 })
}

// Files fetches a release's files, with URLs moved onto the mirror.
func (s *Site) Files(ctx context.Context, releaseID string) ([]File, error) {
	var raw []struct {
		Name     string `json:"name"`
		URL      string `json:"url"`
		OS       string `json:"os"`
		SHA256   string `json:"sha256_sum"`
		MD5      string `json:"md5_sum"`
		FileSize int64  `json:"filesize"`
	}
	if _, err := s.getJSON(ctx, "/api/v2/downloads/release_file/?release="+url.QueryEscape(releaseID), &raw); err != nil {
		return nil, err
	}
	var out []File
	for _, r := range raw {
		f := File{Name: r.Name, URL: s.Rewrite(r.URL), Size: r.FileSize, OS: fileOS(r.URL)}
		switch {
		case r.SHA256 != "":
			f.Checksum = Checksum{Algo: "sha256", Hex: strings.ToLower(r.SHA256)}
		case r.MD5 != "":
			f.Checksum = Checksum{Algo: "md5", Hex: strings.ToLower(r.MD5)}
		}
		out = append(out, f)
	}
	return out, nil
}

func fileOS(u string) string {
	switch {
	case strings.HasSuffix(u, ".exe") || strings.HasSuffix(u, ".msi") || strings.HasSuffix(u, ".zip"):
		return "windows"
	case strings.HasSuffix(u, ".pkg") || strings.HasSuffix(u, ".dmg"):
		return "macos"
	case strings.HasSuffix(u, ".tar.xz") || strings.HasSuffix(u, ".tgz") || strings.HasSuffix(u, ".tar.bz2"):
		return "source"
	}
	return ""
}

// SourceTarball picks Python-X.Y.Z.tar.xz among a release's files.
func SourceTarball(files []File, ver pyversion.Version) (File, bool) {
	want := "Python-" + string(ver) + ".tar.xz"
	for _, f := range files {
		if strings.HasSuffix(f.URL, "/"+want) {
			return f, true
		}
	}
	return File{}, false
}

// WindowsInstaller picks python-X.Y.Z-amd64.exe (or -arm64).
func WindowsInstaller(files []File, ver pyversion.Version, arch string) (File, bool) {
	suffix := "-amd64.exe"
	if arch == "arm64" {
		suffix = "-arm64.exe"
	}
	want := "python-" + string(ver) + suffix
	for _, f := range files {
		if strings.HasSuffix(f.URL, "/"+want) {
			return f, true
		}
	}
	return File{}, false
}

// MacInstaller picks python-X.Y.Z-macos11.pkg.
func MacInstaller(files []File, ver pyversion.Version) (File, bool) {
	for _, f := range files {
		base := f.URL[strings.LastIndex(f.URL, "/")+1:]
		if strings.HasPrefix(base, "python-"+string(ver)+"-macos") && strings.HasSuffix(base, ".pkg") {
			return f, true
		}
	}
	return File{}, false
}

// WindowsFeedEntry is one entry of python.org's signed Windows feed
// (ftp/python/index-windows.json), used by the Python install manager.
type WindowsFeedEntry struct {
	ID          string            `json:"id"`
	SortVersion string            `json:"sort-version"`
	Company     string            `json:"company"`
	Tag         string            `json:"tag"` // 3.14t-64
	URL         string            `json:"url"`
	Hash        map[string]string `json:"hash"`
}

// WindowsFeed fetches the Windows feed, following its pages ("next", as
// the install manager does), with URLs resolved against their page and
// moved onto the mirror.
func (s *Site) WindowsFeed(ctx context.Context) ([]WindowsFeedEntry, error) {
	var out []WindowsFeedEntry
	page := DefaultSite + "/ftp/python/index-windows.json"
	seen := map[string]bool{}
	for page != "" && len(seen) < 20 {
		if seen[page] {
			return nil, fmt.Errorf("the Windows feed's pages loop back to %s", page)
		}
		seen[page] = true
		var feed struct {
			Next     string             `json:"next"`
			Versions []WindowsFeedEntry `json:"versions"`
		}
		onSite := s.Rewrite(page)
		if !strings.HasPrefix(onSite, s.Base+"/") {
			return nil, fmt.Errorf("the Windows feed points away from %s (%s)", s.Base, page)
		}
		// Links are read against where the page finally came from.
		base, err := s.getJSON(ctx, strings.TrimPrefix(onSite, s.Base), &feed)
		if err != nil {
			return nil, err
		}
		for _, e := range feed.Versions {
			if u, err := base.Parse(e.URL); err == nil {
				e.URL = s.Rewrite(u.String())
			}
			out = append(out, e)
		}
		page = ""
		if feed.Next != "" {
			next, err := base.Parse(feed.Next)
			if err != nil {
				return nil, fmt.Errorf("the Windows feed's next page %q: %w", feed.Next, err)
			}
			page = next.String()
		}
	}
	return out, nil
}

// CatalogCache keeps the last catalog per site, and the files of the
// releases whose files were fetched (the store implements it).
type CatalogCache interface {
	SaveCatalog(ctx context.Context, c Catalog) error
	LoadCatalog(ctx context.Context, site string) (Catalog, bool, error)
	SaveFiles(ctx context.Context, site, releaseID string, files []File) error
	LoadFiles(ctx context.Context, site, releaseID string) ([]File, bool, error)
}

// CachedFiles fetches a release's files and keeps them; when the site
// cannot be reached it returns the files kept before, if any.
func (s *Site) CachedFiles(ctx context.Context, cache CatalogCache, releaseID string) ([]File, error) {
	files, err := s.Files(ctx, releaseID)
	if err == nil {
		if cache != nil {
			cache.SaveFiles(ctx, s.Base, releaseID, files)
		}
		return files, nil
	}
	if cache != nil {
		if old, ok, _ := cache.LoadFiles(ctx, s.Base, releaseID); ok {
			return old, nil
		}
	}
	return nil, err
}

// CachedReleases fetches the catalog and keeps it; when the site cannot be
// reached it returns the last catalog kept, with the fetch error as offline.
func (s *Site) CachedReleases(ctx context.Context, cache CatalogCache) (cat Catalog, offline error, err error) {
	cat, err = s.Releases(ctx)
	if err == nil {
		if cache != nil {
			cache.SaveCatalog(ctx, cat)
		}
		return cat, nil, nil
	}
	if cache != nil {
		if old, ok, _ := cache.LoadCatalog(ctx, s.Base); ok {
			return old, err, nil
		}
	}
	return Catalog{}, nil, err
}
