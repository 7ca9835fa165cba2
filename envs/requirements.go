package envs

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ReqKind says what a line of a requirements file does.
type ReqKind string

const (
	// ReqPackage is a requirement by name: numpy>=2, requests[socks]
	// (with per-requirement options such as --hash).
	ReqPackage ReqKind = "package"
	// ReqIndex changes where packages come from: --index-url,
	// --extra-index-url, --no-index, --find-links, --trusted-host.
	ReqIndex ReqKind = "index"
	// ReqDirect installs from a URL, a version-control repository or a
	// local path instead of the index.
	ReqDirect ReqKind = "direct"
	// ReqEditable is -e: a project installed in development mode (its
	// build runs).
	ReqEditable ReqKind = "editable"
	// ReqInclude is -r FILE; ReqConstraint is -c FILE. Both are read in
	// turn.
	ReqInclude    ReqKind = "include"
	ReqConstraint ReqKind = "constraint"
	// ReqOption is any other option pip takes in a requirements file
	// (--no-binary, --pre, ...).
	ReqOption ReqKind = "option"
)

// ReqLine is one thing a requirements file says: a requirement, or one
// option of a line (a line with two options gives two).
type ReqLine struct {
	File string  // the file it is in
	Line int     // its first line number there
	Text string  // as written, without the comment, variables expanded
	Kind ReqKind // what it does
	// Option is the option as pip understood it, by its full name
	// (--requirement for -r or --requir), or "" for a requirement.
	Option string
	// Value is the option's argument, the URL, or the include's path.
	Value string
	// Constraint marks a line read from a -c file: it limits versions
	// and asks for nothing.
	Constraint bool
}

// Where is file:line.
func (l ReqLine) Where() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// reqOption is one option pip accepts in a requirements file.
type reqOption struct {
	long, short string
	kind        ReqKind
	takesValue  bool
	perReq      bool // given after a requirement, on its line
}

// reqOptions are the options pip's requirements-file parser knows
// (pip/_internal/req/req_file.py, SUPPORTED_OPTIONS and
// SUPPORTED_OPTIONS_REQ, pip 23 to 26). pip takes any unique prefix of a
// long option, as optparse does; so does reqOption's lookup, over all of
// them: a prefix one pip would take and this list makes ambiguous is
// refused, never misread.
var reqOptions = []reqOption{
	{long: "--index-url", short: "-i", kind: ReqIndex, takesValue: true},
	{long: "--pypi-url", kind: ReqIndex, takesValue: true},
	{long: "--extra-index-url", kind: ReqIndex, takesValue: true},
	{long: "--no-index", kind: ReqIndex},
	{long: "--find-links", short: "-f", kind: ReqIndex, takesValue: true},
	{long: "--trusted-host", kind: ReqIndex, takesValue: true},
	{long: "--constraint", short: "-c", kind: ReqConstraint, takesValue: true},
	{long: "--requirement", short: "-r", kind: ReqInclude, takesValue: true},
	{long: "--editable", short: "-e", kind: ReqEditable, takesValue: true},
	{long: "--no-binary", kind: ReqOption, takesValue: true},
	{long: "--only-binary", kind: ReqOption, takesValue: true},
	{long: "--prefer-binary", kind: ReqOption},
	{long: "--require-hashes", kind: ReqOption},
	{long: "--no-require-hashes", kind: ReqOption},
	{long: "--pre", kind: ReqOption},
	{long: "--all-releases", kind: ReqOption, takesValue: true},
	{long: "--only-final", kind: ReqOption, takesValue: true},
	{long: "--use-feature", kind: ReqOption, takesValue: true},
	{long: "--hash", kind: ReqOption, takesValue: true, perReq: true},
	{long: "--config-settings", short: "-C", kind: ReqOption, takesValue: true, perReq: true},
	{long: "--global-option", kind: ReqOption, takesValue: true, perReq: true},
	{long: "--install-option", kind: ReqOption, takesValue: true, perReq: true},
}

