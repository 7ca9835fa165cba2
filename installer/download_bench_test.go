package installer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkDownloadLoopback measures download throughput (with SHA-256
// while streaming) against curl on the same 127.0.0.1 server and file.
func BenchmarkDownloadLoopback(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "payload")
	body := payload(256 << 20)
	os.WriteFile(src, body, 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, src) }))
	defer srv.Close()
	sum := Checksum{"sha256", sha(body)}
	curl, _ := exec.LookPath("curl")
	var goTime, curlTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dest := filepath.Join(dir, "out")
		start := time.Now()
		if err := (&Downloader{}).Download(context.Background(), srv.URL+"/payload", dest, sum, int64(len(body)), nil); err != nil {
			b.Fatal(err)
		}
		goTime += time.Since(start)
		os.Remove(dest)
		if curl != "" {
			start = time.Now()
			if out, err := exec.Command(curl, "-sS", "-o", dest, srv.URL+"/payload").CombinedOutput(); err != nil {
				b.Fatalf("curl: %v %s", err, out)
			}
			curlTime += time.Since(start)
			os.Remove(dest)
		}
	}
	mb := float64(len(body)) / (1 << 20) * float64(b.N)
	b.ReportMetric(mb/goTime.Seconds(), "MB/s")
	if curl != "" {
		b.ReportMetric(mb/curlTime.Seconds(), "curl-MB/s")
	}
}
