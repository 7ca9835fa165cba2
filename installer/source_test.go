package installer

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// The apt-get line PyHangar prints names real Debian packages, and each
// one holds the header or command it is named for: checked against this
// Debian machine's own package database (make test installs them all).
func TestPrereqsAreRealDebianPackages(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		if testenv.InCI() {
			t.Fatal("dpkg-query is missing: the suite runs on Debian or Ubuntu")
		}
		t.Skip("not a Debian system")
	}
	// The JIT's LLVM is two packages, one for each tool its build runs,
	// and its build script runs on Debian's python3 (the package the fix
	// names; the command itself is in python3-minimal, which it needs).
	if apt := llvmPrereq(19).apt; apt != "clang-19 llvm-19" {
		t.Errorf("the JIT's packages: %q", apt)
	}
	jit := []buildPrereq{
		{what: "clang 19", files: []string{"clang-19"}, command: true, apt: "clang-19"},
		{what: "llvm-readobj 19", files: []string{"llvm-readobj-19"}, command: true, apt: "llvm-19"},
		{what: buildPythonPrereq.what, files: []string{"python3"}, command: true, apt: buildPythonPrereq.apt + "-minimal"},
	}
	for _, p := range append(append([]buildPrereq(nil), buildPrereqs...), jit...) {
		status, err := exec.Command("dpkg-query", "-W", "-f=${db:Status-Status}", p.apt).Output()
		if err != nil || string(status) != "installed" {
			t.Errorf("%s (%s): not an installed Debian package (%q, %v)", p.apt, p.what, status, err)
			continue
		}
		files, err := exec.Command("dpkg", "-L", p.apt).Output()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range p.files {
			for _, line := range strings.Split(string(files), "\n") {
				if p.command && strings.HasSuffix(line, "/bin/"+f) {
					found = true
				}
				if !p.command && (strings.HasSuffix(line, "/include/"+f) || strings.HasSuffix(line, "-linux-gnu/"+f)) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("the package %s does not hold %v, which MissingPrereqs looks for", p.apt, p.files)
		}
	}
	// And the check finds them all on this machine, which has them.
	if missing, fix := MissingPrereqs(nil, nil, 19); len(missing) > 0 {
		t.Errorf("with every package installed, MissingPrereqs still says %v (%s)", missing, fix)
	}
}
