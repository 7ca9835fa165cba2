package envs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Venv is a virtual environment PyHangar made or the user registered.
type Venv struct {
	ID           int64             `json:"-"`
	Name         string            `json:"name"`
	Path         string            `json:"path"`
	Origin       Origin            `json:"origin"`
	Via          VenvTool          `json:"via"`
	BasePath     string            `json:"base"`
	BaseVersion  pyversion.Version `json:"base_version"`
	FreeThreaded bool              `json:"free_threaded"`
	CreatedAt    time.Time         `json:"created"`
	// Profile is the team profile (its file's path) that made the venv.
	Profile   string       `json:"profile,omitempty"`
	LastCheck *CheckResult `json:"last_check,omitempty"`
}

// VenvPython is the venv's interpreter path.
func VenvPython(dir string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(dir, "Scripts", "python.exe")
	}
	return filepath.Join(dir, "bin", "python")
}

// IsVenvDir reports whether dir is a real directory holding a pyvenv.cfg.
func IsVenvDir(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	cfg, err := os.Lstat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil && cfg.Mode().IsRegular()
}

// ReadVenvConfig reads pyvenv.cfg's keys (lower-cased).
func ReadVenvConfig(dir string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "pyvenv.cfg"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return out, nil
}

var windowsReserved = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$`)

// ValidateName checks a venv name: it becomes a directory name on every OS.
func ValidateName(name string) error {
	switch {
	case name == "":
		return errors.New("a venv name is required")
	case len(name) > 64:
		return fmt.Errorf("venv name %q is longer than 64 bytes", name)
	case name == "." || name == "..":
		return fmt.Errorf("%q is not a venv name", name)
	case strings.ContainsAny(name, `/\:*?"<>|`):
		return fmt.Errorf("venv name %q may not contain any of / \\ : * ? \" < > |", name)
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") || strings.HasPrefix(name, " "):
		return fmt.Errorf("venv name %q may not start with a space or end with a space or a dot", name)
	case windowsReserved.MatchString(name):
		return fmt.Errorf("venv name %q is reserved on Windows", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("venv name %q contains a control character", name)
		}
	}
	return nil
}

// MakeOptions say what venv to make.
type MakeOptions struct {
	Dir  string      // where the venv goes
	Base Interpreter // the interpreter it is made from
	Via  VenvTool    // ToolVenv (default) or ToolUV
	UV   string      // uv's path, for ToolUV
	// Recreate replaces an existing venv at Dir. The caller checks that
	// PyHangar made it.
	Recreate     bool
	Requirements string // a requirements file to install, or ""
	Timeout      time.Duration
	// Progress receives the tools' output lines.
	Progress func(line string)
	// Journal, when set, is a file where MakeVenvDir notes what it is about to
	// change before it changes it, so that what one killed halfway
	// left is undone by the next MakeVenvDir given the same journal. The file
	// stays after a success, for the caller to remove once the venv is
	// recorded; the caller holds a lock that keeps two of them off one
	// journal.
	Journal string
}

