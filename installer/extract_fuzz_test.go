package installer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tarOf builds a tar stream of entries (for the fuzzer's seeds).
func tarOf(entries []entry) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link, Size: int64(len(e.body))}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		tw.WriteHeader(h)
		tw.Write([]byte(e.body))
	}
	tw.Close()
	return b.Bytes()
}

// FuzzExtract unpacks archives a mirror could serve: whatever the tar
// stream holds, extraction never panics, writes nothing outside its
// target, and leaves no link there that leads out; a refusal leaves the
// target empty.
func FuzzExtract(f *testing.F) {
	f.Add(tarOf([]entry{{name: "Python-3.13.5/", typ: tar.TypeDir}, {name: "Python-3.13.5/configure", body: "#!/bin/sh\n"}}))
	f.Add(tarOf([]entry{{name: "../escape", body: "x"}}))
	f.Add(tarOf([]entry{{name: "/etc/evil", body: "x"}}))
	f.Add(tarOf([]entry{{name: "a", typ: tar.TypeSymlink, link: "."}, {name: "a/l", typ: tar.TypeSymlink, link: ".."},
		{name: "a/l/m", typ: tar.TypeSymlink, link: ".."}, {name: "a/l/m/PWNED", body: "x"}}))
	f.Add(tarOf([]entry{{name: "up", typ: tar.TypeSymlink, link: "../sentinel"}, {name: "up/f", body: "x"}}))
	f.Add(tarOf([]entry{{name: "h", typ: tar.TypeLink, link: "../sentinel/keep"}}))
	f.Add(tarOf([]entry{{name: "f", body: "1"}, {name: "g", typ: tar.TypeLink, link: "f"}, {name: "f", body: "2"}}))
	f.Fuzz(func(t *testing.T, stream []byte) {
		dir := t.TempDir()
		target := filepath.Join(dir, "out")
		sentinel := filepath.Join(dir, "sentinel")
		os.MkdirAll(sentinel, 0o755)
		os.WriteFile(filepath.Join(sentinel, "keep"), []byte("keep"), 0o644)
		archive := filepath.Join(dir, "a.tar.gz")
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(stream)
		zw.Close()
		os.WriteFile(archive, gz.Bytes(), 0o644)
		a, err := os.Open(archive)
		if err != nil {
			t.Fatal(err)
		}
		err = ExtractTarGz(context.Background(), a, target)
		a.Close()
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, werr error) error {
			switch {
			case p == dir || p == archive || p == sentinel || p == filepath.Join(sentinel, "keep"):
			case p == target || strings.HasPrefix(p, target+string(filepath.Separator)):
				if d != nil && d.Type()&fs.ModeSymlink != 0 {
					if real, rerr := filepath.EvalSymlinks(p); rerr == nil && real != target && !strings.HasPrefix(real, target+string(filepath.Separator)) {
						t.Errorf("the link %s leads out, to %s", p, real)
					}
				}
			default:
				t.Errorf("written outside the target: %s", p)
			}
			return nil
		})
		if b, _ := os.ReadFile(filepath.Join(sentinel, "keep")); string(b) != "keep" {
			t.Error("a file outside the target was changed")
		}
		if err != nil {
			if left, _ := os.ReadDir(target); len(left) > 0 {
				t.Errorf("a refused archive left %d entries (%v)", len(left), err)
			}
		}
	})
}
