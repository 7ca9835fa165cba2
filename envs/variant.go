package envs

import (
	"fmt"
	"regexp"
	"strings"
)

// Variant changes how an interpreter runs without changing the
// interpreter: settings added to its environment, such as PYTHON_JIT=1 on
// a build with the JIT, or PYTHON_GIL=1 on a free-threaded build (the same
// build with the GIL on, a control). It is written NAME=VALUE, several
// joined by commas; "" runs the interpreter as it is.
//
// On the command line a variant follows its interpreter after "::"
// (3.14t::PYTHON_GIL=1, /opt/py/bin/python3.14::PYTHON_JIT=1): a
// separator found in no version spec, in none of uv's requests (3.14+gil)
// and in no Windows path.
type Variant string

// The variants PyHangar measures itself.
const (
	JITOff Variant = "PYTHON_JIT=0"
	JITOn  Variant = "PYTHON_JIT=1"
)

// VariantSeparator joins an interpreter and its variant on the command
// line.
const VariantSeparator = "::"

var settingName = regexp.MustCompile(`^PYTHON[A-Z0-9_]*$`)

// ParseVariant reads NAME=VALUE[,NAME=VALUE...]. Only Python's own
// settings (names starting with PYTHON) are taken: a variant says how the
// interpreter runs, not what else the environment holds.
func ParseVariant(s string) (Variant, error) {
	if s == "" {
		return "", nil
	}
	seen := map[string]bool{}
	var out []string
	for _, part := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		switch {
		case !ok || name == "":
			return "", fmt.Errorf("variant %q: each setting is NAME=VALUE, such as PYTHON_JIT=1", s)
		case !settingName.MatchString(name):
			return "", fmt.Errorf("variant %q: %q is not one of Python's settings (their names start with PYTHON, such as PYTHON_GIL or PYTHON_JIT)", s, name)
		case seen[name]:
			return "", fmt.Errorf("variant %q sets %s twice", s, name)
		case strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return "", fmt.Errorf("variant %q: the value of %s holds a control character", s, name)
		}
		seen[name] = true
		out = append(out, name+"="+value)
	}
	return Variant(strings.Join(out, ",")), nil
}

// SplitVariant splits a command-line target into its interpreter and its
// variant: "3.14t::PYTHON_GIL=1" is "3.14t" and PYTHON_GIL=1.
func SplitVariant(arg string) (string, Variant, error) {
	python, setting, ok := strings.Cut(arg, VariantSeparator)
	if !ok {
		return arg, "", nil
	}
	if python == "" {
		return "", "", fmt.Errorf("%q names no interpreter before %s", arg, VariantSeparator)
	}
	v, err := ParseVariant(setting)
	if err != nil {
		return "", "", err
	}
	if v == "" {
		return "", "", fmt.Errorf("%q has nothing after %s (write a setting such as PYTHON_JIT=1)", arg, VariantSeparator)
	}
	return python, v, nil
}

// Env is the variant's settings, for an environment.
func (v Variant) Env() []string {
	if v == "" {
		return nil
	}
	return strings.Split(string(v), ",")
}

// Get is the value the variant gives a setting, and whether it gives one.
func (v Variant) Get(name string) (string, bool) {
	for _, kv := range v.Env() {
		if n, val, _ := strings.Cut(kv, "="); n == name {
			return val, true
		}
	}
	return "", false
}

// Words says the variant as people do: "JIT on", "GIL on", or the
// settings themselves for others; "" for none.
func (v Variant) Words() string {
	var words []string
	for _, kv := range v.Env() {
		name, val, _ := strings.Cut(kv, "=")
		switch {
		case name == "PYTHON_JIT" && (val == "0" || val == "1"):
			words = append(words, "JIT "+onOff(val))
		case name == "PYTHON_GIL" && (val == "0" || val == "1"):
			words = append(words, "GIL "+onOff(val))
		default:
			words = append(words, kv)
		}
	}
	return strings.Join(words, ", ")
}

func onOff(val string) string {
	if val == "1" {
		return "on"
	}
	return "off"
}

// Check says whether the variant can run on in: the JIT settings need a
// build with the JIT, PYTHON_GIL a free-threaded build.
func (v Variant) Check(in Interpreter) error {
	if val, ok := v.Get("PYTHON_JIT"); ok && val != "0" && !in.HasJIT() {
		return fmt.Errorf("%s (Python %s) has no JIT: it was built without --enable-experimental-jit, so PYTHON_JIT=%s changes nothing", in.Path, in.Version, val)
	}
	if _, ok := v.Get("PYTHON_GIL"); ok && !in.FreeThreaded {
		return fmt.Errorf("%s (Python %s) is a GIL build: PYTHON_GIL is for free-threaded builds", in.Path, in.Version)
	}
	return nil
}
