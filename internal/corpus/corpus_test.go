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

func TestFloor(t *testing.T) {
	dir := t.TempDir()
	st, err := Generate(dir, Options{Pages: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	n, size, err := Floor(dir)
	if err != nil || n != 20 || size != st.Bytes {
		t.Fatalf("Floor = %d pages, %d bytes, %v; want 20 pages, %d bytes", n, size, err, st.Bytes)
	}
	if got := string(Body([]byte("---\ntitle: x\n---\nBody\n"))); got != "Body\n" {
		t.Errorf("Body = %q", got)
	}
	if got := string(Body([]byte("---\ntitle: x\n---\n"))); got != "" {
		t.Errorf("Body of a page without one = %q", got)
	}
}
