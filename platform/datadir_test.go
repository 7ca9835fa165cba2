package platform

import "testing"

func TestDataDirFor(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name, goos string
		env        map[string]string
		home, want string
	}{
		{"linux default", "linux", nil, "/home/ada", "/home/ada/.local/share/pyhangar"},
		{"linux XDG", "linux", map[string]string{"XDG_DATA_HOME": "/data/x"}, "/home/ada", "/data/x/pyhangar"},
		{"linux relative XDG ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, "/home/ada", "/home/ada/.local/share/pyhangar"},
		{"macOS", "darwin", nil, "/Users/ada", "/Users/ada/Library/Application Support/PyHangar"},
		{"windows", "windows", map[string]string{"LOCALAPPDATA": `C:\Users\ada\AppData\Local`}, `C:\Users\ada`, `C:\Users\ada\AppData\Local\PyHangar`},
		{"windows without LOCALAPPDATA", "windows", nil, `C:\Users\ada`, `C:\Users\ada\AppData\Local\PyHangar`},
	}
	for _, c := range cases {
		got, err := DataDirFor(c.goos, env(c.env), c.home)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
