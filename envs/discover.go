package envs

import (
	"context"
	"errors"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pyhangar/pyhangar/platform"
)

// CacheKey says which file a cached probe result belongs to: valid while
// the file's size, mtime and ctime and the probe script are unchanged.
type CacheKey struct {
	Path      string
	Size      int64
	MtimeNs   int64
	CtimeNs   int64
	ProbeHash string
}

// Cache keeps probe results between runs (the store implements it).
type Cache interface {
	GetProbe(ctx context.Context, key CacheKey) (ProbeResult, bool, error)
	PutProbe(ctx context.Context, key CacheKey, r ProbeResult) error
}

// DiscoverOptions tune Discover.
type DiscoverOptions struct {
	Cache   Cache         // nil: probe everything
	Refresh bool          // probe again even when the cache has an answer
	Timeout time.Duration // per probe; 0 means DefaultProbeTimeout
	// Parallel bounds concurrent probes; 0 means the CPU count.
	Parallel int
	// Progress, when set, is called after each probe with the count done
	// and the count to do.
	Progress func(done, total int)
}

// DiscoverStats says what a discovery did.
type DiscoverStats struct {
	Candidates int
	Probed     int // processes started
	Cached     int
}

// group is one interpreter being assembled from the candidates reaching it.
type group struct {
	rec      Interpreter
	hint     platform.Hint
	id       platform.FileID
	venvRoot string
	paths    []string
	// merged: a launcher or alias folded into the interpreter it runs,
	// which is listed instead.
	merged bool
}

// Discover finds and identifies the interpreters on the host it runs on.
func Discover(ctx context.Context, h *platform.Host, opt DiscoverOptions) ([]Interpreter, DiscoverStats, error) {
	groups, stats := collect(h)
	if opt.Parallel <= 0 {
		opt.Parallel = runtime.NumCPU()
	}
	// Cached answers first; the rest are probed in parallel.
	var todo []*group
	for _, g := range groups {
		key := cacheKey(g)
		if opt.Cache != nil && !opt.Refresh {
			if r, ok, err := opt.Cache.GetProbe(ctx, key); err == nil && ok {
				apply(g, r)
				stats.Cached++
				continue
			}
		}
		todo = append(todo, g)
	}
	sem := make(chan struct{}, opt.Parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for _, g := range todo {
		wg.Add(1)
		go func(g *group) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			id, err := Probe(ctx, g.rec.Path, opt.Timeout)
			if ctx.Err() != nil {
				return
			}
			r := Record(id, err)
			apply(g, r)
			var pe *ProbeError
			if opt.Cache != nil && (err == nil || errors.As(err, &pe) && pe.Cacheable()) {
				opt.Cache.PutProbe(ctx, cacheKey(g), r)
			}
			mu.Lock()
			done++
			stats.Probed++
			if opt.Progress != nil {
				opt.Progress(done, len(todo))
			}
			mu.Unlock()
		}(g)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, stats, err
	}
	for _, g := range groups {
		preferTellingName(h, g)
	}
	out := mergeLaunchers(h, groups)
	sortInterpreters(out)
	return out, stats, nil
}

// preferTellingName shows a free-threaded interpreter under its t name when
// a plain name is a hard link to the same file (as make altinstall leaves
// python3.13 and python3.13t).
func preferTellingName(h *platform.Host, g *group) {
	if !g.rec.FreeThreaded || g.venvRoot != "" {
		return
	}
	if nh, ok := platform.NameHint(h.Base(g.rec.Path), h.Windows()); ok && nh.FreeThreaded {
		return
	}
	for i, a := range g.rec.Aliases {
		nh, ok := platform.NameHint(h.Base(a), h.Windows())
		if !ok || !nh.FreeThreaded {
			continue
		}
		real, ok := h.Resolve(a)
		if !ok {
			continue
		}
		aliases := append([]string{}, g.rec.Aliases[:i]...)
		aliases = append(aliases, g.rec.Aliases[i+1:]...)
		if real != a {
			aliases = append(aliases, a)
		}
		if real != g.rec.Path {
			aliases = append(aliases, g.rec.Path)
		}
		sort.Strings(aliases)
		g.rec.Path, g.rec.Aliases = real, aliases
		return
	}
}

func cacheKey(g *group) CacheKey {
	return CacheKey{Path: g.rec.Path, Size: g.id.Size, MtimeNs: g.id.MtimeNs, CtimeNs: g.id.CtimeNs, ProbeHash: ProbeHash}
}

func apply(g *group, r ProbeResult) {
	if r.Error != "" {
		g.rec.Status, g.rec.Error = StatusBroken, r.Error
		// What the layout told is still worth showing.
		g.rec.Version, g.rec.FreeThreaded, g.rec.VersionSource = g.hint.Version, g.hint.FreeThreaded, g.hint.VersionSource
		return
	}
	g.rec.identified(r.Identity)
}

