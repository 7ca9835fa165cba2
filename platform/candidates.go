package platform

import (
	"regexp"
	"strings"

	"github.com/pyhangar/pyhangar/pyversion"
)

// Candidate is a path that may be a Python interpreter, with the source
// that put it there and what its location says about it.
type Candidate struct {
	Path   string // as the host writes it
	Source Source
	OnPath bool
	Hint   Hint
}

// Hint is what can be told about an interpreter without running it.
type Hint struct {
	Version pyversion.Version // as far as known: "3", "3.13", "3.13.5"
	// VersionSource says what gave Version: a file that states it
	// (conda-meta, pyvenv.cfg, build-details, patchlevel), or a name
	// (a file or directory name, a registry tag): a guess.
	VersionSource  string
	Implementation string // cpython, pypy; "" when unknown
	FreeThreaded   bool
	Arch           string
	Company, Tag   string // PEP 514
	VenvRoot       string // the venv dir, for an interpreter inside one
}

// Where a version comes from.
const (
	FromName         = "name"
	FromCondaMeta    = "conda-meta"
	FromPyvenvCfg    = "pyvenv.cfg"
	FromBuildDetails = "build-details"
	FromPatchlevel   = "patchlevel"
)

// stated reports a version a file states (rather than a name suggests).
func (h Hint) stated() bool { return h.VersionSource != "" && h.VersionSource != FromName }

// Merge fills what h lacks from o. A version a file states beats one a
// name suggests; between two of a kind, the more precise wins.
func (h *Hint) Merge(o Hint) {
	switch {
	case o.Version == "":
	case o.stated() && !h.stated(), o.stated() == h.stated() && len(o.Version) > len(h.Version):
		h.Version, h.VersionSource = o.Version, o.VersionSource
		if h.VersionSource == "" {
			h.VersionSource = FromName
		}
	}
	if h.Implementation == "" {
		h.Implementation = o.Implementation
	}
	h.FreeThreaded = h.FreeThreaded || o.FreeThreaded
	if h.Arch == "" {
		h.Arch = o.Arch
	}
	if h.Company == "" {
		h.Company, h.Tag = o.Company, o.Tag
	}
	if h.VenvRoot == "" {
		h.VenvRoot = o.VenvRoot
	}
}

// pythonName matches interpreter file names: python, python3, python3.13,
// python3.13t, python3t, python2.7 (with .exe on Windows).
var pythonName = regexp.MustCompile(`^python(?:([23])(?:\.(\d{1,2}))?(t)?)?(\.exe)?$`)

// NameHint tells what an interpreter's file name says, and whether the name
// is one of an interpreter at all.
func NameHint(name string, windows bool) (Hint, bool) {
	if windows {
		name = strings.ToLower(name)
	}
	m := pythonName.FindStringSubmatch(name)
	if m == nil || (m[4] != "") != windows {
		return Hint{}, false
	}
	h := Hint{Version: pyversion.Version(m[1]), FreeThreaded: m[3] != ""}
	if m[2] != "" {
		h.Version += pyversion.Version("." + m[2])
	}
	if h.Version != "" {
		h.VersionSource = FromName
	}
	return h, true
}

// Candidates lists every place on the host where an interpreter may be, the
// most specific sources first (so a file reached from several places is
// credited to the most telling one), PATH last.
func Candidates(h *Host) []Candidate {
	c := &collector{h: h}
	c.pyhangar()
	c.uv()
	c.pyenv()
	c.asdfAndMise()
	c.conda()
	c.venvDirs()
	switch h.OS {
	case "windows":
		c.windows()
	case "darwin":
		c.macOS()
	default:
		c.linux()
	}
	c.path()
	return c.out
}

type collector struct {
	h   *Host
	out []Candidate
}

func (c *collector) add(path string, source Source, hint Hint) {
	c.out = append(c.out, Candidate{Path: path, Source: source, Hint: hint})
}

