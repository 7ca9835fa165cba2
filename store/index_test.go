package store

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/wheels"
)

// The index cache is bounded: past its cap the oldest answers go, the
// newest stay.
func TestIndexCacheIsBounded(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer func(c int64) { indexCacheCap = c }(indexCacheCap)
	indexCacheCap = 10 << 10
	start := time.Now().Add(-time.Hour)
	for i := range 8 {
		p := wheels.Page{URL: fmt.Sprintf("https://pypi.example/simple/p%d/", i), Body: bytes.Repeat([]byte{'x'}, 3<<10), FetchedAt: start.Add(time.Duration(i) * time.Minute)}
		if err := s.SaveIndexPage(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	var kept []int
	for i := range 8 {
		if _, ok, _ := s.IndexPage(t.Context(), fmt.Sprintf("https://pypi.example/simple/p%d/", i)); ok {
			kept = append(kept, i)
		}
	}
	if fmt.Sprint(kept) != "[5 6 7]" {
		t.Errorf("kept %v; want the newest three (9 KiB of a 10 KiB cap)", kept)
	}
}
