package site

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"golang.org/x/net/html"
)

// mkSite writes a small site into a temporary folder and returns it.
func mkSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildDir builds a site folder into dir/public and returns the result.
func buildDir(t *testing.T, dir string, drafts bool) (*Result, string) {
	t.Helper()
	out := filepath.Join(dir, "public")
	res, err := Build(context.Background(), Options{Dir: dir, Out: out, Drafts: drafts, Theme: kb.Theme})
	if err != nil {
		t.Fatalf("build failed:\n%v", err)
	}
	return res, out
}

// htmlDoc parses a built page.
func htmlDoc(t *testing.T, out, path string) *html.Node {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

// nodesWhere returns the elements under n, in document order, for which f holds.
func nodesWhere(n *html.Node, f func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && f(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func nodeAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// nodeText is the text of n with runs of space collapsed.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func linksTo(n *html.Node, href string) []*html.Node {
	return nodesWhere(n, func(a *html.Node) bool { return a.Data == "a" && nodeAttr(a, "href") == href })
}

func ancestor(n *html.Node, tag string) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return p
		}
	}
	return nil
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	ns := nodesWhere(doc, func(n *html.Node) bool { return nodeAttr(n, "id") == id })
	if len(ns) != 1 {
		t.Fatalf("%d elements with id %q, want 1", len(ns), id)
	}
	return ns[0]
}

// twoProducts is a site with two products whose version numbers overlap,
// and an out-of-order hotfix.
var twoProducts = map[string]string{
	"site.yaml": "title: Two Products\nbase_url: https://help.example.com/\nsections:\n  releases:\n    title: Release notes\n",
	"content/articles/sync.md": `---
title: Sync your files
description: Keep your files in step on every device.
updated: 2026-02-01
product: Alpha
prerequisites: [An Alpha account]
related: [/articles/login/]
---
Open Alpha and choose Sync.

## Status

The sync icon shows the status.
`,
	"content/articles/login.md": `---
title: Sign in
description: Sign in to Alpha.
updated: 2025-12-01
prerequisites: [An Alpha account]
related: [/articles/sync/]
---
Enter your email and password.
`,
	"content/releases/alpha-1-0.md": `---
title: Alpha 1.0
product: Alpha
version: "1.0"
date: 2026-01-01
updated: 2026-01-01
features:
  - title: Sign in faster
    summary: One click.
    docs: [/articles/login/]
known_issues:
  - title: Alpha sync stalls
    workaround: Restart Alpha.
    fix_expected: "3.0"
  - title: Alpha hotfix issue
    workaround: Wait.
    fix_expected: "1.0.1"
  - title: Alpha login issue
    workaround: None yet.
    fix_expected: "2.0"
---
First Alpha.
`,
	"content/releases/alpha-2-0.md": `---
title: Alpha 2.0
product: Alpha
version: "2.0"
date: 2026-02-01
updated: 2026-02-01
features:
  - title: Faster sync
    summary: Much faster.
    docs: [/articles/sync/]
  - title: Sync status
    docs: [/articles/sync/#status]
fixes:
  - title: Login loop
    ticket: AL-7
---
Second Alpha.
`,
	"content/releases/alpha-1-0-1.md": "---\ntitle: Alpha 1.0.1\nproduct: Alpha\nversion: \"1.0.1\"\ndate: 2026-03-01\nupdated: 2026-03-01\nfixes:\n  - title: Hotfix\n---\nHotfix.\n",
	"content/releases/beta-3-0.md": `---
title: Beta 3.0
product: Beta
version: "3.0"
date: 2026-01-15
updated: 2026-01-15
features:
  - title: Beta sync
    docs: [/articles/sync/]
known_issues:
  - title: Beta crashes
    workaround: Open Beta again.
    docs: [/articles/login/]
---
Beta.
`,
}

