package installer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

// Record is one install attempt, as the store keeps it.
type Record struct {
	ID       int64     `json:"id"`
	Spec     string    `json:"spec"`
	Variant  string    `json:"variant"` // freethreaded | standard
	Method   string    `json:"method"`  // uv | python.org
	URL      string    `json:"url"`
	SHA256   string    `json:"sha256"`
	Path     string    `json:"path"` // the interpreter
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   string    `json:"status"` // running | ok | failed | cancelled
	LogPath  string    `json:"log"`
	Error    string    `json:"error"`
}

// Records keeps install attempts (the store implements it).
type Records interface {
	StartInstall(r Record) (int64, error)
	FinishInstall(r Record) error
	Installs() ([]Record, error)
	DeleteInstall(id int64) error
}

// Event is one step of progress: a phase with its percentage (-1 when
// unknown), or a line of a tool's output.
type Event struct {
	Phase string
	Pct   float64
	Line  string
}

// Installer installs interpreters into a data dir.
type Installer struct {
	DataDir    string
	Records    Records
	Site       *Site
	UV         *UV // nil when uv is not installed
	Downloader *Downloader
	Optimize   bool // --enable-optimizations for source builds
	Progress   func(Event)
}

// New wires an installer for a data dir: python.org or the mirror, and uv
// when it is installed.
func New(ctx context.Context, dataDir string, records Records, mirror string, progress func(Event)) (*Installer, error) {
	site, err := NewSite(mirror)
	if err != nil {
		return nil, err
	}
	in := &Installer{DataDir: dataDir, Records: records, Site: site, Progress: progress}
	if uv, ok := FindUV(ctx); ok {
		in.UV = &uv
	}
	return in, nil
}

// Routes says which install routes work here, and why not when one doesn't.
func (in *Installer) Routes() map[string]string {
	out := map[string]string{"uv": "", "python.org": ""}
	if in.UV == nil {
		out["uv"] = "uv is not installed (looked on PATH, ~/.local/bin and ~/.cargo/bin)"
	}
	if runtime.GOOS == "linux" {
		if missing, fix := MissingPrereqs(nil, nil); len(missing) > 0 {
			out["python.org"] = "a source build needs " + strings.Join(missing, ", ") + "; install them with: " + fix
		}
	}
	return out
}

func (in *Installer) emit(e Event) {
	if in.Progress != nil {
		in.Progress(e)
	}
}

// PythonsDir is where PyHangar's own installs live.
func (in *Installer) PythonsDir() string { return filepath.Join(in.DataDir, "pythons") }

