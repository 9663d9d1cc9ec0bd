package site

import (
	"bytes"
	"context"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"golang.org/x/net/html"
)

// repoRoot is the sample OctoAcme site: the repository root.
const repoRoot = "../.."

func buildSample(t *testing.T, out string) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Dir: repoRoot, Out: out, Theme: kb.Theme, LockWait: sharedSiteWait})
	if err != nil {
		t.Fatalf("build of the sample site failed:\n%v", err)
	}
	return res
}

// TestSampleSiteLinks crawls the built sample site and fails on any internal
// link, image, stylesheet or script that does not resolve, and on any
// #fragment that names no element of its target page.
func TestSampleSiteLinks(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res := buildSample(t, out)
	if res.ByType["article"] < 12 || res.ByType["faq"] < 3 || res.ByType["troubleshooting"] < 6 || res.ByType["release"] < 4 {
		t.Errorf("sample site is too small: %v", res.ByType)
	}
	site := os.DirFS(out)
	ids := map[string]map[string]bool{} // page file → element ids
	idsOf := func(file string) map[string]bool {
		if m, ok := ids[file]; ok {
			return m
		}
		m := map[string]bool{}
		if data, err := fs.ReadFile(site, file); err == nil {
			forEachElement(t, data, func(n *html.Node) {
				if id := attr(n, "id"); id != "" {
					m[id] = true
				}
			})
		}
		ids[file] = m
		return m
	}
	checked := 0
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		forEachElement(t, data, func(n *html.Node) {
			for _, a := range []string{"href", "src"} {
				ref := attr(n, a)
				if ref == "" || n.Data == "link" && attr(n, "rel") == "canonical" {
					continue
				}
				u, err := url.Parse(ref)
				if err != nil {
					t.Errorf("%s: bad URL %q", p, ref)
					continue
				}
				if u.Scheme != "" || u.Host != "" {
					continue // external: not checked (no network in lint or tests)
				}
				target := u.Path
				if target == "" {
					target = "/" + p
				} else if !strings.HasPrefix(target, "/") {
					target = path.Join("/"+path.Dir(p), target)
				}
				file := strings.TrimPrefix(target, "/")
				if strings.HasSuffix(target, "/") || file == "" {
					file += "index.html"
				}
				if _, err := fs.Stat(site, file); err != nil {
					t.Errorf("%s: <%s %s=%q>: %s does not exist", p, n.Data, a, ref, file)
					continue
				}
				checked++
				if u.Fragment != "" && strings.HasSuffix(file, ".html") && !idsOf(file)[u.Fragment] {
					t.Errorf("%s: <%s %s=%q>: no element with id %q in %s", p, n.Data, a, ref, u.Fragment, file)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 500 {
		t.Errorf("only %d links checked; the crawler is not seeing the site", checked)
	}
	// Every sitemap entry is a page of the site.
	sm, _ := fs.ReadFile(site, "sitemap.xml")
	for _, loc := range strings.Split(string(sm), "<loc>")[1:] {
		u, _ := url.Parse(loc[:strings.Index(loc, "</loc>")])
		if _, err := fs.Stat(site, strings.TrimPrefix(u.Path, "/")+"index.html"); err != nil {
			t.Errorf("sitemap lists %s, which was not built", u)
		}
	}
}

func forEachElement(t *testing.T, data []byte, f func(*html.Node)) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			f(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// TestDeterministic builds the sample site twice and wants identical bytes.
func TestDeterministic(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	buildSample(t, a)
	buildSample(t, b)
	files := 0
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("%s is missing from the second build", rel)
		} else if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds of the same input", rel)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	countB := 0
	filepath.WalkDir(b, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			countB++
		}
		return nil
	})
	if files != countB || files == 0 {
		t.Errorf("first build wrote %d files, second %d", files, countB)
	}
}

// TestFailedBuildKeepsOutput checks the atomic swap: a build that fails
// leaves the previous output exactly as it was, and no staging folders behind.
func TestFailedBuildKeepsOutput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/articles/a.md", "---\ntitle: First version\n---\nHello.\n")
	// Build runs kb lint's checks; this page leaves out what the test is not about.
	write("site.yaml", "lint:\n  rules: {last-updated: off, prerequisites: off, related-links: off}\n")
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "articles/a/index.html"))

	write("content/articles/a.md", "---\ntitle: Second version\n---\nHello.\n")
	write("layouts/article.html", "{{define \"main\"}}{{.Page.Nope}}{{end}}")
	_, err := Build(context.Background(), Options{Dir: dir, Theme: kb.Theme})
	var ie *InputError
	if err == nil || !asInputError(err, &ie) {
		t.Fatalf("want an input error from a broken layout, got %v", err)
	}
	if !strings.Contains(err.Error(), "layouts/article.html:1:") {
		t.Errorf("error does not name the layout and line: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(out, "articles/a/index.html"))
	if !bytes.Equal(before, after) || !bytes.Contains(after, []byte("First version")) {
		t.Error("a failed build changed the previous output")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public.") {
			t.Errorf("staging folder %s left behind", e.Name())
		}
	}
}

func asInputError(err error, target **InputError) bool {
	ie, ok := err.(*InputError)
	if ok {
		*target = ie
	}
	return ok
}

func TestOutDirSafety(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "site", "content"), 0o755)
	for _, out := range []string{filepath.Join(dir, "site"), dir, filepath.Join(dir, "site", "content")} {
		if _, err := Build(context.Background(), Options{Dir: filepath.Join(dir, "site"), Out: out, Theme: kb.Theme}); err == nil {
			t.Errorf("--out %s accepted; it would destroy the site", out)
		}
	}
}
