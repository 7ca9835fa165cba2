package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Every --json command prints an empty list as [], never null: on an empty
// machine (here: an empty scan root, a fresh data dir) as with data.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	dir := t.TempDir()
	root := t.TempDir()
	for _, args := range [][]string{
		{"venv", "list", "--json"},
		{"bench", "history", "--json"},
		{"scan", "--os", "linux", "--root", root, "--json"},
		{"scan", "--os", "windows", "--root", root, "--json"},
		{"scan", "--os", "macos", "--root", root, "--json"},
	} {
		r := run(t, nil, append([]string{"--data-dir", dir}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: code %d: %s", args, r.code, r.stderr)
		}
		if got := strings.TrimSpace(r.stdout); got != "[]" {
			t.Errorf("%v printed %q, want []", args, got)
		}
	}
}

// writeJSON turns every nil slice into [], however deep: in structs,
// through pointers, in maps, slices and interfaces. Nil pointers and maps
// stay null; time.Time and other marshalers keep their own form.
func TestWriteJSONNilSlices(t *testing.T) {
	type leaf struct {
		Names []string `json:"names"`
		Skip  []int    `json:"skip,omitempty"`
		Ptr   *int     `json:"ptr"`
		When  time.Time
		inner []string
	}
	type doc struct {
		Top    []leaf            `json:"top"`
		Leaf   leaf              `json:"leaf"`
		PLeaf  *leaf             `json:"pleaf"`
		NoLeaf *leaf             `json:"noleaf"`
		ByName map[string][]int  `json:"by_name"`
		Any    any               `json:"any"`
		Nested map[string]any    `json:"nested"`
		NoMap  map[string]string `json:"nomap"`
	}
	v := doc{
		Leaf:   leaf{inner: nil},
		PLeaf:  &leaf{},
		ByName: map[string][]int{"a": nil},
		Any:    []leaf{{}},
		Nested: map[string]any{"x": []string(nil), "y": leaf{}},
	}
	var out bytes.Buffer
	s := &Session{Stdout: &out}
	if err := writeJSON(s, v); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{`"top": []`, `"leaf": { "names": [], "ptr": null`, `"pleaf": { "names": [],`, `"noleaf": null`,
		`"by_name": { "a": [] }`, `"any": [ { "names": [],`, `"x": []`, `"y": { "names": [],`, `"nomap": null`, `"When": "0001-01-01T00:00:00Z"`} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "skip") {
		t.Errorf("an omitempty nil slice was printed: %s", got)
	}
	if v.PLeaf.Names != nil || v.ByName["a"] != nil {
		t.Error("writeJSON changed the value it was given")
	}
}
