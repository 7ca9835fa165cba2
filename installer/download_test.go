package installer

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/fetch"
)

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func payload(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func noPart(t *testing.T, dest string) {
	t.Helper()
	if _, err := os.Stat(dest + ".part"); !os.IsNotExist(err) {
		t.Errorf("%s.part left behind", dest)
	}
}

func TestDownloadVerifies(t *testing.T) {
	body := payload(3 << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "Python-3.13.5.tar.xz")
	var last int64
	err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), func(done, total int64) {
		if total != int64(len(body)) || done < last {
			t.Errorf("progress %d/%d", done, total)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(dest)
	if !bytes.Equal(got, body) || last != int64(len(body)) {
		t.Fatal("content or progress wrong")
	}
	noPart(t, dest)
}

func TestDownloadTamperedIsRefused(t *testing.T) {
	body := payload(1 << 20)
	good := sha(body)
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)/2] ^= 0x01
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(tampered))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f.tar.xz")
	err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", good}, int64(len(body)), nil)
	if !errors.Is(err, ErrHashMismatch) || !strings.Contains(err.Error(), good) || !strings.Contains(err.Error(), sha(tampered)) {
		t.Fatalf("err = %v; want a mismatch naming both hashes", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Error("the tampered file was kept")
	}
	noPart(t, dest)
}

// A server that drops the connection halfway through the first response;
// the retry must resume with a Range request and the hash must match.
func TestDownloadResumesAfterDrop(t *testing.T) {
	body := payload(2 << 20)
	var requests, ranged atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if r.Header.Get("Range") != "" {
			ranged.Add(1)
		}
		if n == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	if err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 2 || ranged.Load() != 1 {
		t.Errorf("requests %d, ranged %d; want a second, ranged request", requests.Load(), ranged.Load())
	}
	got, _ := os.ReadFile(dest)
	if !bytes.Equal(got, body) {
		t.Fatal("resumed file differs")
	}
}

func TestDownloadTooLongIsCut(t *testing.T) {
	body := payload(1 << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body[:1000])}, 1000, nil)
	if err == nil || !strings.Contains(err.Error(), "more than the announced size") {
		t.Fatalf("err = %v", err)
	}
	noPart(t, dest)
}

func TestDownloadRefusesInsecureURLsAndRedirects(t *testing.T) {
	for _, u := range []string{"http://downloads.example.com/f", "ftp://example.com/f", "file:///etc/passwd"} {
		if _, err := fetch.CheckURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"https://www.python.org/ftp/", "http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x"} {
		if _, err := fetch.CheckURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://downloads.example.com/evil", http.StatusFound)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", strings.Repeat("0", 64)}, 0, nil)
	if err == nil || !strings.Contains(err.Error(), "refused by PyHangar's network policy") {
		t.Fatalf("err = %v", err)
	}
	noPart(t, dest)
}

func TestDownloadMD5FallbackAndCancel(t *testing.T) {
	body := payload(1 << 20)
	sum := md5.Sum(body)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	c := Checksum{"md5", hex.EncodeToString(sum[:])}
	if !c.Weak() {
		t.Error("md5 must be reported as weak")
	}
	if err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, c, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	// Cancelled at the first progress report: no part file remains.
	ctx, cancel := context.WithCancel(context.Background())
	dest2 := filepath.Join(t.TempDir(), "g")
	err := (&Downloader{}).Download(ctx, srv.URL+"/f", dest2, c, int64(len(body)), func(int64, int64) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	noPart(t, dest2)
	if _, err := os.Stat(dest2); !os.IsNotExist(err) {
		t.Error("a cancelled download left its file")
	}
}

// A server that stops sending mid-way without closing: the stall is
// noticed and the download resumes with a Range request.
func TestDownloadResumesAfterAStall(t *testing.T) {
	body := payload(1 << 20)
	var requests atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:len(body)/3])
			w.(http.Flusher).Flush()
			<-release // stalls, connection open
			return
		}
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
	}))
	defer srv.Close()
	defer close(release) // before the server closes: it waits for its handlers
	dest := filepath.Join(t.TempDir(), "f")
	d := &Downloader{StallTimeout: 300 * time.Millisecond, Backoff: time.Millisecond}
	if err := d.Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) || requests.Load() != 2 {
		t.Fatalf("requests %d; the file matches: %v", requests.Load(), bytes.Equal(got, body))
	}
}

