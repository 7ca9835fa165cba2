package platform

import (
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Host is the machine whose interpreters are being looked for: this one, or
// another machine's disk mounted under a local directory. Everything
// discovery needs from the machine goes through it, so layouts of every OS
// can be tested on any OS.
type Host struct {
	// OS is "linux", "darwin" or "windows".
	OS string
	// Root is the local directory that stands for the host's "/" (or C:\).
	// Empty means this machine's own file system.
	Root string
	// Homes are the user home dirs to search, as the host writes them.
	Homes []string
	// Env is the host's environment (empty for a scanned disk).
	Env map[string]string
	// DataDir is PyHangar's data dir on the host (its venvs and installs),
	// or "".
	DataDir string
	// Registry reads the Windows registry (live or from a .reg export), or
	// is nil.
	Registry RegistryReader
}

// ThisHost describes the machine PyHangar runs on.
func ThisHost(dataDir string) *Host {
	h := &Host{OS: runtime.GOOS, Env: map[string]string{}, DataDir: dataDir, Registry: liveRegistry()}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			if h.OS == "windows" {
				k = strings.ToUpper(k)
			}
			h.Env[k] = v
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		h.Homes = []string{home}
	}
	return h
}

// ScannedHost describes another machine's disk mounted at root, searching
// every user home on it.
func ScannedHost(goos, root string, reg RegistryReader) *Host {
	h := &Host{OS: goos, Root: root, Env: map[string]string{}, Registry: reg}
	var homeParents []string
	switch goos {
	case "windows":
		homeParents = []string{`C:\Users`}
	case "darwin":
		homeParents = []string{"/Users"}
	default:
		homeParents = []string{"/home"}
		if h.IsDir("/root") {
			h.Homes = append(h.Homes, "/root")
		}
	}
	skip := map[string]bool{"public": true, "default": true, "default user": true, "all users": true, "shared": true, "linuxbrew": true}
	for _, parent := range homeParents {
		for _, name := range h.ReadDir(parent) {
			if !skip[strings.ToLower(name)] && h.IsDir(h.Join(parent, name)) {
				h.Homes = append(h.Homes, h.Join(parent, name))
			}
		}
	}
	return h
}

// Getenv reads the host's environment (case-insensitively on Windows).
func (h *Host) Getenv(key string) string {
	if v, ok := h.Env[key]; ok {
		return v
	}
	if h.OS == "windows" {
		return h.Env[strings.ToUpper(key)]
	}
	return ""
}

// Windows reports whether the host is Windows.
func (h *Host) Windows() bool { return h.OS == "windows" }

