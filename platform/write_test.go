package platform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileNeverReplacesUnlessTold(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "work-requirements.txt")
	os.WriteFile(p, []byte("hand-written\n"), 0o644)
	var ee *ExistsError
	if err := WriteFile(p, []byte("generated\n"), false); !errors.As(err, &ee) || ee.Paths[0] != p {
		t.Fatalf("over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "hand-written\n" {
		t.Fatal("the user's file was changed")
	}
	if err := WriteFile(p, []byte("generated\n"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "generated\n" {
		t.Fatal("replace did not replace")
	}
	fresh := filepath.Join(dir, "new.toml")
	if err := WriteFile(fresh, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left beside them: %v", entries)
	}
	if err := Existing(p, fresh, filepath.Join(dir, "none")); !errors.As(err, &ee) || len(ee.Paths) != 2 {
		t.Errorf("Existing: %v", err)
	}
}