// lookupOption finds an option as optparse does: a short option exactly,
// a long one exactly or by a unique prefix.
func lookupOption(name string) (reqOption, error) {
	if !strings.HasPrefix(name, "--") {
		for _, o := range reqOptions {
			if o.short == name {
				return o, nil
			}
		}
		return reqOption{}, fmt.Errorf("pip knows no option %s in a requirements file", name)
	}
	var matches []reqOption
	for _, o := range reqOptions {
		if o.long == name {
			return o, nil
		}
		if strings.HasPrefix(o.long, name) {
			matches = append(matches, o)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return reqOption{}, fmt.Errorf("pip knows no option %s in a requirements file", name)
	}
	var names []string
	for _, o := range matches {
		names = append(names, o.long)
	}
	sort.Strings(names)
	return reqOption{}, fmt.Errorf("%s could be any of %s; PyHangar does not guess which pip takes", name, strings.Join(names, ", "))
}

var (
	// commentRE is pip's COMMENT_RE: a # at the start or after white space.
	commentRE = regexp.MustCompile(`(^|\s+)#.*$`)
	// envVarRE is pip's ENV_VAR_RE: ${NAME}, upper case, digits, _.
	envVarRE = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)
	// direct requirements: name @ URL, or a URL or VCS reference of its own.
	directURL = regexp.MustCompile(`(?i)(^|@\s*)(git|hg|svn|bzr)\+|^[a-z][a-z0-9+.-]*://|@\s*[a-z][a-z0-9+.-]*://`)
	// a requirement that is a path: ./pkg, ../x, /abs, C:\x, a.whl, a.tar.gz
	localPath = regexp.MustCompile(`(?i)^(\.{1,2}[/\\]|/|[a-z]:[/\\]|~)|\.(whl|zip|tar\.gz|tgz|tar\.bz2)$|^\.{1,2}$`)
	// scheme says a value is a URL, not a path.
	scheme = regexp.MustCompile(`(?i)^[a-z][a-z0-9+.-]*://|^(git|hg|svn|bzr)\+`)
)

// maxReqFile bounds one requirements file, and maxReqFiles how many one
// read follows.
const (
	maxReqFile  = 4 << 20
	maxReqFiles = 64
)

// ReadRequirements reads a requirements file as pip does — one
// requirement or options per line, \ continues a line, # starts a comment,
// ${VAR} expands from the environment, options by any unique prefix of
// their name — and follows its -r and -c includes. When within is not "",
// every file it includes and every editable path must lie inside that
// directory (after links are followed); one that does not is an error
// naming its line, and so is any option pip would not take.
func ReadRequirements(path, within string) ([]ReqLine, error) {
	return readRequirements(path, within, os.Getenv)
}

func readRequirements(path, within string, getenv func(string) string) ([]ReqLine, error) {
	r := &reqReader{within: within, seen: map[string]bool{}, getenv: getenv}
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
	getenv     func(string) string
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
	if len(r.seen) >= maxReqFiles {
		return fmt.Errorf("%s: more than %d requirements files include each other", path, maxReqFiles)
	}
	r.seen[abs] = true
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > maxReqFile {
		return fmt.Errorf("%s is %d bytes; PyHangar reads requirements files of up to %d", path, fi.Size(), maxReqFile)
	}
	for _, l := range joinLines(f) {
		if err := r.add(abs, l.n, l.text); err != nil {
			return err
		}
	}
	return nil
}

type physical struct {
	n    int
	text string
}