// MakeVenvDir makes a clean venv directory (no system site-packages; not
// recorded: CreateVenv records it) and checks that it
// has its base's build: a free-threaded base must give a free-threaded
// venv. When anything fails, nothing is left at Dir (a venv being recreated
// is put back).
func MakeVenvDir(ctx context.Context, opt MakeOptions) (result Identity, err error) {
	if opt.Via == "" {
		opt.Via = ToolVenv
	}
	if opt.Via != ToolVenv && opt.Via != ToolUV {
		return Identity{}, fmt.Errorf("unknown venv tool %q (venv or uv)", opt.Via)
	}
	if opt.Via == ToolUV && opt.UV == "" {
		return Identity{}, errors.New("uv was asked for but is not installed; use --via venv")
	}
	if opt.Base.Status != StatusOK {
		return Identity{}, fmt.Errorf("the interpreter %s is broken: %s", opt.Base.Path, opt.Base.Error)
	}
	if !opt.Base.Version.AtLeast("3.3") {
		return Identity{}, fmt.Errorf("Python %s has no venv module; PyHangar makes venvs from Python 3.3 or newer", opt.Base.Version)
	}
	if opt.Progress == nil {
		opt.Progress = func(string) {}
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return Identity{}, err
	}
	if opt.Journal != "" {
		if err := undoInterrupted(opt.Journal, opt.Progress); err != nil {
			return Identity{}, err
		}
	}

	// The target: missing, an empty directory, or (with Recreate) a venv
	// that is moved aside until the new one is made. What the user saved
	// in it besides the venv's own files comes back at once and stays.
	j := createJournal{Dir: dir}
	if fi, err := os.Lstat(dir); err == nil {
		if !fi.IsDir() {
			return Identity{}, fmt.Errorf("%s exists and is not a directory", dir)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) > 0 {
			if !opt.Recreate {
				return Identity{}, fmt.Errorf("%s exists and is not empty; choose another path, or pass --recreate to replace a venv PyHangar made", dir)
			}
			if !IsVenvDir(dir) {
				return Identity{}, fmt.Errorf("%s is not a venv; refusing to replace it", dir)
			}
			j.Aside = fmt.Sprintf("%s.replaced-%d", dir, time.Now().UnixNano())
			j.Kept = Foreign(dir)
		}
		j.Existed = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Identity{}, err
	}
	if opt.Journal != "" {
		if err := j.write(opt.Journal); err != nil {
			return Identity{}, err
		}
	}
	var kept []string
	if j.Aside != "" {
		if kept, err = j.moveAside(); err != nil {
			if opt.Journal != "" && j.undo(true) == nil {
				os.Remove(opt.Journal)
			}
			return Identity{}, err
		}
		if len(kept) > 0 {
			opt.Progress("Kept what is not the venv's own: " + strings.Join(kept, ", "))
		}
	}
	defer func() {
		if err == nil {
			if j.Aside != "" {
				if derr := j.dropAside(); derr != nil {
					opt.Progress("The replaced venv is left at " + j.Aside + ".done: " + derr.Error())
				}
			}
			return
		}
		// Leave nothing half made (what the user put there stays); put a
		// replaced venv back. The journal stays when that fails, for the
		// next create to try again.
		if j.undo(true) == nil && opt.Journal != "" {
			os.Remove(opt.Journal)
		}
	}()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return Identity{}, err
	}

	var argv []string
	if opt.Via == ToolUV {
		argv = []string{opt.UV, "venv", "--python", opt.Base.Path, "--no-progress", "--color", "never"}
		if len(kept) > 0 {
			argv = append(argv, "--allow-existing") // the user's files stay
		}
		argv = append(argv, dir)
	} else {
		argv = []string{opt.Base.Path, "-I", "-m", "venv", dir}
	}
	opt.Progress("$ " + strings.Join(argv, " "))
	if err := runTool(ctx, argv, opt.Timeout, "", opt.Progress); err != nil {
		return Identity{}, fmt.Errorf("creating the venv failed: %w", err)
	}

	python := VenvPython(dir)
	made, err := Probe(ctx, python, 0)
	if err != nil {
		return Identity{}, fmt.Errorf("the new venv's python does not run: %w", err)
	}
	if !made.IsVenv {
		return Identity{}, fmt.Errorf("the new venv's python does not report a venv (prefix %s)", made.Prefix)
	}
	if made.FreeThreaded != opt.Base.FreeThreaded {
		return Identity{}, fmt.Errorf("the venv's python reports Py_GIL_DISABLED=%v but its base %s is %s",
			made.FreeThreaded, opt.Base.Path, opt.Base.Build())
	}
	if opt.Requirements != "" {
		if err := InstallRequirements(ctx, dir, opt.Via, opt.UV, opt.Requirements, opt.Progress); err != nil {
			return Identity{}, err
		}
	}
	return made, nil
}

