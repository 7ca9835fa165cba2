package envs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

// VenvStore keeps PyHangar's venv records (the store implements it).
type VenvStore interface {
	Venvs(ctx context.Context) ([]Venv, error)
	VenvByName(ctx context.Context, name string) (Venv, bool, error)
	VenvByPath(ctx context.Context, path string) (Venv, bool, error)
	AddVenv(ctx context.Context, v Venv) (Venv, error)
	UpdateVenv(ctx context.Context, v Venv) error
	SaveVenvCheck(ctx context.Context, id int64, c CheckResult) error
	ForgetVenv(ctx context.Context, id int64) error
}

// VenvRequest asks for a recorded venv.
type VenvRequest struct {
	Name         string
	Dir          string // "" means <venvsDir>/<Name>
	Base         Interpreter
	Via          VenvTool // ToolVenv (default) or ToolUV
	UV           string   // uv's path for Via uv
	Recreate     bool
	Requirements string
	// Profile is the team profile making the venv ("" for the user); a
	// profile may recreate only a venv it made itself.
	Profile  string
	Progress func(line string)
}

// CreateVenv validates the request against what is recorded, makes the
// venv, records it and checks it. venvsDir is PyHangar's default place.
func CreateVenv(ctx context.Context, st VenvStore, venvsDir string, req VenvRequest) (Venv, CheckResult, error) {
	if err := ValidateName(req.Name); err != nil {
		return Venv{}, CheckResult{}, err
	}
	if req.Via == "" {
		req.Via = ToolVenv
	}
	// One create of a name at a time. Its journal lets the next create of
	// the name undo what a create killed halfway left.
	journal := filepath.Join(venvsDir, ".creating", req.Name+".json")
	lock, err := platform.TryLock(filepath.Join(venvsDir, ".creating", req.Name+".lock"))
	if le := (*platform.LockedError)(nil); errors.As(err, &le) {
		who := "another PyHangar process"
		if le.PID > 0 {
			who = fmt.Sprintf("%s (pid %d)", who, le.PID)
		}
		return Venv{}, CheckResult{}, fmt.Errorf("%s is creating the venv %s; wait for it, or try again once it is done", who, req.Name)
	}
	if err != nil {
		return Venv{}, CheckResult{}, err
	}
	defer lock.Unlock()
	dir := req.Dir
	if dir == "" {
		dir = filepath.Join(venvsDir, req.Name)
	}
	dir, err = realPath(dir)
	if err != nil {
		return Venv{}, CheckResult{}, err
	}
	existing, known, err := st.VenvByName(ctx, req.Name)
	if err != nil {
		return Venv{}, CheckResult{}, err
	}
	if known && existing.Path != dir {
		return Venv{}, CheckResult{}, fmt.Errorf("a venv named %s already exists at %s", req.Name, existing.Path)
	}
	if other, ok, _ := st.VenvByPath(ctx, dir); ok && other.Name != req.Name {
		return Venv{}, CheckResult{}, fmt.Errorf("%s is already the venv %s", dir, other.Name)
	}
	if req.Recreate && (!known || existing.Origin != OriginCreated) && IsVenvDir(dir) {
		return Venv{}, CheckResult{}, fmt.Errorf("%s was not made by PyHangar; recreate replaces only PyHangar's own venvs", dir)
	}
	if req.Recreate && req.Profile != "" && known && existing.Profile != req.Profile {
		return Venv{}, CheckResult{}, fmt.Errorf("%s was not made by the profile %s; nothing was replaced", dir, req.Profile)
	}
	id, err := MakeVenvDir(ctx, MakeOptions{Dir: dir, Base: req.Base, Via: req.Via, UV: req.UV, Recreate: req.Recreate,
		Requirements: req.Requirements, Progress: req.Progress, Journal: journal})
	if err != nil {
		return Venv{}, CheckResult{}, err
	}
	v := Venv{Name: req.Name, Path: dir, Origin: OriginCreated, Via: req.Via, BasePath: req.Base.Path,
		BaseVersion: req.Base.Version, FreeThreaded: id.FreeThreaded, CreatedAt: time.Now().UTC(), Profile: req.Profile}
	// Made: it is recorded even if a cancel comes now.
	keep := context.WithoutCancel(ctx)
	if known {
		v.ID = existing.ID
		err = st.UpdateVenv(keep, v)
	} else {
		v, err = st.AddVenv(keep, v)
	}
	if err != nil {
		return v, CheckResult{}, err
	}
	// Recorded: nothing is left to undo.
	os.Remove(journal)
	check := Check(ctx, dir, req.Name, req.UV)
	if err := st.SaveVenvCheck(ctx, v.ID, check); err != nil {
		return v, check, err
	}
	v.LastCheck = &check
	return v, check, nil
}

