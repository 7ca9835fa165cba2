package installer

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

var modTime = time.Date(2025, 6, 11, 0, 0, 0, 0, time.UTC)

type entry struct {
	name, body, link string
	typ              byte
}

// extract unpacks the archive at path into dir.
func extract(t *testing.T, path, dir string) error {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ExtractTarXZ(context.Background(), f, dir)
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
	if err := extract(t, a, dir); err != nil {
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
		err := extract(t, writeTarXZ(t, entries), dir)
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
	if err := extract(t, a, t.TempDir()); !errors.Is(err, ErrUnsafeArchive) {
		t.Fatalf("err = %v", err)
	}
}

// Links that chain upwards: each one looks inside when read as text, but
// followed on disk they climb out of the target. Nothing may be written
// outside it, and the partial tree goes.
func TestExtractRefusesLinksThatChainOut(t *testing.T) {
	cases := map[string][]entry{
		"chain": {
			{name: "a/", typ: tar.TypeDir},
			{name: "a/l", typ: tar.TypeSymlink, link: ".."},
			{name: "a/l/m", typ: tar.TypeSymlink, link: ".."},
			{name: "a/l/m/pwned", body: "x"},
		},
		"chain, two levels": {
			{name: "a/b/", typ: tar.TypeDir},
			{name: "a/b/up", typ: tar.TypeSymlink, link: "../.."},
			{name: "a/b/up/x", typ: tar.TypeSymlink, link: "../.."},
			{name: "a/b/up/x/pwned", body: "x"},
		},
		"link made before the link it goes through": {
			{name: "a/", typ: tar.TypeDir},
			{name: "x", typ: tar.TypeSymlink, link: "a/b/.."},
			{name: "a/b", typ: tar.TypeSymlink, link: ".."},
		},
		"write through a link to a directory": {
			{name: "d/", typ: tar.TypeDir},
			{name: "l", typ: tar.TypeSymlink, link: "d"},
			{name: "l/f", body: "x"},
		},
	}
	for name, entries := range cases {
		parent := t.TempDir()
		dir := filepath.Join(parent, "data", "target")
		os.MkdirAll(dir, 0o755)
		err := extract(t, writeTarXZ(t, entries), dir)
		if !errors.Is(err, ErrUnsafeArchive) {
			t.Errorf("%s: err = %v, want ErrUnsafeArchive", name, err)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: left %d entries in the target", name, len(left))
		}
		filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
			if err == nil && !strings.HasPrefix(p, dir+string(filepath.Separator)) && (d.Name() == "pwned" || d.Name() == "m" || d.Name() == "x") {
				t.Errorf("%s: %s was written outside the target", name, p)
			}
			return nil
		})
	}
}

// A hard link to a file, then a file entry of the same name: the entry
// replaces the link and leaves the file it pointed to alone.
func TestExtractHardLinkThenFileKeepsTheFirstFile(t *testing.T) {
	a := writeTarXZ(t, []entry{
		{name: "p/keep.txt", body: "original"},
		{name: "p/h", typ: tar.TypeLink, link: "p/keep.txt"},
		{name: "p/h", body: "replaced"},
	})
	dir := t.TempDir()
	if err := extract(t, a, dir); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "p", "keep.txt")); string(b) != "original" {
		t.Errorf("keep.txt = %q: the later entry wrote through the hard link", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "p", "h")); string(b) != "replaced" {
		t.Errorf("h = %q", b)
	}
}

// A damaged xz stream fails the extraction, with the system's xz and with
// the pure-Go decoder, also when the tar stream inside reads to its end.
func TestExtractCorruptXZFails(t *testing.T) {
	good := writeTarXZ(t, []entry{{name: "f.txt", body: strings.Repeat("python ", 4000)}})
	b, _ := os.ReadFile(good)
	damaged := map[string][]byte{
		"truncated":     b[:len(b)-40],
		"flipped check": flipped(b, len(b)-30), // in the index and footer, after the data
	}
	for _, systemXZ := range []bool{true, false} {
		if !systemXZ {
			t.Setenv("PATH", "")
		} else if _, err := exec.LookPath("xz"); err != nil {
			t.Fatal("the system's xz is missing: run scripts/system-deps.sh test")
		}
		for name, data := range damaged {
			p := filepath.Join(t.TempDir(), "bad.tar.xz")
			os.WriteFile(p, data, 0o644)
			dir := t.TempDir()
			if err := extract(t, p, dir); err == nil {
				t.Errorf("system xz %v, %s: no error", systemXZ, name)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("system xz %v, %s: left %d entries", systemXZ, name, len(left))
			}
		}
	}
}

func flipped(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0xff
	return out
}

// An archive that unpacks past its bound (a few bytes of xz can claim
// gigabytes) is refused at the bound, saying so, and what it wrote goes.
func TestExtractIsBounded(t *testing.T) {
	defer func(u, e int64) { maxUnpacked, maxEntries = u, e }(maxUnpacked, maxEntries)
	maxUnpacked, maxEntries = 1<<20, 50
	big := writeTarXZ(t, []entry{{name: "a/small", body: "x"}, {name: "a/bomb", body: strings.Repeat("\x00", 3<<20)}})
	dir := filepath.Join(t.TempDir(), "out")
	if err := extract(t, big, dir); !errors.Is(err, ErrUnsafeArchive) || !strings.Contains(err.Error(), "unpacks to more than") {
		t.Errorf("3 MiB under a 1 MiB bound: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
	var many []entry
	for i := range 60 {
		many = append(many, entry{name: fmt.Sprintf("f%d", i), body: "x"})
	}
	if err := extract(t, writeTarXZ(t, many), filepath.Join(t.TempDir(), "out")); err == nil || !strings.Contains(err.Error(), "more than 50 entries") {
		t.Errorf("60 entries under a bound of 50: %v", err)
	}
}
