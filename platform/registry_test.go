package platform

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16LE encodes s as regedit writes its exports: UTF-16LE with a BOM and
// CRLF line ends.
func utf16LE(s string) []byte {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

const sampleReg = `Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\Software\Python]

[HKEY_CURRENT_USER\Software\Python\PythonCore]
"DisplayName"="Python Software Foundation"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.14t]
"SysVersion"="3.14"
"Version"="3.14.2"
"SysArchitecture"="64bit"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.14t\InstallPath]
@="C:\\Users\\Zoë\\AppData\\Local\\Python\\pythoncore-3.14t-64\\"
"ExecutablePath"="C:\\Users\\Zoë\\AppData\\Local\\Python\\pythoncore-3.14t-64\\python3.14t.exe"
"WindowedExecutablePath"="C:\\Users\\Zoë\\AppData\\Local\\Python\\pythoncore-3.14t-64\\pythonw3.14t.exe"

[HKEY_CURRENT_USER\Software\Python\Astral\CPython3.13.5]
"DisplayName"="CPython 3.13.5 (64-bit)"

[HKEY_CURRENT_USER\Software\Python\Astral\CPython3.13.5\InstallPath]
@=hex(2):43,00,3a,00,5c,00,75,00,76,00,00,00

[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Python\PythonCore\3.12-32\InstallPath]
@="C:\\Program Files (x86)\\Python312-32\\"

[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Python\PythonCore\3.13t-32\InstallPath]
@="C:\\Program Files (x86)\\Python313-32"

[HKEY_CURRENT_USER\Software\Python\PyLauncher]
"InstallDir"="C:\\x"

[HKEY_CURRENT_USER\Software\Python\PythonCore\3.9\InstallPath]
"ExecutablePath"=""
`

func TestParseRegFileAndPEP514(t *testing.T) {
	for name, data := range map[string][]byte{"utf-16": utf16LE(sampleReg), "utf-8": []byte(sampleReg)} {
		reg, err := ParseRegFile(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := map[string]PEP514Install{}
		for _, in := range PEP514Installs(reg) {
			got[in.Company+"/"+in.Tag] = in
		}
		if len(got) != 4 {
			t.Errorf("%s: want 4 installs (launcher and the one without a path skipped), got %v", name, got)
		}
		ft := got["PythonCore/3.14t"]
		if ft.Executable != `C:\Users\Zoë\AppData\Local\Python\pythoncore-3.14t-64\python3.14t.exe` || ft.Version != "3.14.2" || ft.Arch != "64bit" ||
			!strings.HasSuffix(ft.Windowed, `pythonw3.14t.exe`) {
			t.Errorf("%s: 3.14t = %+v", name, ft)
		}
		if uv := got["Astral/CPython3.13.5"]; uv.Executable != `C:\uv\python.exe` {
			t.Errorf("%s: REG_EXPAND_SZ install path: %+v", name, uv)
		}
		if x86 := got["PythonCore/3.12-32"]; x86.Executable != `C:\Program Files (x86)\Python312-32\python.exe` || x86.Version != "3.12" {
			t.Errorf("%s: 32-bit view: %+v", name, x86)
		}
		// Without ExecutablePath a free-threaded tag points at python3.Xt.exe.
		if ft32 := got["PythonCore/3.13t-32"]; ft32.Executable != `C:\Program Files (x86)\Python313-32\python3.13t.exe` {
			t.Errorf("%s: 3.13t-32 = %+v", name, ft32)
		}
	}
}

func TestParseRegFileRejectsOtherFiles(t *testing.T) {
	for _, bad := range []string{"", "hello\n", "[HKEY_CURRENT_USER\\x]\n"} {
		if _, err := ParseRegFile([]byte(bad)); err == nil {
			t.Errorf("%q accepted as a registry export", bad)
		}
	}
}
