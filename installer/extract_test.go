package installer

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

var modTime = time.Date(2025, 6, 11, 0, 0, 0, 0, time.UTC)

type entry struct {
	name, body, link string
	typ              byte
}

func writeTarXZ(t *testing.T, entries []entry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.tar.xz")
	f, _ := os.Create(p)
	xw, err := xz.NewWriter(f)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(xw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link, ModTime: modTime, Size: int64(len(e.body))}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	xw.Close()
	f.Close()
	return p
}

func TestExtractGoodArchive(t *testing.T) {
	a := writeTarXZ(t, []entry{
		{name: "Python-3.13.5/", typ: tar.TypeDir},
		{name: "Python-3.13.5/configure", body: "#!/bin/sh\n"},
		{name: "Python-3.13.5/Lib/os.py", body: "x = 1\n"},
		{name: "Python-3.13.5/Lib/alias.py", typ: tar.TypeSymlink, link: "os.py"},
		{name: "Python-3.13.5/Lib/up.py", typ: tar.TypeSymlink, link: "../configure"},
		{name: "Python-3.13.5/hard", typ: tar.TypeLink, link: "Python-3.13.5/configure"},
	})
	dir := t.TempDir()
	if err := ExtractTarXZ(context.Background(), a, dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "Python-3.13.5", "Lib", "alias.py")); err != nil || string(b) != "x = 1\n" {
		t.Errorf("alias: %q %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "Python-3.13.5", "hard")); string(b) != "#!/bin/sh\n" {
		t.Errorf("hard link: %q", b)
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	cases := map[string][]entry{
		"dot-dot":        {{name: "ok.txt", body: "fine"}, {name: "../escape", body: "x"}},
		"nested dot-dot": {{name: "a/../../escape", body: "x"}},
		"absolute":       {{name: "/tmp/pyhangar-abs-escape", body: "x"}},
		"link outside":   {{name: "a/link", typ: tar.TypeSymlink, link: "../../outside"}},
		"absolute link":  {{name: "link", typ: tar.TypeSymlink, link: "/etc/passwd"}},
		"hard link out":  {{name: "h", typ: tar.TypeLink, link: "../etc/passwd"}},
		"device file":    {{name: "dev", typ: tar.TypeChar}},
	}
	for name, entries := range cases {
		root := t.TempDir()
		dir := filepath.Join(root, "target")
		err := ExtractTarXZ(context.Background(), writeTarXZ(t, entries), dir)
		if !errors.Is(err, ErrUnsafeArchive) {
			t.Errorf("%s: err = %v, want ErrUnsafeArchive", name, err)
		}
		left, _ := os.ReadDir(dir)
		if len(left) != 0 {
			t.Errorf("%s: left %d entries in the target", name, len(left))
		}
		if _, err := os.Lstat(filepath.Join(root, "escape")); err == nil {
			t.Errorf("%s: a file escaped", name)
		}
	}
	if _, err := os.Lstat("/tmp/pyhangar-abs-escape"); err == nil {
		t.Error("the absolute path was written")
	}
}

// Without a system xz the pure-Go decoder does the same job.
func TestExtractWithoutSystemXZ(t *testing.T) {
	t.Setenv("PATH", "")
	TestExtractGoodArchive(t)
	a := writeTarXZ(t, []entry{{name: "../escape", body: "x"}})
	if err := ExtractTarXZ(context.Background(), a, t.TempDir()); !errors.Is(err, ErrUnsafeArchive) {
		t.Fatalf("err = %v", err)
	}
}
