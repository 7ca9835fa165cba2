package testenv

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// OfflineRequirements builds a minimal pure-Python wheel (phdemo 0.1,
// importable as phdemo with VALUE = 42) in a new directory and returns a
// requirements file that installs it from there without an index.
func OfflineRequirements(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	files := []struct{ name, body string }{
		{"phdemo/__init__.py", "VALUE = 42\n"},
		{"phdemo-0.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: phdemo\nVersion: 0.1\n"},
		{"phdemo-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: pyhangar-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	f, err := os.Create(filepath.Join(dir, "phdemo-0.1-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	var record strings.Builder
	for _, file := range files {
		w, _ := zw.Create(file.name)
		w.Write([]byte(file.body))
		sum := sha256.Sum256([]byte(file.body))
		record.WriteString(file.name + ",sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]) + "," + strconv.Itoa(len(file.body)) + "\n")
	}
	record.WriteString("phdemo-0.1.dist-info/RECORD,,\n")
	w, _ := zw.Create("phdemo-0.1.dist-info/RECORD")
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	req := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(req, []byte("--no-index\n--find-links "+dir+"\nphdemo==0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return req
}