// binDir adds the interpreters in a directory, with a hint from the
// directory's layout merged into each name's own.
func (c *collector) binDir(dir string, source Source, hint Hint) {
	for _, name := range c.h.ReadDir(dir) {
		nh, ok := NameHint(name, c.h.Windows())
		if !ok {
			continue
		}
		nh.Merge(hint)
		c.add(c.h.Join(dir, name), source, nh)
	}
}

// prefix adds a Python installation prefix: prefix/bin on Unix, the prefix
// itself (and Scripts, for a venv) on Windows.
func (c *collector) prefix(dir string, source Source, hint Hint) {
	if c.h.Windows() {
		c.binDir(dir, source, hint)
		c.binDir(c.h.Join(dir, "Scripts"), source, hint)
		return
	}
	c.binDir(c.h.Join(dir, "bin"), source, hint)
}

// children runs f on each subdirectory of dir.
func (c *collector) children(dir string, f func(path, name string)) {
	for _, name := range c.h.ReadDir(dir) {
		p := c.h.Join(dir, name)
		if c.h.IsDir(p) {
			f(p, name)
		}
	}
}

// homes returns each user home's path joined with elem.
func (c *collector) homes(elem ...string) []string {
	var out []string
	for _, home := range c.h.Homes {
		out = append(out, c.h.Join(append([]string{home}, elem...)...))
	}
	return out
}

// envDir returns $name joined with elem when name is set.
func (c *collector) envDir(name string, elem ...string) []string {
	v := c.h.Getenv(name)
	if v == "" || !c.h.IsAbs(v) {
		return nil
	}
	return []string{c.h.Join(append([]string{v}, elem...)...)}
}

// appData returns the Windows profile dirs (AppData\Roaming for APPDATA,
// AppData\Local for LOCALAPPDATA) joined with rel: from the environment when
// set, else under each home.
func (c *collector) appData(envName string, rel ...string) []string {
	dirs := c.envDir(envName)
	if len(dirs) == 0 {
		sub := `AppData\Roaming`
		if envName == "LOCALAPPDATA" {
			sub = `AppData\Local`
		}
		dirs = c.homes(sub)
	}
	var out []string
	for _, d := range dirs {
		out = append(out, c.h.Join(append([]string{d}, rel...)...))
	}
	return out
}

var versionInName = regexp.MustCompile(`(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?)(t)?`)

// versionHint reads a version (and a trailing t) from a directory name such
// as 3.13.5t or 3.14.0rc1.
func versionHint(name string) Hint {
	m := versionInName.FindStringSubmatch(name)
	if m == nil {
		return Hint{}
	}
	h := Hint{Version: pyversion.Version(m[1]), FreeThreaded: m[2] != "", VersionSource: FromName}
	if strings.HasPrefix(strings.ToLower(name), "pypy") {
		h.Implementation = "pypy"
	}
	return h
}

// pyhangar adds PyHangar's own installs: in its data dir, and on another
// machine's disk in each home's default data dir.
func (c *collector) pyhangar() {
	var dirs []string
	if c.h.DataDir != "" {
		dirs = append(dirs, c.h.DataDir)
	}
	if c.h.Root != "" {
		switch c.h.OS {
		case "windows":
			dirs = append(dirs, c.homes(`AppData\Local\PyHangar`)...)
		case "darwin":
			dirs = append(dirs, c.homes("Library", "Application Support", "PyHangar")...)
		default:
			dirs = append(dirs, c.homes(".local", "share", "pyhangar")...)
		}
	}
	for _, d := range dedupe(c.h, dirs) {
		c.children(c.h.Join(d, "pythons"), func(p, name string) {
			c.prefix(p, SourcePyHangar, versionHint(name))
		})
	}
}

// uvDir parses uv's managed install dir names, e.g.
// cpython-3.14.2+freethreaded-linux-x86_64-gnu.
var uvDir = regexp.MustCompile(`^([a-z]+)-(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?)((?:\+[a-z]+)*)-([^-]+)-([^-]+)-([^-]+)$`)

