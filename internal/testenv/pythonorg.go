package testenv

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// PythonOrg is a stand-in for python.org's download API and ftp tree,
// served on 127.0.0.1 with python.org's paths and JSON field names. Its
// answers name https://www.python.org URLs, as the real API does, so a
// client must rewrite them onto the mirror.
type PythonOrg struct {
	URL      string
	Releases []StandInRelease
	server   *httptest.Server

	mu       sync.Mutex
	requests []string // paths asked for, in order
	asked    chan struct{}
}

// StandInRelease is one release the stand-in offers; Tarball, when set,
// is served as Python-<Version>.tar.xz. MD5Only leaves sha256_sum blank;
// Tampered serves the tarball with one byte flipped (the API still gives
// the true hash). Gate, when set, holds the tarball's transfer after its
// first 256 KiB until the gate is closed (or the client goes away), so a
// test can act while an install is downloading. WindowsInstaller, when
// set, is the file served as python-<Version>-amd64.exe (else a few bytes
// that are not a program).
type StandInRelease struct {
	ID         int
	Version    string
	PreRelease bool
	Tarball    string
	MD5Only    bool
	Tampered   bool
	Gate       chan struct{}

	WindowsInstaller string
}

// StartPythonOrg serves the releases until the test ends.
func StartPythonOrg(t testing.TB, releases ...StandInRelease) *PythonOrg {
	p := NewPythonOrg(releases...)
	t.Cleanup(p.server.Close)
	return p
}

// NewPythonOrg serves the releases on 127.0.0.1 until Close.
func NewPythonOrg(releases ...StandInRelease) *PythonOrg {
	p := &PythonOrg{Releases: releases, asked: make(chan struct{}, 1)}
	p.server = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.server.URL
	return p
}

// Close stops the server (to test offline behaviour).
func (p *PythonOrg) Close() { p.server.Close() }