// collect turns the host's candidates into one group per interpreter:
// candidates reaching the same file are one (their paths become aliases),
// except inside venvs, where each venv is its own interpreter. Paths that
// are not executable files (directories, dangling links, loops) are dropped.
func collect(h *platform.Host) ([]*group, DiscoverStats) {
	cands := platform.Candidates(h)
	stats := DiscoverStats{Candidates: len(cands)}
	type key struct {
		dev, ino uint64
		venv     string
	}
	byKey := map[key]*group{}
	var order []*group
	for _, c := range cands {
		id, err := h.Stat(c.Path)
		if err != nil {
			continue
		}
		if !isExecutableFile(h, c.Path) {
			continue
		}
		venv := c.Hint.VenvRoot
		if venv == "" {
			venv = venvRootOf(h, c.Path)
		}
		k := key{id.Dev, id.Ino, venv}
		g, ok := byKey[k]
		if !ok {
			g = &group{id: id, venvRoot: venv}
			g.rec.Source = c.Source
			byKey[k] = g
			order = append(order, g)
		}
		g.paths = append(g.paths, c.Path)
		g.hint.Merge(c.Hint)
		if c.Hint.Company != "" && g.rec.Company == "" {
			g.rec.Company, g.rec.Tag = c.Hint.Company, c.Hint.Tag
		}
		g.rec.OnPath = g.rec.OnPath || c.OnPath
	}
	for _, g := range order {
		g.rec.Path, g.rec.Aliases = choosePath(h, g)
		if g.venvRoot != "" && g.rec.Source == platform.SourcePath {
			g.rec.Source = platform.SourceVenv
		}
		g.rec.Arch = g.hint.Arch
	}
	return order, stats
}

// choosePath picks the path to show: the real file for an interpreter, the
// venv's own python for a venv. Every other path is an alias.
func choosePath(h *platform.Host, g *group) (string, []string) {
	var main string
	if g.venvRoot == "" {
		if r, ok := h.Resolve(g.paths[0]); ok {
			main = r
		}
	}
	if main == "" {
		// In a venv: prefer the plainest name (python, python3, ...).
		sorted := append([]string(nil), g.paths...)
		sort.SliceStable(sorted, func(a, b int) bool { return len(h.Base(sorted[a])) < len(h.Base(sorted[b])) })
		main = sorted[0]
	}
	var aliases []string
	seen := map[string]bool{main: true}
	for _, p := range g.paths {
		if !seen[p] {
			seen[p] = true
			aliases = append(aliases, p)
		}
	}
	sort.Strings(aliases)
	if aliases == nil {
		aliases = []string{}
	}
	return main, aliases
}

// venvRootOf returns the venv dir an interpreter path sits in (bin/ or
// Scripts\ beside a pyvenv.cfg), or "".
func venvRootOf(h *platform.Host, p string) string {
	dir := h.Dir(p)
	for _, root := range []string{h.Dir(dir), dir} {
		if _, ok := platform.VenvHint(h, root); ok {
			return root
		}
	}
	return ""
}

func isExecutableFile(h *platform.Host, p string) bool {
	// On a scanned disk, links are followed inside its root.
	if real, ok := h.Resolve(p); ok {
		p = real
	}
	fi, err := os.Stat(h.Local(p))
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if h.Windows() {
		return strings.HasSuffix(strings.ToLower(p), ".exe")
	}
	return fi.Mode().Perm()&0o111 != 0
}

// mergeLaunchers folds a launcher or alias into the interpreter it runs
// (the probe's sys.executable), when that interpreter was found too.
func mergeLaunchers(h *platform.Host, groups []*group) []Interpreter {
	byPath := map[string]*group{}
	for _, g := range groups {
		if g.venvRoot == "" {
			byPath[g.rec.Path] = g
		}
	}
	var out []Interpreter
	for _, g := range groups {
		if g.venvRoot == "" && g.rec.Status == StatusOK && g.rec.Executable != "" {
			if real, ok := h.Resolve(g.rec.Executable); ok && real != g.rec.Path {
				if target, ok := byPath[real]; ok && target != g {
					target.rec.Aliases = append(target.rec.Aliases, g.rec.Path)
					target.rec.Aliases = append(target.rec.Aliases, g.rec.Aliases...)
					target.rec.OnPath = target.rec.OnPath || g.rec.OnPath
					g.merged = true
				}
			}
		}
	}
	for _, g := range groups {
		if !g.merged {
			out = append(out, g.rec)
		}
	}
	return out
}
