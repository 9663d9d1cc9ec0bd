package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

func urls(list []*content.Page) string {
	var out []string
	for _, p := range list {
		if p == nil {
			out = append(out, "nil")
			continue
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(p.URL, "/articles/"), "/"))
	}
	return strings.Join(out, " ")
}

// TestSectionOrder: a section's pages by weight (lower first, pages
// without one after), then by title; InSection gives a window around the
// page and its neighbours.
func TestSectionOrder(t *testing.T) {
	cfg := config.Default()
	var pages []*content.Page
	for i, fm := range []string{"title: Echo", "title: Delta\nweight: 20", "title: Charlie", "title: Bravo\nweight: 10",
		"title: Alpha", "title: Foxtrot\nweight: -5", "title: Golf", "title: Hotel"} {
		pages = append(pages, page(t, cfg, fmt.Sprintf("content/articles/p%d.md", i), fm))
	}
	s := New(cfg, pages)
	sec := s.Section("articles")
	// p5 Foxtrot -5, p3 Bravo 10, p1 Delta 20, then by title: Alpha p4, Charlie p2, Echo p0, Golf p6, Hotel p7
	if got, want := urls(sec.Pages), "p5 p3 p1 p4 p2 p0 p6 p7"; got != want {
		t.Fatalf("reading order %q, want %q", got, want)
	}
	for _, tc := range []struct {
		page             int
		n                int
		window           string
		index, pos       int
		prev, next, desc string
	}{
		{5, 4, "p5 p3 p1 p4", 0, 1, "nil", "p3", "first page"},
		{1, 4, "p3 p1 p4 p2", 1, 3, "p3", "p4", "as many before as after"},
		{0, 4, "p2 p0 p6 p7", 1, 6, "p2", "p6", "middle: one more after than before"},
		{7, 4, "p2 p0 p6 p7", 3, 8, "p6", "nil", "last page"},
		{4, 20, "p5 p3 p1 p4 p2 p0 p6 p7", 3, 4, "p1", "p2", "window larger than the section"},
		{4, 1, "p4", 0, 4, "p1", "p2", "window of one"},
	} {
		nav := s.InSection(pages[tc.page], tc.n)
		if nav == nil {
			t.Fatalf("%s: no nav", tc.desc)
		}
		got := fmt.Sprintf("%s [%d] %d prev %s next %s", urls(nav.Pages), nav.Index, nav.Position, urls([]*content.Page{nav.Prev}), urls([]*content.Page{nav.Next}))
		want := fmt.Sprintf("%s [%d] %d prev %s next %s", tc.window, tc.index, tc.pos, tc.prev, tc.next)
		if got != want || nav.Pages[nav.Index] != pages[tc.page] || nav.Section != sec {
			t.Errorf("%s: %s, want %s", tc.desc, got, want)
		}
	}
	alone := New(cfg, pages[:1])
	if nav := alone.InSection(pages[0], 10); nav != nil {
		t.Errorf("a page alone in its section: %+v, want nil", nav)
	}
}

// TestReleaseNav: the releases of the same product just before and after
// a release by version, whatever their dates; other products apart.
func TestReleaseNav(t *testing.T) {
	cfg := config.Default()
	rel := func(name, product, version, date string) *content.Page {
		return page(t, cfg, "content/releases/"+name+".md", fmt.Sprintf("title: %s\nproduct: %s\nversion: %q\ndate: %s", name, product, version, date))
	}
	r360 := rel("r360", "App", "3.6.0", "2026-09-01")
	r370 := rel("r370", "App", "3.7.0", "2026-10-01")
	r361 := rel("r361", "App", "3.6.1", "2026-10-15") // a hotfix after 3.7.0
	r380 := rel("r380", "App", "3.8.0", "2026-11-01")
	m10 := rel("m10", "Mobile", "1.0", "2026-10-20")
	s := New(cfg, []*content.Page{r360, r370, r361, r380, m10})
	for _, tc := range []struct {
		r            *content.Page
		older, newer *content.Page
	}{
		{r360, nil, r361}, {r361, r360, r370}, {r370, r361, r380}, {r380, r370, nil}, {m10, nil, nil},
	} {
		if got := s.ReleaseNav(tc.r); got.Older != tc.older || got.Newer != tc.newer {
			t.Errorf("%s: older %v newer %v, want %v %v", tc.r.Title, got.Older, got.Newer, tc.older, tc.newer)
		}
	}
	if nav := s.InSection(r370, 10); nav != nil {
		t.Errorf("InSection of a release: %+v, want nil (ReleaseNav)", nav)
	}
}

// TestPopular: promoted pages by rank, then promoted: true, each by the
// links to them; without any, the most linked-to pages; Left counts what
// did not fit.
func TestPopular(t *testing.T) {
	cfg := config.Default()
	mk := func(name, fm, body string) *content.Page {
		p, errs := content.Parse("content/articles/"+name+".md", []byte("---\ntitle: "+name+"\n"+fm+"\n---\n"+body+"\n"), content.Options{Markdown: markdown.New(markdown.Options{})})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return p
	}
	a := mk("a", "promoted: true", "")
	b := mk("b", "promoted: 2", "[a](/articles/a/) [c](/articles/c/)")
	c := mk("c", "promoted: true", "")
	d := mk("d", "promoted: 1", "")
	e := mk("e", "", "[c](/articles/c/) [d](/articles/d/)")
	got := New(cfg, []*content.Page{a, b, c, d, e}).Popular(3)
	if !got.Promoted || urls(got.Pages) != "d b c" || got.Left != 1 {
		t.Errorf("promoted: %v %q left %d, want true \"d b c\" left 1", got.Promoted, urls(got.Pages), got.Left)
	}
	a2, c2, d2 := mk("a", "", ""), mk("c", "", "[d](/articles/d/)"), mk("d", "", "")
	b2 := mk("b", "", "[a](/articles/a/) [c](/articles/c/)")
	got = New(cfg, []*content.Page{a2, b2, c2, d2, e}).Popular(6)
	if got.Promoted || urls(got.Pages) != "c d a" || got.Left != 0 {
		t.Errorf("most linked: %v %q left %d, want false \"c d a\" left 0", got.Promoted, urls(got.Pages), got.Left)
	}
}
