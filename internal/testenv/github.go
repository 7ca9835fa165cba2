package testenv

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// GitHub is a stand-in for GitHub's release download paths, serving uv's
// release archives on 127.0.0.1 as github.com/astral-sh/uv/releases does:
// /astral-sh/uv/releases/download/<version>/uv-<triple>.tar.gz with its
// .sha256 ("<hex>  <name>") beside it, and /astral-sh/uv/releases/latest
// redirecting to /astral-sh/uv/releases/tag/<version>. The archive holds
// uv-<triple>/uv (the uv stand-in of installer/testdata) and uvx.
type GitHub struct {
	URL      string
	Latest   string
	Versions []string
	// Fault changes what is served: "tampered" (the archive differs from
	// its checksum), "bad-sha" (the checksum file names another hash),
	// "no-sha" (no checksum file), "truncated" (the archive stops
	// half-way), "http-redirect" (downloads redirect to plain http).
	Fault string

	server *httptest.Server
	mu     sync.Mutex
	hits   map[string]int
}

// UVStandIn is the path of the uv stand-in script.
func UVStandIn() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "installer", "testdata", "uv-standin", "uv")
}

// StartGitHub serves uv releases until the test ends.
func StartGitHub(t testing.TB, latest string, versions ...string) *GitHub {
	g := &GitHub{Latest: latest, Versions: append([]string{latest}, versions...), hits: map[string]int{}}
	g.server = httptest.NewServer(http.HandlerFunc(g.serve))
	g.URL = g.server.URL
	t.Cleanup(g.server.Close)
	return g
}

// Hits is how often a path was asked for.
func (g *GitHub) Hits(path string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hits[path]
}

// Archive builds the release archive for a target triple.
func Archive(triple string) []byte {
	script, err := os.ReadFile(UVStandIn())
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	dir := "uv-" + triple + "/"
	tw.WriteHeader(&tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: time.Unix(1700000000, 0)})
	for _, f := range []struct {
		name string
		body []byte
	}{{"uv", script}, {"uvx", []byte("#!/bin/sh\necho 'uvx (stand-in)'\n")}} {
		tw.WriteHeader(&tar.Header{Name: dir + f.name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(f.body)), ModTime: time.Unix(1700000000, 0)})
		tw.Write(f.body)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.hits[r.URL.Path]++
	g.mu.Unlock()
	const prefix = "/astral-sh/uv/releases/"
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if rest == "latest" {
		http.Redirect(w, r, prefix+"tag/"+g.Latest, http.StatusFound)
		return
	}
	parts := strings.Split(rest, "/") // download/<version>/<name>
	if len(parts) != 3 || parts[0] != "download" {
		http.NotFound(w, r)
		return
	}
	known := false
	for _, v := range g.Versions {
		known = known || v == parts[1]
	}
	name := parts[2]
	triple := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, "uv-"), ".sha256"), ".tar.gz")
	if !known || !strings.HasPrefix(name, "uv-") || !strings.Contains(name, ".tar.gz") {
		http.NotFound(w, r)
		return
	}
	archive := Archive(triple)
	sum := sha256.Sum256(archive)
	if strings.HasSuffix(name, ".sha256") {
		switch g.Fault {
		case "no-sha":
			http.NotFound(w, r)
		case "bad-sha":
			other := sha256.Sum256([]byte("something else"))
			fmt.Fprintf(w, "%s  %s\n", hex.EncodeToString(other[:]), strings.TrimSuffix(name, ".sha256"))
		default:
			fmt.Fprintf(w, "%s  %s\n", hex.EncodeToString(sum[:]), strings.TrimSuffix(name, ".sha256"))
		}
		return
	}
	switch g.Fault {
	case "http-redirect":
		http.Redirect(w, r, "http://downloads.example.com/"+name, http.StatusFound)
	case "tampered":
		archive[len(archive)/2] ^= 0xff
		w.Write(archive)
	case "truncated":
		w.Header().Set("Content-Length", fmt.Sprint(len(archive)))
		w.Write(archive[:len(archive)/2])
		if hj, ok := w.(http.Hijacker); ok {
			w.(http.Flusher).Flush()
			conn, _, _ := hj.Hijack()
			conn.Close()
		}
	default:
		http.ServeContent(w, r, name, time.Unix(1700000000, 0), bytes.NewReader(archive))
	}
}
