package profile

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
)

// State is where a step of a plan stands. Its JSON is the text of the
// constant.
type State string

const (
	// Present: already on the machine; applying skips it.
	Present State = "present"
	// Install, Create, Recreate and Run: what applying will do.
	Install  State = "to install"
	Create   State = "to create"
	Recreate State = "to recreate"
	Run      State = "to run"
	// Refused: a step the profile may not take (a venv of the same name
	// that the profile did not make); nothing is applied while one is.
	Refused State = "refused"
	// Done and Failed: how an applied step ended.
	Done   State = "done"
	Failed State = "failed"
	// NotRun: a step after a failure.
	NotRun State = "not run"
)

// Kind is what a step is about.
type Kind string

const (
	KindPython Kind = "python"
	KindVenv   Kind = "venv"
	KindBench  Kind = "bench"
)

// Consent is a kind of step that a user who agrees to the plain steps of
// a plan (installs by the default routes, venvs from the default index)
// must agree to by name, since it runs or fetches what the profile's
// author chose. Its JSON is the text of the constant.
type Consent string

const (
	// ConsentPath: runs an interpreter the profile names by path.
	ConsentPath Consent = "paths"
	// ConsentIndex: installs from somewhere other than the default index
	// (an index, a trusted host or find-links a requirements file sets, a
	// URL, a repository, an editable folder).
	ConsentIndex Consent = "indexes"
)

// Step is one item of a plan.
type Step struct {
	Kind   Kind   `json:"kind"`
	What   string `json:"what"`
	State  State  `json:"state"`
	Detail string `json:"detail,omitempty"`
	// Notes say in plain words what the step will run, install, delete,
	// and fetch from where: what to read before agreeing.
	Notes []string `json:"notes,omitempty"`
	// Needs are the kinds of consent the step needs besides the plan's.
	Needs []Consent `json:"needs,omitempty"`
	index int
}

// Unaccepted are the steps to do that need a consent not given, each
// with the notes that say why.
func Unaccepted(steps []Step, accepted []Consent) []string {
	var out []string
	for _, st := range steps {
		if st.State == Present {
			continue
		}
		for _, need := range st.Needs {
			if !slices.Contains(accepted, need) {
				out = append(out, fmt.Sprintf("%s needs --accept %s: %s", st.What, need, strings.Join(st.Notes, "; ")))
				break
			}
		}
	}
	return out
}

// Machine is what planning and applying need from PyHangar.
type Machine struct {
	// Discover lists the interpreters on this machine.
	Discover  func(ctx context.Context) ([]envs.Interpreter, error)
	Installer *installer.Installer
	Venvs     envs.VenvStore
	VenvsDir  string
	UV        string
	// Bench benchmarks interpreters and stores the results.
	Bench func(ctx context.Context, list []envs.Interpreter) error
	// Progress receives each step as it changes, and tools' lines.
	Progress func(i int, s Step, line string)
}

// specCovers reports whether installing have satisfies a venv's want.
func specCovers(have, want envs.Spec) bool {
	return have.FreeThreaded == want.FreeThreaded && (have.Version.In(want.Version) || want.Version.In(have.Version))
}

