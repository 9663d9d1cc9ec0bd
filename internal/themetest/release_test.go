package themetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/server"
)

// TestIssueStatusWording: a release page says a known issue's status in
// the same words as the known-issues page ("Workaround available",
// "Investigating", "Fixed in OctoAcme 3.7.1"), and its right column lists
// what the page holds: what's new, fixed, known issues.
func TestIssueStatusWording(t *testing.T) {
	serveSample(t)
	out := filepath.Join(sample.dir, "public")
	status := func(doc *html.Node, class string) map[string]string {
		m := map[string]string{}
		walk(doc, func(n *html.Node) {
			if !hasClass(n, class) || attr(n, "id") == "" {
				return
			}
			walk(n, func(dt *html.Node) {
				if dt.Data == "dt" && text(dt) == "Status" {
					for dd := dt.NextSibling; dd != nil; dd = dd.NextSibling {
						if dd.Type == html.ElementNode {
							m[attr(n, "id")] = text(dd)
							break
						}
					}
				}
			})
		})
		return m
	}
	known := status(parse(t, filepath.Join(out, "known-issues", "index.html")), "known-issue")
	if len(known) < 2 {
		t.Fatalf("the known-issues page lists %d issues with a status", len(known))
	}
	pages, _ := filepath.Glob(filepath.Join(out, "releases", "*", "index.html"))
	checked := 0
	for _, p := range pages {
		doc := parse(t, p)
		for id, s := range status(doc, "release-item--issue") {
			checked++
			if known[id] != s {
				t.Errorf("%s: status of %s is %q; the known-issues page says %q", p, id, s, known[id])
			}
		}
		var rail []string
		walk(doc, func(n *html.Node) {
			if n.Data == "nav" && attr(n, "aria-label") == "On this page" {
				walk(n, func(a *html.Node) {
					if a.Data == "a" {
						rail = append(rail, attr(a, "href"))
					}
				})
			}
		})
		for _, id := range []string{"whats-new", "fixed", "known-issues"} {
			has := false
			walk(doc, func(n *html.Node) { has = has || attr(n, "id") == id })
			listed := strings.Contains(strings.Join(rail, " "), "#"+id)
			if has != listed {
				t.Errorf("%s: section #%s on the page %v, in \"On this page\" %v", p, id, has, listed)
			}
		}
	}
	if checked < 2 {
		t.Errorf("only %d known issues checked on %d release pages", checked, len(pages))
	}
}

func parse(t *testing.T, path string) *html.Node {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// text is the element's text, with runs of white space made one space.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestDocumentedScriptHashes: docs/reliability.md gives static hosts the
// Content-Security-Policy hashes of the theme's inline scripts; they are
// the ones kb serve allows.
func TestDocumentedScriptHashes(t *testing.T) {
	md, err := os.ReadFile(filepath.Join(root, "docs", "reliability.md"))
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "script-src 'self' 'sha256-") {
			documented = strings.Fields(strings.TrimPrefix(line, "script-src 'self' "))
		}
	}
	want := server.ScriptHashes(kb.Theme)
	if strings.Join(documented, " ") != strings.Join(want, " ") {
		t.Errorf("docs/reliability.md gives static hosts\n\tscript-src 'self' %s\nwant\n\tscript-src 'self' %s", strings.Join(documented, " "), strings.Join(want, " "))
	}
}
