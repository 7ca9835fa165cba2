package wheels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

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
		j, err := startJudge(ctx, c.Python, c.Timeout)
		ready <- started{j, err}
	}()
	w.pages = &pageSet{got: map[string]*fetched{}}
	closeJudge := func() { go func() { s := <-ready; s.j.closeIfStarted() }() }
	addIndex := func(u, what string) error {
		ix, err := NewIndex(u, c.Cache)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		w.pages.ixs = append(w.pages.ixs, ix)
		return nil
	}
	primary := c.indexURL()
	if !c.NoIndex && primary != "" {
		if err := addIndex(primary, "the index"); err != nil {
			closeJudge()
			return err
		}
	}
	for _, u := range c.ExtraIndexURLs {
		if c.NoIndex {
			break
		}
		if err := addIndex(u, "an extra index"); err != nil {
			closeJudge()
			return err
		}
	}
	if len(w.pages.ixs) > 0 && primary != "" {
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
	if primary == "" && !c.NoIndex {
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
		w.pages.ixs = append([]*Index{ix}, w.pages.ixs...)
	}
	c.indexes = w.pages.ixs
	if len(c.indexes) > 0 {
		c.index = c.indexes[0]
	}
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
	if len(w.c.indexes) == 0 {
		for _, n := range frontier {
			n.pick = pickAnswer{Status: NotChecked, Reason: "--no-index: pip takes packages only from --find-links, which PyHangar does not read"}
		}
		return nil
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
			var other notSimpleAPI
			if errors.As(failed, &other) {
				return failed
			}
			return fmt.Errorf("the index %s cannot be reached, and nothing from it is kept here: %w", w.c.index.Shown(), failed)
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
			n.pick = pickAnswer{Status: NotFound, Reason: "not on the index " + w.c.index.Shown()}
		default:
			files, dropped := boundedFiles(n.project.Files)
			if dropped > 0 {
				n.project.Files = files
				n.note = fmt.Sprintf("%d of its files were not read: their names claim more than %d tag combinations or run past %d bytes", dropped, maxTagSet, maxFilename)
			}
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
		if errs[i] == nil {
			errs[i] = a.check(n.project.Files)
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
		metas[i], merrs[i] = f.index.Metadata(ctx, f)
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
		if len(d.Deps) > maxDeps {
			n.note = fmt.Sprintf("its dependencies were not checked: its metadata names %d, more than the %d PyHangar follows for one package", len(d.Deps), maxDeps)
			continue
		}
		for _, dep := range d.Deps {
			if _, known := w.nodes[dep.Name]; !known && len(w.nodes) >= maxPackages {
				n.note = fmt.Sprintf("some of its dependencies were not checked: the check reached %d packages, as many as PyHangar follows", maxPackages)
				break
			}
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

// Bounds of one check: the packages it follows, the dependencies one
// package may bring, and the files whose names it reads (a wheel's name
// compresses its tag sets, cp39.cp310-abi3-..., which multiply).
const (
	maxPackages = 2000
	maxDeps     = 256
	maxTagSet   = 256
	maxFilename = 1024
)

// boundedFiles leaves out files whose names claim more tag combinations
// than maxTagSet, or are longer than maxFilename; dropped counts them.
func boundedFiles(files []File) (kept []File, dropped int) {
	kept = files[:0:0]
	for _, f := range files {
		if len(f.Filename) > maxFilename || tagCombinations(f.Filename) > maxTagSet {
			dropped++
			continue
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

// tagCombinations is how many tags a wheel's name stands for: the product
// of its python, abi and platform tag sets (1 for anything else).
func tagCombinations(filename string) int {
	name, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return 1
	}
	parts := strings.Split(name, "-")
	if len(parts) < 5 {
		return 1
	}
	n := 1
	for _, p := range parts[len(parts)-3:] {
		n *= strings.Count(p, ".") + 1
		if n > maxTagSet {
			return n
		}
	}
	return n
}