// Install installs an interpreter for spec through via ("uv", "python.org",
// or "" for uv when present, else python.org), records the attempt, and
// returns the new interpreter as discovery identifies it.
func (in *Installer) Install(ctx context.Context, spec envs.Spec, via string) (_ envs.Interpreter, rec Record, err error) {
	if via == "" {
		via = "python.org"
		if in.UV != nil {
			via = "uv"
		}
	}
	if reason := in.Routes()[via]; reason != "" {
		return envs.Interpreter{}, rec, fmt.Errorf("the %s route cannot be used here: %s", via, reason)
	} else if _, known := in.Routes()[via]; !known {
		return envs.Interpreter{}, rec, fmt.Errorf("unknown route %q (uv or python.org)", via)
	}
	rec = Record{Spec: spec.String(), Variant: "standard", Method: via, Started: time.Now().UTC(), Status: "running"}
	if spec.FreeThreaded {
		rec.Variant = "freethreaded"
	}
	if err := os.MkdirAll(filepath.Join(in.DataDir, "logs"), 0o755); err != nil {
		return envs.Interpreter{}, rec, err
	}
	if rec.ID, err = in.Records.StartInstall(rec); err != nil {
		return envs.Interpreter{}, rec, err
	}
	rec.LogPath = filepath.Join(in.DataDir, "logs", fmt.Sprintf("install-%d-%s.log", rec.ID, spec))
	logFile, err := os.Create(rec.LogPath)
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	defer func() {
		logFile.Close()
		rec.Finished = time.Now().UTC()
		switch {
		case err == nil:
			rec.Status = "ok"
		case errors.Is(err, context.Canceled) || ctx.Err() != nil:
			rec.Status, rec.Error = "cancelled", "cancelled"
			err = fmt.Errorf("install cancelled: %w", context.Canceled)
		default:
			rec.Status, rec.Error = "failed", err.Error()
		}
		if ferr := in.Records.FinishInstall(rec); ferr != nil && err == nil {
			err = ferr
		}
	}()
	log := func(line string) {
		fmt.Fprintln(logFile, line)
		in.emit(Event{Line: line, Pct: -1})
	}

	var exe string
	switch via {
	case "uv":
		in.emit(Event{Phase: "uv python install", Pct: -1})
		exe, err = in.UV.Install(ctx, spec, log)
	case "python.org":
		exe, err = in.pythonOrg(ctx, spec, &rec, logFile, log)
	}
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	in.emit(Event{Phase: "identify", Pct: -1})
	probe := envs.Probe(ctx, exe, 0)
	if probe.Error != "" {
		return envs.Interpreter{}, rec, fmt.Errorf("the installed %s does not run: %s", exe, probe.Error)
	}
	if probe.Identity.FreeThreaded != spec.FreeThreaded {
		return envs.Interpreter{}, rec, fmt.Errorf("asked for a %s build of %s but %s is a %s build",
			buildName(spec.FreeThreaded), spec.Version, exe, buildName(probe.Identity.FreeThreaded))
	}
	rec.Path = exe
	src := "pyhangar"
	if via == "uv" {
		src = "uv"
	}
	return envs.Interpreter{Path: exe, Aliases: []string{}, Identity: probe.Identity, Source: src, Status: envs.StatusOK}, rec, nil
}

func buildName(ft bool) string {
	if ft {
		return "free-threaded"
	}
	return "standard (GIL)"
}

// pythonOrg installs from python.org's files for this OS.
func (in *Installer) pythonOrg(ctx context.Context, spec envs.Spec, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	in.emit(Event{Phase: "catalog", Pct: -1})
	cat, err := in.Site.Releases(ctx)
	if err != nil {
		return "", err
	}
	rel, ok := PickRelease(cat.Releases, spec)
	if !ok {
		return "", fmt.Errorf("python.org has no release matching %s", spec)
	}
	if spec.FreeThreaded && !rel.FreeThreaded {
		return "", fmt.Errorf("Python %s has no free-threaded build (they start with 3.13)", rel.Version)
	}
	files, err := in.Site.Files(ctx, rel.ID)
	if err != nil {
		return "", err
	}
	switch runtime.GOOS {
	case "linux", "freebsd":
		return in.fromSource(ctx, spec, rel, files, rec, logFile, log)
	case "windows":
		return in.windows(ctx, spec, rel, files, rec, log)
	case "darwin":
		return in.macOS(ctx, spec, rel, files, rec, log)
	}
	return "", fmt.Errorf("no python.org route for %s", runtime.GOOS)
}

// PickRelease chooses the release for a spec: the exact version, or the
// newest final release of the minor version.
func PickRelease(rels []Release, spec envs.Spec) (Release, bool) {
	for _, r := range rels { // newest first
		if r.Version == spec.Version {
			return r, true
		}
		if !r.PreRelease && strings.HasPrefix(r.Version, spec.Version+".") && strings.Count(spec.Version, ".") == 1 {
			return r, true
		}
	}
	return Release{}, false
}

func (in *Installer) download(ctx context.Context, f File, rec *Record, log func(string)) (string, error) {
	if f.Checksum.Weak() {
		log("warning: python.org lists only an MD5 checksum for " + f.Name + "; it is checked, but MD5 is weak")
	}
	rec.URL, rec.SHA256 = f.URL, f.Checksum.Hex
	dir := filepath.Join(in.DataDir, "downloads")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dest := filepath.Join(dir, filepath.Base(f.URL))
	log("downloading " + f.URL)
	d := in.Downloader
	if d == nil {
		d = &Downloader{}
	}
	err := d.Download(ctx, f.URL, dest, f.Checksum, f.Size, func(done, total int64) {
		pct := -1.0
		if total > 0 {
			pct = 100 * float64(done) / float64(total)
		}
		in.emit(Event{Phase: "download", Pct: pct})
	})
	if err != nil {
		return "", err
	}
	log(fmt.Sprintf("verified %s (%s %s)", dest, f.Checksum.Algo, f.Checksum.Hex))
	return dest, nil
}