// Plan compares the profile with the machine and says what applying it
// would do. It runs nothing the profile names. A venv naming a Python that
// the profile does not install and the machine lacks is an error with its
// line.
func (p *Profile) Plan(ctx context.Context, m Machine) ([]Step, error) {
	interps, err := m.Discover(ctx)
	if err != nil {
		return nil, err
	}
	var records []installer.Record
	if m.Installer != nil && m.Installer.Records != nil {
		records, _ = m.Installer.Records.Installs(ctx)
	}
	var steps []Step
	for i, py := range p.Python {
		spec, _ := envs.ParseSpec(py.Spec)
		st := Step{Kind: KindPython, What: "Python " + py.Spec, index: i}
		if in, ok := envs.Find(interps, spec); ok {
			st.State, st.Detail = Present, in.Path
		} else {
			st.State = Install
			st.Detail, st.Notes = p.installPlan(m, py, records)
		}
		steps = append(steps, st)
	}
	src, _ := os.ReadFile(p.Path)
	lines := newLineIndex(string(src))
	for i, v := range p.Venv {
		st := Step{Kind: KindVenv, What: fmt.Sprintf("venv %s (Python %s)", v.Name, v.Python), index: i}
		if !isPath(v.Python) {
			want, _ := envs.ParseSpec(v.Python)
			_, onMachine := envs.Find(interps, want)
			provided := false
			for _, py := range p.Python {
				have, _ := envs.ParseSpec(py.Spec)
				provided = provided || specCovers(have, want)
			}
			if !onMachine && !provided {
				return nil, &Error{File: p.Path, Line: lines.item("venv", i, "python"),
					Msg: fmt.Sprintf("venv %s needs Python %s, which the profile does not install and this machine lacks", v.Name, v.Python)}
			}
		}
		rec, ok, err := m.Venvs.VenvByName(ctx, v.Name)
		if err != nil {
			return nil, err
		}
		switch {
		case ok && envs.IsVenvDir(rec.Path) && p.venvMatches(rec, v):
			st.State, st.Detail = Present, rec.Path
		case ok && rec.Profile != p.Path:
			st.State, st.Detail = Refused, rec.Path
			st.Notes = []string{fmt.Sprintf("a venv named %s already exists at %s and this profile did not make it; "+
				"the profile will not replace it: rename the venv in the profile, or remove it yourself (pyhangar venv rm %s)", v.Name, rec.Path, v.Name)}
		case ok:
			st.State, st.Detail = Recreate, rec.Path
			note := fmt.Sprintf("replaces the venv at %s (this profile made it): its own files are deleted and made again", rec.Path)
			if kept := envs.Foreign(rec.Path); len(kept) > 0 {
				note += "; " + strings.Join(kept, ", ") + " (not the venv's own) stay"
			}
			st.Notes = append(st.Notes, note)
		default:
			st.State, st.Detail = Create, filepath.Join(m.VenvsDir, v.Name)
			st.Notes = append(st.Notes, "makes a new venv at "+st.Detail)
		}
		if st.State == Create || st.State == Recreate {
			notes, needs, err := p.venvNotes(v)
			if err != nil {
				return nil, &Error{File: p.Path, Line: lines.item("venv", i, "requirements"), Msg: err.Error()}
			}
			st.Notes, st.Needs = append(st.Notes, notes...), needs
		}
		steps = append(steps, st)
	}
	if p.Bench.AfterSetup {
		steps = append(steps, Step{Kind: KindBench, What: "benchmark the profile's interpreters", State: Run,
			Notes: []string{"runs the threaded benchmark on each interpreter the profile lists (about 10 s each)"}})
	}
	return steps, nil
}

// installPlan says how an interpreter would be installed here: the route,
// where the build comes from, and how long it took on this machine before.
func (p *Profile) installPlan(m Machine, py Python, records []installer.Record) (string, []string) {
	if m.Installer == nil {
		return "", nil
	}
	route := py.Via
	if route == "" {
		route = m.Installer.DefaultRoute()
	}
	notes := []string{"installs Python " + py.Spec + " through " + m.Installer.Describe(route, records)}
	if why := m.Installer.Unavailable()[route]; why != "" {
		notes = append(notes, "this route cannot be used here: "+why)
	}
	return "via " + string(route), notes
}

// venvNotes names what making a venv runs besides its base interpreter:
// an interpreter the profile brings itself, and the requirements file with
// every line that fetches from somewhere other than the index by name.
func (p *Profile) venvNotes(v Venv) ([]string, []Consent, error) {
	var notes []string
	var needs []Consent
	if path := p.PythonPath(v); path != "" {
		notes = append(notes, fmt.Sprintf("runs %s, an interpreter this profile names by path (it comes with the profile, not from this machine)", path))
		needs = append(needs, ConsentPath)
	}
	if v.Requirements == "" {
		return notes, needs, nil
	}
	lines, err := envs.ReadRequirements(p.RequirementsPath(v), p.Dir)
	if err != nil {
		return nil, nil, err
	}
	fetches := false
	packages := 0
	var special []string
	for _, l := range lines {
		switch l.Kind {
		case envs.ReqPackage:
			packages++
		case envs.ReqIndex:
			special, fetches = append(special, fmt.Sprintf("%s: %s", l.Where(), indexNote(l))), true
		case envs.ReqDirect:
			special, fetches = append(special, fmt.Sprintf("%s: installs %s from outside the package index", l.Where(), l.Text)), true
		case envs.ReqEditable:
			special, fetches = append(special, fmt.Sprintf("%s: installs %s in development mode (its build runs here)", l.Where(), l.Value)), true
		case envs.ReqOption:
			special = append(special, fmt.Sprintf("%s: pip option %s", l.Where(), strings.TrimSpace(l.Option+" "+l.Value)))
		}
	}
	noun := "packages"
	if packages == 1 {
		noun = "package"
	}
	notes = append(notes, fmt.Sprintf("installs %d %s from %s with pip (their build scripts may run)", packages, noun, p.RequirementsPath(v)))
	if fetches {
		needs = append(needs, ConsentIndex)
	}
	return append(notes, special...), needs, nil
}

