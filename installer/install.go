package installer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Route is a way to get an interpreter.
type Route string

const (
	// RouteUV runs uv python install: a prebuilt build, in seconds.
	RouteUV Route = "uv"
	// RoutePythonOrg uses python.org's files: a source build on Linux,
	// the official installer on Windows and macOS.
	RoutePythonOrg Route = "python.org"
)

// Routes are every route, in the order they are offered.
var Routes = []Route{RouteUV, RoutePythonOrg}

// Status is how an install attempt stands. Its JSON is the text of the
// constant.
type Status string

const (
	// StatusRunning: under way (or its process died: see Sweep).
	StatusRunning Status = "running"
	// StatusOK: installed; the record owns what it installed.
	StatusOK Status = "ok"
	// StatusFailed: stopped by an error, which the record keeps.
	StatusFailed Status = "failed"
	// StatusCancelled: stopped by the user (Cancel, Ctrl+C, SIGTERM).
	StatusCancelled Status = "cancelled"
	// StatusInterrupted: its process died (killed, or its last database
	// write failed); Sweep finds and clears them.
	StatusInterrupted Status = "interrupted"
)

// Variant is the build an attempt installs.
type Variant string

const (
	VariantFreeThreaded Variant = "freethreaded"
	VariantStandard     Variant = "standard"
)

// variantOf is the variant a spec asks for.
func variantOf(spec envs.Spec) Variant {
	if spec.FreeThreaded {
		return VariantFreeThreaded
	}
	return VariantStandard
}

// Record is one install attempt, as the store keeps it.
type Record struct {
	ID      int64   `json:"id"`
	Spec    string  `json:"spec"`
	Variant Variant `json:"variant"`
	Method  Route   `json:"method"`
	// Target names what the attempt installs into and locks:
	// cpython-3.13.5t (a directory under pythons/), uv-3.14t.
	Target   string    `json:"target"`
	Key      string    `json:"key"` // uv's key for its install
	URL      string    `json:"url"`
	SHA256   string    `json:"sha256"`
	Path     string    `json:"path"` // the interpreter
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   Status    `json:"status"`
	LogPath  string    `json:"log"`
	Error    string    `json:"error"`
}

// Duration is how long a finished attempt took.
func (r Record) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// Records keeps install attempts (the store implements it).
type Records interface {
	StartInstall(ctx context.Context, r Record) (int64, error)
	FinishInstall(ctx context.Context, r Record) error
	Installs(ctx context.Context) ([]Record, error)
	DeleteInstall(ctx context.Context, id int64) error
}

// Event is one step of progress: a phase with its percentage (-1 when
// unknown), or a line of a tool's output.
type Event struct {
	Phase string
	Pct   float64
	Line  string
	// LogFile, in the event that opens an install's log, is its path.
	LogFile string
}

// BusyError says another process is installing the same thing.
type BusyError struct {
	What string // 3.13.5t
	PID  int
}

func (e *BusyError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("another install of %s is running (pid %d); wait for it, or pass --wait", e.What, e.PID)
	}
	return fmt.Sprintf("another install of %s is running; wait for it, or pass --wait", e.What)
}

// Installer installs interpreters into a data dir.
type Installer struct {
	DataDir string
	Records Records
	// Catalog keeps what the site said, for use offline; may be nil.
	Catalog    CatalogCache
	Site       *Site
	UV         *UV // nil when uv is not installed
	Downloader *Downloader
	Optimize   bool // --enable-optimizations for source builds
	// Wait makes an install of something another process is installing
	// wait for it instead of failing with a *BusyError.
	Wait     bool
	Progress func(Event)
}

// New wires an installer for a data dir: python.org or the mirror, and uv
// when it is installed.
func New(ctx context.Context, dataDir string, records Records, mirror string, progress func(Event)) (*Installer, error) {
	site, err := NewSite(mirror)
	if err != nil {
		return nil, err
	}
	in := &Installer{DataDir: dataDir, Records: records, Site: site, Progress: progress}
	if c, ok := records.(CatalogCache); ok { // the store keeps both
		in.Catalog = c
	}
	if uv, ok := FindUV(ctx, dataDir); ok {
		in.UV = &uv
	}
	return in, nil
}

