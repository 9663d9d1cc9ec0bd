package sitefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

	fsys, err := Open(dir)
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

// TestLinkRule: in static/ and layouts/, a symbolic link opens only when
// it leads to a regular file inside the same folder with no hidden or "_"
// part; every other link is a *LinkError naming the link and its target,
// from Open, Stat and ReadFile alike.
func TestLinkRule(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		".env": "SECRET", ".git/config": "SECRET", ".kb/search-log.jsonl": "SECRET", "site.yaml": "SECRET",
		"content/x.md": "SECRET", "static/files/good.txt": "good", "static/_private.txt": "SECRET",
		"static/.hidden/x.txt": "SECRET", "layouts/partials/footer.html": "footer",
		"layouts/partials/_partial.html": "SECRET", "assets/a.png": "SECRET",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("SECRET"), 0o644)
	links := map[string]string{
		"static/env.txt":           "../.env",
		"static/git.txt":           "../.git/config",
		"static/kb.txt":            "../.kb/search-log.jsonl",
		"static/site.txt":          "../site.yaml",
		"static/page.txt":          "../content/x.md",
		"static/private.txt":       "_private.txt",
		"static/hidden.txt":        ".hidden/x.txt",
		"static/good.txt":          "files/good.txt",
		"static/files/up.txt":      "../files/good.txt",
		"static/roundabout.txt":    "../static/files/good.txt",
		"static/chain.txt":         "good.txt", // a link to a link to a file
		"static/badchain.txt":      "env.txt",  // a link to a link to .env
		"static/dangling.txt":      "missing.txt",
		"static/folder":            "files",
		"static/outfolder":         "../assets",
		"static/absolute.txt":      outside,
		"static/climb.txt":         "../../../../../../../../../../" + strings.TrimPrefix(filepath.ToSlash(outside), "/"),
		"static/loop.txt":          "loop.txt",
		"static/through-file.txt":  "files/good.txt/x",
		"static/linked":            "../assets", // a folder on the way to a file
		"layouts/partials/x.html":  "footer.html",
		"layouts/partials/y.html":  "_partial.html",
		"layouts/partials/s.html":  "../../site.yaml",
		"layouts/partials/st.html": "../../static/files/good.txt",
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	fsys, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want string // the file's bytes, or a regular expression the error matches
	}{
		{"static/env.txt", `^static/env\.txt: is a symbolic link to \.\./\.env, which kb would not publish from static/ \(it is outside static/, and \.env is hidden\); copy the file in instead or remove the link$`},
		{"static/git.txt", `^static/git\.txt: is a symbolic link to \.\./\.git/config, which kb would not publish from static/ \(it is outside static/, and \.git is hidden\)`},
		{"static/kb.txt", `^static/kb\.txt: is a symbolic link to \.\./\.kb/search-log\.jsonl, which .*\(it is outside static/, and \.kb is hidden\)`},
		{"static/site.txt", `^static/site\.txt: is a symbolic link to \.\./site\.yaml, which kb would not publish from static/ \(it is outside static/\)`},
		{"static/page.txt", `^static/page\.txt: is a symbolic link to \.\./content/x\.md, which .*\(it is outside static/\)`},
		{"static/private.txt", `^static/private\.txt: is a symbolic link to _private\.txt, which .*\(_private\.txt starts with _\)`},
		{"static/hidden.txt", `^static/hidden\.txt: is a symbolic link to \.hidden/x\.txt, which .*\(\.hidden is hidden\)`},
		{"static/good.txt", "good"},
		{"static/files/up.txt", "good"},
		{"static/roundabout.txt", "good"},
		{"static/chain.txt", "good"},
		{"static/badchain.txt", `^static/badchain\.txt: is a symbolic link to env\.txt, then \.\./\.env, which kb would not publish from static/ \(it is outside static/, and \.env is hidden\)`},
		{"static/dangling.txt", `^static/dangling\.txt: is a symbolic link to missing\.txt, which does not exist; remove the link`},
		{"static/folder", `^static/folder: is a symbolic link to a folder \(files\); kb does not follow links to folders in static/`},
		{"static/outfolder", `^static/outfolder: is a symbolic link to a folder \(\.\./assets\)`},
		{"static/absolute.txt", `^static/absolute\.txt: is a symbolic link to /.*secret\.txt, which kb would not publish from static/ \(it is an absolute path`},
		{"static/climb.txt", `^static/climb\.txt: is a symbolic link to (\.\./)+.*, which kb would not publish from static/ \(it is outside the site folder\)`},
		{"static/loop.txt", `^static/loop\.txt: is a symbolic link to loop\.txt, then loop\.txt, then loop\.txt, then loop\.txt, then …, which leads through more than 40 links`},
		{"static/through-file.txt", `^static/through-file\.txt: is a symbolic link to files/good\.txt/x, which does not exist`},
		{"static/linked/a.png", `^static/linked: is a symbolic link to a folder \(\.\./assets\); kb does not follow links to folders in static/`},
		{"layouts/partials/x.html", "footer"},
		{"layouts/partials/y.html", `^layouts/partials/y\.html: is a symbolic link to _partial\.html, which kb would not read from layouts/ \(_partial\.html starts with _\)`},
		{"layouts/partials/s.html", `^layouts/partials/s\.html: is a symbolic link to \.\./\.\./site\.yaml, which kb would not read from layouts/ \(it is outside layouts/\)`},
		{"layouts/partials/st.html", `^layouts/partials/st\.html: .*\(it is outside layouts/\)`},
		{"static/files/good.txt", "good"}, // no link
	} {
		data, rerr := fs.ReadFile(fsys, c.name)
		_, serr := fs.Stat(fsys, c.name)
		f, oerr := fsys.Open(c.name)
		if oerr == nil {
			f.Close()
		}
		if !strings.HasPrefix(c.want, "^") {
			if rerr != nil || serr != nil || oerr != nil || string(data) != c.want {
				t.Errorf("%s: read %q, %v; stat %v; open %v; want %q", c.name, data, rerr, serr, oerr, c.want)
			}
			continue
		}
		for what, err := range map[string]error{"ReadFile": rerr, "Stat": serr, "Open": oerr} {
			var le *LinkError
			if !errors.As(err, &le) || !regexp.MustCompile(c.want).MatchString(err.Error()) {
				t.Errorf("%s: %s: %v (%T)\nwant a *LinkError matching %s", c.name, what, err, err, c.want)
			} else if errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: %s: %v is a not-exist error: a layer below would be used instead", c.name, what, err)
			}
		}
		if strings.Contains(string(data), "SECRET") {
			t.Errorf("%s: read the secret", c.name)
		}
	}
	// A folder on the way, and the folder itself, listed.
	if _, err := fs.ReadDir(fsys, "static/linked"); err == nil || !strings.HasPrefix(err.Error(), "static/linked: is a symbolic link to a folder") {
		t.Errorf("ReadDir static/linked: %v", err)
	}
	if entries, err := fs.ReadDir(fsys, "static"); err != nil || len(entries) < 20 {
		t.Errorf("ReadDir static: %d entries, %v", len(entries), err)
	}
	// Outside static/ and layouts/ links are as os.Root has them.
	if _, err := fs.ReadFile(fsys, "content/x.md"); err != nil {
		t.Error(err)
	}
}

// TestLinkedInputFolder: static/ or layouts/ itself a link, even to a
// folder inside the site, is refused (a link to .git would publish it).
func TestLinkedInputFolder(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git/config"), []byte("SECRET"), 0o644)
	if err := os.Symlink(".git", filepath.Join(dir, "static")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	fsys, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "static: is a symbolic link to .git; kb reads static/ only as a folder of the site, not through a link"
	for what, err := range map[string]error{
		"ReadDir": func() error { _, err := fs.ReadDir(fsys, "static"); return err }(),
		"Stat":    func() error { _, err := fs.Stat(fsys, "static/config"); return err }(),
		"Open":    func() error { _, err := fsys.Open("static/config"); return err }(),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v, want %q", what, err, want)
		}
	}
}
