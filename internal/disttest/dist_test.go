package disttest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"debug/pe"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ulikunitz/xz"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

func fyneApp(t *testing.T) testenv.App {
	return testenv.FyneApp(t, filepath.Join("..", "..", "FyneApp.toml"))
}

// The Linux download unpacks to the usr/local layout with its install
// Makefile, a desktop entry and the icon, and its binary says the version
// the file name and FyneApp.toml say.
func TestLinuxPackage(t *testing.T) {
	a := fyneApp(t)
	pkg := testenv.DistFile(t, a.Name+"-"+a.Version+"-linux-amd64.tar.xz")
	dir := t.TempDir()
	files := untarXZ(t, pkg, dir)
	top := "pyhangar/"
	for _, want := range []string{"Makefile", "usr/local/bin/pyhangar", "usr/local/share/applications/" + a.ID + ".desktop",
		"usr/local/share/pixmaps/" + a.ID + ".png"} {
		if !files[top+want] {
			t.Errorf("the tarball lacks %s%s; it holds %v", top, want, files)
		}
	}
	desktop, _ := os.ReadFile(filepath.Join(dir, top, "usr/local/share/applications", a.ID+".desktop"))
	for _, want := range []string{"Name=" + a.Name, "Exec=pyhangar", "Icon=" + a.ID, "Categories=Development;"} {
		if !bytes.Contains(desktop, []byte("\n"+want+"\n")) {
			t.Errorf("the desktop entry lacks %s:\n%s", want, desktop)
		}
	}
	bin := filepath.Join(dir, top, "usr/local/bin/pyhangar")
	out, err := exec.Command(bin, "--data-dir", t.TempDir(), "version", "--json").Output()
	if err != nil {
		t.Fatalf("the packaged binary: %v", err)
	}
	var v struct{ Version string }
	if json.Unmarshal(out, &v); v.Version != a.Version {
		t.Errorf("the packaged binary says version %q; the file name and FyneApp.toml say %q", v.Version, a.Version)
	}
	// make user-install puts it where a desktop finds it.
	dest := t.TempDir()
	install := exec.Command("make", "-C", filepath.Join(dir, top), "user-install", "DESTDIR="+dest, "HOME=/home/u")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make user-install: %v\n%s", err, out)
	}
	for _, want := range []string{".local/bin/pyhangar", ".local/share/applications/" + a.ID + ".desktop", ".local/share/icons/" + a.ID + ".png"} {
		if _, err := os.Stat(filepath.Join(dest, "home/u", want)); err != nil {
			t.Errorf("make user-install: %v", err)
		}
	}
}

// The Windows download holds pyhangar.exe (console: the CLI) and
// pyhangarw.exe (GUI: no console window), the same program apart from that
// one field, both with the icon and the version resource.
func TestWindowsPackage(t *testing.T) {
	a := fyneApp(t)
	pkg := testenv.DistFile(t, a.Name+"-"+a.Version+"-windows-amd64.zip")
	dir := unzipWindows(t, pkg)
	cli, _ := os.ReadFile(filepath.Join(dir, "pyhangar.exe"))
	gui, _ := os.ReadFile(filepath.Join(dir, "pyhangarw.exe"))
	if got := subsystem(t, cli); got != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("pyhangar.exe subsystem %d, want console", got)
	}
	if got := subsystem(t, gui); got != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("pyhangarw.exe subsystem %d, want GUI", got)
	}
	if len(cli) != len(gui) {
		t.Errorf("the two executables differ in size: %d and %d", len(cli), len(gui))
	} else if n := differingBytes(cli, gui); n != 1 {
		t.Errorf("the two executables differ in %d bytes, want the subsystem's alone", n)
	}
	for name, exe := range map[string][]byte{"pyhangar.exe": cli, "pyhangarw.exe": gui} {
		types, rsrc := resources(t, exe)
		for id, what := range map[uint32]string{rtIcon: "icon", rtGroupIcon: "icon group", rtVersion: "version", rtManifest: "manifest"} {
			if !types[id] {
				t.Errorf("%s has no %s resource (it has types %v)", name, what, types)
			}
		}
		for _, want := range []string{"ProductName\x00" + a.Name, "ProductVersion\x00" + a.Version + "."} {
			if !bytes.Contains(stripPadding(rsrc), utf16le(want)) {
				t.Errorf("%s: the version resource lacks %q", name, want)
			}
		}
	}
}

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// resources reads the types in the root of exe's resource directory (PE
// format: an IMAGE_RESOURCE_DIRECTORY, then its named entries, then its
// ID entries, 8 bytes each) and returns the .rsrc section's data.
func resources(t *testing.T, exe []byte) (map[uint32]bool, []byte) {
	t.Helper()
	f, err := pe.NewFile(bytes.NewReader(exe))
	if err != nil {
		t.Fatal(err)
	}
	sec := f.Section(".rsrc")
	if sec == nil {
		t.Fatal("no .rsrc section")
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		t.Fatalf(".rsrc: %v", err)
	}
	named := int(binary.LittleEndian.Uint16(data[12:]))
	ids := int(binary.LittleEndian.Uint16(data[14:]))
	types := map[uint32]bool{}
	for i := named; i < named+ids && 16+8*i+8 <= len(data); i++ {
		types[binary.LittleEndian.Uint32(data[16+8*i:])] = true
	}
	return types, data
}

func untarXZ(t *testing.T, path, dir string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xr, err := xz.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	tr := tar.NewReader(xr)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			root.MkdirAll(h.Name, 0o755)
		case tar.TypeReg:
			files[h.Name] = true
			root.MkdirAll(filepath.Dir(h.Name), 0o755)
			out, err := root.OpenFile(h.Name, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode)&0o777)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(out, tr)
			out.Close()
		default:
			t.Errorf("the tarball holds %s of type %c", h.Name, h.Typeflag)
		}
	}
	return files
}

// unzipWindows unpacks the Windows zip into a temp dir and returns the
// folder it holds, checking it holds the two executables and nothing else.
func unzipWindows(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var names []string
	top := strings.TrimSuffix(filepath.Base(path), ".zip") + "/"
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		root.MkdirAll(filepath.Dir(f.Name), 0o755)
		out, err := root.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, rc)
		out.Close()
		rc.Close()
	}
	want := []string{top, top + "pyhangar.exe", top + "pyhangarw.exe"}
	if strings.Join(names, " ") != strings.Join(want, " ") && strings.Join(names, " ") != strings.Join(want[1:], " ") {
		t.Errorf("the zip holds %v, want %v", names, want)
	}
	return filepath.Join(dir, top)
}

func subsystem(t *testing.T, exe []byte) uint16 {
	t.Helper()
	f, err := pe.NewFile(bytes.NewReader(exe))
	if err != nil {
		t.Fatal(err)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		t.Fatal("not a 64-bit executable")
	}
	return oh.Subsystem
}

func differingBytes(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func utf16le(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// stripPadding drops the zero words a version resource puts between a
// key and its value (for 32-bit alignment), so "Key\0Value" can be found.
func stripPadding(exe []byte) []byte {
	return regexp.MustCompile(`(\x00\x00){2,}`).ReplaceAll(exe, []byte{0, 0})
}
