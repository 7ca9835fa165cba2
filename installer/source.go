package installer

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// buildPrereq is one thing a CPython source build needs.
type buildPrereq struct {
	what    string   // shown to the user
	files   []string // any of these present satisfies it (headers under an include dir, or commands)
	command bool
	apt     string
	dnf     string
}

var buildPrereqs = []buildPrereq{
	{what: "C compiler", files: []string{"cc", "gcc", "clang"}, command: true, apt: "gcc", dnf: "gcc"},
	{what: "make", files: []string{"make"}, command: true, apt: "make", dnf: "make"},
	{what: "OpenSSL headers", files: []string{"openssl/ssl.h"}, apt: "libssl-dev", dnf: "openssl-devel"},
	{what: "zlib headers", files: []string{"zlib.h"}, apt: "zlib1g-dev", dnf: "zlib-devel"},
	{what: "libffi headers", files: []string{"ffi.h"}, apt: "libffi-dev", dnf: "libffi-devel"},
	{what: "bzip2 headers", files: []string{"bzlib.h"}, apt: "libbz2-dev", dnf: "bzip2-devel"},
	{what: "xz/lzma headers", files: []string{"lzma.h"}, apt: "liblzma-dev", dnf: "xz-devel"},
	{what: "SQLite headers", files: []string{"sqlite3.h"}, apt: "libsqlite3-dev", dnf: "sqlite-devel"},
	{what: "readline headers", files: []string{"readline/readline.h"}, apt: "libreadline-dev", dnf: "readline-devel"},
}

// MissingPrereqs lists what a source build lacks here, and the one
// command that installs it (apt-get or dnf). llvm, when not 0, is the
// LLVM major version a build with the JIT needs: its tools and a Python
// for its build script are looked for too.
func MissingPrereqs(includeDirs []string, lookPath func(string) (string, error), llvm int) (missing []string, fix string) {
	if includeDirs == nil {
		includeDirs = []string{"/usr/include", "/usr/local/include"}
		multi, _ := filepath.Glob("/usr/include/*-linux-gnu*")
		includeDirs = append(includeDirs, multi...)
	}
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	var lacking []buildPrereq
	for _, p := range buildPrereqs {
		if !p.present(includeDirs, lookPath) {
			lacking = append(lacking, p)
		}
	}
	if llvm > 0 {
		for _, tool := range llvmTools {
			if !hasLLVMTool(tool, llvm, lookPath) {
				lacking = append(lacking, llvmPrereq(llvm))
				break
			}
		}
		if _, ok := BuildPython(lookPath); !ok {
			lacking = append(lacking, buildPythonPrereq)
		}
	}
	if len(lacking) == 0 {
		return nil, ""
	}
	var apt, dnf []string
	for _, p := range lacking {
		missing = append(missing, p.what)
		apt = append(apt, p.apt)
		dnf = append(dnf, p.dnf)
	}
	if _, err := lookPath("dnf"); err == nil {
		if _, err := lookPath("apt-get"); err != nil {
			return missing, "sudo dnf install -y " + strings.Join(dnf, " ")
		}
	}
	return missing, "sudo apt-get install -y " + strings.Join(apt, " ")
}

// present says whether one of the prerequisite's files is here.
func (p buildPrereq) present(includeDirs []string, lookPath func(string) (string, error)) bool {
	for _, f := range p.files {
		if p.command {
			if _, err := lookPath(f); err == nil {
				return true
			}
			continue
		}
		for _, dir := range includeDirs {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return true
			}
		}
	}
	return false
}

// BuildOptions describe a CPython source build.
type BuildOptions struct {
	Prefix       string
	FreeThreaded bool // ./configure --disable-gil
	Optimize     bool // --enable-optimizations (PGO; much slower)
	// JIT builds the experimental JIT in, off until PYTHON_JIT=1
	// (JITOption); BuildPython runs its build script.
	JIT         bool
	BuildPython string
	Jobs        int // make -j; 0 means the usable CPUs
	Log         io.Writer
	Progress    func(phase string, pct float64)
}

var objectLine = regexp.MustCompile(`-o \S+\.o\b`)

// BuildSource configures, compiles and installs (make altinstall) the
// CPython source tree at srcDir. Output goes to the log; progress comes by
// phase, with the compile phase's share of object files done.
func BuildSource(ctx context.Context, srcDir string, opt BuildOptions) error {
	if opt.Jobs <= 0 {
		opt.Jobs = platform.UsableCPUs()
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, float64) {}
	}
	configure := []string{"./configure", "--prefix=" + opt.Prefix}
	if opt.FreeThreaded {
		configure = append(configure, "--disable-gil")
	}
	if opt.Optimize {
		configure = append(configure, "--enable-optimizations")
	}
	var env []string // PyHangar's own, unless the JIT needs its Python named
	if opt.JIT {
		configure = append(configure, JITOption)
		if opt.BuildPython != "" {
			env = append(os.Environ(), "PYTHON_FOR_REGEN="+opt.BuildPython)
		}
	}
	total := countSources(srcDir)
	compiled := 0
	steps := []struct {
		phase string
		argv  []string
	}{
		{"configure", configure},
		{"compile", []string{"make", "-j" + strconv.Itoa(opt.Jobs)}},
		{"install", []string{"make", "altinstall"}},
	}
	for _, st := range steps {
		progress(st.phase, 0)
		fmt.Fprintf(opt.Log, "$ %s\n", strings.Join(st.argv, " "))
		start := time.Now()
		res, err := platform.Run(ctx, st.argv, platform.RunOptions{Dir: srcDir, Env: env, OnLine: func(line string) {
			fmt.Fprintln(opt.Log, line)
			if st.phase == "compile" && objectLine.MatchString(line) {
				compiled++
				progress("compile", min(99, 100*float64(compiled)/float64(max(total, 1))))
			}
		}})
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", st.phase, err)
		}
		fmt.Fprintf(opt.Log, "# %s took %s\n", st.phase, time.Since(start).Round(time.Second))
		if res.ExitCode != 0 {
			return fmt.Errorf("%s failed (exit status %d): %s", st.phase, res.ExitCode, platform.LastLine(res.Stderr))
		}
		progress(st.phase, 100)
	}
	return nil
}

// countSources estimates how many object files the build makes.
func countSources(srcDir string) int {
	n := 0
	for _, dir := range []string{"Modules", "Objects", "Python", "Parser", "Programs"} {
		filepath.WalkDir(filepath.Join(srcDir, dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".c") {
				n++
			}
			return nil
		})
	}
	// Not every .c file is built (other platforms' modules); most are.
	return n * 3 / 4
}

// InterpreterIn is the interpreter a source build installed under prefix.
func InterpreterIn(prefix string, ver pyversion.Version, freeThreaded bool) string {
	name := "python" + string(ver.Minor())
	if freeThreaded {
		name += "t"
	}
	if runtime.GOOS == "windows" {
		return filepath.Join(prefix, name+".exe")
	}
	return filepath.Join(prefix, "bin", name)
}
