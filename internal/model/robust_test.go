package model

import (
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/content"
)

// FuzzSplitLink resolves arbitrary link text as the templates and lint do:
// an internal link gives a page path that begins and ends with "/"; an
// external one (a scheme, //host) gives none; a link to a page's path,
// with or without index.html, a query or a fragment, finds that page.
func FuzzSplitLink(f *testing.F) {
	for _, s := range []string{"/articles/x/", "/articles/x", "/articles/x/index.html", "/articles/x/?a=1#Step-2", "#top", "?q=1",
		"https://example.com/x/", "//evil.example/", "mailto:a@b", "/%61rticles/x/", "/a%2Fb/", "/%zz/", " /x/ ", "/x/#%E2%80%AE",
		"javascript:alert(1)", "/../../etc/passwd", "/a/#b#c", "", "/", "index.html"} {
		f.Add(s)
	}
	page := &content.Page{URL: "/articles/x/"}
	byURL := map[string]*content.Page{page.URL: page}
	f.Fuzz(func(t *testing.T, link string) {
		path, frag := SplitLink(link)
		if path != "" && (!strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/")) {
			t.Fatalf("SplitLink(%q) = %q, %q", link, path, frag)
		}
		l := strings.TrimSpace(link)
		if i := strings.IndexAny(l, "?#"); i >= 0 {
			l = l[:i]
		}
		if path != "" && (strings.Contains(l, ":") && !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//")) {
			t.Fatalf("SplitLink(%q): external link gave path %q", link, path)
		}
		if p, f2 := Resolve(byURL, link); p != nil && (path != page.URL || f2 != frag) {
			t.Fatalf("Resolve(%q) = %v %q, SplitLink %q %q", link, p.URL, f2, path, frag)
		}
		for _, suffix := range []string{"", "index.html", "?x=" + link, "#" + strings.ReplaceAll(link, "#", "")} {
			if strings.ContainsAny(link, "?#%") {
				break
			}
			if p, _ := Resolve(byURL, page.URL+suffix); p != page {
				t.Fatalf("Resolve(%q) did not find the page", page.URL+suffix)
			}
		}
	})
}