// 502, 503 and 504 are tried again, with growing pauses; a fourth failure
// is the end.
func TestDownloadRetriesGatewayErrors(t *testing.T) {
	body := payload(64 << 10)
	var requests atomic.Int32
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		times = append(times, time.Now())
		switch requests.Add(1) {
		case 1:
			w.WriteHeader(http.StatusBadGateway)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 3:
			w.WriteHeader(http.StatusGatewayTimeout)
		default:
			http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
		}
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	d := &Downloader{Backoff: 20 * time.Millisecond}
	if err := d.Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 4 {
		t.Fatalf("requests = %d, want 4", requests.Load())
	}
	// Each pause at least doubles the one before (20, 40, 80 ms).
	for i, want := range []time.Duration{20, 40, 80} {
		if gap := times[i+1].Sub(times[i]); gap < want*time.Millisecond {
			t.Errorf("pause %d was %v, want at least %v ms", i+1, gap, want)
		}
	}
	requests.Store(-100) // always failing from here on
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	err := d.Download(context.Background(), srv.URL+"/f", filepath.Join(t.TempDir(), "g"), Checksum{"sha256", sha(body)}, int64(len(body)), nil)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v; want the 503 after the retries", err)
	}
}

// A 206 that starts somewhere else than the byte asked for would splice
// two different pieces together: it is refused and nothing is kept.
func TestDownloadRefusesAMisplacedRange(t *testing.T) {
	body := payload(256 << 10)
	dir := t.TempDir()
	dest := filepath.Join(dir, "f")
	os.WriteFile(dest+".part", body[:1000], 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(body)-1, len(body)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(body)
	}))
	defer srv.Close()
	err := (&Downloader{Backoff: time.Millisecond}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil)
	if err == nil || !strings.Contains(err.Error(), "resume at byte 1000") {
		t.Fatalf("err = %v", err)
	}
	noPart(t, dest)
}

// A server that ignores Range answers 200 with the whole file: the part
// is started again, and the result is still right.
func TestDownloadServerIgnoringRange(t *testing.T) {
	body := payload(256 << 10)
	dest := filepath.Join(t.TempDir(), "f")
	os.WriteFile(dest+".part", body[:5000], 0o644)
	var ranged atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			ranged.Add(1)
		}
		w.Write(body)
	}))
	defer srv.Close()
	if err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) || ranged.Load() != 1 {
		t.Fatalf("ranged requests %d, content right %v", ranged.Load(), bytes.Equal(got, body))
	}
}

// 416 (the range cannot be served): start again from the first byte.
func TestDownload416StartsAgain(t *testing.T) {
	body := payload(128 << 10)
	dest := filepath.Join(t.TempDir(), "f")
	os.WriteFile(dest+".part", payload(9000), 0o644)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Range") != "" {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	if err := (&Downloader{Backoff: time.Millisecond}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) || requests.Load() != 2 {
		t.Fatalf("requests %d, content right %v", requests.Load(), bytes.Equal(got, body))
	}
}

// A run that fails part-way keeps what it got; the next run asks only for
// the rest, and the whole file is verified.
func TestDownloadResumesAcrossRuns(t *testing.T) {
	body := payload(1 << 20)
	var failing atomic.Bool
	failing.Store(true)
	var lastRange atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lastRange.Store(r.Header.Get("Range"))
		if failing.Load() {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		http.ServeContent(w, r, "x", modTime, bytes.NewReader(body))
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	d := &Downloader{Retries: 1, Backoff: time.Millisecond}
	err := d.Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil)
	if err == nil {
		t.Fatal("the first run should fail")
	}
	fi, err := os.Stat(dest + ".part")
	if err != nil || fi.Size() != int64(len(body)/2) {
		t.Fatalf("the first run's part: %v %v", fi, err)
	}
	failing.Store(false)
	if err := d.Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if got := lastRange.Load(); got != fmt.Sprintf("bytes=%d-", len(body)/2) {
		t.Errorf("the second run asked for %q", got)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Fatal("resumed file differs")
	}
	// A part of some other file is found out by the hash and replaced.
	os.Remove(dest)
	os.WriteFile(dest+".part", payload(len(body)/2), 0o644)
	if err := d.Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", sha(body)}, int64(len(body)), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Fatal("a stale part file spoiled the download")
	}
}

// The catalog client follows redirects as the downloader does: to https,
// or to plain http on this machine only.
func TestCatalogRefusesARedirectToHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://downloads.example.com/api/v2/downloads/release/", http.StatusFound)
	}))
	defer srv.Close()
	site, err := NewSite(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = site.Releases(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refused by PyHangar's network policy") {
		t.Fatalf("err = %v", err)
	}
}

// A download whose size nobody gave is bounded by its cap: refused at
// once when the server announces more, stopped when it sends more.
func TestDownloadWithoutASizeHasACap(t *testing.T) {
	body := bytes.Repeat([]byte("u"), 5000)
	for _, announce := range []bool{true, false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if announce {
				w.Header().Set("Content-Length", "5000")
			}
			w.Write(body[:2500])
			w.(http.Flusher).Flush()
			w.Write(body[2500:])
		}))
		dest := filepath.Join(t.TempDir(), "uv.tar.gz")
		err := (&Downloader{Cap: 1000}).Download(t.Context(), srv.URL+"/uv.tar.gz", dest, Checksum{"sha256", sha(body)}, 0, nil)
		srv.Close()
		if !errors.Is(err, fetch.ErrTooLarge) {
			t.Errorf("announced %v: %v", announce, err)
		}
		noPart(t, dest)
	}
}
