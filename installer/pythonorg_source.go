package installer

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyhangar/pyhangar/platform"
)

// withJIT says whether a build has the JIT, for messages.
func withJIT(jit bool) string {
	if jit {
		return " (with the JIT)"
	}
	return " (without the JIT)"
}

// fromSource builds python.org's source tarball (Linux has no binaries).
func (in *Installer) fromSource(ctx context.Context, j job, rec *Record, logFile io.Writer, log func(string)) (string, error) {
	llvm, build := 0, "a source build"
	if j.jit {
		llvm, build = JITLLVM(j.rel.Version), "a source build with the JIT"
	}
	if missing, fix := MissingPrereqs(nil, nil, llvm); len(missing) > 0 {
		return "", fmt.Errorf("%s needs %s; install them with: %s", build, strings.Join(missing, ", "), fix)
	}
	prefix := filepath.Join(in.PythonsDir(), j.target)
	if _, err := os.Lstat(prefix); err == nil {
		if done, ok := in.installed(ctx, j.target); ok {
			return "", fmt.Errorf("%s is already installed at %s%s (pyhangar uninstall %s first to reinstall)", j.target, done.Path, withJIT(done.JIT), j.what)
		}
		// No install owns it: the remains of an attempt that died.
		log("removing the remains of an earlier attempt: " + prefix)
		kept, err := platform.DeleteMade(prefix, builtPrefix(in.DataDir))
		if err != nil {
			return "", err
		}
		if len(kept) > 0 {
			log("kept what the build did not write there: " + strings.Join(kept, ", "))
		}
	}
	tarball, sums, done, err := in.obtain(ctx, j, rec, log, func(files []File) (File, bool) { return SourceTarball(files, j.rel.Version) },
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
	defer platform.DeleteMade(work, workArea(in.DataDir))
	in.emit(Event{Phase: "extract", Pct: -1})
	archive, err := OpenVerified(tarball, sums...)
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
	opt := BuildOptions{Prefix: prefix, FreeThreaded: j.spec.FreeThreaded, Optimize: in.Optimize, JIT: j.jit, Log: logFile,
		Progress: func(phase string, pct float64) { in.emit(Event{Phase: phase, Pct: pct}) }}
	if j.jit {
		opt.BuildPython, _ = BuildPython(nil)
		log(fmt.Sprintf("building with the experimental JIT (%s, LLVM %d; its build script runs on %s)", JITOption, llvm, opt.BuildPython))
	}
	err = BuildSource(ctx, src, opt)
	if err != nil {
		platform.DeleteMade(prefix, builtPrefix(in.DataDir)) // no half install
		return "", err
	}
	exe := InterpreterIn(prefix, j.rel.Version, j.spec.FreeThreaded)
	if _, err := os.Stat(exe); err != nil {
		platform.DeleteMade(prefix, builtPrefix(in.DataDir))
		return "", fmt.Errorf("the build finished but %s is missing", exe)
	}
	return exe, nil
}
