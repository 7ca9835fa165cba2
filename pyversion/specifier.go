package pyversion

import (
	"fmt"
	"strings"
)

// Satisfies reports whether v meets a PEP 440 version specifier as a
// project's requires-python writes it (">=3.10", ">=3.9,!=3.12.*,<4",
// "~=3.11", "==3.13.*"). An interpreter's version is a plain release, so
// the pre-release and local-version rules that matter for packages do not
// come in; a pre-release of the interpreter compares below its release,
// as PEP 440 orders them.
func Satisfies(v Version, spec string) (bool, error) {
	if !v.Valid() {
		return false, fmt.Errorf("%q is not a version", v)
	}
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		ok, err := satisfiesOne(v, clause)
		if err != nil {
			return false, fmt.Errorf("requires-python %q: %w", spec, err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

func satisfiesOne(v Version, clause string) (bool, error) {
	op := ""
	for _, o := range []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(clause, o) {
			op = o
			break
		}
	}
	if op == "" {
		return false, fmt.Errorf("%q has no comparison (such as >=)", clause)
	}
	target := strings.TrimSpace(clause[len(op):])
	wild := strings.HasSuffix(target, ".*")
	target = strings.TrimSuffix(target, ".*")
	t := Version(target)
	if !t.Valid() || strings.ContainsAny(target, "* ") {
		return false, fmt.Errorf("%q is not a version to compare with", clause)
	}
	// Releases compare as PEP 440 says, the shorter padded with zeros
	// (3.13 == 3.13.0), as Compare does.
	if wild && op != "==" && op != "!=" {
		return false, fmt.Errorf("%q: only == and != take a .* suffix", clause)
	}
	switch op {
	case "===":
		return string(v) == target, nil
	case "==", "!=":
		var eq bool
		if wild {
			eq = samePrefix(v, t)
		} else {
			eq = v.Compare(t) == 0
		}
		return eq == (op == "=="), nil
	case "~=":
		parts := strings.Split(target, ".")
		if len(parts) < 2 {
			return false, fmt.Errorf("%q: ~= needs at least two numbers", clause)
		}
		prefix := Version(strings.Join(parts[:len(parts)-1], "."))
		return v.Compare(t) >= 0 && samePrefix(v, prefix), nil
	case "<=":
		return v.Compare(t) <= 0, nil
	case ">=":
		return v.Compare(t) >= 0, nil
	case "<":
		return v.Compare(t) < 0, nil
	}
	return v.Compare(t) > 0, nil // ">"
}

// samePrefix says whether v's release begins with prefix's numbers:
// 3.13.5 matches 3.13.* and 3.*.
func samePrefix(v, prefix Version) bool {
	vs, ps := v.parse().Segments(), prefix.parse().Segments()
	n := len(strings.Split(string(prefix), "."))
	for i := 0; i < n && i < len(ps); i++ {
		if i >= len(vs) || vs[i] != ps[i] {
			return false
		}
	}
	return true
}