// createJournal is what MakeVenvDir notes before it changes anything:
// its target, whether the target was there already, and where a venv
// being replaced is moved.
type createJournal struct {
	Dir     string `json:"dir"`
	Existed bool   `json:"existed,omitempty"`
	Aside   string `json:"aside,omitempty"`
	// Kept are the entries of a replaced venv that are not the venv's
	// own: they stay in Dir all along.
	Kept []string `json:"kept,omitempty"`
}

// venvMade is what PyHangar made in a venv's folder: the venv's own
// entries, nothing the user saved beside them.
var venvMade = platform.Made{Owns: func(name string) bool { return venvEntries[name] }, KeepOthers: true}

// write saves the journal whole or not at all (a temporary file renamed
// into place), so a kill never leaves half of one.
func (j createJournal) write(path string) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// moveAside moves the venv being replaced aside in one rename, then brings
// back at once what is not the venv's own (the user's notes, a project):
// those stay where they are through the whole recreate. It returns their
// names.
func (j createJournal) moveAside() ([]string, error) {
	if err := os.Rename(j.Dir, j.Aside); err != nil {
		return nil, fmt.Errorf("moving the old venv aside: %w", err)
	}
	if err := os.Mkdir(j.Dir, 0o755); err != nil {
		return nil, err
	}
	var kept []string
	for _, name := range Foreign(j.Aside) {
		if err := os.Rename(filepath.Join(j.Aside, name), filepath.Join(j.Dir, name)); err != nil {
			return kept, fmt.Errorf("keeping %s: %w", name, err)
		}
		kept = append(kept, name)
	}
	return kept, nil
}

// dropAside deletes the replaced venv once the new one is made: first
// renamed to .done (so an undo after a kill sees the create finished),
// then the venv's own entries go; anything else found there stays.
func (j createJournal) dropAside() error {
	done := j.Aside + ".done"
	if err := os.Rename(j.Aside, done); err != nil {
		return err
	}
	_, err := platform.DeleteMade(done, venvMade)
	return err
}

// undo puts the target back as it was before the create: what the
// create made there goes (the venv's own entries), then the replaced
// venv's entries come back, or the folder goes when the create made it
// and nothing else is in it. live says the create failed just now, in
// this process: whatever else is in the folder was put there meanwhile,
// and stays. After a kill, something the journal does not account for
// (someone may have put a project there since) refuses the undo, naming
// it, and nothing is deleted. A venv being replaced that is not aside was
// never moved (or the create had finished), so the target is left as it
// is.
func (j createJournal) undo(live bool) error {
	if j.Aside != "" {
		if _, err := os.Lstat(j.Aside); err != nil {
			_, err := platform.DeleteMade(j.Aside+".done", venvMade) // finished, unless killed while dropping it
			return err
		}
	}
	if !live {
		var unknown []string
		for _, name := range Foreign(j.Dir) {
			if !slices.Contains(j.Kept, name) {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			return fmt.Errorf("%s holds more than a venv (%s); nothing was deleted", j.Dir, strings.Join(unknown, ", "))
		}
	}
	m := venvMade
	m.KeepFolder = j.Existed
	if _, err := platform.DeleteMade(j.Dir, m); err != nil {
		return err
	}
	if j.Aside == "" {
		return nil
	}
	if err := os.MkdirAll(j.Dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(j.Aside)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(j.Aside, e.Name()), filepath.Join(j.Dir, e.Name())); err != nil {
			return fmt.Errorf("putting %s back: %w", e.Name(), err)
		}
	}
	return os.Remove(j.Aside)
}

// undoInterrupted undoes, as its journal says, what a MakeVenvDir killed
// halfway left, and removes the journal.
func undoInterrupted(journal string, progress func(string)) error {
	b, err := os.ReadFile(journal)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var j createJournal
	if err := json.Unmarshal(b, &j); err != nil || !filepath.IsAbs(j.Dir) || (j.Aside != "" && filepath.Dir(j.Aside) != filepath.Dir(j.Dir)) {
		return fmt.Errorf("%s is not a journal PyHangar wrote; remove it to go on", journal)
	}
	progress(fmt.Sprintf("An earlier create of %s was interrupted; undoing what it left.", j.Dir))
	if err := j.undo(false); err != nil {
		return fmt.Errorf("undoing the interrupted create of %s: %w", j.Dir, err)
	}
	return os.Remove(journal)
}