// Unavailable says why each route cannot be used here ("" when it can).
func (in *Installer) Unavailable() map[Route]string {
	out := map[Route]string{RouteUV: "", RoutePythonOrg: ""}
	if in.UV == nil {
		out[RouteUV] = "uv is not installed (looked on PATH, ~/.local/bin and ~/.cargo/bin); get it with: pyhangar get-uv"
	}
	if runtime.GOOS == "linux" {
		if missing, fix := MissingPrereqs(nil, nil); len(missing) > 0 {
			out[RoutePythonOrg] = "a source build needs " + strings.Join(missing, ", ") + "; install them with: " + fix
		}
	}
	return out
}

// DefaultRoute is uv when it is installed, else python.org.
func (in *Installer) DefaultRoute() Route {
	if in.UV != nil {
		return RouteUV
	}
	return RoutePythonOrg
}

func (in *Installer) emit(e Event) {
	if in.Progress != nil {
		in.Progress(e)
	}
}

// PythonsDir is where PyHangar's own installs live.
func (in *Installer) PythonsDir() string { return filepath.Join(in.DataDir, "pythons") }

func lockPath(dataDir, target string) string {
	return filepath.Join(dataDir, "locks", "install-"+target+".lock")
}

func downloadDir(dataDir, target string) string {
	return filepath.Join(dataDir, "downloads", target)
}

// job is an install worked out before anything is written: what it
// installs into and, for python.org, the release and its files.
type job struct {
	spec   envs.Spec
	route  Route
	target string
	what   string // shown in messages: 3.13.5t
	rel    Release
	files  []File
	// local is a file the user brought (install --from), and sum what it
	// must hash to; otherwise the file is downloaded.
	local string
	sum   Checksum
}

// targetFor names what installing spec's release rel installs into.
func targetFor(rel pyversion.Version, spec envs.Spec) (target, what string) {
	what = envs.Spec{Version: rel, FreeThreaded: spec.FreeThreaded}.String()
	switch runtime.GOOS {
	case "windows":
		// One official install holds both builds.
		return "cpython-" + string(rel), what
	case "darwin":
		return "macos-" + string(rel), what
	}
	return "cpython-" + what, what
}

// plan works out the job for spec by route: the exact release comes from
// the catalog, so a python.org plan fetches it.
func (in *Installer) plan(ctx context.Context, spec envs.Spec, route Route) (job, error) {
	j := job{spec: spec, route: route, what: spec.String()}
	if route == RouteUV {
		j.target = "uv-" + UVRequest(spec)
		return j, nil
	}
	in.emit(Event{Phase: "catalog", Pct: -1})
	cat, err := in.Site.Releases(ctx)
	if err != nil {
		return j, err
	}
	rel, ok := PickRelease(cat.Releases, spec)
	if !ok {
		return j, fmt.Errorf("python.org has no release matching %s", spec)
	}
	if spec.FreeThreaded && !rel.FreeThreaded {
		return j, fmt.Errorf("Python %s has no free-threaded build (they start with 3.13)", rel.Version)
	}
	if j.files, err = in.Site.CachedFiles(ctx, in.Catalog, rel.ID); err != nil {
		return j, err
	}
	j.rel = rel
	j.target, j.what = targetFor(rel.Version, spec)
	return j, nil
}

// Install installs an interpreter for spec through route ("" for uv when
// present, else python.org), records the attempt, and returns the new
// interpreter as discovery identifies it. Only one process at a time
// installs a given target: another gets a *BusyError (or, with Wait, waits
// and is then given what the first installed).
func (in *Installer) Install(ctx context.Context, spec envs.Spec, route Route) (_ envs.Interpreter, rec Record, err error) {
	if route == "" {
		route = in.DefaultRoute()
	}
	reason, known := in.Unavailable()[route]
	if !known {
		return envs.Interpreter{}, rec, fmt.Errorf("unknown route %q (uv or python.org)", route)
	}
	if reason != "" {
		return envs.Interpreter{}, rec, fmt.Errorf("the %s route cannot be used here: %s", route, reason)
	}
	rec = Record{Spec: spec.String(), Variant: variantOf(spec), Method: route, Started: time.Now().UTC(), Status: StatusRunning}
	j, err := in.plan(ctx, spec, route)
	if err != nil {
		return envs.Interpreter{}, rec, in.recordFailure(ctx, rec, err)
	}
	return in.run(ctx, j, rec)
}

