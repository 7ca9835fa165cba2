package platform

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
)

// RegistryReader reads string values of the Windows registry. Keys are full
// paths such as `HKEY_CURRENT_USER\Software\Python`; the 32-bit view of
// HKLM is reached through `HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node`.
type RegistryReader interface {
	// SubKeys lists the names of a key's subkeys (none when it is missing).
	SubKeys(key string) []string
	// Value reads a string value; name "" is the key's default value.
	Value(key, name string) (string, bool)
}

// PEP514Roots are the keys PEP 514 registers Python installs under.
var PEP514Roots = []string{
	`HKEY_CURRENT_USER\Software\Python`,
	`HKEY_LOCAL_MACHINE\Software\Python`,
	`HKEY_LOCAL_MACHINE\Software\WOW6432Node\Python`,
}

// RegFile is a registry read from a regedit export (.reg, UTF-16 or UTF-8).
// Key and value names match without regard to case, as in the registry.
type RegFile struct {
	keys map[string]*regKey // lower-cased full path
}

type regKey struct {
	name   string
	values map[string]string // lower-cased name
	subs   map[string]string // lower-cased name -> name
}

// ParseRegFile reads a regedit export. Only string values (REG_SZ, and
// REG_EXPAND_SZ written as hex(2)) are kept; PEP 514 uses nothing else.
func ParseRegFile(data []byte) (*RegFile, error) {
	text, err := decodeRegText(data)
	if err != nil {
		return nil, err
	}
	r := &RegFile{keys: map[string]*regKey{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var cur *regKey
	first := true
	var pending string
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if pending != "" {
			line = pending + strings.TrimSpace(line)
			pending = ""
		}
		if strings.HasSuffix(line, `\`) && !strings.HasPrefix(strings.TrimSpace(line), "[") {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		line = strings.TrimSpace(line)
		if first {
			if line == "" {
				continue
			}
			if line != "Windows Registry Editor Version 5.00" && line != "REGEDIT4" {
				return nil, fmt.Errorf("not a registry export: line %d is %q, not a regedit header", lineNo, line)
			}
			first = false
			continue
		}
		switch {
		case line == "" || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := line[1 : len(line)-1]
			if strings.HasPrefix(name, "-") { // a deletion
				cur = nil
				continue
			}
			cur = r.key(name)
		case cur != nil:
			name, value, ok := parseRegValue(line)
			if ok {
				cur.values[strings.ToLower(name)] = value
			}
		}
	}
	if first {
		return nil, errors.New("not a registry export: it is empty")
	}
	return r, sc.Err()
}

// key returns (creating) a key and links it into its parents.
func (r *RegFile) key(path string) *regKey {
	lower := strings.ToLower(path)
	if k, ok := r.keys[lower]; ok {
		return k
	}
	k := &regKey{name: path, values: map[string]string{}, subs: map[string]string{}}
	r.keys[lower] = k
	if i := strings.LastIndex(path, `\`); i > 0 {
		parent := r.key(path[:i])
		parent.subs[strings.ToLower(path[i+1:])] = path[i+1:]
	}
	return k
}

func (r *RegFile) SubKeys(key string) []string {
	k, ok := r.keys[strings.ToLower(key)]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(k.subs))
	for _, name := range k.subs {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func (r *RegFile) Value(key, name string) (string, bool) {
	k, ok := r.keys[strings.ToLower(key)]
	if !ok {
		return "", false
	}
	v, ok := k.values[strings.ToLower(name)]
	return v, ok
}

func decodeRegText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		b = b[2:]
		if len(b)%2 == 1 {
			b = b[:len(b)-1]
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(u)), nil
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:]), nil
	}
	return string(b), nil
}

// parseRegValue parses `"Name"="value"`, `@="value"` and `"Name"=hex(2):..`.
func parseRegValue(line string) (name, value string, ok bool) {
	var rest string
	if strings.HasPrefix(line, "@=") {
		rest = line[2:]
	} else if strings.HasPrefix(line, `"`) {
		n, after, ok := readRegString(line)
		if !ok || !strings.HasPrefix(after, "=") {
			return "", "", false
		}
		name, rest = n, after[1:]
	} else {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(rest, `"`):
		v, _, ok := readRegString(rest)
		return name, v, ok
	case strings.HasPrefix(strings.ToLower(rest), "hex(2):"):
		v, ok := decodeHexUTF16(rest[len("hex(2):"):])
		return name, v, ok
	}
	return "", "", false
}

// readRegString reads a quoted string with \\ and \" escapes.
func readRegString(s string) (string, string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

func decodeHexUTF16(s string) (string, bool) {
	var raw []byte
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var v byte
		if _, err := fmt.Sscanf(part, "%02x", &v); err != nil {
			return "", false
		}
		raw = append(raw, v)
	}
	u := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		c := uint16(raw[i]) | uint16(raw[i+1])<<8
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), true
}

// PEP514Install is one interpreter registered per PEP 514.
type PEP514Install struct {
	Key        string // the tag's key
	Company    string
	Tag        string
	Executable string // ExecutablePath, or InstallPath's python.exe
	Windowed   string // WindowedExecutablePath, if any
	Version    string // SysVersion or Version
	Arch       string // SysArchitecture
}

// PEP514Installs lists every registered interpreter under every root and
// company (the launcher's own key excepted).
func PEP514Installs(r RegistryReader) []PEP514Install {
	if r == nil {
		return nil
	}
	var out []PEP514Install
	for _, root := range PEP514Roots {
		for _, company := range r.SubKeys(root) {
			if strings.EqualFold(company, "PyLauncher") {
				continue
			}
			for _, tag := range r.SubKeys(root + `\` + company) {
				key := root + `\` + company + `\` + tag
				inst := PEP514Install{Key: key, Company: company, Tag: tag}
				ip := key + `\InstallPath`
				inst.Executable, _ = r.Value(ip, "ExecutablePath")
				inst.Windowed, _ = r.Value(ip, "WindowedExecutablePath")
				if inst.Executable == "" {
					dir, ok := r.Value(ip, "")
					if !ok || dir == "" {
						continue
					}
					exe := "python.exe"
					if v, ft := tagVersion(tag); ft && v != "" {
						exe = "python" + v + "t.exe"
					}
					inst.Executable = strings.TrimRight(dir, `\`) + `\` + exe
				}
				inst.Version, _ = r.Value(key, "SysVersion")
				if v, ok := r.Value(key, "Version"); ok && v != "" {
					inst.Version = v
				}
				if inst.Version == "" {
					inst.Version, _ = tagVersion(tag)
				}
				inst.Arch, _ = r.Value(key, "SysArchitecture")
				out = append(out, inst)
			}
		}
	}
	return out
}

// tagVersion reads "3.13" and free-threaded from tags like 3.13t, 3.14t-32,
// 3.12-arm64.
func tagVersion(tag string) (string, bool) {
	t := tag
	if i := strings.Index(t, "-"); i >= 0 {
		t = t[:i]
	}
	ft := strings.HasSuffix(t, "t")
	t = strings.TrimSuffix(t, "t")
	for _, c := range t {
		if (c < '0' || c > '9') && c != '.' {
			return "", false
		}
	}
	return t, ft
}