// InstallRequirements installs a requirements file into a venv with pip
// (uv pip for a venv uv made), streaming the tool's lines to progress.
func InstallRequirements(ctx context.Context, dir string, via VenvTool, uv, requirements string, progress func(string)) error {
	req, err := filepath.Abs(requirements)
	if err != nil {
		return err
	}
	if _, err := os.Stat(req); err != nil {
		return fmt.Errorf("requirements file: %w", err)
	}
	if err := Install(ctx, InstallOptions{Venv: dir, Via: via, UV: uv, Args: []string{"-r", req}, Progress: progress}); err != nil {
		return fmt.Errorf("installing %s failed: %w", requirements, err)
	}
	return nil
}

// InstallOptions describe a pip install into a venv.
type InstallOptions struct {
	Venv string   // the venv's folder
	Via  VenvTool // ToolUV runs uv pip, else the venv's own pip
	UV   string   // uv's path, for ToolUV
	Args []string // what follows "pip install": -r FILE, --no-deps DIR
	// Dir is the folder it runs in ("": PyHangar's own), where relative
	// paths in a requirements file are found, as pip finds them.
	Dir      string
	Progress func(string)
	// Run, when set, runs the installer instead of a process of
	// PyHangar's own (a try runs it through its launcher): it returns the
	// exit status and the last line printed.
	Run func(ctx context.Context, argv []string, dir string, onLine func(string)) (exit int, last string, err error)
}

// Install runs pip install (or uv pip install) into a venv, streaming its
// lines; a failure carries the last line it printed.
func Install(ctx context.Context, opt InstallOptions) error {
	if opt.Progress == nil {
		opt.Progress = func(string) {}
	}
	var argv []string
	if opt.Via == ToolUV && opt.UV != "" {
		argv = []string{opt.UV, "pip", "install", "--python", VenvPython(opt.Venv), "--no-progress", "--color", "never"}
	} else {
		argv = []string{VenvPython(opt.Venv), "-I", "-m", "pip", "install", "--disable-pip-version-check", "--no-input"}
	}
	argv = append(argv, opt.Args...)
	opt.Progress("$ " + strings.Join(argv, " "))
	if opt.Run == nil {
		return runTool(ctx, argv, 0, opt.Dir, opt.Progress)
	}
	exit, last, err := opt.Run(ctx, argv, opt.Dir, opt.Progress)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return err
	case exit != 0:
		return fmt.Errorf("exit status %d: %s", exit, last)
	}
	return nil
}

// runTool runs argv, streaming its lines; a non-zero exit is an error
// carrying the last line it printed.
func runTool(ctx context.Context, argv []string, timeout time.Duration, dir string, progress func(string)) error {
	var last string
	res, err := platform.Run(ctx, argv, platform.RunOptions{Timeout: timeout, Dir: dir, OnLine: func(l string) {
		last = l
		progress(l)
	}})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		if last == "" {
			last = platform.LastLine(res.Stderr)
		}
		return fmt.Errorf("exit status %d: %s", res.ExitCode, last)
	}
	return nil
}

// venvEntries are the names a venv's own directory holds: what venv,
// virtualenv and uv create, and what packages install into a prefix
// (share/, etc/, man/; src/ for pip's editable checkouts).
var venvEntries = map[string]bool{
	"pyvenv.cfg": true, "bin": true, "Scripts": true, "lib": true, "Lib": true, "lib64": true, "include": true,
	"Include": true, "share": true, "etc": true, "man": true, "src": true, ".gitignore": true, "CACHEDIR.TAG": true,
	".lock": true,
}

// Foreign lists what a venv directory holds besides a venv's own entries
// (a project's pyproject.toml, .git, sources), sorted.
func Foreign(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !venvEntries[e.Name()] {
			out = append(out, e.Name())
		}
	}
	return out
}

