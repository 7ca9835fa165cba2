package installer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

func TestUVTargets(t *testing.T) {
	cases := []struct {
		goos, goarch string
		musl         bool
		triple, ext  string
	}{
		{"linux", "amd64", false, "x86_64-unknown-linux-gnu", ".tar.gz"},
		{"linux", "amd64", true, "x86_64-unknown-linux-musl", ".tar.gz"},
		{"linux", "arm64", false, "aarch64-unknown-linux-gnu", ".tar.gz"},
		{"linux", "arm64", true, "aarch64-unknown-linux-musl", ".tar.gz"},
		{"linux", "386", false, "i686-unknown-linux-gnu", ".tar.gz"},
		{"darwin", "amd64", false, "x86_64-apple-darwin", ".tar.gz"},
		{"darwin", "arm64", false, "aarch64-apple-darwin", ".tar.gz"},
		{"windows", "amd64", false, "x86_64-pc-windows-msvc", ".zip"},
		{"windows", "arm64", false, "aarch64-pc-windows-msvc", ".zip"},
		{"windows", "386", false, "i686-pc-windows-msvc", ".zip"},
	}
	for _, c := range cases {
		triple, ext, err := installer.UVTarget(c.goos, c.goarch, c.musl)
		if err != nil || triple != c.triple || ext != c.ext {
			t.Errorf("%s/%s musl %v: %s %s %v; want %s %s", c.goos, c.goarch, c.musl, triple, ext, err, c.triple, c.ext)
		}
	}
	for _, bad := range [][2]string{{"darwin", "386"}, {"plan9", "amd64"}, {"linux", "mips"}} {
		if _, _, err := installer.UVTarget(bad[0], bad[1], false); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// get-uv takes uv's release archive for this machine, checks it against the
// .sha256 beside it and keeps uv and uvx; anything wrong with the archive or
// its checksum, or a redirect to plain http, is refused and nothing is kept.
func TestGetUV(t *testing.T) {
	gh := testenv.StartGitHub(t, "0.9.30", installer.PinnedUV)
	data := t.TempDir()
	g := &installer.UVGetter{DataDir: data, Base: gh.URL, Downloader: &installer.Downloader{Backoff: time.Millisecond}}
	own, err := g.Get(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "tools", "uv", installer.PinnedUV)
	if own.Path != filepath.Join(dir, "uv") || !strings.HasPrefix(own.Reports, "uv 0.9.") || len(own.SHA256) != 64 {
		t.Errorf("got %+v", own)
	}
	for _, tool := range []string{"uv", "uvx"} {
		if fi, err := os.Stat(filepath.Join(dir, tool)); err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s: %v %v", tool, fi, err)
		}
	}
	if p, mine := installer.UVPath(data); !mine && p == "" {
		t.Errorf("UVPath does not find PyHangar's uv")
	}
	// latest asks which release is the newest.
	if v, err := g.Latest(context.Background()); err != nil || v != "0.9.30" {
		t.Errorf("latest: %s %v", v, err)
	}
	if own, err := g.Get(context.Background(), "latest"); err != nil || own.Version != "0.9.30" {
		t.Errorf("get latest: %+v %v", own, err)
	}
	if got := installer.OwnUVs(data); strings.Join(got, " ") != "0.9.30 "+installer.PinnedUV {
		t.Errorf("own uvs: %v", got)
	}

	for fault, want := range map[string]string{
		"tampered":      "checksum mismatch",
		"bad-sha":       "checksum mismatch",
		"no-sha":        "no checksum",
		"truncated":     "unexpected EOF",
		"http-redirect": "refused by PyHangar's network policy",
	} {
		gh.Fault = fault
		data := t.TempDir()
		g := &installer.UVGetter{DataDir: data, Base: gh.URL, Downloader: &installer.Downloader{Backoff: time.Millisecond}}
		_, err := g.Get(context.Background(), "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", fault, err, want)
		}
		entries, _ := os.ReadDir(installer.UVDir(data))
		if len(entries) != 0 {
			t.Errorf("%s: kept %v", fault, entries)
		}
		if p, _ := installer.UVPath(data); p != "" && strings.HasPrefix(p, data) {
			t.Errorf("%s: a uv is found at %s", fault, p)
		}
	}
	gh.Fault = ""
	if _, err := g.Get(context.Background(), "9.9.9"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("an unknown release: %v", err)
	}
	if _, err := g.Get(context.Background(), "../../x"); err == nil {
		t.Error("a version that is a path was accepted")
	}
}
