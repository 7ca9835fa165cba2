package profile

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pyhangar/pyhangar/bench"
	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Step states.
const (
	Present = "present"    // already on the machine
	Install = "to install" // planned
	Create  = "to create"
	Run     = "to run"
	Done    = "done"
	Failed  = "failed"
	NotRun  = "not run" // after a failure
)

// Step is one item of a plan.
type Step struct {
	Kind   string `json:"kind"` // python | venv | bench
	What   string `json:"what"`
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
	index  int
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
	return have.FreeThreaded == want.FreeThreaded &&
		(have.Version == want.Version || strings.HasPrefix(have.Version, want.Version+".") || strings.HasPrefix(want.Version, have.Version+"."))
}

// Plan compares the profile with the machine. A venv naming a Python that
// the profile does not install and the machine lacks is an error with its
// line.
func (p *Profile) Plan(ctx context.Context, m Machine) ([]Step, error) {
	interps, err := m.Discover(ctx)
	if err != nil {
		return nil, err
	}
	var steps []Step
	for i, py := range p.Python {
		spec, _ := envs.ParseSpec(py.Spec)
		st := Step{Kind: "python", What: "Python " + py.Spec, index: i}
		if in, ok := envs.Find(interps, spec); ok {
			st.State, st.Detail = Present, in.Path
		} else {
			st.State, st.Detail = Install, "via "+orDefault(py.Via, "uv when installed, else python.org")
		}
		steps = append(steps, st)
	}
	src, _ := os.ReadFile(p.Path)
	lines := newLineIndex(string(src))
	for i, v := range p.Venv {
		st := Step{Kind: "venv", What: fmt.Sprintf("venv %s (Python %s)", v.Name, v.Python), index: i}
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
		rec, ok, err := m.Venvs.VenvByName(v.Name)
		if err != nil {
			return nil, err
		}
		if ok && envs.IsVenvDir(rec.Path) && venvMatches(rec, v) {
			st.State, st.Detail = Present, rec.Path
		} else {
			st.State, st.Detail = Create, filepath.Join(m.VenvsDir, v.Name)
			if ok {
				st.Detail = rec.Path + " (recreated)"
			}
		}
		steps = append(steps, st)
	}
	if p.Bench.AfterSetup {
		steps = append(steps, Step{Kind: "bench", What: "benchmark the profile's interpreters", State: Run})
	}
	return steps, nil
}

// venvMatches: a recorded venv satisfies the profile when its base is the
// asked-for build and version (or the asked-for path).
func venvMatches(rec envs.Venv, v Venv) bool {
	if isPath(v.Python) {
		return rec.BasePath == v.Python
	}
	want, _ := envs.ParseSpec(v.Python)
	return rec.FreeThreaded == want.FreeThreaded && (rec.BaseVersion == want.Version || strings.HasPrefix(rec.BaseVersion, want.Version+"."))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Apply carries the plan out in order. Present items are skipped, so a
// second apply changes nothing. At the first failure it stops: what was
// done stays done (and recorded), the failed step says why, and the next
// apply picks up from there.
func (p *Profile) Apply(ctx context.Context, m Machine) ([]Step, error) {
	steps, err := p.Plan(ctx, m)
	if err != nil {
		return nil, err
	}
	progress := m.Progress
	if progress == nil {
		progress = func(int, Step, string) {}
	}
	var installed []envs.Interpreter
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
		case "python":
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
				installed = append(installed, in)
			}
		case "venv":
			err = p.createVenv(ctx, m, p.Venv[st.index], func(line string) { progress(i, *st, line) })
		case "bench":
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
	base, err := envs.Resolve(ctx, v.Python, resolve, 0)
	if err != nil {
		return err
	}
	rec, known, _ := m.Venvs.VenvByName(v.Name)
	req := envs.VenvRequest{Name: v.Name, Base: base, Requirements: p.RequirementsPath(v), Progress: progress, UV: m.UV}
	if known {
		req.Dir = rec.Path
		req.Recreate = rec.Origin == envs.OriginCreated
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
func Export(ctx context.Context, path, name string, records []installer.Record, venvs []envs.Venv) (*Profile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, Path: abs, Dir: filepath.Dir(abs)}
	seen := map[string]bool{}
	for _, r := range records {
		if r.Status != "ok" || seen[r.Spec] {
			continue
		}
		seen[r.Spec] = true
		p.Python = append(p.Python, Python{Spec: r.Spec, Via: r.Method})
	}
	for _, v := range venvs {
		if v.Origin != envs.OriginCreated || !envs.IsVenvDir(v.Path) {
			continue
		}
		spec := envs.Spec{Version: minorOf(v.BaseVersion), FreeThreaded: v.FreeThreaded}
		item := Venv{Name: v.Name, Python: spec.String()}
		frozen, err := freeze(ctx, v.Path)
		if err != nil {
			return nil, fmt.Errorf("freezing %s: %w", v.Name, err)
		}
		if frozen != "" {
			item.Requirements = v.Name + "-requirements.txt"
			if err := os.WriteFile(filepath.Join(p.Dir, item.Requirements), []byte(frozen), 0o644); err != nil {
				return nil, err
			}
		}
		p.Venv = append(p.Venv, item)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# PyHangar team profile, exported %s.\n# Apply it on another machine with: pyhangar profile apply %s\n\n",
		time.Now().UTC().Format("2006-01-02"), filepath.Base(path))
	if err := toml.NewEncoder(&buf).Encode(p); err != nil {
		return nil, err
	}
	return p, os.WriteFile(abs, buf.Bytes(), 0o644)
}

func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
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

// NewMachine wires a profile to a data dir's PyHangar: its installer (uv
// when present, python.org or the mirror otherwise), its venvs and its
// benchmark history.
func NewMachine(ctx context.Context, dataDir string, st *store.Store, mirror string,
	discover func(ctx context.Context) ([]envs.Interpreter, error)) (Machine, error) {
	in, err := installer.New(ctx, dataDir, st, mirror, nil)
	if err != nil {
		return Machine{}, err
	}
	return Machine{
		Discover:  discover,
		Installer: in,
		Venvs:     st,
		VenvsDir:  filepath.Join(dataDir, "venvs"),
		UV:        platform.FindTool("uv"),
		Bench: func(ctx context.Context, list []envs.Interpreter) error {
			machine := platform.MachineFacts()
			var results []bench.Result
			for _, target := range list {
				r, err := bench.Run(ctx, target, bench.Options{})
				if err != nil {
					return err
				}
				results = append(results, r)
			}
			bench.CompareCost(results)
			for _, r := range results {
				if _, err := st.SaveBenchRun(machine, r); err != nil {
					return err
				}
			}
			return nil
		},
	}, nil
}
