// Command pythonorg-standin serves the python.org stand-in of the tests on
// 127.0.0.1 for scripts/test-pythons.sh, so the test interpreters are built
// by PyHangar's own installer. It prints the base URL and serves until its
// standard input closes.
//
//	pythonorg-standin 3.13.5=/path/Python-3.13.5.tar.xz ...
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

func main() {
	var releases []testenv.StandInRelease
	for i, arg := range os.Args[1:] {
		ver, tarball, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "usage: pythonorg-standin VERSION=TARBALL...")
			os.Exit(2)
		}
		releases = append(releases, testenv.StandInRelease{ID: 1000 + i, Version: ver, Tarball: tarball})
	}
	org := testenv.NewPythonOrg(releases...)
	defer org.Close()
	fmt.Println(org.URL)
	io.Copy(io.Discard, os.Stdin)
}
