package installer

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	version "github.com/hashicorp/go-version"

	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/platform"
)

// PinnedUV is the uv release get-uv takes when not told otherwise: one
// that knows every request PyHangar makes (+gil needs 0.9.6 or newer).
const PinnedUV = "0.9.24"

// GitHub is where uv's releases are published; a mirror stands for it
// with the same paths.
const GitHub = "https://github.com"

// UVTarget is uv's release target triple for an OS and CPU, and its
// archive's extension (a .zip on Windows, a .tar.gz elsewhere). musl says
// whether a Linux system's C library is musl rather than glibc.
func UVTarget(goos, goarch string, musl bool) (triple, ext string, err error) {
	cpu := map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686"}[goarch]
	if cpu == "" {
		return "", "", fmt.Errorf("uv publishes no build for %s/%s", goos, goarch)
	}
	switch goos {
	case "linux":
		libc := "gnu"
		if musl {
			libc = "musl"
		}
		if cpu == "i686" && !musl {
			return "i686-unknown-linux-gnu", ".tar.gz", nil
		}
		return cpu + "-unknown-linux-" + libc, ".tar.gz", nil
	case "darwin":
		if cpu == "i686" {
			break
		}
		return cpu + "-apple-darwin", ".tar.gz", nil
	case "windows":
		return cpu + "-pc-windows-msvc", ".zip", nil
	}
	return "", "", fmt.Errorf("uv publishes no build for %s/%s", goos, goarch)
}

// hostIsMusl reports a Linux system whose C library is musl (Alpine and
// the like): its dynamic loader is /lib/ld-musl-*.so.1.
func hostIsMusl() bool {
	m, _ := filepath.Glob("/lib/ld-musl-*.so.1")
	return len(m) > 0
}

// UVGetter gets uv's own release archive for this machine into a data
// dir's tools/uv/<version>/, verified against the checksum published beside
// it.
type UVGetter struct {
	DataDir    string
	Base       string // https://github.com, or a mirror with its paths
	Client     *http.Client
	Downloader *Downloader
	Progress   func(Event)
	// GOOS, GOARCH and Musl choose the target; zero values mean this
	// machine's.
	GOOS, GOARCH string
	Musl         *bool
}

func (g *UVGetter) base() string {
	if g.Base == "" {
		return GitHub
	}
	return strings.TrimRight(g.Base, "/")
}

func (g *UVGetter) emit(e Event) {
	if g.Progress != nil {
		g.Progress(e)
	}
}

func (g *UVGetter) target() (string, string, error) {
	goos, goarch := g.GOOS, g.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	musl := goos == "linux" && hostIsMusl()
	if g.Musl != nil {
		musl = *g.Musl
	}
	return UVTarget(goos, goarch, musl)
}

// UVDir is where PyHangar keeps the uv it got.
func UVDir(dataDir string) string { return filepath.Join(dataDir, "tools", "uv") }

var tagPath = regexp.MustCompile(`/releases/tag/v?([0-9][0-9A-Za-z.+-]*)$`)

// Latest asks which uv release is the newest: GitHub answers
// /releases/latest with a redirect to that release's tag.
func (g *UVGetter) Latest(ctx context.Context) (string, error) {
	url := g.base() + "/astral-sh/uv/releases/latest"
	if _, err := fetch.CheckURL(url); err != nil {
		return "", err
	}
	client := *fetch.NewClient(30 * time.Second)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", fetch.UserAgent)
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("cannot reach %s: %s", fetch.Redact(g.base()), fetch.Redact(err.Error()))
	}
	resp.Body.Close()
	m := tagPath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode/100 != 3 || m == nil {
		return "", fmt.Errorf("%s did not say which uv release is the newest (HTTP %s, Location %q)", url, resp.Status, resp.Header.Get("Location"))
	}
	if _, err := version.NewVersion(m[1]); err != nil {
		return "", fmt.Errorf("%s named the newest uv release %q, which is not a version", url, m[1])
	}
	return m[1], nil
}

// OwnUV is the uv PyHangar got for itself.
type OwnUV struct {
	Version string `json:"version"` // the release: 0.9.24
	Path    string `json:"path"`    // its uv executable
	Reports string `json:"reports"` // what uv --version said
	Target  string `json:"target"`  // the target triple
	URL     string `json:"url"`
	SHA256  string `json:"sha256"`
}