// run carries a job out: it takes the target's lock, records the attempt
// and installs.
func (in *Installer) run(ctx context.Context, j job, attempt Record) (_ envs.Interpreter, rec Record, err error) {
	spec, route := j.spec, j.route
	rec = attempt
	rec.Target = j.target

	lock, err := platform.TryLock(lockPath(in.DataDir, j.target))
	var held *platform.LockedError
	waited := false
	if errors.As(err, &held) {
		if !in.Wait {
			return envs.Interpreter{}, rec, &BusyError{What: j.what, PID: held.PID}
		}
		in.emit(Event{Phase: fmt.Sprintf("waiting for another install of %s (pid %d)", j.what, held.PID), Pct: -1})
		lock, err = platform.WaitLock(ctx, lockPath(in.DataDir, j.target), nil)
		waited = true
	}
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	defer lock.Unlock()
	if waited {
		// The process waited for may have installed it.
		if done, ok := in.installed(ctx, j.target); ok {
			if got, err := envs.Identify(ctx, done.Path, sourceOf(route), 0); err == nil && got.FreeThreaded == spec.FreeThreaded {
				in.emit(Event{Line: "installed by the other process: " + done.Path, Pct: -1})
				return got, done, nil
			}
		}
	}

	if err := os.MkdirAll(filepath.Join(in.DataDir, "logs"), 0o755); err != nil {
		return envs.Interpreter{}, rec, err
	}
	if rec.ID, err = in.Records.StartInstall(ctx, rec); err != nil {
		return envs.Interpreter{}, rec, err
	}
	rec.LogPath = filepath.Join(in.DataDir, "logs", fmt.Sprintf("install-%d-%s.log", rec.ID, spec))
	logFile, err := os.Create(rec.LogPath)
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	in.emit(Event{Phase: "starting", Pct: -1, LogFile: rec.LogPath})
	defer func() {
		logFile.Close()
		rec.Finished = time.Now().UTC()
		switch {
		case err == nil:
			rec.Status = StatusOK
		case errors.Is(err, context.Canceled) || ctx.Err() != nil:
			rec.Status, rec.Error = StatusCancelled, "cancelled"
			err = fmt.Errorf("install cancelled: %w", context.Canceled)
		default:
			rec.Status, rec.Error = StatusFailed, err.Error()
		}
		// How it ended is recorded even when it ended by a cancel.
		if ferr := in.Records.FinishInstall(context.WithoutCancel(ctx), rec); ferr != nil && err == nil {
			// Unrecorded, the install would be unknown to uninstall: take
			// it back; what is left is swept at the next start.
			in.discard(j)
			err = fmt.Errorf("recording the install: %w", ferr)
		}
	}()
	log := func(line string) {
		fmt.Fprintln(logFile, line)
		in.emit(Event{Line: line, Pct: -1})
	}

	var exe string
	switch route {
	case RouteUV:
		in.emit(Event{Phase: "uv python install", Pct: -1})
		var fresh bool
		exe, rec.Key, fresh, err = in.UV.Install(ctx, spec, log)
		if err == nil && !fresh {
			log("uv had " + rec.Key + " already; it stays uv's to remove")
			rec.Key = ""
		}
	case RoutePythonOrg:
		exe, err = in.pythonOrg(ctx, j, &rec, logFile, log)
	}
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	in.emit(Event{Phase: "identify", Pct: -1})
	got, err := envs.Identify(ctx, exe, sourceOf(route), 0)
	if err != nil {
		return envs.Interpreter{}, rec, fmt.Errorf("the installed interpreter does not run: %w", err)
	}
	if got.FreeThreaded != spec.FreeThreaded {
		return envs.Interpreter{}, rec, fmt.Errorf("asked for a %s build of %s but %s is a %s build",
			pyversion.BuildName(spec.FreeThreaded), spec.Version, exe, got.Build())
	}
	rec.Path = exe
	if err := in.forgetOlder(ctx, rec); err != nil {
		return envs.Interpreter{}, rec, fmt.Errorf("recording the install: %w", err)
	}
	return got, rec, nil
}