// joinLines joins continued lines as pip's join_lines does: a line ending
// in \ goes on the next one, unless it is a comment.
func joinLines(f *os.File) []physical {
	var out []physical
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxReqFile)
	n, start := 0, 0
	var pending []string
	for sc.Scan() {
		n++
		line := sc.Text()
		if !strings.HasSuffix(line, `\`) || commentRE.MatchString(line) {
			if commentRE.MatchString(line) {
				line = " " + line // the comment still ends the joined line
			}
			if pending != nil {
				out = append(out, physical{start, strings.Join(append(pending, line), "")})
				pending = nil
			} else {
				out = append(out, physical{n, line})
			}
			continue
		}
		if pending == nil {
			start = n
		}
		pending = append(pending, strings.Trim(line, `\`))
	}
	if pending != nil {
		out = append(out, physical{start, strings.Join(pending, "")})
	}
	return out
}

// add classifies one logical line as pip's parser does; includes are read
// in turn.
func (r *reqReader) add(file string, n int, text string) error {
	text = strings.TrimSpace(commentRE.ReplaceAllString(text, ""))
	if text == "" {
		return nil
	}
	text = envVarRE.ReplaceAllStringFunc(text, func(m string) string {
		if v := r.getenv(m[2 : len(m)-1]); v != "" {
			return v
		}
		return m
	})
	where := fmt.Sprintf("%s:%d", file, n)
	args, opts := breakArgsOptions(text)
	tokens, err := SplitWords(opts)
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	parsed, err := parseOptions(tokens)
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	if args != "" {
		l := ReqLine{File: file, Line: n, Text: text, Kind: ReqPackage, Constraint: r.constraint}
		for _, p := range parsed {
			if !p.opt.perReq {
				return fmt.Errorf("%s: %s goes on a line of its own, not after a requirement", where, p.opt.long)
			}
		}
		if directURL.MatchString(args) || localPath.MatchString(strings.TrimSpace(strings.SplitN(args, ";", 2)[0])) {
			l.Kind, l.Value = ReqDirect, args
		}
		r.lines = append(r.lines, l)
		return nil
	}
	for _, p := range parsed {
		if p.opt.perReq {
			return fmt.Errorf("%s: %s goes after a requirement, on its line", where, p.opt.long)
		}
		l := ReqLine{File: file, Line: n, Text: text, Kind: p.opt.kind, Option: p.opt.long, Value: p.value, Constraint: r.constraint}
		r.lines = append(r.lines, l)
		switch l.Kind {
		case ReqInclude, ReqConstraint:
			if err := r.include(l); err != nil {
				return err
			}
		case ReqEditable:
			if err := r.editable(l); err != nil {
				return err
			}
		}
	}
	return nil
}

// include reads a -r or -c file, which must be a file (pip would fetch a
// URL; PyHangar does not), inside the tree when there is one.
func (r *reqReader) include(l ReqLine) error {
	if scheme.MatchString(l.Value) {
		return fmt.Errorf("%s: %s includes a file from a URL (%s), which PyHangar does not fetch", l.Where(), l.Option, l.Value)
	}
	inc := l.Value
	if !filepath.IsAbs(inc) {
		inc = filepath.Join(filepath.Dir(l.File), inc)
	}
	if r.within != "" {
		if err := r.inside(inc); err != nil {
			return fmt.Errorf("%s: %s: %v", l.Where(), l.Text, err)
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
}

// editable checks an editable path (not a URL) against the tree: its
// build runs, so it must be the tree's own code.
func (r *reqReader) editable(l ReqLine) error {
	if r.within == "" || scheme.MatchString(l.Value) {
		return nil
	}
	p := strings.SplitN(l.Value, "[", 2)[0] // ./pkg[extra]
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(l.File), p)
	}
	if err := r.inside(p); err != nil {
		return fmt.Errorf("%s: %s: %v", l.Where(), l.Text, err)
	}
	return nil
}

// breakArgsOptions splits a line as pip's break_args_options does: the
// words up to the first that starts with - are the requirement, the rest
// its options.
func breakArgsOptions(line string) (args, options string) {
	tokens := strings.Split(line, " ")
	for i, t := range tokens {
		if strings.HasPrefix(t, "-") {
			return strings.Join(tokens[:i], " "), strings.Join(tokens[i:], " ")
		}
	}
	return line, ""
}

type parsedOption struct {
	opt   reqOption
	value string
}

// parseOptions reads options as optparse does: --long=value or --long
// value, -s value or -svalue, long names by unique prefix.
func parseOptions(tokens []string) ([]parsedOption, error) {
	var out []parsedOption
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if !strings.HasPrefix(t, "-") || t == "-" {
			return nil, fmt.Errorf("%q is not an option (a requirement goes first on its line)", t)
		}
		name, value, hasValue := t, "", false
		if strings.HasPrefix(t, "--") {
			name, value, hasValue = strings.Cut(t, "=")
		} else if len(t) > 2 {
			name, value, hasValue = t[:2], t[2:], true
		}
		o, err := lookupOption(name)
		if err != nil {
			return nil, err
		}
		switch {
		case !o.takesValue && hasValue:
			return nil, fmt.Errorf("%s takes no value", o.long)
		case o.takesValue && !hasValue:
			if i+1 >= len(tokens) {
				return nil, fmt.Errorf("%s needs a value", o.long)
			}
			i++
			value = tokens[i]
		}
		out = append(out, parsedOption{o, value})
	}
	return out, nil
}

// SplitWords splits as Python's shlex.split does (POSIX mode): white space
// separates words; '…' is literal; in "…" a backslash escapes " and \;
// elsewhere a backslash escapes the next character.
func SplitWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("no closing quotation in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("no closing quotation in %q", s)
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("no escaped character in %q", s)
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}