// Get downloads uv's release ver ("latest" for the newest) for this
// machine, checks it against the .sha256 file published beside it (as
// uv's own installer does: a mismatch or a missing checksum is refused and
// nothing is kept), unpacks uv and uvx into tools/uv/<ver>/ and runs
// uv --version once to confirm.
func (g *UVGetter) Get(ctx context.Context, ver string) (OwnUV, error) {
	if ver == "" {
		ver = PinnedUV
	}
	if ver == "latest" {
		g.emit(Event{Phase: "asking which uv is the newest", Pct: -1})
		v, err := g.Latest(ctx)
		if err != nil {
			return OwnUV{}, err
		}
		ver = v
	}
	if _, err := version.NewVersion(ver); err != nil || strings.ContainsAny(ver, `/\`) {
		return OwnUV{}, fmt.Errorf("%q is not a uv version (say 0.9.24, or latest)", ver)
	}
	triple, ext, err := g.target()
	if err != nil {
		return OwnUV{}, err
	}
	lock, err := platform.TryLock(filepath.Join(g.DataDir, "locks", "get-uv.lock"))
	var held *platform.LockedError
	if errors.As(err, &held) {
		return OwnUV{}, fmt.Errorf("another PyHangar is getting uv (pid %d)", held.PID)
	}
	if err != nil {
		return OwnUV{}, err
	}
	defer lock.Unlock()

	name := "uv-" + triple + ext
	url := fmt.Sprintf("%s/astral-sh/uv/releases/download/%s/%s", g.base(), ver, name)
	own := OwnUV{Version: ver, Target: triple, URL: url}
	g.emit(Event{Phase: "checksum", Pct: -1})
	sum, err := g.checksum(ctx, url+".sha256", name)
	if err != nil {
		return OwnUV{}, err
	}
	own.SHA256 = sum

	work := filepath.Join(UVDir(g.DataDir), ".get-"+ver)
	platform.DeleteMade(work, workArea(g.DataDir)) // what a killed get-uv left
	if err := os.MkdirAll(work, 0o755); err != nil {
		return OwnUV{}, err
	}
	defer platform.DeleteMade(work, workArea(g.DataDir))
	archive := filepath.Join(work, name)
	var d Downloader
	if g.Downloader != nil {
		d = *g.Downloader
	}
	d.Cap = fetch.ArchiveCap // uv's archive is about 20 MB
	g.emit(Event{Line: "downloading " + fetch.Redact(url), Pct: -1})
	err = d.Download(ctx, url, archive, Checksum{Algo: "sha256", Hex: sum}, 0, func(done, total int64) {
		pct := -1.0
		if total > 0 {
			pct = 100 * float64(done) / float64(total)
		}
		g.emit(Event{Phase: "download", Pct: pct})
	})
	if err != nil {
		return OwnUV{}, err
	}
	g.emit(Event{Phase: "unpack", Pct: -1})
	f, err := OpenVerified(archive, Checksum{Algo: "sha256", Hex: sum})
	if err != nil {
		return OwnUV{}, err
	}
	unpacked := filepath.Join(work, "unpacked")
	if ext == ".zip" {
		err = ExtractZip(ctx, f, unpacked)
	} else {
		err = ExtractTarGz(ctx, f, unpacked)
	}
	f.Close()
	if err != nil {
		return OwnUV{}, err
	}
	exe := ""
	if strings.Contains(triple, "windows") {
		exe = ".exe"
	}
	dest := filepath.Join(UVDir(g.DataDir), ver)
	staged := filepath.Join(work, "staged")
	if err := os.MkdirAll(staged, 0o755); err != nil {
		return OwnUV{}, err
	}
	for _, tool := range []string{"uv", "uvx"} {
		src, err := findTool(unpacked, tool+exe)
		if err != nil {
			return OwnUV{}, fmt.Errorf("%s: %w", name, err)
		}
		if err := os.Rename(src, filepath.Join(staged, tool+exe)); err != nil {
			return OwnUV{}, err
		}
		os.Chmod(filepath.Join(staged, tool+exe), 0o755)
	}
	own.Path = filepath.Join(dest, "uv"+exe)
	g.emit(Event{Phase: "uv --version", Pct: -1})
	res, err := platform.Run(ctx, []string{filepath.Join(staged, "uv"+exe), "--version"}, platform.RunOptions{Timeout: 30 * time.Second})
	if err != nil || res.ExitCode != 0 {
		return OwnUV{}, fmt.Errorf("the uv from %s does not run here: %v %s", url, err, platform.LastLine(res.Stderr))
	}
	own.Reports = strings.TrimSpace(string(res.Stdout))
	g.emit(Event{Line: own.Reports, Pct: -1})
	if _, err := platform.DeleteMade(dest, workArea(g.DataDir)); err != nil {
		return OwnUV{}, err
	}
	if err := os.Rename(staged, dest); err != nil {
		return OwnUV{}, err
	}
	return own, nil
}

// checksum fetches a release asset's .sha256 file: "HEX *NAME" or
// "HEX  NAME", for the asset name.
func (g *UVGetter) checksum(ctx context.Context, url, name string) (string, error) {
	client := g.Client
	if client == nil {
		client = fetch.NewClient(30 * time.Second)
	}
	resp, err := fetch.Get(ctx, client, fetch.Request{URL: url, Limit: fetch.ChecksumCap})
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		return "", fmt.Errorf("no checksum for %s (%s: HTTP %d); uv is not installed without one", name, fetch.Redact(url), resp.Status)
	}
	fields := strings.Fields(string(resp.Body))
	if len(fields) < 1 || len(fields[0]) != 64 {
		return "", fmt.Errorf("%s is not a SHA-256 checksum file", url)
	}
	if _, err := hex.DecodeString(fields[0]); err != nil {
		return "", fmt.Errorf("%s is not a SHA-256 checksum file", url)
	}
	if len(fields) > 1 && strings.TrimPrefix(fields[1], "*") != name {
		return "", fmt.Errorf("%s is the checksum of %s, not of %s", url, fields[1], name)
	}
	return strings.ToLower(fields[0]), nil
}

// findTool finds an executable by name in an unpacked archive: at its top
// or one directory down (uv-<triple>/uv).
func findTool(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, "*", name)} {
		m, _ := filepath.Glob(p)
		for _, f := range m {
			if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() {
				return f, nil
			}
		}
	}
	return "", fmt.Errorf("the archive holds no %s", name)
}

// OwnUVs lists the uv releases in tools/uv/, newest first.
func OwnUVs(dataDir string) []string {
	entries, _ := os.ReadDir(UVDir(dataDir))
	var vs []*version.Version
	for _, e := range entries {
		if v, err := version.NewVersion(e.Name()); err == nil && e.IsDir() {
			vs = append(vs, v)
		}
	}
	sort.Sort(sort.Reverse(version.Collection(vs)))
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Original()
	}
	return out
}

// RemoveOwnUV deletes tools/uv/ and everything in it.
func RemoveOwnUV(dataDir string) error {
	_, err := platform.DeleteMade(UVDir(dataDir), workArea(dataDir))
	return err
}