func sourceOf(route Route) platform.Source {
	if route == RouteUV {
		return platform.SourceUV
	}
	return platform.SourcePyHangar
}

// recordFailure records an attempt that failed before it started work.
func (in *Installer) recordFailure(ctx context.Context, rec Record, err error) error {
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return fmt.Errorf("install cancelled: %w", context.Canceled)
	}
	rec.Status, rec.Error, rec.Finished = StatusFailed, err.Error(), time.Now().UTC()
	id, serr := in.Records.StartInstall(ctx, rec)
	if serr == nil {
		rec.ID = id
		serr = in.Records.FinishInstall(ctx, rec)
	}
	if serr != nil {
		return fmt.Errorf("%w (and recording the failed attempt failed too: %v)", err, serr)
	}
	return err
}

// installed returns the successful install of target, if there is one.
func (in *Installer) installed(ctx context.Context, target string) (Record, bool) {
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return Record{}, false
	}
	for _, r := range recs {
		if r.Target == target && r.Status == StatusOK {
			if _, err := os.Stat(r.Path); err == nil {
				return r, true
			}
		}
	}
	return Record{}, false
}

// forgetOlder drops earlier records of the same uv install (uv installs
// a key once; installing it again only finds it), so one record stays.
func (in *Installer) forgetOlder(ctx context.Context, rec Record) error {
	if rec.Key == "" {
		return nil
	}
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.ID != rec.ID && r.Key == rec.Key && r.Status == StatusOK {
			if err := in.Records.DeleteInstall(ctx, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// discard removes what a job wrote under the data dir.
func (in *Installer) discard(j job) {
	if j.route == RoutePythonOrg && runtime.GOOS != "darwin" {
		platform.RemoveAll(filepath.Join(in.PythonsDir(), j.target))
	}
}

// pythonOrg installs from python.org's files for this OS.
func (in *Installer) pythonOrg(ctx context.Context, j job, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	switch runtime.GOOS {
	case "linux", "freebsd":
		return in.fromSource(ctx, j, rec, logFile, log)
	case "windows":
		return in.windows(ctx, j, rec, log)
	case "darwin":
		return in.macOS(ctx, j, rec, log)
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
		if !r.PreRelease && r.Version.In(spec.Version) && strings.Count(string(spec.Version), ".") == 1 {
			return r, true
		}
	}
	return Release{}, false
}

// download fetches a file into the job's own download dir (only the
// process holding the job's lock writes there) and returns its path. A
// transfer that fails part-way is resumed by the next attempt.
func (in *Installer) download(ctx context.Context, j job, f File, rec *Record, log func(string)) (string, error) {
	if f.Checksum.Weak() {
		log("warning: python.org lists only an MD5 checksum for " + f.Name + "; it is checked, but MD5 is weak")
	}
	rec.URL, rec.SHA256 = f.URL, f.Checksum.Hex
	dir := downloadDir(in.DataDir, j.target)
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
		os.Remove(dir) // when empty: a part file to resume from stays
		return "", err
	}
	log(fmt.Sprintf("verified %s (%s %s)", dest, f.Checksum.Algo, f.Checksum.Hex))
	return dest, nil
}

// obtain gives the job's file and what it must hash to: the file the user
// brought, or the one pick chooses among the release's files, downloaded.
// done removes what the download left.
func (in *Installer) obtain(ctx context.Context, j job, rec *Record, log func(string), pick func([]File) (File, bool), name string) (path string, sum Checksum, done func(), err error) {
	if j.local != "" {
		rec.URL, rec.SHA256 = "file://"+filepath.ToSlash(j.local), j.sum.Hex
		log(fmt.Sprintf("installing from %s (%s %s)", j.local, j.sum.Algo, j.sum.Hex))
		return j.local, j.sum, func() {}, nil
	}
	f, ok := pick(j.files)
	if !ok {
		return "", Checksum{}, nil, fmt.Errorf("python.org lists no %s", name)
	}
	path, err = in.download(ctx, j, f, rec, log)
	if err != nil {
		return "", Checksum{}, nil, err
	}
	return path, f.Checksum, func() { platform.RemoveAll(downloadDir(in.DataDir, j.target)) }, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// fromSource builds python.org's source tarball (Linux has no binaries).
func (in *Installer) fromSource(ctx context.Context, j job, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	if missing, fix := MissingPrereqs(nil, nil); len(missing) > 0 {
		return "", fmt.Errorf("a source build needs %s; install them with: %s", strings.Join(missing, ", "), fix)
	}
	prefix := filepath.Join(in.PythonsDir(), j.target)
	if _, err := os.Lstat(prefix); err == nil {
		if done, ok := in.installed(ctx, j.target); ok {
			return "", fmt.Errorf("%s is already installed at %s (pyhangar uninstall %s first to reinstall)", j.target, done.Path, j.what)
		}
		// No install owns it: the remains of an attempt that died.
		log("removing the remains of an earlier attempt: " + prefix)
		if err := platform.RemoveAll(prefix); err != nil {
			return "", err
		}
	}
	tarball, sum, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return SourceTarball(files, j.rel.Version) },
		"Python-"+string(j.rel.Version)+".tar.xz")
	if err != nil {
		return "", err
	}
	defer done()
	if err := os.MkdirAll(filepath.Join(in.DataDir, "build"), 0o755); err != nil {
		return "", err
	}
	work, err := os.MkdirTemp(filepath.Join(in.DataDir, "build"), j.target+"-")
	if err != nil {
		return "", err
	}
	defer platform.RemoveAll(work)
	in.emit(Event{Phase: "extract", Pct: -1})
	archive, err := OpenVerified(tarball, sum)
	if err != nil {
		return "", err
	}
	err = ExtractTarXZ(ctx, archive, work)
	archive.Close()
	if err != nil {
		return "", err
	}
	src := filepath.Join(work, "Python-"+string(j.rel.Version))
	if _, err := os.Stat(filepath.Join(src, "configure")); err != nil {
		return "", fmt.Errorf("the tarball has no Python-%s/configure", j.rel.Version)
	}
	err = BuildSource(ctx, src, BuildOptions{Prefix: prefix, FreeThreaded: j.spec.FreeThreaded, Optimize: in.Optimize, Log: logFile,
		Progress: func(phase string, pct float64) { in.emit(Event{Phase: phase, Pct: pct}) }})
	if err != nil {
		platform.RemoveAll(prefix) // no half install
		return "", err
	}
	exe := InterpreterIn(prefix, j.rel.Version, j.spec.FreeThreaded)
	if _, err := os.Stat(exe); err != nil {
		platform.RemoveAll(prefix)
		return "", fmt.Errorf("the build finished but %s is missing", exe)
	}
	return exe, nil
}

// installersDir keeps the official Windows installers: uninstalling runs
// the same installer again.
func (in *Installer) installersDir() string { return filepath.Join(in.DataDir, "installers") }

func (in *Installer) windows(ctx context.Context, j job, rec *Record, log func(string)) (string, error) {
	arch := "amd64"
	if runtime.GOARCH == "arm64" {
		arch = "arm64"
	}
	target := filepath.Join(in.PythonsDir(), j.target)
	exe := filepath.Join(target, "python.exe")
	if j.spec.FreeThreaded {
		exe = WindowsFreeThreadedExe(target, j.rel.Version)
	}
	if _, err := os.Stat(exe); err == nil {
		return exe, nil // the official install holds both builds
	}
	dl, sum, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return WindowsInstaller(files, j.rel.Version, arch) },
		"python-"+string(j.rel.Version)+"-"+arch+".exe")
	if err != nil {
		return "", err
	}
	defer done()
	if err := os.MkdirAll(in.installersDir(), 0o755); err != nil {
		return "", err
	}
	// The installer is kept (uninstalling runs it again), and checked once
	// more where it runs from.
	kept := filepath.Join(in.installersDir(), filepath.Base(dl))
	if err := copyFile(dl, kept); err != nil {
		return "", err
	}
	verified, err := OpenVerified(kept, sum)
	if err != nil {
		os.Remove(kept)
		return "", err
	}
	defer verified.Close()
	logPath := filepath.Join(in.DataDir, "logs", fmt.Sprintf("windows-installer-%d.log", rec.ID))
	in.emit(Event{Phase: "install", Pct: -1})
	res, err := platform.Run(ctx, WindowsInstallArgs(kept, target, logPath), platform.RunOptions{})
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
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}