// TestKnownIssuesResolution: an issue is fixed by the lowest later release
// of its own product that reaches fix_expected — never by another product's
// release with that version.
func TestKnownIssuesResolution(t *testing.T) {
	_, out := buildDir(t, mkSite(t, twoProducts), false)
	doc := htmlDoc(t, out, "known-issues/index.html")
	group := func(id string) string {
		sec := ancestor(byID(t, doc, id), "section")
		if sec == nil {
			t.Fatalf("issue %s is not in a section", id)
		}
		return nodeAttr(sec, "aria-labelledby")
	}
	tests := []struct {
		id, group, fixedIn string
		notLinked          []string
	}{
		{"ki-10-alpha-sync-stalls", "kb-open-issues", "", []string{"/releases/beta-3-0/"}},
		{"ki-10-alpha-hotfix-issue", "kb-fixed-issues", "/releases/alpha-1-0-1/", []string{"/releases/alpha-2-0/"}},
		{"ki-10-alpha-login-issue", "kb-fixed-issues", "/releases/alpha-2-0/", []string{"/releases/alpha-1-0-1/"}},
		{"ki-30-beta-crashes", "kb-open-issues", "", nil},
	}
	for _, tt := range tests {
		n := byID(t, doc, tt.id)
		if g := group(tt.id); g != tt.group {
			t.Errorf("%s is in %s, want %s", tt.id, g, tt.group)
		}
		if tt.fixedIn != "" && len(linksTo(n, tt.fixedIn)) == 0 {
			t.Errorf("%s does not link to its fix %s: %s", tt.id, tt.fixedIn, nodeText(n))
		}
		for _, l := range tt.notLinked {
			if len(linksTo(n, l)) > 0 {
				t.Errorf("%s links to %s: %s", tt.id, l, nodeText(n))
			}
		}
	}
	open := nodeText(byID(t, doc, "ki-10-alpha-sync-stalls"))
	for _, want := range []string{"Restart Alpha.", "3.0"} {
		if !strings.Contains(open, want) {
			t.Errorf("open issue lacks %q: %s", want, open)
		}
	}
	// Open issues come first.
	sections := nodesWhere(doc, func(n *html.Node) bool { return n.Data == "section" && nodeAttr(n, "aria-labelledby") != "" })
	if len(sections) < 2 || nodeAttr(sections[0], "aria-labelledby") != "kb-open-issues" {
		t.Errorf("open issues are not first")
	}

	// The release page shows the same state.
	rel := htmlDoc(t, out, "releases/alpha-1-0/index.html")
	if n := byID(t, rel, "ki-10-alpha-hotfix-issue"); len(linksTo(n, "/releases/alpha-1-0-1/")) == 0 {
		t.Errorf("release page: hotfix issue not linked to 1.0.1: %s", nodeText(n))
	}
	// in the known-issues page's words: open, with a workaround
	if n := byID(t, rel, "ki-10-alpha-sync-stalls"); !strings.Contains(nodeText(n), "StatusWorkaround available") {
		t.Errorf("release page: sync issue not open with a workaround: %s", nodeText(n))
	}
}

