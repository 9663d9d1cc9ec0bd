package server

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/site"
)

// TestEvent: what the browser is told after a rebuild. A save that
// changes no output (the same text saved again, a comment in site.yaml)
// reloads nothing; otherwise the event names the pages and files that
// changed, even after a full rebuild, so that only the tabs showing them
// reload.
func TestEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		batch []string
		u     site.Update
		want  Event
	}{
		{"same text saved", []string{"content/articles/a.md"}, site.Update{}, Event{Kind: "status"}},
		{"comment in site.yaml", []string{"site.yaml"}, site.Update{Full: true}, Event{Kind: "status"}},
		{"problems", []string{"content/articles/a.md"}, site.Update{Problems: diag.List{{Message: "invalid"}}, Changed: []string{"x/index.html"}}, Event{Kind: "status"}},
		{"a page", []string{"content/articles/a.md"}, site.Update{Changed: []string{"articles/a/index.html", "sitemap.xml"}, Pages: []string{"/articles/a/"}},
			Event{Kind: "reload", Pages: []string{"/articles/a/"}, Assets: []string{"/sitemap.xml"}}},
		{"full rebuild", []string{"layouts/article.html"}, site.Update{Full: true, Changed: []string{"articles/a/index.html", "articles/b/index.html"}, Pages: []string{"/articles/a/", "/articles/b/"}},
			Event{Kind: "reload", Pages: []string{"/articles/a/", "/articles/b/"}}},
		{"an image", []string{"static/images/a.png"}, site.Update{Full: true, Changed: []string{"images/a.png"}},
			Event{Kind: "reload", Assets: []string{"/images/a.png"}}},
		{"css", []string{"static/css/kb.css"}, site.Update{Full: true, Changed: []string{"css/kb.1234abcd.css", "index.html"}, Pages: []string{"/"},
			Files: map[string][]byte{"css/kb.1234abcd.css": nil}}, Event{Kind: "css", CSS: "/css/kb.1234abcd.css"}},
	} {
		got := event(tc.batch, &tc.u)
		if got.Kind != tc.want.Kind || got.CSS != tc.want.CSS || !slices.Equal(got.Pages, tc.want.Pages) || !slices.Equal(got.Assets, tc.want.Assets) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestStatus: the overlay's problems carry the positions and rule of the
// diagnostics themselves (the column of a front-matter error, a file name
// with a colon, a problem that names no file), and the warnings panel
// their level by name.
func TestStatus(t *testing.T) {
	u := &site.Update{Problems: diag.List{
		{File: "content/articles/a.md", Line: 3, Col: 8, Level: diag.Error, Message: "updated: want a date like 2026-01-31"},
		{File: "content/articles/time 10:30.md", Line: 5, Col: 1, Level: diag.Error, Rule: "broken-link", Message: "no page has the URL /x/"},
		{Level: diag.Error, Message: "site folder /x: no such file or directory"},
	}, Findings: []diag.Diagnostic{
		{File: "content/articles/b.md", Line: 2, Col: 1, Level: diag.Warning, Rule: "jargon", Message: "say use"},
		{File: "content/articles/b.md", Line: 1, Col: 1, Level: diag.Note, Rule: "orphan", Message: "no other page links here"},
		{File: "content/articles/time 10:30.md", Line: 5, Col: 1, Level: diag.Error, Rule: "broken-link", Message: "no page has the URL /x/"},
	}}
	want := Status{Errors: []Problem{
		{File: "content/articles/a.md", Line: 3, Col: 8, Level: "error", Message: "updated: want a date like 2026-01-31"},
		{File: "content/articles/time 10:30.md", Line: 5, Col: 1, Rule: "broken-link", Level: "error", Message: "no page has the URL /x/"},
		{Level: "error", Message: "site folder /x: no such file or directory"},
	}, Warnings: []Problem{
		{File: "content/articles/b.md", Line: 2, Col: 1, Rule: "jargon", Level: "warning", Message: "say use"},
		{File: "content/articles/b.md", Line: 1, Col: 1, Rule: "orphan", Level: "note", Message: "no other page links here"},
	}}
	if d := cmp.Diff(want, status(u)); d != "" {
		t.Errorf("overlay (-want +got):\n%s", d)
	}
}