// indexNote says in words what an index option of a requirements file
// changes.
func indexNote(l envs.ReqLine) string {
	switch l.Option {
	case "--index-url", "--pypi-url":
		return "packages come from " + fetch.Redact(l.Value) + " instead of the index (" + l.Option + ")"
	case "--extra-index-url":
		return "packages may also come from " + fetch.Redact(l.Value) + " (--extra-index-url)"
	case "--no-index":
		return "no index is asked: packages come only from --find-links (--no-index)"
	case "--find-links":
		return "packages may come from " + fetch.Redact(l.Value) + " (--find-links)"
	case "--trusted-host":
		return l.Value + " is trusted without https (--trusted-host)"
	}
	return strings.TrimSpace(l.Option + " " + l.Value)
}

// venvMatches: a recorded venv satisfies the profile when its base is the
// asked-for build and version (or the asked-for path).
func (p *Profile) venvMatches(rec envs.Venv, v Venv) bool {
	if path := p.PythonPath(v); path != "" {
		return rec.BasePath == path
	}
	want, _ := envs.ParseSpec(v.Python)
	return rec.FreeThreaded == want.FreeThreaded && rec.BaseVersion.In(want.Version)
}

// Apply carries the plan out in order. Present items are skipped, so a
// second apply changes nothing. A plan with a refused step is not applied
// at all. At the first failure it stops: what was done stays done (and
// recorded), the failed step says why, and the next apply picks up from
// there.
func (p *Profile) Apply(ctx context.Context, m Machine) ([]Step, error) {
	steps, err := p.Plan(ctx, m)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		if st.State == Refused {
			return steps, fmt.Errorf("%s: %s", st.What, strings.Join(st.Notes, "; "))
		}
	}
	progress := m.Progress
	if progress == nil {
		progress = func(int, Step, string) {}
	}
	var failure error
	for i := range steps {
		st := &steps[i]
		if failure != nil {
			if st.State != Present {
				st.State = NotRun
			}
			continue
		}
		if st.State == Present {
			progress(i, *st, "")
			continue
		}
		progress(i, *st, "")
		var err error
		switch st.Kind {
		case KindPython:
			py := p.Python[st.index]
			spec, _ := envs.ParseSpec(py.Spec)
			inst := *m.Installer
			inst.Progress = func(e installer.Event) {
				if e.Line != "" {
					progress(i, *st, e.Line)
				} else if e.Pct >= 0 {
					progress(i, *st, fmt.Sprintf("%s %.0f%%", e.Phase, e.Pct))
				} else {
					progress(i, *st, e.Phase)
				}
			}
			var in envs.Interpreter
			in, _, err = inst.Install(ctx, spec, py.Via)
			if err == nil {
				st.Detail = in.Path
			}
		case KindVenv:
			err = p.createVenv(ctx, m, p.Venv[st.index], func(line string) { progress(i, *st, line) })
		case KindBench:
			var interps []envs.Interpreter
			if interps, err = m.Discover(ctx); err == nil {
				var targets []envs.Interpreter
				for _, py := range p.Python {
					spec, _ := envs.ParseSpec(py.Spec)
					if in, ok := envs.Find(interps, spec); ok {
						targets = append(targets, in)
					}
				}
				if m.Bench == nil {
					err = fmt.Errorf("no benchmark runner")
				} else {
					err = m.Bench(ctx, targets)
				}
			}
		}
		if err != nil {
			st.State, st.Detail = Failed, err.Error()
			failure = fmt.Errorf("%s failed: %w", st.What, err)
		} else {
			st.State = Done
		}
		progress(i, *st, "")
	}
	return steps, failure
}

