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
	for _, p := range buildPrereqs {
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
	if missing, fix := MissingPrereqs(nil, nil); len(missing) > 0 {
		t.Errorf("with every package installed, MissingPrereqs still says %v (%s)", missing, fix)
	}
}
