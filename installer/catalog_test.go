package installer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/internal/testenv"
)

type memCache map[string]Catalog

func (m memCache) SaveCatalog(_ context.Context, c Catalog) error { m[c.Site] = c; return nil }
func (m memCache) LoadCatalog(_ context.Context, site string) (Catalog, bool, error) {
	c, ok := m[site]
	return c, ok, nil
}
func (m memCache) SaveFiles(context.Context, string, string, []File) error { return nil }
func (m memCache) LoadFiles(context.Context, string, string) ([]File, bool, error) {
	return nil, false, nil
}

func TestCatalogFromPythonOrgStandIn(t *testing.T) {
	tarball := filepath.Join(t.TempDir(), "Python-3.13.5.tar.xz")
	os.WriteFile(tarball, []byte("not really a tarball"), 0o644)
	org := testenv.StartPythonOrg(t,
		testenv.StandInRelease{ID: 1003, Version: "3.15.0a1", PreRelease: true},
		testenv.StandInRelease{ID: 1002, Version: "3.14.7"},
		testenv.StandInRelease{ID: 1001, Version: "3.13.5", Tarball: tarball},
		testenv.StandInRelease{ID: 900, Version: "3.12.10", MD5Only: true},
		testenv.StandInRelease{ID: 800, Version: "2.7.18"},
	)
	site, err := NewSite(org.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	cache := memCache{}
	cat, offline, err := site.CachedReleases(context.Background(), cache)
	if err != nil || offline != nil {
		t.Fatal(err, offline)
	}
	var versions []string
	for _, r := range cat.Releases {
		versions = append(versions, r.Version.String())
	}
	if strings.Join(versions, " ") != "3.15.0a1 3.14.7 3.13.5 3.12.10" {
		t.Errorf("releases newest first, Python 2 and the install manager skipped: %v", versions)
	}
	if !cat.Releases[2].FreeThreaded || cat.Releases[3].FreeThreaded {
		t.Errorf("free-threaded builds exist from 3.13: %+v", cat.Releases)
	}
	rel, ok := PickRelease(cat.Releases, envs.Spec{Version: "3.13", FreeThreaded: true})
	if !ok || rel.Version != "3.13.5" {
		t.Errorf("3.13t -> %+v", rel)
	}
	if rel, ok := PickRelease(cat.Releases, envs.Spec{Version: "3.15"}); ok {
		t.Errorf("a pre-release must be asked for by its exact version: %+v", rel)
	}
	if rel, ok := PickRelease(cat.Releases, envs.Spec{Version: "3.15.0a1"}); !ok || rel.ID != "1003" {
		t.Errorf("exact pre-release: %+v", rel)
	}

	files, err := site.Files(context.Background(), "1001")
	if err != nil {
		t.Fatal(err)
	}
	src, ok := SourceTarball(files, "3.13.5")
	if !ok || src.URL != org.URL+"/ftp/python/3.13.5/Python-3.13.5.tar.xz" || src.Checksum.Algo != "sha256" || src.Size != 20 {
		t.Errorf("source tarball (rewritten onto the mirror): %+v", src)
	}
	if f, ok := WindowsInstaller(files, "3.13.5", "amd64"); !ok || !strings.HasSuffix(f.URL, "/python-3.13.5-amd64.exe") {
		t.Errorf("windows installer: %+v", f)
	}
	if f, ok := MacInstaller(files, "3.13.5"); !ok || !strings.HasSuffix(f.URL, "-macos11.pkg") {
		t.Errorf("mac package: %+v", f)
	}
	old, _ := site.Files(context.Background(), "900")
	if f, _ := WindowsInstaller(old, "3.12.10", "amd64"); f.Checksum.Algo != "md5" || !f.Checksum.Weak() {
		t.Errorf("blank sha256 falls back to md5: %+v", f.Checksum)
	}

	// The Windows feed, all three of its pages: free-threaded tags,
	// hashes, URLs (relative ones too) on the mirror.
	feed, err := site.WindowsFeed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ftTags []string
	pages := map[string]bool{}
	for _, e := range feed {
		pages[e.SortVersion] = true
		if strings.Contains(e.Tag, "t-") {
			ftTags = append(ftTags, e.Tag)
		}
		if !strings.HasPrefix(e.URL, org.URL+"/ftp/python/") || len(e.Hash["sha256"]) != 64 {
			t.Errorf("feed entry: %+v", e)
		}
	}
	if !strings.Contains(strings.Join(ftTags, " "), "3.14t-64") {
		t.Errorf("free-threaded tags: %v", ftTags)
	}
	for _, v := range []string{"3.15.0a1", "3.14.7", "3.13.5", "3.12.10"} {
		if !pages[v] {
			t.Errorf("the feed lacks %s: its pages were not all followed (%v)", v, pages)
		}
	}
	for _, page := range []string{"index-windows.json", "index-windows-recent.json", "index-windows-legacy.json"} {
		if !org.Asked(page) {
			t.Errorf("%s was not asked for", page)
		}
	}

	// Offline: the last catalog comes back, with why it is not fresh.
	org.Close()
	cat2, offline, err := site.CachedReleases(context.Background(), cache)
	if err != nil || offline == nil || len(cat2.Releases) != 4 || !cat2.FetchedAt.Equal(cat.FetchedAt) {
		t.Fatalf("offline: %v %v %d", err, offline, len(cat2.Releases))
	}
}

func TestMirrorMustBeSecure(t *testing.T) {
	if _, err := NewSite("http://mirror.example.com"); err == nil {
		t.Error("plain-http remote mirror accepted")
	}
	s, err := NewSite("https://mirror.example.com/python/")
	if err != nil || s.Rewrite("https://www.python.org/ftp/python/3.14.7/Python-3.14.7.tar.xz") != "https://mirror.example.com/python/ftp/python/3.14.7/Python-3.14.7.tar.xz" {
		t.Errorf("rewrite: %v %v", s, err)
	}
	if got := s.Rewrite("https://github.com/x"); got != "https://github.com/x" {
		t.Errorf("non-python.org URLs stay: %s", got)
	}
}

func TestOfficialInstallerCommands(t *testing.T) {
	got := WindowsInstallArgs(`C:\Users\ada\AppData\Local\PyHangar\downloads\python-3.14.2-amd64.exe`, `C:\Users\ada\AppData\Local\PyHangar\pythons\cpython-3.14.2`, `C:\logs\i.log`)
	want := []string{`C:\Users\ada\AppData\Local\PyHangar\downloads\python-3.14.2-amd64.exe`, "/quiet", "InstallAllUsers=0", "Include_freethreaded=1",
		"PrependPath=0", "Shortcuts=0", "Include_launcher=0", `TargetDir=C:\Users\ada\AppData\Local\PyHangar\pythons\cpython-3.14.2`, "/log", `C:\logs\i.log`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("windows argv:\n%q\nwant\n%q", got, want)
	}
	un := WindowsUninstallArgs(`C:\Users\ada\AppData\Local\PyHangar\installers\python-3.14.2-amd64.exe`, `C:\logs\u.log`)
	wantUn := []string{`C:\Users\ada\AppData\Local\PyHangar\installers\python-3.14.2-amd64.exe`, "/quiet", "/uninstall", "/log", `C:\logs\u.log`}
	if strings.Join(un, "\n") != strings.Join(wantUn, "\n") {
		t.Errorf("windows uninstall argv:\n%q\nwant\n%q", un, wantUn)
	}
	// Every switch and property is one the installer documents.
	for _, argv := range [][]string{got, un} {
		for _, a := range argv[1:] {
			name, _, isProperty := strings.Cut(a, "=")
			switch {
			case strings.HasPrefix(a, "/"):
				if !slices.Contains(WindowsInstallerSwitches, a) {
					t.Errorf("%s is not a documented switch of the installer", a)
				}
			case isProperty:
				if !slices.Contains(WindowsInstallerProperties, name) {
					t.Errorf("%s is not a documented property of the installer", name)
				}
			case !strings.HasSuffix(a, ".log"):
				t.Errorf("%q is neither a switch, a property nor the log file", a)
			}
		}
	}
	for code, want := range map[int][2]bool{0: {true, false}, 3010: {true, true}, 1603: {false, false}, 1602: {false, false}} {
		if ok, reboot := WindowsExitOK(code); ok != want[0] || reboot != want[1] {
			t.Errorf("exit %d: %v %v", code, ok, reboot)
		}
	}
	if got := WindowsFreeThreadedExe(`C:\P\cpython-3.14.2\`, "3.14.2"); got != `C:\P\cpython-3.14.2\python3.14t.exe` {
		t.Errorf("windows exe: %s", got)
	}
	plist := MacChoiceChanges("3.14.2")
	for _, want := range []string{"<string>org.python.Python.PythonTFramework-3.14</string>", "<string>selected</string>", "<integer>1</integer>"} {
		if !strings.Contains(plist, want) {
			t.Errorf("plist lacks %s", want)
		}
	}
	mac := MacInstallArgs("/Users/ada/Library/Application Support/PyHangar/downloads/python-3.14.2-macos11.pkg", "/tmp/it's choices.plist")
	wantMac := []string{"/usr/bin/osascript", "-e",
		`do shell script "/usr/sbin/installer -pkg '/Users/ada/Library/Application Support/PyHangar/downloads/python-3.14.2-macos11.pkg' -applyChoiceChangesXML '/tmp/it'\\''s choices.plist' -target /" with administrator privileges`}
	if strings.Join(mac, "\n") != strings.Join(wantMac, "\n") {
		t.Errorf("mac argv:\n%q\nwant\n%q", mac, wantMac)
	}
	if got := MacFreeThreadedExe("3.13.5"); got != "/Library/Frameworks/PythonT.framework/Versions/3.13/bin/python3.13t" {
		t.Errorf("mac exe: %s", got)
	}
}

func TestMissingPrereqs(t *testing.T) {
	inc := t.TempDir()
	none := func(string) (string, error) { return "", os.ErrNotExist }
	missing, fix := MissingPrereqs([]string{inc}, none, 0)
	if len(missing) != 9 || fix != "sudo apt-get install -y gcc make libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev" {
		t.Errorf("%v / %s", missing, fix)
	}
	for _, h := range []string{"openssl/ssl.h", "zlib.h", "ffi.h", "bzlib.h", "lzma.h", "sqlite3.h", "readline/readline.h"} {
		os.MkdirAll(filepath.Dir(filepath.Join(inc, h)), 0o755)
		os.WriteFile(filepath.Join(inc, h), nil, 0o644)
	}
	dnfOnly := func(name string) (string, error) {
		if name == "dnf" || name == "gcc" {
			return "/usr/bin/" + name, nil
		}
		return "", os.ErrNotExist
	}
	missing, fix = MissingPrereqs([]string{inc}, dnfOnly, 0)
	if len(missing) != 1 || missing[0] != "make" || fix != "sudo dnf install -y make" {
		t.Errorf("%v / %s", missing, fix)
	}
	// A build with the JIT needs LLVM of its release's version and a
	// Python for the JIT's build script.
	missing, fix = MissingPrereqs([]string{inc}, dnfOnly, 19)
	if len(missing) != 3 || missing[1] != "LLVM 19 (clang-19 and llvm-readobj-19, for the JIT)" ||
		fix != "sudo dnf install -y make 'clang(major) = 19' 'llvm(major) = 19' python3" {
		t.Errorf("%q / %s", missing, fix)
	}
	missing, fix = MissingPrereqs([]string{inc}, none, 18)
	if !strings.HasSuffix(fix, " clang-18 llvm-18 python3") {
		t.Errorf("%q / %s", missing, fix)
	}
}

func TestCatalogAge(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for ago, want := range map[time.Duration]string{
		10 * time.Second: "less than a minute ago", time.Minute: "1 minute ago", 59 * time.Minute: "59 minutes ago",
		3 * time.Hour: "3 hours ago", 47 * time.Hour: "47 hours ago", 72 * time.Hour: "3 days ago",
	} {
		if got := (Catalog{FetchedAt: now.Add(-ago)}).Age(now); got != want {
			t.Errorf("%v: %q, want %q", ago, got, want)
		}
	}
}
