package pyversion

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestMinor(t *testing.T) {
	for in, want := range map[Version]Version{
		"3.13.5": "3.13", "3.14.0rc1": "3.14", "3.13": "3.13", "2.7.18": "2.7",
		"3": "", "": "", "not a version": "", "3.x": "",
	} {
		if got := in.Minor(); got != want {
			t.Errorf("Version(%q).Minor() = %q, want %q", in, got, want)
		}
	}
}

func TestCompareAsVersions(t *testing.T) {
	list := []Version{"3.13.5", "3.9.18", "3.14.0a1", "", "3.14.0", "3.13", "junk"}
	slices.SortFunc(list, Version.Compare)
	want := []Version{"", "junk", "3.9.18", "3.13", "3.13.5", "3.14.0a1", "3.14.0"}
	if !slices.Equal(list, want) {
		t.Errorf("sorted %q, want %q", list, want)
	}
	if !Version("3.8.0").AtLeast("3.8") || Version("3.7.16").AtLeast("3.8") || Version("").AtLeast("3") {
		t.Error("AtLeast is wrong")
	}
}

func TestIn(t *testing.T) {
	for _, c := range []struct {
		v, prefix Version
		in        bool
	}{
		{"3.13.5", "3.13", true}, {"3.13.5", "3.13.5", true}, {"3.13", "3.13", true},
		{"3.13.5", "3.1", false}, {"3.1.2", "3.13", false}, {"3.14.0rc1", "3.14", true},
	} {
		if got := c.v.In(c.prefix); got != c.in {
			t.Errorf("%q.In(%q) = %v", c.v, c.prefix, got)
		}
	}
}

func TestJSONIsTheText(t *testing.T) {
	b, _ := json.Marshal(struct{ V Version }{"3.14.0rc1"})
	if string(b) != `{"V":"3.14.0rc1"}` {
		t.Errorf("JSON %s", b)
	}
}

func TestBuildName(t *testing.T) {
	if BuildName(true) != "free-threaded" || BuildName(false) != "GIL" {
		t.Error("BuildName")
	}
}

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		v    Version
		spec string
		want bool
	}{
		{"3.13.5", ">=3.10", true},
		{"3.9.18", ">=3.10", false},
		{"3.13.5", ">=3.9,!=3.13.*,<4", false},
		{"3.14.7", ">=3.9,!=3.13.*,<4", true},
		{"3.14.7", "~=3.11", true},
		{"3.14.7", "~=3.11.2", false},
		{"3.11.9", "~=3.11.2", true},
		{"3.13.0", "==3.13", true},
		{"3.13.5", "==3.13", false},
		{"3.13.5", "==3.13.*", true},
		{"3.14.0rc1", ">=3.14", false},
		{"3.14.0rc1", ">=3.13", true},
		{"3.12.1", "<3.12", false},
		{"3.12.1", ">3.12", true},
		{"3.12.0", "<=3.12", true},
		{"3.14.7", "===3.14.7", true},
		{"3.14.7", "", true},
	} {
		got, err := Satisfies(c.v, c.spec)
		if err != nil || got != c.want {
			t.Errorf("Satisfies(%s, %q) = %v, %v; want %v", c.v, c.spec, got, err, c.want)
		}
	}
	for _, bad := range []string{"3.10", ">=three", ">=3.*", "~=3"} {
		if _, err := Satisfies("3.13.5", bad); err == nil {
			t.Errorf("Satisfies(3.13.5, %q) took it", bad)
		}
	}
}
