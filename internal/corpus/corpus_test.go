package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	sa, err := Generate(a, Options{Pages: 60, Seed: 7, Plant: 5})
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := Generate(b, Options{Pages: 60, Seed: 7, Plant: 5})
	if *sa != *sb || sa.Planted == 0 || sa.Articles+sa.FAQs+sa.Troubleshooting+sa.Releases != 60 {
		t.Fatalf("stats %+v vs %+v", sa, sb)
	}
	n := 0
	filepath.WalkDir(filepath.Join(a, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between two runs with one seed", rel)
		}
		n++
		return nil
	})
	if n != 60 {
		t.Errorf("%d files, want 60", n)
	}
}
