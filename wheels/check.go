package wheels

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pyhangar/pyhangar/envs"
)

// Status is what a package's check found. Its JSON is the text of the
// constant (the judge answers with the same texts).
type Status string

const (
	// FreeThreadedWheel: a wheel whose tags the (free-threaded)
	// interpreter supports.
	FreeThreadedWheel Status = "free-threaded-wheel"
	// BinaryWheel: the same for an interpreter with the GIL.
	BinaryWheel Status = "binary-wheel"
	// PurePython: a wheel with no compiled code (py3-none-any).
	PurePython Status = "pure-python"
	// SourceOnly: no wheel fits, but pip can build the sdist here.
	SourceOnly Status = "source-only"
	// NoCompatibleWheel: wheels, none for this interpreter, and no sdist.
	NoCompatibleWheel Status = "no-compatible-wheel"
	// NotFound: not on the index, or no release fits the specifier and
	// this Python.
	NotFound Status = "not-found"
	// NotChecked: a line PyHangar cannot judge (a URL, a path, -e), or a
	// package the index could not tell about.
	NotChecked Status = "not-checked"
)

// Statuses are every status, in the order a summary names them.
var Statuses = []Status{FreeThreadedWheel, BinaryWheel, PurePython, SourceOnly, NoCompatibleWheel, NotFound, NotChecked}

// Good says a status installs a ready-made wheel.
func (s Status) Good() bool { return s == FreeThreadedWheel || s == BinaryWheel || s == PurePython }

// Bad says a status stops a package from installing as a wheel here.
func (s Status) Bad() bool { return s == SourceOnly || s == NoCompatibleWheel || s == NotFound }

// Result is what the check found for one package.
type Result struct {
	Name           string   `json:"name"`
	Requested      string   `json:"requested"`
	Status         Status   `json:"status"`
	Version        string   `json:"version"`
	File           string   `json:"file"`
	Reason         string   `json:"reason"`
	OlderVersionOK string   `json:"older_version_ok"`
	BlockedBy      []string `json:"blocked_by"`
	RequiredBy     []string `json:"required_by"`
}

// Requirement is one thing to check: a requirement (PEP 508), or a line
// PyHangar does not judge, with the reason.
type Requirement struct {
	Text  string
	Where string // file:line, or "" when given by name
	// Skip, when set, is why the line is not checked (a URL, a local
	// path, an editable install).
	Skip string
	// Constraint marks a line of a -c file: it limits versions and asks
	// for nothing.
	Constraint bool
}

// Sources are where a requirements file says packages come from.
type Sources struct {
	IndexURL       string   // its --index-url (the last one), or ""
	ExtraIndexURLs []string // its --extra-index-url lines
	NoIndex        bool     // --no-index
}

// Use makes the checker ask the indexes a requirements file names, as pip
// does: its --index-url replaces the one given before, its
// --extra-index-url lines are asked too, --no-index asks none.
func (c *Checker) Use(s Sources) {
	if s.IndexURL != "" {
		c.IndexURL = s.IndexURL
	}
	c.ExtraIndexURLs = append(c.ExtraIndexURLs, s.ExtraIndexURLs...)
	c.NoIndex = c.NoIndex || s.NoIndex
}

// FromLines takes a requirements file's lines (envs.ReadRequirements):
// requirements and constraints to check, the lines PyHangar cannot judge
// (each with its reason), and the indexes the file names. Other options
// and includes are not requirements.
func FromLines(lines []envs.ReqLine) ([]Requirement, Sources) {
	var out []Requirement
	var src Sources
	for _, l := range lines {
		switch l.Option {
		case "--index-url", "--pypi-url":
			src.IndexURL = l.Value
		case "--extra-index-url":
			src.ExtraIndexURLs = append(src.ExtraIndexURLs, l.Value)
		case "--no-index":
			src.NoIndex = true
		}
		r := Requirement{Text: l.Text, Where: l.Where(), Constraint: l.Constraint}
		switch l.Kind {
		case envs.ReqPackage:
		case envs.ReqDirect:
			r.Skip = "installed from a URL, a repository or a path, not from the index"
		case envs.ReqEditable:
			r.Skip = "an editable install (-e) of a project's own source"
		default:
			continue
		}
		out = append(out, r)
	}
	return out, src
}

