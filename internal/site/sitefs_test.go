package site

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteFS: files open through their folder's Root as through the
// site's: the same bytes, a missing file's error names its whole path, a
// link to another folder of the site still opens, and a link out of the
// site folder still fails.
func TestSiteFS(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	for name, data := range map[string]string{
		"content/articles/a.md": "A", "content/faq/b.md": "B", "site.yaml": "title: x\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	os.WriteFile(filepath.Join(outside, "secret.md"), []byte("secret"), 0o644)
	if err := os.Symlink("../faq/b.md", filepath.Join(dir, "content/articles/to-faq.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	os.Symlink(filepath.Join(outside, "secret.md"), filepath.Join(dir, "content/articles/out.md"))
	os.Symlink(outside, filepath.Join(dir, "content/elsewhere"))

	fsys, err := openSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, want string }{
		{"content/articles/a.md", "A"}, {"content/faq/b.md", "B"}, {"site.yaml", "title: x\n"},
		{"content/articles/to-faq.md", "B"}, {"content/articles/a.md", "A"}, // twice: the kept Root
	} {
		f, err := fsys.Open(c.name)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		b := make([]byte, 64)
		n, _ := f.Read(b)
		f.Close()
		if string(b[:n]) != c.want {
			t.Errorf("%s: read %q, want %q", c.name, b[:n], c.want)
		}
	}
	_, err = fsys.Open("content/articles/missing.md")
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "content/articles/missing.md" {
		t.Errorf("missing file: %v, want a not-exist error naming content/articles/missing.md", err)
	}
	for _, name := range []string{"content/articles/out.md", "content/elsewhere/secret.md", "content/../../x", "/etc/passwd"} {
		if f, err := fsys.Open(name); err == nil {
			f.Close()
			t.Errorf("%s opened: it is outside the site folder", name)
		} else if strings.Contains(err.Error(), "secret") && !strings.Contains(name, "secret") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if entries, err := fs.ReadDir(fsys, "content/articles"); err != nil || len(entries) != 3 {
		t.Errorf("ReadDir: %v, %v", entries, err)
	}
}
