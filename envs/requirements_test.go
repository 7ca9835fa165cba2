package envs

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// write makes files under dir.
func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A teammate's requirements file cannot reach outside its tree through
// the spellings pip takes besides the exact ones: a prefix of a long
// option, a variable, an editable path.
func TestRequirementsReadAsPipReadsThem(t *testing.T) {
	root := t.TempDir()
	tree := filepath.Join(root, "repo")
	write(t, root, map[string]string{"outside.txt": "evil\n", "outside/setup.py": "", "repo/inside.txt": "fine\n", "repo/pkg/setup.py": ""})
	env := map[string]string{"OUT": root}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		line, refused string // refused "": read
	}{
		{"--requirem ../outside.txt", "outside"},
		{"--constr ../outside.txt", "outside"},
		{"-r${OUT}/outside.txt", "outside"},
		{"--requirement=${OUT}/outside.txt", "outside"},
		{"--edit ../outside", "outside"},
		{"-e${OUT}/outside", "outside"},
		{"-r 'inside.txt'", ""},
		{"--req inside.txt", "could be any of --require-hashes, --requirement"}, // pip refuses it too
		{"-e ./pkg", ""},
		{"--pr", "could be any of --pre, --prefer-binary"},
		{"--no-such-option", "knows no option"},
		{"--pre=1", "takes no value"},
		{"requests --index-url https://x.example/simple", "goes on a line of its own"},
		{"-r https://x.example/r.txt", "from a URL"},
	} {
		write(t, tree, map[string]string{"requirements.txt": c.line + "\n"})
		lines, err := readRequirements(filepath.Join(tree, "requirements.txt"), tree, getenv)
		switch {
		case c.refused == "" && err != nil:
			t.Errorf("%q: %v", c.line, err)
		case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
			t.Errorf("%q: read %+v, %v; want it refused (%s)", c.line, lines, err, c.refused)
		}
	}
}