// Report is a check's answer.
type Report struct {
	Python        string `json:"python"`
	PythonVersion string `json:"python_version"`
	FreeThreaded  bool   `json:"free_threaded"`
	// Index is the index asked (credentials hidden), ExtraIndexes those
	// asked besides (--extra-index-url).
	Index        string    `json:"index"`
	ExtraIndexes []string  `json:"extra_indexes,omitempty"`
	Results      []Result  `json:"results"`
	Requests     int64     `json:"requests"`
	Offline      string    `json:"offline,omitempty"`
	OldestAnswer time.Time `json:"oldest_answer,omitzero"`
}

// Checker checks requirements for one interpreter against its indexes.
type Checker struct {
	Python string
	// IndexURL is the index to ask; "" means PIP_INDEX_URL, else the
	// index-url pip is configured with (as the interpreter's pip reads
	// its configuration), else PyPI. ExtraIndexURLs are asked too, as
	// pip's --extra-index-url; NoIndex (--no-index) asks none.
	IndexURL       string
	ExtraIndexURLs []string
	NoIndex        bool
	Getenv         func(string) string // nil: os.Getenv
	Cache          PageCache           // may be nil
	Parallel       int                 // index requests at once; 0 means 8
	// Progress, when set, hears of each package judged.
	Progress func(done int, name string)
	// Timeout bounds each answer of the interpreter judging; 0 means a
	// minute.
	Timeout time.Duration
	index   *Index   // the first index
	indexes []*Index // all of them
}

// indexURL is the index chosen before the interpreter is asked ("" when
// pip's configuration decides).
func (c *Checker) indexURL() string {
	if c.IndexURL != "" {
		return c.IndexURL
	}
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return getenv("PIP_INDEX_URL")
}

// node is one package in the graph of requirements.
type node struct {
	name, display string
	top           bool
	requested     []string // specifiers as asked, by file and dependents
	constraints   []string
	extras        []string
	expanded      []string // extras whose dependencies were read
	parents       []string
	deps          []string
	depsRead      bool
	project       Project
	fetchErr      error
	pick          pickAnswer
	picked        string // the specifier picked with
	note          string
}

type pickAnswer struct {
	Status         Status `json:"status"`
	Version        string `json:"version"`
	File           string `json:"file"`
	FileIndex      int    `json:"file_index"`
	Reason         string `json:"reason"`
	OlderVersionOK string `json:"older_version_ok"`
}

// check refuses a pick that names a file the page does not list there,
// or a status the judge does not give.
func (a pickAnswer) check(files []File) error {
	if !slices.Contains(Statuses, a.Status) {
		return fmt.Errorf("the interpreter judged it %q, which is not a status", a.Status)
	}
	if a.File == "" {
		return nil
	}
	if a.FileIndex < 0 || a.FileIndex >= len(files) || files[a.FileIndex].Filename != a.File {
		return fmt.Errorf("the interpreter picked %q as file %d of %d on the page, which it is not", a.File, a.FileIndex, len(files))
	}
	return nil
}

type reqAnswer struct {
	Name      string   `json:"name"`
	Display   string   `json:"display"`
	Specifier string   `json:"specifier"`
	Extras    []string `json:"extras"`
	Applies   bool     `json:"applies"`
	URL       string   `json:"url"`
}

func (n *node) spec() string {
	var parts []string
	for _, s := range append(append([]string{}, n.requested...), n.constraints...) {
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ",")
}