// RemoveVenv deletes a venv directory, and only that, by the one rule
// for deleting (platform.DeleteMade): dir must be a real directory reached
// without any link on its path, hold pyvenv.cfg and nothing but a venv's
// own entries (a project made into a venv with "python -m venv ." is
// refused, naming what else is there), must not be the file system root
// or the home dir, and known must say PyHangar made it or the user
// registered it. Anything else is refused and nothing is touched.
func RemoveVenv(dir string, known func(dir string) bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	abs = filepath.Clean(abs)
	if _, err := os.Lstat(abs); err != nil {
		return fmt.Errorf("%s: %w", abs, unwrapPath(err))
	}
	if link := platform.LinkOnPath(abs); link != "" {
		return fmt.Errorf("%s is reached through the symbolic link %s; PyHangar never deletes through a link (remove the venv by its own path)", abs, link)
	}
	if home, _ := os.UserHomeDir(); abs == filepath.Dir(abs) || (home != "" && abs == filepath.Clean(home)) {
		return fmt.Errorf("refusing to delete %s", abs)
	}
	if !IsVenvDir(abs) {
		return fmt.Errorf("%s is not a venv (it has no pyvenv.cfg); nothing was deleted", abs)
	}
	if foreign := Foreign(abs); len(foreign) > 0 {
		return fmt.Errorf("%s holds more than a venv (%s); PyHangar deletes only a venv's own files, so nothing was deleted: remove the venv's bin, lib and pyvenv.cfg yourself", abs, strings.Join(foreign, ", "))
	}
	if !known(abs) {
		return fmt.Errorf("PyHangar did not make %s and it is not registered; nothing was deleted (register it with 'pyhangar venv add' to manage it)", abs)
	}
	m := venvMade
	m.KeepOthers = false // a file saved there since refuses the delete
	if _, err := platform.DeleteMade(abs, m); err != nil {
		return fmt.Errorf("deleting %s: %w", abs, err)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Activation returns the command that activates the venv in each shell.
func Activation(dir string, goos string) map[string]string {
	if goos == "windows" {
		scripts := dir + `\Scripts\`
		return map[string]string{
			"powershell": `& '` + strings.ReplaceAll(scripts, `'`, `''`) + `Activate.ps1'`,
			"cmd":        `"` + scripts + `activate.bat"`,
			"bash":       `source '` + strings.ReplaceAll(filepath.ToSlash(scripts), `'`, `'\''`) + `activate'`,
		}
	}
	q := func(s string) string { return `'` + strings.ReplaceAll(s, `'`, `'\''`) + `'` }
	bin := filepath.Join(dir, "bin")
	return map[string]string{
		"bash":       "source " + q(filepath.Join(bin, "activate")),
		"zsh":        "source " + q(filepath.Join(bin, "activate")),
		"fish":       "source " + q(filepath.Join(bin, "activate.fish")),
		"powershell": "& " + `'` + strings.ReplaceAll(filepath.Join(bin, "Activate.ps1"), `'`, `''`) + `'`,
	}
}

// Package is a distribution installed in a venv.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// InstalledPackages lists what a venv's site-packages holds, from each
// distribution's METADATA (nothing is run).
func InstalledPackages(dir string) ([]Package, error) {
	var metas []string
	for _, pattern := range []string{"lib/python*/site-packages/*.dist-info/METADATA", "Lib/site-packages/*.dist-info/METADATA"} {
		m, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
		if err != nil {
			return nil, err
		}
		metas = append(metas, m...)
	}
	out := []Package{}
	for _, path := range metas {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		var p Package
		sc := bufio.NewScanner(f)
		for sc.Scan() && (p.Name == "" || p.Version == "") {
			line := sc.Text()
			if line == "" {
				break // the headers end
			}
			if v, ok := strings.CutPrefix(line, "Name: "); ok {
				p.Name = strings.TrimSpace(v)
			} else if v, ok := strings.CutPrefix(line, "Version: "); ok {
				p.Version = strings.TrimSpace(v)
			}
		}
		f.Close()
		if p.Name != "" {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}
