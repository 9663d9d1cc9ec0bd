package model

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// describe writes out everything a Site holds, pages by URL, so that two
// sites built differently can be compared; pages that are not in want
// (a replaced page's old version) are marked.
func describe(s *Site, want map[*content.Page]bool) string {
	var b strings.Builder
	name := func(p *content.Page) string {
		if p == nil {
			return "nil"
		}
		if !want[p] {
			return "STALE:" + p.URL
		}
		return p.URL
	}
	names := func(list []*content.Page) string {
		out := make([]string, len(list))
		for i, p := range list {
			out[i] = name(p)
		}
		return strings.Join(out, " ")
	}
	fmt.Fprintf(&b, "pages: %s\n", names(s.Pages))
	urls := slices.Sorted(func(yield func(string) bool) {
		for u := range s.ByURL {
			if !yield(u) {
				return
			}
		}
	})
	for _, u := range urls {
		fmt.Fprintf(&b, "url %s: %s %s\n", u, name(s.ByURL[u]), s.titleKey(s.ByURL[u]))
	}
	for _, sec := range s.Sections {
		fmt.Fprintf(&b, "section %s %q %s: %s\n", sec.Name, sec.Title, sec.URL, names(sec.Pages))
	}
	for _, t := range s.Tags {
		fmt.Fprintf(&b, "tag %s %s: %s\n", t.Name, t.URL, names(t.Pages))
	}
	fmt.Fprintf(&b, "releases: %s\nproducts: %q\n", names(s.Releases), s.Products)
	for _, k := range s.KnownIssues {
		fmt.Fprintf(&b, "issue %s of %s fixed in %s\n", k.ID, name(k.Release), name(k.FixedIn))
	}
	byPage := func(label string, m map[*content.Page][]*content.Page) {
		var lines []string
		for q, list := range m {
			lines = append(lines, fmt.Sprintf("%s %s: %s", label, name(q), names(list)))
		}
		sort.Strings(lines)
		b.WriteString(strings.Join(lines, "\n") + "\n")
	}
	byPage("backlinks", s.Backlinks)
	byPage("changed in", s.ChangedIn)
	byPage("issues of", func() map[*content.Page][]*content.Page {
		m := map[*content.Page][]*content.Page{}
		for r, list := range s.issuesOf {
			for _, k := range list {
				m[r] = append(m[r], k.Release)
			}
		}
		return m
	}())
	for _, p := range s.Products {
		fmt.Fprintf(&b, "latest %s: %s\n", p, name(s.Latest(p)))
	}
	pop := s.Popular(1000)
	fmt.Fprintf(&b, "popular (promoted %v): %s\n", pop.Promoted, names(pop.Pages))
	for _, p := range s.Pages {
		if nav := s.InSection(p, 5); nav != nil {
			fmt.Fprintf(&b, "in section %s: %s [%d] %d, prev %s next %s\n", name(p), names(nav.Pages), nav.Index, nav.Position, name(nav.Prev), name(nav.Next))
		}
		if p.Type == content.Release {
			rn := s.ReleaseNav(p)
			fmt.Fprintf(&b, "release %s: older %s newer %s\n", name(p), name(rn.Older), name(rn.Newer))
		}
	}
	return b.String()
}

// TestSiteUpdate checks that Update gives NewSite's model when pages are
// replaced by versions with other bodies, links and titles: every page of
// the sample site in turn, then several at once.
func TestSiteUpdate(t *testing.T) {
	root := os.DirFS("../..")
	data, err := fs.ReadFile(root, "site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("site.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	opts := content.Options{Markdown: markdown.New(markdown.Options{})}
	loaded := content.Load(root, opts)
	if len(loaded.Errors) > 0 {
		t.Fatal(loaded.Errors)
	}
	pages := loaded.Pages
	src := map[*content.Page]string{}
	for _, p := range pages {
		b, err := fs.ReadFile(root, p.File)
		if err != nil {
			t.Fatal(err)
		}
		src[p] = string(b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// edit gives a new version of p with the same listing: the body
	// unchanged, or with its links broken, or with links to other pages
	// added at the end.
	edit := func(p *content.Page, how int) *content.Page {
		s := src[p]
		switch how {
		case 1:
			s = strings.ReplaceAll(s, "](/", "](/gone-")
		case 2:
			s += fmt.Sprintf("\n\nSee [one](%s) and [two](%s#x).\n", pages[rng.IntN(len(pages))].URL, pages[rng.IntN(len(pages))].URL)
		case 3: // a title that sorts elsewhere, and a link added
			title := []string{"Aardvark ", "Middle ", "Zebra "}[rng.IntN(3)] + p.Title
			s = titleLine.ReplaceAllLiteralString(s, "title: "+strconv.Quote(title))
			s += fmt.Sprintf("\n\nSee [one](%s).\n", pages[rng.IntN(len(pages))].URL)
		}
		q, errs := content.Parse(p.File, []byte(s), opts)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", p.File, errs)
		}
		if !Updatable(p, q) {
			t.Fatalf("%s edit %d: not Updatable", p.File, how)
		}
		return q
	}
	check := func(label string, repl map[*content.Page]*content.Page) {
		t.Helper()
		before := New(cfg, pages)
		describe(before, nil) // computes its popular list, as a rendered site has
		next := make([]*content.Page, len(pages))
		want := map[*content.Page]bool{}
		for i, p := range pages {
			next[i] = p
			if q, ok := repl[p]; ok {
				next[i] = q
			}
			want[next[i]] = true
		}
		got := describe(before.Update(clone(repl)), want)
		full := describe(New(cfg, next), want)
		if got != full {
			t.Fatalf("%s: Update differs from NewSite:\n%s", label, diffLines(got, full))
		}
	}
	for _, p := range pages {
		for how := range 4 {
			check(fmt.Sprintf("%s edit %d", p.File, how), map[*content.Page]*content.Page{p: edit(p, how)})
		}
	}
	for i := range 20 {
		repl := map[*content.Page]*content.Page{}
		for range 4 {
			p := pages[rng.IntN(len(pages))]
			repl[p] = edit(p, rng.IntN(4))
		}
		check(fmt.Sprintf("several pages, round %d", i), repl)
	}
}

// titleLine is the title in a page's front matter.
var titleLine = regexp.MustCompile(`(?m)^title: .*$`)

// clone copies a replacement map (Update prunes the one it is given).
func clone(m map[*content.Page]*content.Page) map[*content.Page]*content.Page {
	out := make(map[*content.Page]*content.Page, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// diffLines lists the lines of a and b that the other lacks.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out = append(out, "- Update: "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out = append(out, "+ NewSite: "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestLinksAsHref: a page links where its hrefs lead, escapes and
// character references resolved, so backlinks count such links.
func TestLinksAsHref(t *testing.T) {
	doc, err := markdown.New(markdown.Options{}).Convert([]byte("[a](/articles/b\\-page/) [c](/articles/&#99;/) [d](/faq/x/)\n"), "/articles/a/")
	if err != nil {
		t.Fatal(err)
	}
	got := Links(&content.Page{Doc: doc})
	if want := []string{"/articles/b-page/", "/articles/c/", "/faq/x/"}; !slices.Equal(got, want) {
		t.Errorf("Links = %q, want %q", got, want)
	}
}