func TestRequirementsKinds(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"requirements.txt": `# a comment
--index https://private.example/simple --pre
--extra-index-url=https://extra.example/simple
numpy>=2 --hash=sha256:abc \
    --hash=sha256:def
-e git+https://example.invalid/x.git#egg=x
./local-dir
pkg @ https://example.invalid/pkg.whl
--no-binary :all:
`})
	lines, err := ReadRequirements(filepath.Join(dir, "requirements.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, strings.TrimSpace(string(l.Kind)+" "+l.Option+" "+l.Value))
	}
	want := []string{"index --index-url https://private.example/simple", "option --pre", "index --extra-index-url https://extra.example/simple",
		"package", "editable --editable git+https://example.invalid/x.git#egg=x", "direct  ./local-dir",
		"direct  pkg @ https://example.invalid/pkg.whl", "option --no-binary :all:"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// pipParse has the real pip parse each line as it parses a requirements
// file's lines, and says, per line, the requirement and the options set,
// or that it refuses the line.
const pipParse = `
import copy, json, shlex, sys
from pip._internal.req import req_file as r
parser = r.build_parser()
# optparse shares list defaults between parses: each parse gets its own.
base = copy.deepcopy(vars(parser.get_default_values()))
out = []
for line in json.load(sys.stdin):
    args, opts = r.break_args_options(line)
    try:
        o, _ = parser.parse_args(shlex.split(opts), copy.deepcopy(parser.get_default_values()))
    except BaseException as e:
        out.append({"error": str(e)})
        continue
    set_ = sorted(k for k, v in vars(o).items() if v != base.get(k) and v not in (None, [], False))
    out.append({"args": args, "set": set_})
print(json.dumps(out))
`

// dests are the names pip's parser gives the options.
var dests = map[string]string{
	"--index-url": "index_url", "--pypi-url": "index_url", "--extra-index-url": "extra_index_urls", "--no-index": "no_index",
	"--find-links": "find_links", "--trusted-host": "trusted_hosts", "--constraint": "constraints", "--requirement": "requirements",
	"--editable": "editables", "--no-binary": "format_control", "--only-binary": "format_control", "--prefer-binary": "prefer_binary",
	"--require-hashes": "require_hashes", "--no-require-hashes": "no_require_hashes", "--pre": "pre", "--all-releases": "release_control",
	"--only-final": "release_control", "--use-feature": "features_enabled", "--hash": "hashes", "--config-settings": "config_settings",
}

// The classifier agrees with the real pip's own parser, line by line:
// what it reads as a requirement pip does, the options it names are the
// ones pip sets, and what it refuses pip refuses (or, for a prefix pip
// versions disagree on, it refuses where pip might not).
func TestRequirementsAgreeWithPip(t *testing.T) {
	python := os.Getenv("PYHANGAR_TEST_PIP_PYTHON")
	if python == "" {
		python = gilTestBuild(t)
	}
	corpus := []string{
		"requests", "requests==2.31 --hash=sha256:abc", "--requirement=a.txt", "-ra.txt", "--requir a.txt", "--req a.txt",
		"--constr c.txt", "-c c.txt", "--index https://x/simple", "-i https://x/simple", "--extra-index-url https://y/simple",
		"--extra https://y/simple", "--no-index", "--no-in", "--find-links ./wheels", "-f ./wheels", "--trusted-host example.com",
		"--pre", "--pr", "--prefer-binary", "--prefer", "--no-binary :all:", "--only-binary=:all:", "--require-hashes",
		"--use-feature truststore", "-e ./pkg", "--editable=./pkg", "--edit ./pkg", "-e git+https://x/y.git#egg=y",
		"--pre --index-url https://x/simple", "--no-such", "--pre=1", "-z", "numpy --config-settings key=value",
		"./local-dir", "pkg @ https://x/pkg.whl", "--index-url", "-r 'a b.txt'",
	}
	in, _ := json.Marshal(corpus)
	cmd := exec.Command(python, "-I", "-c", pipParse)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", python, err)
	}
	var pip []struct {
		Args  string   `json:"args"`
		Set   []string `json:"set"`
		Error string   `json:"error"`
	}
	if err := json.Unmarshal(out, &pip); err != nil {
		t.Fatal(err)
	}
	for i, line := range corpus {
		args, opts := breakArgsOptions(line)
		tokens, err := SplitWords(opts)
		var parsed []parsedOption
		if err == nil {
			parsed, err = parseOptions(tokens)
		}
		p := pip[i]
		switch {
		case p.Error != "" && err == nil:
			t.Errorf("%q: pip refuses it (%s); PyHangar reads it", line, p.Error)
			continue
		case p.Error == "" && err != nil:
			if !strings.Contains(err.Error(), "could be any of") {
				t.Errorf("%q: pip reads it; PyHangar refuses it: %v", line, err)
			}
			continue
		case err != nil:
			continue
		}
		if args != p.Args {
			t.Errorf("%q: the requirement is %q; pip says %q", line, args, p.Args)
		}
		set := map[string]bool{}
		for _, o := range parsed {
			set[dests[o.opt.long]] = true
		}
		for _, d := range p.Set {
			if !set[d] {
				t.Errorf("%q: pip sets %s; PyHangar read %+v", line, d, parsed)
			}
			delete(set, d)
		}
		for d := range set {
			t.Errorf("%q: PyHangar reads %s; pip does not set it", line, d)
		}
	}
}

// gilTestBuild is the GIL 3.14 test build (package testenv, which imports
// envs, cannot be used here): missing, it fails the test in CI and skips
// it elsewhere, as testenv does.
func gilTestBuild(t *testing.T) string {
	t.Helper()
	for _, p := range filepath.SplitList(os.Getenv("PYHANGAR_TEST_PYTHONS")) {
		if filepath.Base(p) == "python3.14" {
			return p
		}
	}
	if v := os.Getenv("CI"); v != "" && v != "false" && v != "0" {
		t.Fatal("the GIL 3.14 test build is missing from PYHANGAR_TEST_PYTHONS; CI must provide it")
	}
	t.Skip("the GIL 3.14 test build is missing; run 'make test'")
	return ""
}
