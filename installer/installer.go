// Package installer gets new interpreters: the release catalog, verified
// downloads, the uv driver and python.org's installers for each OS.
//
// The files are its concepts: installer.go the wiring, route.go the
// routes, record.go the attempts it records, plan.go what an install will
// do before it writes anything, run.go the run, pythonorg*.go python.org's
// files per OS (the source build on Linux, the official installer on
// Windows, the package on macOS: chosen by Installer.OS, so Linux tests
// reach each), uninstall.go and sweep.go the clean-up.
package installer

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
)

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
	// JIT builds the experimental JIT in (off until PYTHON_JIT=1): for the
	// source route's GIL builds of 3.13 and 3.14 (see JITRefusal).
	JIT bool
	// Wait makes an install of something another process is installing
	// wait for it instead of failing with a *BusyError.
	Wait     bool
	Progress func(Event)
	// OS is the system whose python.org route is taken ("linux",
	// "windows", "darwin"); "" means this one.
	OS string
}

// goos is the system the installer works for.
func (in *Installer) goos() string {
	if in.OS != "" {
		return in.OS
	}
	return runtime.GOOS
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