// TestChangedInBadges: a doc linked from a release feature says "Updated for
// <product> <version>" with a link to the release, and the release links to
// the doc under its title.
func TestChangedInBadges(t *testing.T) {
	_, out := buildDir(t, mkSite(t, twoProducts), false)
	badge := func(page, text, href string) {
		t.Helper()
		doc := htmlDoc(t, out, page)
		ns := nodesWhere(doc, func(n *html.Node) bool {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.TextNode && strings.Contains(c.Data, text) {
					return true
				}
			}
			return false
		})
		if len(ns) != 1 {
			t.Errorf("%s: %d elements say %q, want 1", page, len(ns), text)
			return
		}
		if len(linksTo(ns[0].Parent, href)) == 0 {
			t.Errorf("%s: %q does not link to %s: %s", page, text, href, nodeText(ns[0].Parent))
		}
	}
	badge("articles/sync/index.html", "Updated for Alpha 2.0", "/releases/alpha-2-0/")
	badge("articles/sync/index.html", "Updated for Beta 3.0", "/releases/beta-3-0/")
	badge("articles/login/index.html", "Updated for Alpha 1.0", "/releases/alpha-1-0/")

	// Linked twice from one release (two features), the doc shows one badge.
	if doc := htmlDoc(t, out, "articles/sync/index.html"); strings.Count(nodeText(doc), "Updated for Alpha 2.0") != 1 {
		t.Errorf("two features of one release give two badges")
	}
	// Known-issue docs are not features: no badge.
	if doc := htmlDoc(t, out, "articles/login/index.html"); strings.Contains(nodeText(doc), "Updated for Beta") {
		t.Errorf("a known issue's doc got an \"Updated for\" badge")
	}
	// The release links back, showing the doc's title.
	rel := htmlDoc(t, out, "releases/alpha-2-0/index.html")
	var titles []string
	for _, a := range linksTo(rel, "/articles/sync/") {
		titles = append(titles, nodeText(a))
	}
	if !contains(titles, "Sync your files") {
		t.Errorf("release links to /articles/sync/ with %q, want the doc's title", titles)
	}
	if len(linksTo(rel, "/articles/sync/#status")) == 0 {
		t.Errorf("release does not link to /articles/sync/#status")
	}
	text := nodeText(rel)
	for _, want := range []string{"Faster sync", "Much faster.", "Login loop", "AL-7"} {
		if !strings.Contains(text, want) {
			t.Errorf("release page lacks %q", want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestReleasesIndex: newest first, grouped by product, with counts.
func TestReleasesIndex(t *testing.T) {
	_, out := buildDir(t, mkSite(t, twoProducts), false)
	doc := htmlDoc(t, out, "releases/index.html")
	// Document order of product headings and release links.
	var order []string
	for _, n := range nodesWhere(doc, func(n *html.Node) bool {
		id := nodeAttr(n, "id")
		return strings.HasPrefix(id, "product-") || (n.Data == "a" && strings.HasPrefix(nodeAttr(n, "href"), "/releases/") && nodeAttr(n, "href") != "/releases/" && !strings.Contains(nodeAttr(n, "href"), "feed"))
	}) {
		if id := nodeAttr(n, "id"); id != "" {
			order = append(order, "#"+id)
		} else if last := order[len(order)-1]; last != nodeAttr(n, "href") {
			order = append(order, nodeAttr(n, "href"))
		}
	}
	want := []string{"#product-alpha", "/releases/alpha-1-0-1/", "/releases/alpha-2-0/", "/releases/alpha-1-0/",
		"#product-beta", "/releases/beta-3-0/"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("releases index order:\n%v\nwant\n%v", order, want)
	}
	item := func(href string) string {
		return nodeText(ancestor(linksTo(doc, href)[0], "li"))
	}
	for href, wants := range map[string][]string{
		"/releases/alpha-1-0/":   {"1.0", "1 January 2026", "1 new feature", "0 fixes", "1 open known issue"},
		"/releases/alpha-2-0/":   {"2.0", "Latest", "1 February 2026", "2 new features", "1 fix"},
		"/releases/alpha-1-0-1/": {"1.0.1", "0 new features", "1 fix"},
		"/releases/beta-3-0/":    {"3.0", "Latest", "1 new feature", "1 open known issue"},
	} {
		got := item(href)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s entry lacks %q: %s", href, w, got)
			}
		}
	}
	if strings.Contains(item("/releases/alpha-1-0-1/"), "Latest") {
		t.Error("the 1.0.1 hotfix, published after 2.0, is marked Latest")
	}
	// A visible subscribe link, and the product feeds in the head.
	if len(linksTo(doc, "/releases/feed.xml")) == 0 {
		t.Error("no visible link to the release feed")
	}
	for _, product := range []string{"alpha", "beta"} {
		if len(linksTo(doc, "/releases/"+product+"/feed.xml")) == 0 {
			t.Errorf("no visible link to the %s feed", product)
		}
	}
	alt := alternates(doc)
	wantAlt := []string{"/releases/feed.xml", "/releases/feed.atom", "/releases/feed.json",
		"/releases/alpha/feed.xml", "/releases/alpha/feed.atom", "/releases/alpha/feed.json",
		"/releases/beta/feed.xml", "/releases/beta/feed.atom", "/releases/beta/feed.json"}
	if strings.Join(alt, " ") != strings.Join(wantAlt, " ") {
		t.Errorf("releases index advertises\n%v\nwant\n%v", alt, wantAlt)
	}
}

// alternates lists the feed hrefs a page's head advertises.
func alternates(doc *html.Node) []string {
	var out []string
	for _, l := range nodesWhere(doc, func(n *html.Node) bool { return n.Data == "link" && nodeAttr(n, "rel") == "alternate" }) {
		out = append(out, nodeAttr(l, "href"))
	}
	return out
}

// TestReleaseBadInputStopsBuild: each bad release stops the build with an
// error naming the file and line, and the previous output stays.
func TestReleaseBadInputStopsBuild(t *testing.T) {
	files := map[string]string{
		"site.yaml":                      "title: T\nbase_url: https://h.example/\n",
		"content/releases/no-version.md": "---\ntitle: x\ndate: 2026-01-01\n---\n",
		"content/releases/no-date.md":    "---\ntitle: x\nversion: \"1.0\"\n---\n",
		"content/releases/bad-date.md":   "---\ntitle: x\nversion: \"1.1\"\ndate: 01/02/2026\n---\n",
		"content/releases/dup.md":        "---\ntitle: x\nversion: \"1.1.0\"\ndate: 2026-01-01\n---\n",
		"content/releases/bad-fix.md":    "---\ntitle: x\nversion: \"1.2\"\ndate: 2026-01-01\nknown_issues:\n  - title: k\n    fix_expected: later\n---\n",
	}
	dir := mkSite(t, files)
	out := filepath.Join(dir, "public")
	_, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("build error %v, want an InputError", err)
	}
	got := err.Error()
	for _, want := range []string{
		"content/releases/bad-date.md:4: date:",
		"content/releases/bad-fix.md:7: known_issues.0.fix_expected:",
		"content/releases/dup.md:3: version: 1.1.0 of the site is also announced in content/releases/bad-date.md",
		"content/releases/no-date.md:1: date: a release announcement needs a release date",
		"content/releases/no-version.md:1: version: a release announcement needs a version",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote %s", out)
	}
}
