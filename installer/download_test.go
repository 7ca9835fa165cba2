package installer

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
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
		if _, err := CheckURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"https://www.python.org/ftp/", "http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x"} {
		if _, err := CheckURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://downloads.example.com/evil", http.StatusFound)
	}))
	defer srv.Close()
	dest := filepath.Join(t.TempDir(), "f")
	err := (&Downloader{}).Download(context.Background(), srv.URL+"/f", dest, Checksum{"sha256", strings.Repeat("0", 64)}, 0, nil)
	if err == nil || !strings.Contains(err.Error(), "redirect refused") {
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