// guessName is the project name a requirement line starts with, in its
// normalised form: enough to start reading pages while the judge starts
// (the judge's own reading of the line decides).
var guessName = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)`)

// Check judges every requirement, and the dependencies they bring,
// transitively: for each, the newest release its specifiers and this
// Python allow, and what pip would install of it here. It goes in four
// phases: start the judge (reading the first pages meanwhile), read the
// requirements, walk the dependencies, then write the results.
func (c *Checker) Check(ctx context.Context, reqs []Requirement) (Report, error) {
	w := &walk{c: c, nodes: map[string]*node{}}
	if err := w.start(ctx, reqs); err != nil {
		return Report{}, err
	}
	defer w.j.close()
	rep := Report{Python: c.Python, PythonVersion: w.j.env.PythonVersion, FreeThreaded: w.j.env.FreeThreaded, Results: []Result{}}
	for i, ix := range c.indexes {
		if i == 0 {
			rep.Index = ix.Shown()
		} else {
			rep.ExtraIndexes = append(rep.ExtraIndexes, ix.Shown())
		}
	}
	if c.NoIndex {
		rep.Index = "none (--no-index)"
	}
	if err := w.readRequirements(ctx, reqs); err != nil {
		return rep, err
	}
	if err := w.walkDependencies(ctx); err != nil {
		return rep, err
	}
	rep.Results = w.results()
	for _, ix := range c.indexes {
		rep.Requests += ix.Requests()
		if err, oldest := ix.Offline(); err != nil && rep.Offline == "" {
			rep.Offline, rep.OldestAnswer = err.Error(), oldest
		}
	}
	return rep, nil
}

// result is what the check found for n, in words.
func result(n *node, nodes map[string]*node, bads map[string]bool) Result {
	r := Result{Name: n.display, Requested: strings.Join(nonEmpty(n.requested), ","), Status: n.pick.Status, Version: n.pick.Version,
		File: n.pick.File, Reason: n.pick.Reason, OlderVersionOK: n.pick.OlderVersionOK, BlockedBy: blockedBy(n, nodes, bads), RequiredBy: n.parents}
	if r.RequiredBy == nil {
		r.RequiredBy = []string{}
	}
	if n.note != "" {
		r.Reason += "; " + n.note
	}
	if len(r.BlockedBy) > 0 {
		r.Reason += "; blocked by " + strings.Join(r.BlockedBy, ", ")
	}
	switch {
	case r.OlderVersionOK != "" && r.Status == NoCompatibleWheel:
		r.Reason += "; an older version, " + r.OlderVersionOK + ", has a wheel that fits (pip takes it)"
	case r.OlderVersionOK != "":
		r.Reason += "; an older version, " + r.OlderVersionOK + ", has a wheel that fits"
	}
	return r
}

// pageSet reads each project's page once, whoever asks first, from every
// index, as pip does: the files of all of them are candidates.
type pageSet struct {
	ixs []*Index
	mu  sync.Mutex
	got map[string]*fetched
}

type fetched struct {
	once sync.Once
	p    Project
	err  error
}

// failed is an error of a page that could not be read, if any.
func (s *pageSet) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.got {
		if f.err != nil {
			return f.err
		}
	}
	return nil
}

// allFailed says no page asked for could be read.
func (s *pageSet) allFailed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.got {
		if f.err == nil {
			return false
		}
	}
	return len(s.got) > 0
}

func (s *pageSet) get(ctx context.Context, name string) (Project, error) {
	s.mu.Lock()
	f, ok := s.got[name]
	if !ok {
		f = &fetched{}
		s.got[name] = f
	}
	s.mu.Unlock()
	f.once.Do(func() { f.p, f.err = s.read(ctx, name) })
	return f.p, f.err
}

// read merges a project's pages from the indexes: not found only where
// none has it, failed only where none could say.
func (s *pageSet) read(ctx context.Context, name string) (Project, error) {
	out := Project{Name: name, NotFound: true}
	var firstErr error
	answered := false
	for _, ix := range s.ixs {
		p, err := ix.Project(ctx, name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		answered = true
		if !p.NotFound {
			out.NotFound = false
			for _, f := range p.Files {
				f.index = ix
				out.Files = append(out.Files, f)
			}
		}
	}
	if !answered && firstErr != nil {
		return Project{Name: name}, firstErr
	}
	return out, nil
}

var nameSeparators = regexp.MustCompile(`[-_.]+`)

// normalize is a project name's normalised form (PEP 503).
func normalize(name string) string {
	return strings.ToLower(nameSeparators.ReplaceAllString(name, "-"))
}

// blockedBy lists the packages n needs, directly or not, whose own status
// keeps them from installing as a wheel here.
func blockedBy(n *node, nodes map[string]*node, bads map[string]bool) []string {
	out := []string{}
	seen := map[string]bool{n.name: true}
	var walk func(m *node)
	walk = func(m *node) {
		for _, d := range m.deps {
			if seen[d] {
				continue
			}
			seen[d] = true
			if bads[d] {
				out = append(out, nodes[d].display)
			}
			walk(nodes[d])
		}
	}
	walk(n)
	return out
}

// each runs f for every node, c.Parallel at a time.
func (c *Checker) each(ns []*node, f func(*node)) {
	c.eachIndex(len(ns), func(i int) { f(ns[i]) })
}

func (c *Checker) eachIndex(n int, f func(i int)) {
	par := c.Parallel
	if par <= 0 {
		par = 8
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}

func where(r Requirement) string {
	if r.Where == "" {
		return ""
	}
	return r.Where + ": "
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	return len(union(a, b)) == len(a) && len(a) == len(b)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