// RegisterVenv records a venv the user made elsewhere.
func RegisterVenv(ctx context.Context, st VenvStore, dir, name, uv string) (Venv, CheckResult, error) {
	dir, err := realPath(dir)
	if err != nil {
		return Venv{}, CheckResult{}, err
	}
	if !IsVenvDir(dir) {
		return Venv{}, CheckResult{}, fmt.Errorf("%s is not a venv (no pyvenv.cfg)", dir)
	}
	if name == "" {
		name = filepath.Base(dir)
	}
	if err := ValidateName(name); err != nil {
		return Venv{}, CheckResult{}, err
	}
	if v, ok, _ := st.VenvByPath(ctx, dir); ok {
		return Venv{}, CheckResult{}, fmt.Errorf("%s is already known as %s", dir, v.Name)
	}
	if _, ok, _ := st.VenvByName(ctx, name); ok {
		return Venv{}, CheckResult{}, fmt.Errorf("the name %s is taken; choose another", name)
	}
	check := Check(ctx, dir, name, uv)
	cfg, _ := ReadVenvConfig(dir)
	via := ToolVenv
	if cfg["uv"] != "" {
		via = ToolUV
	}
	v, err := st.AddVenv(ctx, Venv{Name: name, Path: dir, Origin: OriginRegistered, Via: via,
		BasePath: check.Base, BaseVersion: check.Version, FreeThreaded: check.FreeThreaded})
	if err != nil {
		return v, check, err
	}
	return v, check, st.SaveVenvCheck(ctx, v.ID, check)
}

// realPath is p made absolute with the links on its way resolved, as far
// as it exists: venvs are recorded by their real path, the only one
// RemoveVenv accepts.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		}
		if filepath.Dir(dir) == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// VenvEntry is one venv in a listing, with a status found without running
// anything.
type VenvEntry struct {
	Venv
	SizeBytes int64             `json:"size_bytes"`
	Status    Status            `json:"status"`
	Problems  []string          `json:"problems"`
	Activate  map[string]string `json:"activate"`
}

// ListVenvs returns the recorded venvs, then those discovery found
// elsewhere (origin "found").
func ListVenvs(ctx context.Context, st VenvStore, discovered []Interpreter) ([]VenvEntry, error) {
	recorded, err := st.Venvs(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []VenvEntry{}
	for _, v := range recorded {
		seen[v.Path] = true
		out = append(out, quickStatus(v))
	}
	for _, in := range discovered {
		if !in.IsVenv || in.Prefix == "" || seen[in.Prefix] {
			continue
		}
		seen[in.Prefix] = true
		v := Venv{Name: filepath.Base(in.Prefix), Path: in.Prefix, Origin: OriginFound, BasePath: in.BasePrefix,
			BaseVersion: in.Version, FreeThreaded: in.FreeThreaded}
		if fi, err := os.Stat(filepath.Join(in.Prefix, "pyvenv.cfg")); err == nil {
			v.CreatedAt = fi.ModTime().UTC()
		}
		out = append(out, quickStatus(v))
	}
	return out, nil
}

func quickStatus(v Venv) VenvEntry {
	e := VenvEntry{Venv: v, Problems: []string{}, Activate: Activation(v.Path, runtime.GOOS)}
	switch {
	case !IsVenvDir(v.Path):
		e.Problems = append(e.Problems, "the venv directory is gone")
	default:
		e.SizeBytes = platform.DirSize(v.Path)
		if _, err := os.Stat(VenvPython(v.Path)); err != nil {
			e.Problems = append(e.Problems, "its python or base interpreter is gone")
		}
	}
	e.Status = StatusOK
	if len(e.Problems) > 0 {
		e.Status = StatusBroken
	}
	return e
}

// FindVenv resolves NAME or PATH to a recorded venv; for an unrecorded
// path it returns ok false with the path filled in.
func FindVenv(ctx context.Context, st VenvStore, arg string) (Venv, bool, error) {
	if v, ok, err := st.VenvByName(ctx, arg); err != nil || ok {
		return v, ok, err
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return Venv{}, false, err
	}
	if v, ok, err := st.VenvByPath(ctx, abs); err != nil || ok {
		return v, ok, err
	}
	return Venv{Name: filepath.Base(abs), Path: abs}, false, nil
}

// DeleteVenv deletes a recorded venv (by name or path) and forgets it; see
// RemoveVenv for what is refused. A recorded venv whose directory is
// already gone is just forgotten.
func DeleteVenv(ctx context.Context, st VenvStore, arg string) (Venv, error) {
	v, known, err := FindVenv(ctx, st, arg)
	if err != nil {
		return v, err
	}
	if !known && !strings.ContainsAny(arg, `/\`) && !IsVenvDir(v.Path) {
		return v, fmt.Errorf("no venv named %s", arg)
	}
	if err := RemoveVenv(v.Path, func(string) bool { return known }); err != nil {
		if _, statErr := os.Lstat(v.Path); known && os.IsNotExist(statErr) {
			return v, st.ForgetVenv(context.WithoutCancel(ctx), v.ID)
		}
		return v, err
	}
	// Deleted: it is forgotten even if a cancel comes now.
	return v, st.ForgetVenv(context.WithoutCancel(ctx), v.ID)
}