func (in *Installer) macOS(ctx context.Context, j job, rec *Record, log func(string)) (string, error) {
	pkg, sum, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return MacInstaller(files, j.rel.Version) },
		"the macOS package of "+string(j.rel.Version))
	if err != nil {
		return "", err
	}
	defer done()
	verified, err := OpenVerified(pkg, sum)
	if err != nil {
		return "", err
	}
	defer verified.Close()
	choices := filepath.Join(downloadDir(in.DataDir, j.target), fmt.Sprintf("choices-%d.plist", rec.ID))
	if err := os.MkdirAll(filepath.Dir(choices), 0o755); err != nil {
		return "", err
	}
	defer os.Remove(filepath.Dir(choices)) // when empty
	defer os.Remove(choices)
	if err := os.WriteFile(choices, []byte(MacChoiceChanges(j.rel.Version)), 0o644); err != nil {
		return "", err
	}
	in.emit(Event{Phase: "install (the system asks for your password)", Pct: -1})
	res, err := platform.Run(ctx, MacInstallArgs(pkg, choices), platform.RunOptions{OnLine: log})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("the installer failed: %s", platform.LastLine(res.Stderr))
	}
	exe := MacFreeThreadedExe(j.rel.Version)
	if !j.spec.FreeThreaded {
		m := string(j.rel.Version.Minor())
		exe = "/Library/Frameworks/Python.framework/Versions/" + m + "/bin/python" + m
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("the installer finished but %s is missing", exe)
	}
	return exe, nil
}

