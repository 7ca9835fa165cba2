package installer

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// The experimental JIT (PEP 744) is a build-time choice of CPython's
// source build: ./configure --enable-experimental-jit=yes-off builds it
// in, switched off until PYTHON_JIT=1. Building it needs LLVM (clang and
// llvm-readobj of one major version per release) and a Python 3.11 or
// newer to run its build script.

// jitLLVM is the LLVM major version the JIT's build needs, by minor
// version (Tools/jit/_llvm.py of each release).
var jitLLVM = map[pyversion.Version]int{"3.13": 18, "3.14": 19}

// JITLLVM is the LLVM major version building ver's JIT needs; 0 when
// PyHangar does not know it (before 3.13, after 3.14).
func JITLLVM(ver pyversion.Version) int { return jitLLVM[ver.Minor()] }

// JITOption is the configure option of a build with the JIT, off until
// PYTHON_JIT=1.
const JITOption = "--enable-experimental-jit=yes-off"

// JITRefusal says why an install of spec through route cannot have the
// JIT, or "" when it can.
func (in *Installer) JITRefusal(spec envs.Spec, route Route) string {
	if route == "" {
		route = in.DefaultRoute()
	}
	minor := spec.Version.Minor()
	switch {
	case spec.FreeThreaded:
		return "the free-threaded builds of 3.13 and 3.14 do not support the JIT (CPython builds it only with the GIL); choose the standard build"
	case route == RouteUV:
		return "uv installs prebuilt builds, whose JIT was decided when they were built; choose the python.org route to build it here with the JIT"
	case in.goos() == "windows" || in.goos() == "darwin":
		return "python.org's installers for this system are prebuilt (3.14's have the JIT already, off until PYTHON_JIT=1); building with the JIT is a choice of the source build on Linux"
	case !minor.Valid() || !minor.AtLeast("3.13"):
		return "the JIT starts with Python 3.13"
	case JITLLVM(minor) == 0:
		return fmt.Sprintf("PyHangar knows the LLVM the JIT of 3.13 and 3.14 needs, not that of %s", minor)
	}
	return ""
}

// llvmTools are what the JIT's build runs of LLVM: clang compiles its
// templates, llvm-readobj reads them back. (llvm-objdump only makes the
// generated code readable.)
var llvmTools = []string{"clang", "llvm-readobj"}

var llvmVersion = regexp.MustCompile(`version (\d+)\.\d+`)

// hasLLVMTool says whether tool of LLVM major version n is on PATH, as
// the JIT's build looks for it: tool-n, or tool reporting version n.
func hasLLVMTool(tool string, n int, lookPath func(string) (string, error)) bool {
	if _, err := lookPath(tool + "-" + strconv.Itoa(n)); err == nil {
		return true
	}
	path, err := lookPath(tool)
	if err != nil {
		return false
	}
	return toolVersion(path) == n
}

// toolVersion is the major version an LLVM tool reports, or 0.
func toolVersion(path string) int {
	res, err := platform.Run(context.Background(), []string{path, "--version"}, platform.RunOptions{Timeout: 10 * time.Second})
	if err != nil || res.ExitCode != 0 {
		return 0
	}
	m := llvmVersion.FindSubmatch(res.Stdout)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// llvmPrereq is LLVM n as a build prerequisite, with its packages.
func llvmPrereq(n int) buildPrereq {
	v := strconv.Itoa(n)
	return buildPrereq{what: "LLVM " + v + " (clang-" + v + " and llvm-readobj-" + v + ", for the JIT)",
		apt: "clang-" + v + " llvm-" + v, dnf: "'clang(major) = " + v + "' 'llvm(major) = " + v + "'"}
}

// buildPythonPrereq is the Python the JIT's build script runs on.
var buildPythonPrereq = buildPrereq{what: "Python 3.11 or newer (runs the JIT's build script)", apt: "python3", dnf: "python3"}

// BuildPython finds a Python 3.11 or newer on PATH that runs, for the
// JIT's build script (configure would otherwise take the first name it
// finds, even one that does not run).
func BuildPython(lookPath func(string) (string, error)) (string, bool) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	for _, name := range []string{"python3.14", "python3.13", "python3.12", "python3.11", "python3"} {
		path, err := lookPath(name)
		if err != nil {
			continue
		}
		res, err := platform.Run(context.Background(), []string{path, "-c", "import sys; sys.exit(sys.version_info < (3, 11))"},
			platform.RunOptions{Timeout: 10 * time.Second})
		if err == nil && res.ExitCode == 0 {
			return path, true
		}
	}
	return "", false
}
