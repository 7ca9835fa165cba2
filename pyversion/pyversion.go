// Package pyversion is the one way PyHangar reads Python version numbers
// (3.13.5, 3.14.0rc1, a spec's 3.13) and names a build: a Version is the
// text as written, compared as a version through hashicorp/go-version
// (each distinct text parsed once per process), with its X.Y minor.
// Every package may import it; it imports none of PyHangar's.
package pyversion

import (
	"strconv"
	"strings"
	"sync"

	version "github.com/hashicorp/go-version"
)

// Version is a Python version as written: "3.13.5", "3.14.0rc1", or a
// prefix such as "3.13" or "3". Its JSON is that text. A text that is not
// a version (say "") stays as it is, and sorts before every version.
type Version string

// parsed memoises each distinct text's parse (nil: not a version).
var parsed sync.Map // string -> *version.Version

func (v Version) parse() *version.Version {
	if p, ok := parsed.Load(string(v)); ok {
		return p.(*version.Version)
	}
	p, err := version.NewVersion(string(v))
	if err != nil || strings.TrimSpace(string(v)) == "" {
		p = nil
	}
	parsed.Store(string(v), p)
	return p
}

// String is the version as written.
func (v Version) String() string { return string(v) }

// Valid reports whether it reads as a version.
func (v Version) Valid() bool { return v.parse() != nil }

// Minor is the X.Y of X.Y.Z ("3.13" from "3.13.5"), or "" when the
// version does not give two numbers.
func (v Version) Minor() Version {
	p := v.parse()
	if p == nil || !strings.Contains(string(v), ".") {
		return ""
	}
	s := p.Segments()
	return Version(strconv.Itoa(s[0]) + "." + strconv.Itoa(s[1]))
}

// Compare compares two versions as versions (3.9 < 3.13, 3.14.0a1 <
// 3.14.0); a text that is not a version sorts first, and two such texts
// compare as text.
func (v Version) Compare(o Version) int {
	a, b := v.parse(), o.parse()
	switch {
	case a == nil && b == nil:
		return strings.Compare(string(v), string(o))
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(b)
}

// AtLeast reports whether v is o or newer (false when v is not a
// version).
func (v Version) AtLeast(o Version) bool { return v.Valid() && v.Compare(o) >= 0 }

// In reports whether v is the release prefix names, or one of its
// releases: 3.13.5 is in 3.13 and in 3.13.5, not in 3.1.
func (v Version) In(prefix Version) bool {
	return v == prefix || strings.HasPrefix(string(v), string(prefix)+".")
}

// BuildName names a build as PyHangar writes it everywhere:
// "free-threaded" or "GIL".
func BuildName(freeThreaded bool) string {
	if freeThreaded {
		return "free-threaded"
	}
	return "GIL"
}