func (c *collector) uv() {
	var roots []string
	roots = append(roots, c.envDir("UV_PYTHON_INSTALL_DIR")...)
	if c.h.Windows() {
		roots = append(roots, c.appData("APPDATA", "uv", "python")...)
		roots = append(roots, c.appData("APPDATA", "uv", "data", "python")...)
	} else {
		roots = append(roots, c.envDir("XDG_DATA_HOME", "uv", "python")...)
		roots = append(roots, c.homes(".local", "share", "uv", "python")...)
		if c.h.OS == "darwin" {
			roots = append(roots, c.homes("Library", "Application Support", "uv", "python")...)
		}
	}
	for _, root := range dedupe(c.h, roots) {
		c.children(root, func(p, name string) {
			m := uvDir.FindStringSubmatch(name)
			if m == nil {
				return
			}
			hint := Hint{Version: pyversion.Version(m[2]), VersionSource: FromName, Implementation: m[1], FreeThreaded: strings.Contains(m[3], "+freethreaded"), Arch: m[5]}
			c.prefix(p, SourceUV, hint)
		})
	}
}

// versionDir adds one version directory of a version manager (pyenv,
// asdf, mise): a conda distribution installed through it is a conda prefix
// with its environments; a venv made under it (pyenv-virtualenv) says its
// version in pyvenv.cfg; anything else is named by its directory.
func (c *collector) versionDir(p, name string, source Source) {
	if IsCondaPrefix(c.h, p) {
		c.condaPrefix(p)
		return
	}
	if hint, ok := VenvHint(c.h, p); ok {
		c.prefix(p, source, hint)
		return
	}
	c.prefix(p, source, versionHint(name))
}

func (c *collector) pyenv() {
	roots := c.envDir("PYENV_ROOT", "versions")
	roots = append(roots, c.homes(".pyenv", "versions")...)
	for _, root := range dedupe(c.h, roots) {
		c.children(root, func(p, name string) { c.versionDir(p, name, SourcePyenv) })
	}
	for _, root := range c.homes(".pyenv", "pyenv-win", "versions") {
		c.children(root, func(p, name string) { c.binDir(p, SourcePyenv, versionHint(name)) })
	}
}

func (c *collector) asdfAndMise() {
	asdf := c.envDir("ASDF_DATA_DIR", "installs", "python")
	asdf = append(asdf, c.homes(".asdf", "installs", "python")...)
	for _, root := range dedupe(c.h, asdf) {
		c.children(root, func(p, name string) { c.versionDir(p, name, SourceAsdf) })
	}
	mise := c.envDir("MISE_DATA_DIR", "installs", "python")
	mise = append(mise, c.homes(".local", "share", "mise", "installs", "python")...)
	if c.h.Windows() {
		mise = append(mise, c.appData("LOCALAPPDATA", "mise", "installs", "python")...)
	}
	for _, root := range dedupe(c.h, mise) {
		c.children(root, func(p, name string) { c.versionDir(p, name, SourceMise) })
	}
}

// conda adds every conda prefix it can find — the usual install names in
// the home dirs and /opt, any home dir entry that is a conda prefix, those
// the environment names — with the environments in each one's envs/, and
// the environments .condarc's envs_dirs and ~/.conda/environments.txt name.
// (Conda distributions installed through pyenv, asdf and mise are found
// there.)
func (c *collector) conda() {
	names := []string{"miniconda3", "anaconda3", "miniforge3", "mambaforge", "micromamba", "miniconda", "anaconda"}
	var bases []string
	bases = append(bases, c.envDir("CONDA_PREFIX")...)
	bases = append(bases, c.envDir("MAMBA_ROOT_PREFIX")...)
	for _, n := range names {
		if c.h.Windows() {
			bases = append(bases, c.envDir("PROGRAMDATA", n)...)
			bases = append(bases, c.appData("LOCALAPPDATA", n)...)
		} else {
			bases = append(bases, "/opt/"+n)
		}
	}
	if !c.h.Windows() {
		bases = append(bases, "/opt/conda")
	}
	for _, n := range names {
		bases = append(bases, c.homes(n)...)
	}
	// Under any other name in a home dir, a directory counts when it is a
	// conda installation for sure.
	for _, home := range c.h.Homes {
		for _, name := range c.h.ReadDir(home) {
			if p := c.h.Join(home, name); IsCondaPrefix(c.h, p) {
				bases = append(bases, p)
			}
		}
	}
	for _, b := range dedupe(c.h, bases) {
		if c.h.IsDir(c.h.Join(b, "conda-meta")) {
			c.condaPrefix(b)
		}
	}
	var envs []string
	for _, home := range c.h.Homes {
		envs = append(envs, c.envsIn(c.h.Join(home, ".conda", "envs"))...)
		for _, f := range []string{".condarc", ".conda/.condarc", ".config/conda/.condarc", ".config/conda/condarc"} {
			for _, dir := range condarcEnvsDirs(c.h, c.h.Join(home, f), home) {
				envs = append(envs, c.envsIn(dir)...)
			}
		}
		if data, ok := c.h.ReadFile(c.h.Join(home, ".conda", "environments.txt"), 1<<20); ok {
			for _, line := range strings.Split(string(data), "\n") {
				if line = strings.TrimSpace(line); line != "" && c.h.IsAbs(line) {
					envs = append(envs, line)
				}
			}
		}
	}
	for _, env := range dedupe(c.h, envs) {
		if c.h.IsDir(c.h.Join(env, "conda-meta")) {
			c.prefix(env, SourceConda, CondaHint(c.h, env))
		}
	}
}