// Asked reports whether a request whose path holds part has come.
func (p *PythonOrg) Asked(part string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.requests {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}

// WaitForRequest waits until a request whose path holds part has come,
// failing the test after a minute.
func (p *PythonOrg) WaitForRequest(t testing.TB, part string) {
	t.Helper()
	deadline := time.After(time.Minute)
	for !p.Asked(part) {
		select {
		case <-p.asked:
		case <-deadline:
			t.Fatalf("the python.org stand-in was not asked for %s within a minute", part)
		}
	}
}

func (p *PythonOrg) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests = append(p.requests, r.URL.RequestURI())
	p.mu.Unlock()
	select {
	case p.asked <- struct{}{}:
	default:
	}
	switch {
	case r.URL.Path == "/api/v2/downloads/release/":
		var out []map[string]any
		for _, rel := range p.Releases {
			major := 3 // the API's "version" is the major version
			if strings.HasPrefix(rel.Version, "2.") {
				major = 2
			}
			out = append(out, map[string]any{
				"name": "Python " + rel.Version, "slug": "python-" + strings.ReplaceAll(rel.Version, ".", ""),
				"version": major, "is_published": true, "is_latest": false, "release_date": "2025-06-11T00:00:00Z",
				"pre_release": rel.PreRelease, "release_page": nil, "release_notes_url": "", "show_on_download_page": true,
				"resource_uri": fmt.Sprintf("https://www.python.org/api/v2/downloads/release/%d/", rel.ID),
			})
		}
		out = append(out, map[string]any{"name": "Python install manager 25.0", "version": 3, "is_published": true, "pre_release": false,
			"release_date": "2025-06-11T00:00:00Z", "resource_uri": "https://www.python.org/api/v2/downloads/release/99/"})
		json.NewEncoder(w).Encode(out)
	case r.URL.Path == "/api/v2/downloads/release_file/":
		id := r.URL.Query().Get("release")
		out := []map[string]any{}
		for _, rel := range p.Releases {
			if fmt.Sprint(rel.ID) != id {
				continue
			}
			base := "https://www.python.org/ftp/python/" + rel.Version + "/"
			add := func(name, os string, content []byte) {
				f := map[string]any{"name": name, "os": "https://www.python.org/api/v2/downloads/os/" + os + "/",
					"release": fmt.Sprintf("https://www.python.org/api/v2/downloads/release/%d/", rel.ID),
					"url":     base + name, "filesize": len(content), "sha256_sum": "", "md5_sum": ""}
				s := sha256.Sum256(content)
				m := md5.Sum(content)
				f["md5_sum"] = hex.EncodeToString(m[:])
				if !rel.MD5Only {
					f["sha256_sum"] = hex.EncodeToString(s[:])
				}
				out = append(out, f)
			}
			if rel.Tarball != "" {
				b, err := os.ReadFile(rel.Tarball)
				if err != nil {
					http.Error(w, err.Error(), 500)
					return
				}
				add("Python-"+rel.Version+".tar.xz", "3", b)
			}
			exe := []byte("MZ installer " + rel.Version)
			if rel.WindowsInstaller != "" {
				b, err := os.ReadFile(rel.WindowsInstaller)
				if err != nil {
					http.Error(w, err.Error(), 500)
					return
				}
				exe = b
			}
			add("python-"+rel.Version+"-amd64.exe", "1", exe)
			add("python-"+rel.Version+"-macos11.pkg", "2", []byte("xar package "+rel.Version))
		}
		json.NewEncoder(w).Encode(out)
	case windowsFeedPages[path.Base(r.URL.Path)] > 0 && strings.HasPrefix(r.URL.Path, "/ftp/python/"):
		// The feed comes in pages, each naming the next, as python.org's
		// does: the newest releases first, older ones in -recent, the
		// oldest in -legacy (whose URLs are relative to the page).
		page := windowsFeedPages[path.Base(r.URL.Path)]
		var py3 []StandInRelease
		for _, rel := range p.Releases {
			if !strings.HasPrefix(rel.Version, "2.") {
				py3 = append(py3, rel)
			}
		}
		per := (len(py3) + 2) / 3
		var versions []map[string]any
		for i, rel := range py3 {
			if i/per+1 != page {
				continue
			}
			minor := rel.Version[:strings.LastIndex(rel.Version, ".")]
			url := "https://www.python.org/ftp/python/" + rel.Version + "/python-" + rel.Version + "-amd64.zip"
			if page == 3 {
				url = rel.Version + "/python-" + rel.Version + "-amd64.zip"
			}
			for _, tag := range []string{minor + "-64", minor + "t-64"} {
				versions = append(versions, map[string]any{
					"schema": 1, "id": "pythoncore-" + tag, "sort-version": rel.Version, "company": "PythonCore", "tag": tag,
					"display-name": "Python " + rel.Version, "url": url,
					"hash": map[string]string{"sha256": strings.Repeat("ab", 32)},
				})
			}
		}
		doc := map[string]any{"versions": versions}
		switch page {
		case 1:
			doc["next"] = "https://www.python.org/ftp/python/index-windows-recent.json"
		case 2:
			doc["next"] = "index-windows-legacy.json"
		}
		json.NewEncoder(w).Encode(doc)
	case strings.HasPrefix(r.URL.Path, "/ftp/python/"):
		rest := strings.TrimPrefix(r.URL.Path, "/ftp/python/")
		for _, rel := range p.Releases {
			if rel.WindowsInstaller != "" && rest == rel.Version+"/python-"+rel.Version+"-amd64.exe" {
				http.ServeFile(w, r, rel.WindowsInstaller)
				return
			}
			if rel.Tarball != "" && rest == rel.Version+"/Python-"+rel.Version+".tar.xz" {
				if rel.Tampered {
					b, _ := os.ReadFile(rel.Tarball)
					b[len(b)/2] ^= 0x01
					w.Write(b)
					return
				}
				if rel.Gate != nil && r.Header.Get("Range") == "" {
					b, _ := os.ReadFile(rel.Tarball)
					w.Header().Set("Content-Length", fmt.Sprint(len(b)))
					w.Write(b[:256<<10])
					w.(http.Flusher).Flush()
					select {
					case <-rel.Gate:
					case <-r.Context().Done():
						return
					}
					w.Write(b[256<<10:])
					return
				}
				http.ServeFile(w, r, rel.Tarball)
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// windowsFeedPages are the pages of the Windows feed, in order.
var windowsFeedPages = map[string]int{"index-windows.json": 1, "index-windows-recent.json": 2, "index-windows-legacy.json": 3}

// SourceTarball returns the upstream tarball scripts/test-pythons.sh keeps
// for version, failing in CI when it is missing.
func SourceTarball(t testing.TB, version string) string {
	t.Helper()
	dir := os.Getenv("PYHANGAR_TEST_CACHE")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "pyhangar-test")
	}
	p := filepath.Join(dir, "src", "Python-"+version+".tar.xz")
	if _, err := os.Stat(p); err != nil {
		missing(t, "the source tarball "+p)
	}
	return p
}