// Uninstall removes one of PyHangar's own installs (by spec or interpreter
// path) and its record: uv's exact install through uv, a Windows install
// through its installer's uninstall, a source build by deleting its
// directory under pythons/. Anything else is refused, with the official
// way to remove it.
func (in *Installer) Uninstall(ctx context.Context, target string) (Record, error) {
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return Record{}, err
	}
	abs, _ := filepath.Abs(target)
	for _, r := range recs {
		if r.Status != StatusOK || (r.Spec != target && r.Path != abs && r.Path != target) {
			continue
		}
		lock, err := platform.TryLock(lockPath(in.DataDir, r.Target))
		var held *platform.LockedError
		if errors.As(err, &held) {
			return r, &BusyError{What: r.Spec, PID: held.PID}
		}
		if err != nil {
			return r, err
		}
		defer lock.Unlock()
		switch {
		case r.Method == RouteUV:
			if in.UV == nil {
				return r, fmt.Errorf("%s was installed with uv, which is no longer here", r.Path)
			}
			if r.Key == "" {
				key := r.Spec
				if list, err := in.UV.Installed(ctx); err == nil {
					if k := keyOf(list, r.Path); k != "" {
						key = k
					}
				}
				return r, fmt.Errorf("PyHangar did not install %s itself (uv had it already, or an older PyHangar did not record it); remove it with: uv python uninstall %s", r.Path, key)
			}
			if err := in.UV.Uninstall(ctx, r.Key); err != nil {
				return r, err
			}
		case runtime.GOOS == "windows":
			if err := in.windowsUninstall(ctx, r); err != nil {
				return r, err
			}
		default:
			prefix, ok := in.ownPrefix(r.Path)
			if !ok {
				return r, fmt.Errorf("%s is not under %s; refusing to delete it", r.Path, in.PythonsDir())
			}
			if err := platform.RemoveAll(prefix); err != nil {
				return r, err
			}
		}
		// Every record of what was removed goes (on Windows one install
		// holds both builds).
		for _, o := range recs {
			if o.ID == r.ID || (o.Status == StatusOK && o.Target == r.Target && r.Target != "" && r.Method == RoutePythonOrg) {
				if err := in.Records.DeleteInstall(ctx, o.ID); err != nil {
					return r, err
				}
			}
		}
		return r, nil
	}
	return Record{}, fmt.Errorf("%s is not an interpreter PyHangar installed; %s", target, officialRemoval(target))
}