// fromSource builds python.org's source tarball (Linux has no binaries).
func (in *Installer) fromSource(ctx context.Context, spec envs.Spec, rel Release, files []File, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	if missing, fix := MissingPrereqs(nil, nil); len(missing) > 0 {
		return "", fmt.Errorf("a source build needs %s; install them with: %s", strings.Join(missing, ", "), fix)
	}
	f, ok := SourceTarball(files, rel.Version)
	if !ok {
		return "", fmt.Errorf("python.org lists no Python-%s.tar.xz", rel.Version)
	}
	name := "cpython-" + rel.Version
	if spec.FreeThreaded {
		name += "t"
	}
	prefix := filepath.Join(in.PythonsDir(), name)
	if _, err := os.Lstat(prefix); err == nil {
		return "", fmt.Errorf("%s is already installed at %s (pyhangar uninstall %s first to reinstall)", name, prefix, spec)
	}
	tarball, err := in.download(ctx, f, rec, log)
	if err != nil {
		return "", err
	}
	defer os.Remove(tarball)
	if err := os.MkdirAll(filepath.Join(in.DataDir, "build"), 0o755); err != nil {
		return "", err
	}
	work, err := os.MkdirTemp(filepath.Join(in.DataDir, "build"), name+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	in.emit(Event{Phase: "extract", Pct: -1})
	if err := ExtractTarXZ(ctx, tarball, work); err != nil {
		return "", err
	}
	src := filepath.Join(work, "Python-"+rel.Version)
	if _, err := os.Stat(filepath.Join(src, "configure")); err != nil {
		return "", fmt.Errorf("the tarball has no Python-%s/configure", rel.Version)
	}
	err = BuildSource(ctx, src, BuildOptions{Prefix: prefix, FreeThreaded: spec.FreeThreaded, Optimize: in.Optimize, Log: logFile,
		Progress: func(phase string, pct float64) { in.emit(Event{Phase: phase, Pct: pct}) }})
	if err != nil {
		os.RemoveAll(prefix) // no half install
		return "", err
	}
	exe := InterpreterIn(prefix, rel.Version, spec.FreeThreaded)
	if _, err := os.Stat(exe); err != nil {
		os.RemoveAll(prefix)
		return "", fmt.Errorf("the build finished but %s is missing", exe)
	}
	return exe, nil
}

func (in *Installer) windows(ctx context.Context, spec envs.Spec, rel Release, files []File, rec *Record, log func(string)) (string, error) {
	arch := "amd64"
	if runtime.GOARCH == "arm64" {
		arch = "arm64"
	}
	f, ok := WindowsInstaller(files, rel.Version, arch)
	if !ok {
		return "", fmt.Errorf("python.org lists no %s installer for %s", arch, rel.Version)
	}
	exeFile, err := in.download(ctx, f, rec, log)
	if err != nil {
		return "", err
	}
	defer os.Remove(exeFile)
	target := filepath.Join(in.PythonsDir(), "cpython-"+rel.Version)
	logPath := filepath.Join(in.DataDir, "logs", fmt.Sprintf("windows-installer-%d.log", rec.ID))
	in.emit(Event{Phase: "install", Pct: -1})
	res, err := platform.Run(ctx, WindowsInstallArgs(exeFile, target, logPath), platform.RunOptions{})
	if err != nil {
		return "", err
	}
	ok, reboot := WindowsExitOK(res.ExitCode)
	if !ok {
		tail, _ := os.ReadFile(logPath)
		return "", fmt.Errorf("the installer failed (exit code %d): %s", res.ExitCode, platform.LastLine(tail))
	}
	if reboot {
		log("the installer finished; Windows needs a restart to complete it")
	}
	exe := filepath.Join(target, "python.exe")
	if spec.FreeThreaded {
		exe = WindowsFreeThreadedExe(target, rel.Version)
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}

func (in *Installer) macOS(ctx context.Context, spec envs.Spec, rel Release, files []File, rec *Record, log func(string)) (string, error) {
	f, ok := MacInstaller(files, rel.Version)
	if !ok {
		return "", fmt.Errorf("python.org lists no macOS package for %s", rel.Version)
	}
	pkg, err := in.download(ctx, f, rec, log)
	if err != nil {
		return "", err
	}
	defer os.Remove(pkg)
	choices := filepath.Join(filepath.Dir(pkg), fmt.Sprintf("choices-%d.plist", rec.ID))
	if err := os.WriteFile(choices, []byte(MacChoiceChanges(rel.Version)), 0o644); err != nil {
		return "", err
	}
	defer os.Remove(choices)
	in.emit(Event{Phase: "install (the system asks for your password)", Pct: -1})
	res, err := platform.Run(ctx, MacInstallArgs(pkg, choices), platform.RunOptions{OnLine: log})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("the installer failed: %s", platform.LastLine(res.Stderr))
	}
	exe := MacFreeThreadedExe(rel.Version)
	if !spec.FreeThreaded {
		exe = "/Library/Frameworks/Python.framework/Versions/" + minorOf(rel.Version) + "/bin/python" + minorOf(rel.Version)
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}

// Uninstall removes one of PyHangar's own installs (by spec or interpreter
// path): its directory and its record. Anything else is refused, with the
// official way to remove it.
func (in *Installer) Uninstall(ctx context.Context, target string) (Record, error) {
	recs, err := in.Records.Installs()
	if err != nil {
		return Record{}, err
	}
	abs, _ := filepath.Abs(target)
	for _, r := range recs {
		if r.Status != "ok" || (r.Spec != target && r.Path != abs && r.Path != target) {
			continue
		}
		if r.Method == "uv" {
			if in.UV == nil {
				return r, fmt.Errorf("%s was installed with uv, which is no longer here", r.Path)
			}
			spec, _ := envs.ParseSpec(r.Spec)
			if _, err := in.UV.run(ctx, nil, "python", "uninstall", UVRequest(spec), "--color", "never"); err != nil {
				return r, err
			}
			return r, in.Records.DeleteInstall(r.ID)
		}
		prefix, ok := in.ownPrefix(r.Path)
		if !ok {
			return r, fmt.Errorf("%s is not under %s; refusing to delete it", r.Path, in.PythonsDir())
		}
		if err := os.RemoveAll(prefix); err != nil {
			return r, err
		}
		return r, in.Records.DeleteInstall(r.ID)
	}
	return Record{}, fmt.Errorf("%s is not an interpreter PyHangar installed; %s", target, officialRemoval(target))
}

// ownPrefix returns the install dir under PythonsDir holding exe.
func (in *Installer) ownPrefix(exe string) (string, bool) {
	root := filepath.Clean(in.PythonsDir()) + string(filepath.Separator)
	if !strings.HasPrefix(exe, root) {
		return "", false
	}
	first := strings.SplitN(strings.TrimPrefix(exe, root), string(filepath.Separator), 2)[0]
	if first == "" || first == "." || first == ".." {
		return "", false
	}
	return filepath.Join(in.PythonsDir(), first), true
}

// officialRemoval names the way to remove an interpreter PyHangar did not
// install.
func officialRemoval(target string) string {
	t := strings.ToLower(filepath.ToSlash(target))
	switch {
	case strings.Contains(t, "/uv/python/"):
		return "it is uv's: remove it with 'uv python uninstall'"
	case strings.Contains(t, "/.pyenv/"):
		return "it is pyenv's: remove it with 'pyenv uninstall'"
	case strings.Contains(t, "pythont.framework") || strings.Contains(t, "python.framework"):
		return "it is the python.org macOS framework: delete its /Library/Frameworks/Python(T).framework/Versions/X.Y directory and the /usr/local/bin links"
	case strings.Contains(t, "/programs/python/") || strings.Contains(t, "/pythoncore-"):
		return "it is a python.org Windows install: use Settings > Apps, or run its installer with /uninstall"
	case strings.HasPrefix(t, "/usr/bin/") || strings.HasPrefix(t, "/bin/"):
		return "it belongs to the system: use the system's package manager"
	}
	return "remove it the way it was installed"
}