func (p *Profile) createVenv(ctx context.Context, m Machine, v Venv, progress func(string)) error {
	resolve := func() ([]envs.Interpreter, error) { return m.Discover(ctx) }
	python := v.Python
	if path := p.PythonPath(v); path != "" {
		python = path
	}
	base, err := envs.Resolve(ctx, python, resolve, 0)
	if err != nil {
		return err
	}
	rec, known, _ := m.Venvs.VenvByName(ctx, v.Name)
	req := envs.VenvRequest{Name: v.Name, Base: base, Requirements: p.RequirementsPath(v), Progress: progress, UV: m.UV, Profile: p.Path}
	if known {
		if rec.Profile != p.Path {
			return fmt.Errorf("a venv named %s already exists at %s and this profile did not make it; nothing was changed", v.Name, rec.Path)
		}
		req.Dir, req.Recreate = rec.Path, true
	}
	_, check, err := envs.CreateVenv(ctx, m.Venvs, m.VenvsDir, req)
	if err != nil {
		return err
	}
	if check.Status != envs.StatusOK {
		return fmt.Errorf("the new venv checks broken: %s", strings.Join(check.Problems, "; "))
	}
	return nil
}

// Export writes the profile describing this machine's PyHangar-made
// interpreters and venvs to path, with each venv's requirements frozen
// into a file beside it.
//
// Nothing is written until everything is known; a file that is there
// already (the profile, or a requirements file beside it) is refused,
// naming each (a *platform.ExistsError), unless replace says of its path
// that it may be replaced.
func Export(ctx context.Context, path, name string, records []installer.Record, venvs []envs.Venv, replace func(path string) bool) (*Profile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, Path: abs, Dir: filepath.Dir(abs)}
	files := map[string][]byte{} // path -> content
	var order []string
	seen := map[string]bool{}
	for _, r := range records {
		if r.Status != installer.StatusOK || seen[r.Spec] {
			continue
		}
		seen[r.Spec] = true
		p.Python = append(p.Python, Python{Spec: r.Spec, Via: r.Method})
	}
	for _, v := range venvs {
		if v.Origin != envs.OriginCreated || !envs.IsVenvDir(v.Path) {
			continue
		}
		spec := envs.Spec{Version: v.BaseVersion.Minor(), FreeThreaded: v.FreeThreaded}
		item := Venv{Name: v.Name, Python: spec.String()}
		frozen, err := freeze(ctx, v.Path)
		if err != nil {
			return nil, fmt.Errorf("freezing %s: %w", v.Name, err)
		}
		if frozen != "" {
			item.Requirements = v.Name + "-requirements.txt"
			f := filepath.Join(p.Dir, item.Requirements)
			files[f] = []byte(frozen)
			order = append(order, f)
		}
		p.Venv = append(p.Venv, item)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# PyHangar team profile, exported %s.\n# Apply it on another machine with: pyhangar profile apply %s\n\n",
		time.Now().UTC().Format("2006-01-02"), filepath.Base(path))
	if err := toml.NewEncoder(&buf).Encode(p); err != nil {
		return nil, err
	}
	files[abs] = buf.Bytes()
	order = append(order, abs)
	var keep []string
	for _, f := range order {
		if !replace(f) {
			keep = append(keep, f)
		}
	}
	if err := platform.Existing(keep...); err != nil {
		return nil, err
	}
	for _, f := range order {
		if err := platform.WriteFile(f, files[f], replace(f)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// freeze lists a venv's installed packages (pip freeze).
func freeze(ctx context.Context, dir string) (string, error) {
	res, err := platform.Run(ctx, []string{envs.VenvPython(dir), "-I", "-m", "pip", "freeze", "--disable-pip-version-check"},
		platform.RunOptions{Timeout: time.Minute})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("pip freeze: %s", platform.LastLine(res.Stderr))
	}
	return string(res.Stdout), nil
}