// condaPrefix adds a conda installation and the environments in its envs/.
func (c *collector) condaPrefix(base string) {
	c.prefix(base, SourceConda, CondaHint(c.h, base))
	for _, env := range c.envsIn(c.h.Join(base, "envs")) {
		c.prefix(env, SourceConda, CondaHint(c.h, env))
	}
}

// envsIn lists the conda environments in a directory.
func (c *collector) envsIn(dir string) []string {
	var out []string
	c.children(dir, func(p, _ string) {
		if c.h.IsDir(c.h.Join(p, "conda-meta")) {
			out = append(out, p)
		}
	})
	return out
}

// IsCondaPrefix reports a conda installation (a base, not an environment
// of one): conda-meta/ with its history, or conda's own command.
func IsCondaPrefix(h *Host, p string) bool {
	if !h.IsDir(h.Join(p, "conda-meta")) {
		return false
	}
	for _, marker := range []string{"conda-meta/history", "condabin", "bin/conda", "Scripts/conda.exe"} {
		if h.Exists(h.Join(p, marker)) {
			return true
		}
	}
	return false
}

// condarcEnvsDirs reads the envs_dirs list of a .condarc (YAML: a block
// list or a flow list), with ~ meaning home.
func condarcEnvsDirs(h *Host, file, home string) []string {
	data, ok := h.ReadFile(file, 1<<20)
	if !ok {
		return nil
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if key, rest, ok := strings.Cut(trimmed, ":"); ok && !strings.HasPrefix(trimmed, "-") && line == strings.TrimLeft(line, " \t") {
			in = key == "envs_dirs"
			if in && strings.HasPrefix(strings.TrimSpace(rest), "[") {
				for _, item := range strings.Split(strings.Trim(strings.TrimSpace(rest), "[]"), ",") {
					out = append(out, item)
				}
				in = false
			}
			continue
		}
		if in && strings.HasPrefix(trimmed, "-") {
			out = append(out, strings.TrimSpace(strings.TrimPrefix(trimmed, "-")))
		}
	}
	var dirs []string
	for _, d := range out {
		d = strings.Trim(strings.TrimSpace(d), `"'`)
		if strings.HasPrefix(d, "~") {
			d = h.Join(home, strings.TrimPrefix(d, "~"))
		}
		if d != "" && h.IsAbs(d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// CondaHint reads a conda environment's Python from its conda-meta
// records: the python package's version, a free-threading build, PyPy.
func CondaHint(h *Host, env string) Hint {
	var hint Hint
	for _, name := range h.ReadDir(h.Join(env, "conda-meta")) {
		switch {
		case strings.HasPrefix(name, "python-freethreading-"):
			hint.FreeThreaded = true
		case strings.HasPrefix(name, "python_abi-") && strings.Contains(name, "_cp3") && strings.HasSuffix(strings.TrimSuffix(name, ".json"), "t"):
			hint.FreeThreaded = true
		case strings.HasPrefix(name, "pypy3") || strings.HasPrefix(name, "pypy-"):
			hint.Implementation = "pypy"
		case strings.HasPrefix(name, "python-3") || strings.HasPrefix(name, "python-2"):
			if v := versionHint(strings.TrimPrefix(name, "python-")); v.Version != "" {
				hint.Version, hint.VersionSource = v.Version, FromCondaMeta
			}
			if strings.Contains(name, "_pypy") {
				hint.Implementation = "pypy"
			}
		}
	}
	return hint
}

// venvDirs adds the venvs in the usual venv homes and PyHangar's own.
func (c *collector) venvDirs() {
	var roots []string
	roots = append(roots, c.envDir("WORKON_HOME")...)
	roots = append(roots, c.homes(".virtualenvs")...)
	roots = append(roots, c.homes(".venvs")...)
	if c.h.DataDir != "" {
		roots = append(roots, c.h.Join(c.h.DataDir, "venvs"))
	}
	for _, root := range dedupe(c.h, roots) {
		c.children(root, func(p, _ string) {
			if hint, ok := VenvHint(c.h, p); ok {
				c.prefix(p, SourceVenv, hint)
			}
		})
	}
}

// VenvHint reads a venv's pyvenv.cfg; ok is false when dir is not a venv.
func VenvHint(h *Host, dir string) (Hint, bool) {
	data, ok := h.ReadFile(h.Join(dir, "pyvenv.cfg"), 64<<10)
	if !ok {
		return Hint{}, false
	}
	hint := Hint{VenvRoot: dir}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "version", "version_info":
			if vh := versionHint(v); len(vh.Version) > len(hint.Version) {
				hint.Version, hint.VersionSource = vh.Version, FromPyvenvCfg
			}
		case "implementation":
			hint.Implementation = strings.ToLower(v)
		case "executable", "home", "base-executable":
			base := v
			if i := strings.LastIndexAny(base, `/\`); i >= 0 && k != "home" {
				base = base[i+1:]
			}
			if nh, ok := NameHint(base, h.Windows()); ok && nh.FreeThreaded {
				hint.FreeThreaded = true
			}
			if strings.Contains(v, "+freethreaded") || strings.Contains(v, "PythonT.framework") {
				hint.FreeThreaded = true
			}
		}
	}
	return hint, true
}

// path adds every interpreter on the host's PATH. Empty, relative and
// repeated entries are skipped, and so are version-manager shims and the
// Windows Store's app-execution aliases, which must never be run.
func (c *collector) path() {
	seen := map[string]bool{}
	for _, dir := range strings.Split(c.h.Getenv("PATH"), c.h.PathListSep()) {
		dir = strings.TrimSpace(dir)
		if dir == "" || !c.h.IsAbs(dir) || IsShimDir(c.h, dir) {
			continue
		}
		key := dir
		if c.h.Windows() {
			key = strings.ToLower(strings.TrimRight(dir, `\`))
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		for _, name := range c.h.ReadDir(dir) {
			nh, ok := NameHint(name, c.h.Windows())
			if !ok {
				continue
			}
			p := c.h.Join(dir, name)
			if c.h.OS == "darwin" && p == "/usr/bin/python3" && !c.macCommandLineTools() {
				continue // the stub that offers to install the tools
			}
			c.out = append(c.out, Candidate{Path: p, Source: SourcePath, OnPath: true, Hint: nh})
		}
	}
}

// IsShimDir reports directories whose pythons are version-manager shims or
// app-execution aliases rather than interpreters.
func IsShimDir(h *Host, dir string) bool {
	d := strings.ReplaceAll(strings.TrimRight(dir, `/\`), `\`, "/")
	if h.Windows() {
		d = strings.ToLower(d)
		return strings.HasSuffix(d, "/shims") || strings.HasSuffix(d, "/microsoft/windowsapps")
	}
	return strings.HasSuffix(d, "/shims")
}

func dedupe(h *Host, paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		k := p
		if h.Windows() || h.OS == "darwin" {
			k = strings.ToLower(p)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
