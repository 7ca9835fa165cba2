package envs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ReqKind says what a line of a requirements file does.
type ReqKind string

const (
	// ReqPackage is a requirement by name: numpy>=2, requests[socks].
	ReqPackage ReqKind = "package"
	// ReqIndex changes where packages come from: --index-url,
	// --extra-index-url, --find-links, --trusted-host.
	ReqIndex ReqKind = "index"
	// ReqDirect installs from a URL, a version-control repository or a
	// local path instead of the index.
	ReqDirect ReqKind = "direct"
	// ReqEditable is -e: a project installed in development mode.
	ReqEditable ReqKind = "editable"
	// ReqInclude is -r FILE; ReqConstraint is -c FILE. Both are read in
	// turn.
	ReqInclude    ReqKind = "include"
	ReqConstraint ReqKind = "constraint"
	// ReqOption is any other pip option (--no-binary, --pre, ...).
	ReqOption ReqKind = "option"
)

// ReqLine is one logical line of a requirements file (continuations
// joined, comments dropped).
type ReqLine struct {
	File string  // the file it is in
	Line int     // its first line number there
	Text string  // as written, without the comment
	Kind ReqKind // what it does
	// Value is the option's argument, the URL, or the include's path.
	Value string
	// Constraint marks a line read from a -c file: it limits versions
	// and asks for nothing.
	Constraint bool
}

// Where is file:line.
func (l ReqLine) Where() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

var (
	indexOptions = map[string]bool{"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true, "--trusted-host": true}
	// direct requirements: name @ URL, or a URL or VCS reference of its own.
	directURL = regexp.MustCompile(`(?i)(^|@\s*)(git|hg|svn|bzr)\+|^[a-z][a-z0-9+.-]*://|@\s*[a-z][a-z0-9+.-]*://`)
	// a requirement that is a path: ./pkg, ../x, /abs, C:\x, a.whl, a.tar.gz
	localPath = regexp.MustCompile(`(?i)^(\.{1,2}[/\\]|/|[a-z]:[/\\]|~)|\.(whl|zip|tar\.gz|tgz|tar\.bz2)$`)
)

// ReadRequirements reads a requirements file the way pip does (one
// requirement or option per line, \ continues a line, # starts a comment)
// and follows its -r and -c includes. When within is not "", every file
// read must lie inside that directory (after links are followed); one that
// does not is an error naming the line that includes it.
func ReadRequirements(path, within string) ([]ReqLine, error) {
	r := &reqReader{within: within, seen: map[string]bool{}}
	if within != "" {
		real, err := filepath.EvalSymlinks(within)
		if err != nil {
			return nil, err
		}
		r.within = real
		if err := r.inside(path); err != nil {
			return nil, err
		}
	}
	err := r.read(path)
	return r.lines, err
}

type reqReader struct {
	within     string
	seen       map[string]bool
	lines      []ReqLine
	constraint bool // reading a -c file
}

// inside checks that path (after links) lies under the directory.
func (r *reqReader) inside(path string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(r.within, real)
	if err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("%s is outside %s", path, r.within)
	}
	return nil
}

func (r *reqReader) read(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if r.seen[abs] {
		return nil
	}
	r.seen[abs] = true
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n, start := 0, 0
	var pending strings.Builder
	for sc.Scan() {
		n++
		line := sc.Text()
		if pending.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, `\`) {
			pending.WriteString(strings.TrimSuffix(line, `\`))
			continue
		}
		pending.WriteString(line)
		text := pending.String()
		pending.Reset()
		if err := r.add(abs, start, text); err != nil {
			return err
		}
	}
	if pending.Len() > 0 {
		if err := r.add(abs, start, pending.String()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// add classifies one logical line; includes are read in turn.
func (r *reqReader) add(file string, n int, text string) error {
	// pip strips a comment that starts a line or follows whitespace.
	if i := strings.Index(text, "#"); i == 0 || (i > 0 && (text[i-1] == ' ' || text[i-1] == '\t')) {
		text = text[:i]
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	l := ReqLine{File: file, Line: n, Text: text, Constraint: r.constraint}
	fields := strings.Fields(text)
	opt, val, hasEq := strings.Cut(fields[0], "=")
	if !hasEq && len(fields) > 1 {
		val = strings.Join(fields[1:], " ")
	}
	if strings.HasPrefix(opt, "-") && !hasEq && len(opt) > 2 && opt[1] != '-' {
		// -rfile, -ehttps://..., -ihttps://...: the short form's value
		// may follow without a space.
		opt, val = opt[:2], opt[2:]+strings.TrimPrefix(" "+val, " ")
	}
	switch {
	case opt == "-r" || opt == "--requirement" || opt == "-c" || opt == "--constraint":
		l.Kind, l.Value = ReqInclude, val
		if opt == "-c" || opt == "--constraint" {
			l.Kind = ReqConstraint
		}
		r.lines = append(r.lines, l)
		if directURL.MatchString(val) {
			return fmt.Errorf("%s: %s includes a file from a URL (%s), which PyHangar does not fetch", l.Where(), opt, val)
		}
		inc := val
		if !filepath.IsAbs(inc) {
			inc = filepath.Join(filepath.Dir(file), inc)
		}
		if r.within != "" {
			if err := r.inside(inc); err != nil {
				return fmt.Errorf("%s: %s %s: %v", l.Where(), opt, val, err)
			}
		}
		outer := r.constraint
		r.constraint = outer || l.Kind == ReqConstraint
		err := r.read(inc)
		r.constraint = outer
		if err != nil {
			return fmt.Errorf("%s: %w", l.Where(), err)
		}
		return nil
	case indexOptions[opt]:
		l.Kind, l.Value = ReqIndex, val
	case opt == "-e" || opt == "--editable":
		l.Kind, l.Value = ReqEditable, val
	case strings.HasPrefix(opt, "-"):
		l.Kind, l.Value = ReqOption, val
	case directURL.MatchString(text) || localPath.MatchString(strings.SplitN(text, ";", 2)[0]):
		l.Kind, l.Value = ReqDirect, text
	default:
		l.Kind = ReqPackage
	}
	r.lines = append(r.lines, l)
	return nil
}