// windowsUninstall runs the official installer PyHangar kept with its
// documented uninstall switch.
func (in *Installer) windowsUninstall(ctx context.Context, r Record) error {
	exe := filepath.Join(in.installersDir(), baseOfURL(r.URL))
	if _, err := os.Stat(exe); err != nil {
		return fmt.Errorf("the installer of %s (%s) is gone; remove it in Settings > Apps", r.Path, exe)
	}
	logPath := filepath.Join(in.DataDir, "logs", fmt.Sprintf("windows-uninstall-%d.log", r.ID))
	res, err := platform.Run(ctx, WindowsUninstallArgs(exe, logPath), platform.RunOptions{})
	if err != nil {
		return err
	}
	if ok, _ := WindowsExitOK(res.ExitCode); !ok {
		tail, _ := os.ReadFile(logPath)
		return fmt.Errorf("the uninstaller failed (exit code %d): %s", res.ExitCode, platform.LastLine(tail))
	}
	return os.Remove(exe)
}

func baseOfURL(u string) string { return u[strings.LastIndex(u, "/")+1:] }

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

// Sweep finds install attempts left "running" by a process that is gone
// (killed, or its last database write failed): their lock is free. It
// removes what they left in build/, downloads/ and pythons/ and marks them
// interrupted, so the next install starts clean. Attempts whose process
// still runs hold their lock and are left alone.
func Sweep(ctx context.Context, dataDir string, records Records) ([]Record, error) {
	recs, err := records.Installs(ctx)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{} // targets a successful install owns
	for _, r := range recs {
		if r.Status == StatusOK {
			owned[r.Target] = true
		}
	}
	var swept []Record
	for _, r := range recs {
		if r.Status != StatusRunning {
			continue
		}
		if r.Target != "" {
			lock, err := platform.TryLock(lockPath(dataDir, r.Target))
			if err != nil {
				continue // its process still runs
			}
			platform.RemoveAll(downloadDir(dataDir, r.Target))
			builds, _ := filepath.Glob(filepath.Join(dataDir, "build", r.Target+"-*"))
			for _, b := range builds {
				platform.RemoveAll(b)
			}
			if !owned[r.Target] && r.Method == RoutePythonOrg && runtime.GOOS != "darwin" {
				platform.RemoveAll(filepath.Join(dataDir, "pythons", r.Target))
			}
			lock.Unlock()
		}
		r.Status, r.Finished = StatusInterrupted, time.Now().UTC()
		if r.Error == "" {
			r.Error = "interrupted: its process ended before the install finished"
		}
		if err := records.FinishInstall(ctx, r); err != nil {
			return swept, err
		}
		swept = append(swept, r)
	}
	return swept, nil
}

// Estimate is how long an install by route took on this machine: the
// median of its earlier successful installs; ok is false when there were
// none.
func Estimate(recs []Record, route Route) (d time.Duration, ok bool) {
	var ds []time.Duration
	for _, r := range recs {
		if r.Status == StatusOK && r.Method == route && r.Duration() > 0 {
			ds = append(ds, r.Duration())
		}
	}
	if len(ds) == 0 {
		return 0, false
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], true
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
