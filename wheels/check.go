package wheels

import (
	"context"
	"encoding/json"
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

// FromLines takes a requirements file's lines (envs.ReadRequirements):
// requirements and constraints to check, and the lines PyHangar cannot
// judge, each with its reason. Options and includes are not requirements.
func FromLines(lines []envs.ReqLine) []Requirement {
	var out []Requirement
	for _, l := range lines {
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
	return out
}

// Report is a check's answer.
type Report struct {
	Python        string    `json:"python"`
	PythonVersion string    `json:"python_version"`
	FreeThreaded  bool      `json:"free_threaded"`
	Index         string    `json:"index"`
	Results       []Result  `json:"results"`
	Requests      int64     `json:"requests"`
	Offline       string    `json:"offline,omitempty"`
	OldestAnswer  time.Time `json:"oldest_answer,omitzero"`
}

// Checker checks requirements for one interpreter against one index.
type Checker struct {
	Python string
	// IndexURL is the index to ask; "" means PIP_INDEX_URL, else the
	// index-url pip is configured with (as the interpreter's pip reads
	// its configuration), else PyPI.
	IndexURL string
	Getenv   func(string) string // nil: os.Getenv
	Cache    PageCache           // may be nil
	Parallel int                 // index requests at once; 0 means 8
	// Progress, when set, hears of each package judged.
	Progress func(done int, name string)
	index    *Index
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
	rep := Report{Python: c.Python, PythonVersion: w.j.env.PythonVersion, FreeThreaded: w.j.env.FreeThreaded, Index: c.index.URL, Results: []Result{}}
	if err := w.readRequirements(ctx, reqs); err != nil {
		return rep, err
	}
	if err := w.walkDependencies(ctx); err != nil {
		return rep, err
	}
	rep.Results = w.results()
	rep.Requests = c.index.Requests()
	if err, oldest := c.index.Offline(); err != nil {
		rep.Offline, rep.OldestAnswer = err.Error(), oldest
	}
	return rep, nil
}

// walk is one check under way: the judge, the pages read, and the graph
// of packages.
type walk struct {
	c     *Checker
	j     *judge
	pages *pageSet
	nodes map[string]*node
	order []*node // in the order they were met
	top   []entry // the requirements, in their order
}

// entry is one requirement's place in the results: a package, or a line
// that is not checked.
type entry struct {
	n    *node
	skip *Result
}

// start starts the judge and, meanwhile, reads the pages of the names
// asked for from the index chosen (when it is known before the judge is
// asked for pip's own).
func (w *walk) start(ctx context.Context, reqs []Requirement) error {
	c := w.c
	type started struct {
		j   *judge
		err error
	}
	ready := make(chan started, 1)
	go func() {
		j, err := startJudge(ctx, c.Python)
		ready <- started{j, err}
	}()
	w.pages = &pageSet{got: map[string]*fetched{}}
	if u := c.indexURL(); u != "" {
		ix, err := NewIndex(u, c.Cache)
		if err != nil {
			go func() { s := <-ready; s.j.closeIfStarted() }()
			return err
		}
		w.pages.ix = ix
		var guesses []string
		for _, r := range reqs {
			if m := guessName.FindStringSubmatch(r.Text); m != nil && r.Skip == "" && !r.Constraint {
				guesses = append(guesses, normalize(m[1]))
			}
		}
		c.eachIndex(len(guesses), func(i int) { w.pages.get(ctx, guesses[i]) })
	}
	s := <-ready
	if s.err != nil {
		return s.err
	}
	w.j = s.j
	if w.pages.ix == nil {
		u, err := w.j.pipIndexURL(ctx)
		if err != nil {
			w.j.close()
			return err
		}
		if u == "" {
			u = DefaultIndex
		}
		ix, err := NewIndex(u, c.Cache)
		if err != nil {
			w.j.close()
			return fmt.Errorf("pip's configured index-url: %w", err)
		}
		w.pages.ix = ix
	}
	c.index = w.pages.ix
	return nil
}

// get is the node of a package, made when it is first met.
func (w *walk) get(name, display string) *node {
	n, ok := w.nodes[name]
	if !ok {
		n = &node{name: name, display: display}
		w.nodes[name] = n
		w.order = append(w.order, n)
	}
	return n
}

func (w *walk) skip(name, requested, reason string) {
	w.top = append(w.top, entry{skip: &Result{Name: name, Requested: requested, Status: NotChecked, Reason: reason,
		BlockedBy: []string{}, RequiredBy: []string{}}})
}

// readRequirements has the judge read the requirements in one batch:
// each becomes a top package, a constraint on one (it limits versions
// and asks for nothing), or a line that is not checked, with why.
func (w *walk) readRequirements(ctx context.Context, reqs []Requirement) error {
	var items []any
	for _, r := range reqs {
		if r.Skip == "" {
			items = append(items, map[string]any{"text": r.Text})
		}
	}
	answers, errs, err := w.j.askMany(ctx, "requirements", items)
	if err != nil {
		return err
	}
	k := 0
	for _, r := range reqs {
		if r.Skip != "" {
			w.skip(r.Text, "", where(r)+r.Skip)
			continue
		}
		var a reqAnswer
		aerr := errs[k]
		if aerr == nil {
			aerr = json.Unmarshal(answers[k], &a)
		}
		k++
		switch {
		case aerr != nil:
			w.skip(r.Text, "", where(r)+aerr.Error())
		case a.URL != "":
			w.skip(a.Display, "", where(r)+"installed from "+a.URL+", not from the index")
		case r.Constraint:
			n := w.get(a.Name, a.Display)
			n.constraints = append(n.constraints, a.Specifier)
		case !a.Applies:
			w.skip(a.Display, a.Specifier, where(r)+"not needed here: its marker leaves this interpreter out")
		default:
			n := w.get(a.Name, a.Display)
			if !n.top {
				w.top = append(w.top, entry{n: n})
			}
			n.top = true
			n.requested = append(n.requested, a.Specifier)
			n.extras = union(n.extras, a.Extras)
		}
	}
	return nil
}

// walkDependencies goes through the graph a frontier at a time: the
// frontier's pages, in parallel; one batch of picks; their metadata, in
// parallel; one batch of their dependencies, which make the next
// frontier.
func (w *walk) walkDependencies(ctx context.Context) error {
	var frontier []*node
	for _, n := range w.order {
		if n.top {
			frontier = append(frontier, n)
		}
	}
	done := 0
	for len(frontier) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.c.each(frontier, func(n *node) { n.project, n.fetchErr = w.pages.get(ctx, n.name) })
		if err := ctx.Err(); err != nil {
			return err
		}
		if failed := w.pages.failed(); failed != nil && done == 0 && w.pages.allFailed() {
			return fmt.Errorf("the index %s cannot be reached, and nothing from it is kept here: %w", w.c.index.URL, failed)
		}
		if err := w.pick(ctx, frontier); err != nil {
			return err
		}
		var withFiles []*node
		for _, n := range frontier {
			done++
			if w.c.Progress != nil {
				w.c.Progress(done, n.display)
			}
			if n.pick.File != "" && (!n.depsRead || !sameSet(n.expanded, n.extras)) {
				withFiles = append(withFiles, n)
			}
		}
		next, err := w.readDependencies(ctx, withFiles)
		if err != nil {
			return err
		}
		frontier = next
	}
	return nil
}

// pick has the judge choose, for each node whose specifiers changed since
// its last pick, the release and file pip would take here.
func (w *walk) pick(ctx context.Context, frontier []*node) error {
	var toPick []*node
	var picks []any
	for _, n := range frontier {
		if n.pick.Status != "" && n.picked == n.spec() {
			continue
		}
		n.picked = n.spec()
		switch {
		case n.fetchErr != nil:
			n.pick = pickAnswer{Status: NotChecked, Reason: "the index could not tell: " + n.fetchErr.Error()}
		case n.project.NotFound:
			n.pick = pickAnswer{Status: NotFound, Reason: "not on the index " + w.c.index.URL}
		default:
			toPick = append(toPick, n)
			picks = append(picks, map[string]any{"name": n.name, "specifier": n.picked, "files": n.project.Files})
		}
	}
	answers, errs, err := w.j.askMany(ctx, "picks", picks)
	if err != nil {
		return err
	}
	for i, n := range toPick {
		before := n.pick.Version
		var a pickAnswer
		if errs[i] == nil {
			errs[i] = json.Unmarshal(answers[i], &a)
		}
		if errs[i] != nil {
			a = pickAnswer{Status: NotChecked, Reason: errs[i].Error()}
		}
		n.pick = a
		if a.Version != before {
			n.depsRead = false // another release: its own dependencies
		}
	}
	return nil
}

// readDependencies reads the picked files' metadata and has the judge
// say which dependencies apply here; it returns the nodes to pick next.
func (w *walk) readDependencies(ctx context.Context, withFiles []*node) ([]*node, error) {
	metas := make([]string, len(withFiles))
	merrs := make([]error, len(withFiles))
	w.c.eachIndex(len(withFiles), func(i int) {
		f := withFiles[i].project.Files[withFiles[i].pick.FileIndex]
		if !f.Metadata {
			merrs[i] = fmt.Errorf("the index has no metadata for %s", f.Filename)
			return
		}
		metas[i], merrs[i] = w.c.index.Metadata(ctx, f)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var readDeps []*node
	var depItems []any
	for i, n := range withFiles {
		n.expanded, n.depsRead = append([]string{}, n.extras...), true
		if merrs[i] != nil {
			n.note = "its dependencies were not checked: " + merrs[i].Error()
			continue
		}
		readDeps = append(readDeps, n)
		depItems = append(depItems, map[string]any{"metadata": metas[i], "extras": n.extras})
	}
	answers, errs, err := w.j.askMany(ctx, "deps", depItems)
	if err != nil {
		return nil, err
	}
	var next []*node
	for i, n := range readDeps {
		var d struct {
			Deps []reqAnswer `json:"deps"`
		}
		if errs[i] == nil {
			errs[i] = json.Unmarshal(answers[i], &d)
		}
		if errs[i] != nil {
			n.note = "its dependencies were not checked: " + errs[i].Error()
			continue
		}
		for _, dep := range d.Deps {
			m := w.get(dep.Name, dep.Display)
			if !slices.Contains(n.deps, m.name) {
				n.deps = append(n.deps, m.name)
			}
			if !slices.Contains(m.parents, n.display) {
				m.parents = append(m.parents, n.display)
			}
			grew := !sameSet(union(m.extras, dep.Extras), m.extras)
			m.extras = union(m.extras, dep.Extras)
			if !slices.Contains(m.requested, dep.Specifier) {
				m.requested = append(m.requested, dep.Specifier)
			}
			if (m.pick.Status == "" || grew || m.picked != m.spec()) && !slices.Contains(next, m) {
				next = append(next, m)
			}
		}
	}
	return next, nil
}

// results are the requirements in their order, then what they brought.
func (w *walk) results() []Result {
	out := []Result{}
	bads := map[string]bool{}
	for _, n := range w.order {
		bads[n.name] = n.pick.Status.Bad()
	}
	for _, e := range w.top {
		if e.skip != nil {
			out = append(out, *e.skip)
		} else {
			out = append(out, result(e.n, w.nodes, bads))
		}
	}
	for _, n := range w.order {
		if !n.top && n.pick.Status != "" {
			out = append(out, result(n, w.nodes, bads))
		}
	}
	return out
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

// pageSet reads each project's page once, whoever asks first.
type pageSet struct {
	ix  *Index
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
	f.once.Do(func() { f.p, f.err = s.ix.Project(ctx, name) })
	return f.p, f.err
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
