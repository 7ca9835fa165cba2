package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// PackageIndex is a stand-in for a package index's simple API (PyPI's,
// say), served on 127.0.0.1 as PEP 503, 691, 658 and 714 describe it: the
// project list at /simple/, a project's page at /simple/<normalised name>/
// as JSON when the Accept header asks for application/vnd.pypi.simple.v1+json
// and as HTML otherwise, its files under /files/, and each file's core
// metadata at the file's URL + ".metadata". Pages carry an ETag and answer
// If-None-Match with 304, and say Cache-Control: max-age=MaxAge, as PyPI
// does. A file holds its Content when it has one (a real wheel, from
// RealWheel, which pip and uv install), else nothing installable.
type PackageIndex struct {
	URL    string // the simple API's root, ending in "/simple/"
	MaxAge int    // seconds; 0 sends no max-age
	// HTMLOnly answers every project page in HTML, as an index without
	// PEP 691 does.
	HTMLOnly bool
	Projects map[string]IndexProject
	server   *httptest.Server

	mu       sync.Mutex
	requests atomic.Int64
	paths    []string
}

// IndexProject is one project the stand-in serves.
type IndexProject struct {
	Name  string
	Files []IndexFile
}

// IndexFile is one distribution file: its name, its Requires-Python, if it
// is yanked, and its METADATA text ("" serves no core metadata for it).
type IndexFile struct {
	Filename       string
	RequiresPython string
	Yanked         bool
	Metadata       string
	// URL, when set, is the file's link on the page instead of the
	// stand-in's own (to test links that lead elsewhere).
	URL string
	// MetadataSHA256, when set, is the hash the page declares for the
	// metadata instead of its real one (to test a mismatch).
	MetadataSHA256 string
	// Content is the file itself; nil serves a placeholder.
	Content []byte
}

// fileSum is the SHA-256 the pages declare for the file: its content's.
func (f IndexFile) fileSum() string {
	if f.Content != nil {
		return sum(string(f.Content))
	}
	return sum(f.Filename)
}

func (f IndexFile) link() string {
	if f.URL != "" {
		return f.URL
	}
	return "../../files/" + f.Filename
}

func (f IndexFile) metadataSum() string {
	if f.MetadataSHA256 != "" {
		return f.MetadataSHA256
	}
	return sum(f.Metadata)
}

// Wheel is a file with METADATA naming the project, its version and the
// requirements given.
func Wheel(filename string, requires ...string) IndexFile {
	parts := strings.SplitN(filename, "-", 3)
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", parts[0], parts[1])
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	return IndexFile{Filename: filename, Metadata: meta}
}

// Sdist is a source distribution of name and version whose PKG-INFO
// names the requirements given.
func Sdist(name, version string, requires ...string) IndexFile {
	meta := fmt.Sprintf("Metadata-Version: 2.2\nName: %s\nVersion: %s\n", name, version)
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	return IndexFile{Filename: fmt.Sprintf("%s-%s.tar.gz", strings.ReplaceAll(Normalize(name), "-", "_"), version), Metadata: meta}
}

var normalizeRE = regexp.MustCompile(`[-_.]+`)

// Normalize is a project name's normalised form (PEP 503).
func Normalize(name string) string { return strings.ToLower(normalizeRE.ReplaceAllString(name, "-")) }

// StartPackageIndex serves the projects until the test ends.
func StartPackageIndex(t testing.TB, projects ...IndexProject) *PackageIndex {
	ix := &PackageIndex{Projects: map[string]IndexProject{}}
	for _, p := range projects {
		ix.Projects[Normalize(p.Name)] = p
	}
	ix.server = httptest.NewServer(http.HandlerFunc(ix.serve))
	ix.URL = ix.server.URL + "/simple/"
	t.Cleanup(ix.server.Close)
	return ix
}

// Close stops the index (to test offline use).
func (ix *PackageIndex) Close() { ix.server.Close() }

// Requests is how many requests came; Paths, which.
func (ix *PackageIndex) Requests() int64 { return ix.requests.Load() }

func (ix *PackageIndex) Paths() []string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return append([]string{}, ix.paths...)
}

func (ix *PackageIndex) serve(w http.ResponseWriter, r *http.Request) {
	ix.requests.Add(1)
	ix.mu.Lock()
	ix.paths = append(ix.paths, r.URL.Path)
	ix.mu.Unlock()
	rest, ok := strings.CutPrefix(r.URL.Path, "/files/")
	if ok {
		for _, p := range ix.Projects {
			for _, f := range p.Files {
				switch {
				case rest == f.Filename && f.Content != nil:
					w.Header().Set("Content-Type", "application/octet-stream")
					w.Write(f.Content)
					return
				case rest == f.Filename:
					w.Write([]byte("not a real distribution"))
					return
				case rest == f.Filename+".metadata" && f.Metadata != "":
					w.Header().Set("Content-Type", "application/octet-stream")
					w.Write([]byte(f.Metadata))
					return
				}
			}
		}
		http.NotFound(w, r)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/simple/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	name = strings.TrimSuffix(name, "/")
	if name != Normalize(name) && name != "" {
		http.Redirect(w, r, "/simple/"+Normalize(name)+"/", http.StatusMovedPermanently)
		return
	}
	p, found := ix.Projects[name]
	if !found {
		http.NotFound(w, r)
		return
	}
	asJSON := strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") && !ix.HTMLOnly
	var body []byte
	var ctype string
	if asJSON {
		ctype = "application/vnd.pypi.simple.v1+json"
		files := []map[string]any{}
		for _, f := range p.Files {
			entry := map[string]any{"filename": f.Filename, "url": f.link(),
				"hashes": map[string]string{"sha256": f.fileSum()}}
			if f.RequiresPython != "" {
				entry["requires-python"] = f.RequiresPython
			}
			if f.Yanked {
				entry["yanked"] = "withdrawn by its maintainers"
			}
			if f.Metadata != "" {
				entry["core-metadata"] = map[string]string{"sha256": f.metadataSum()}
			}
			files = append(files, entry)
		}
		body, _ = json.Marshal(map[string]any{"meta": map[string]string{"api-version": "1.1"}, "name": Normalize(p.Name), "files": files})
	} else {
		ctype = "application/vnd.pypi.simple.v1+html"
		var b strings.Builder
		fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\"><title>Links for %s</title></head><body>\n", html.EscapeString(p.Name))
		for _, f := range p.Files {
			fmt.Fprintf(&b, `<a href="%s#sha256=%s"`, html.EscapeString(f.link()), f.fileSum())
			if f.RequiresPython != "" {
				fmt.Fprintf(&b, ` data-requires-python="%s"`, html.EscapeString(f.RequiresPython))
			}
			if f.Yanked {
				b.WriteString(` data-yanked="withdrawn by its maintainers"`)
			}
			if f.Metadata != "" {
				fmt.Fprintf(&b, ` data-core-metadata="sha256=%s"`, f.metadataSum())
			}
			fmt.Fprintf(&b, ">%s</a><br/>\n", html.EscapeString(f.Filename))
		}
		b.WriteString("</body></html>\n")
		body = []byte(b.String())
	}
	etag := `"` + sum(string(body))[:16] + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Vary", "Accept")
	if ix.MaxAge > 0 {
		w.Header().Set("Cache-Control", fmt.Sprintf("max-age=%d, public", ix.MaxAge))
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(body)
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
