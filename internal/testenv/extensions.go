package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// GILExtensions compiles two tiny C extensions for the free-threaded
// python into site (a site-packages dir): needsgil, which has no Py_mod_gil
// slot, so importing it turns the GIL back on; and freemod, which declares
// Py_MOD_GIL_NOT_USED.
func GILExtensions(t testing.TB, python, site string) {
	t.Helper()
	ask := func(code string) string {
		out, err := exec.Command(python, "-I", "-c", code).Output()
		if err != nil {
			t.Fatalf("%s: %v", python, err)
		}
		return strings.TrimSpace(string(out))
	}
	include := ask("import sysconfig; print(sysconfig.get_paths()['include'])")
	suffix := ask("import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
	src := t.TempDir()
	for name, code := range map[string]string{
		"needsgil": `#include <Python.h>
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "needsgil", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_needsgil(void) { return PyModule_Create(&def); }
`,
		"freemod": `#include <Python.h>
static PyModuleDef_Slot slots[] = {{Py_mod_gil, Py_MOD_GIL_NOT_USED}, {0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "freemod", NULL, 0, NULL, slots};
PyMODINIT_FUNC PyInit_freemod(void) { return PyModuleDef_Init(&def); }
`,
	} {
		c := filepath.Join(src, name+".c")
		if err := os.WriteFile(c, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("gcc", "-shared", "-fPIC", "-I", include, "-o", filepath.Join(site, name+suffix), c).CombinedOutput()
		if err != nil {
			t.Fatalf("gcc %s: %v\n%s", name, err, out)
		}
	}
}