// Join joins host path elements with the host's separator.
func (h *Host) Join(elem ...string) string {
	if !h.Windows() {
		return path.Join(elem...)
	}
	var parts []string
	for i, e := range elem {
		e = strings.ReplaceAll(e, "/", `\`)
		if i > 0 {
			e = strings.TrimLeft(e, `\`)
		}
		if i < len(elem)-1 {
			e = strings.TrimRight(e, `\`)
		}
		if e != "" {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, `\`)
}

// Dir is the host path's parent directory.
func (h *Host) Dir(p string) string {
	if !h.Windows() {
		return path.Dir(p)
	}
	p = strings.TrimRight(p, `\`)
	if i := strings.LastIndex(p, `\`); i >= 0 {
		if i == 2 && p[1] == ':' {
			return p[:3]
		}
		return p[:i]
	}
	return p
}

// Base is the host path's last element.
func (h *Host) Base(p string) string {
	if !h.Windows() {
		return path.Base(p)
	}
	p = strings.TrimRight(p, `\`)
	return p[strings.LastIndex(p, `\`)+1:]
}

// IsAbs reports whether p is an absolute host path.
func (h *Host) IsAbs(p string) bool {
	if h.Windows() {
		return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
	}
	return strings.HasPrefix(p, "/")
}

// SameHostPath compares host paths (case-insensitively on Windows and macOS).
func (h *Host) SameHostPath(a, b string) bool {
	if h.OS == "windows" || h.OS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Local is the local path where the host path p can be read.
func (h *Host) Local(p string) string {
	if h.Root == "" {
		return p
	}
	if !h.Windows() {
		return filepath.Join(h.Root, filepath.FromSlash(p))
	}
	// Drop the drive; Windows paths are case-insensitive, so each part is
	// matched without regard to case when the exact name is missing.
	if len(p) >= 2 && p[1] == ':' {
		p = p[2:]
	}
	local := h.Root
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '\\' || r == '/' }) {
		next := filepath.Join(local, part)
		if _, err := os.Lstat(next); err != nil {
			if entries, err := os.ReadDir(local); err == nil {
				for _, e := range entries {
					if strings.EqualFold(e.Name(), part) {
						next = filepath.Join(local, e.Name())
						break
					}
				}
			}
		}
		local = next
	}
	return local
}

// ReadDir lists a host directory's entry names, sorted; an unreadable or
// missing directory lists nothing.
func (h *Host) ReadDir(dir string) []string {
	entries, err := os.ReadDir(h.Local(dir))
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Exists reports whether the host path is there (a link counts, followed
// or not).
func (h *Host) Exists(p string) bool {
	_, err := os.Lstat(h.Local(p))
	return err == nil
}

// IsDir reports whether the host path is a directory (following links).
func (h *Host) IsDir(p string) bool {
	fi, err := os.Stat(h.Local(p))
	return err == nil && fi.IsDir()
}

// ReadFile reads a host file of at most limit bytes.
func (h *Host) ReadFile(p string, limit int64) ([]byte, bool) {
	f, err := os.Open(h.Local(p))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > limit {
		return nil, false
	}
	b := make([]byte, fi.Size())
	n, _ := f.Read(b)
	return b[:n], true
}

// Resolve follows symlinks in the host path p, keeping absolute link targets
// inside Root, and returns the host path of the final file. ok is false for
// a dangling link or a loop.
func (h *Host) Resolve(p string) (string, bool) {
	if h.Root == "" {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", false
		}
		return r, true
	}
	for i := 0; i < 40; i++ {
		local := h.Local(p)
		fi, err := os.Lstat(local)
		if err != nil {
			return "", false
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			// Parents may be links too; resolve them relative to the root.
			parent := h.Dir(p)
			if parent == p {
				return p, true
			}
			rp, ok := h.Resolve(parent)
			if !ok {
				return "", false
			}
			if rp == parent {
				return p, true
			}
			return h.Resolve(h.Join(rp, h.Base(p)))
		}
		target, err := os.Readlink(local)
		if err != nil {
			return "", false
		}
		if h.Windows() {
			target = strings.ReplaceAll(target, "/", `\`)
		}
		if h.IsAbs(target) || (!h.Windows() && strings.HasPrefix(target, "/")) {
			p = target
		} else {
			p = h.clean(h.Join(h.Dir(p), target))
		}
	}
	return "", false
}

// clean removes "." and ".." elements from a host path.
func (h *Host) clean(p string) string {
	if !h.Windows() {
		return path.Clean(p)
	}
	vol := ""
	if len(p) >= 2 && p[1] == ':' {
		vol, p = p[:2], p[2:]
	}
	return vol + strings.ReplaceAll(path.Clean(strings.ReplaceAll(p, `\`, "/")), "/", `\`)
}

// Stat returns the identity of the file a host path reaches.
func (h *Host) Stat(p string) (FileID, error) {
	if h.Root != "" {
		if r, ok := h.Resolve(p); ok {
			p = r
		}
	}
	return StatID(h.Local(p))
}

// PathListSep is the separator of the host's PATH.
func (h *Host) PathListSep() string {
	if h.Windows() {
		return ";"
	}
	return ":"
}
