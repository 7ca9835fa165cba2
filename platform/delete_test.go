package platform

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func files(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(root, n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDeleteMade(t *testing.T) {
	owns := func(name string) bool { return name == "bin" || name == "pyvenv.cfg" }
	dir := filepath.Join(t.TempDir(), "v")
	files(t, dir, "bin/python", "pyvenv.cfg", "notes.txt", "myproject/x.py")

	// Refused: nothing goes.
	kept, err := DeleteMade(dir, Made{Owns: owns})
	var fe *ForeignError
	if !errors.As(err, &fe) || !slices.Equal(fe.Names, []string{"myproject", "notes.txt"}) || !slices.Equal(kept, fe.Names) {
		t.Fatalf("refuse: %v %v", kept, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", "python")); err != nil {
		t.Fatal("a refused delete deleted")
	}
	// Kept: what PyHangar made goes, the rest and the folder stay.
	kept, err = DeleteMade(dir, Made{Owns: owns, KeepOthers: true})
	if err != nil || !slices.Equal(kept, []string{"myproject", "notes.txt"}) {
		t.Fatalf("keep: %v %v", kept, err)
	}
	for _, n := range []string{"bin", "pyvenv.cfg"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s is still there", n)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "myproject", "x.py")); err != nil {
		t.Error("the user's project went")
	}
	// Whole: the folder goes; then it is nothing to do.
	if _, err := DeleteMade(dir, Everything); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) || func() error { _, err := DeleteMade(dir, Everything); return err }() != nil {
		t.Errorf("after a whole delete: %v", err)
	}
}

// Links: never deleted through, a link inside is removed as a link, the
// data dir itself may be reached through one.
func TestDeleteMadeAndLinks(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "precious")
	files(t, target, "keep.txt")
	made := filepath.Join(root, "made")
	files(t, made, "bin/python")
	os.Symlink(target, filepath.Join(made, "lib"))
	if _, err := DeleteMade(made, Everything); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "keep.txt")); err != nil {
		t.Fatal("a link was followed")
	}
	via := filepath.Join(root, "via")
	os.Symlink(target, via)
	if _, err := DeleteMade(via, Everything); err == nil {
		t.Error("deleted through a link")
	}
	data := filepath.Join(root, "data-real")
	files(t, data, "build/x/f")
	os.Symlink(data, filepath.Join(root, "data"))
	if _, err := DeleteMade(filepath.Join(root, "data", "build", "x"), Made{Within: filepath.Join(root, "data")}); err != nil {
		t.Errorf("under a data dir reached through a link: %v", err)
	}
	if _, err := DeleteMade(filepath.Join(root, "data", "build"), Made{}); err == nil {
		t.Error("without Within, a link on the way must refuse")
	}
}
