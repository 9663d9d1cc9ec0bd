package render

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// partsSite is a site of articles in two sections, an FAQ and a release,
// rendered with the default theme and the given layouts over it.
func partsSite(t *testing.T, layouts map[string]string, title string) *Renderer {
	t.Helper()
	conv := markdown.New(markdown.Options{})
	files := map[string]string{
		"content/releases/1-0.md": "---\ntitle: Version 1.0\nversion: \"1.0\"\ndate: 2026-11-01\n" +
			"features: [{title: New, docs: [/articles/a0/]}]\n---\nText.\n",
		"content/faq/f.md": "---\ntitle: Questions\ntype: faq\n---\n## Why?\n\nBecause.\n",
	}
	for i := range 6 {
		files[fmt.Sprintf("content/articles/a%d.md", i)] = fmt.Sprintf("---\ntitle: Article %d\ntags: [t%d]\nupdated: 2026-11-0%d\n---\n## Steps\n\n1. Go.\n", i, i%2, i+1)
		files[fmt.Sprintf("content/guides/g%d.md", i)] = fmt.Sprintf("---\ntitle: Guide %d\ndescription: Guide number %d.\n---\nText.\n", i, i)
	}
	var pages []*content.Page
	for name, src := range files {
		p, errs := content.Parse(name, []byte(src), content.Options{Markdown: conv})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		pages = append(pages, p)
	}
	cfg := config.Default()
	cfg.BaseURL = "https://help.example.com/docs/"
	cfg.Title = title
	cfg.SupportURL = "https://support.example.com/"
	cfg.Limits.TemplateTimeout = config.Duration(time.Minute)
	site := fstest.MapFS{}
	for name, src := range layouts {
		site["layouts/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	s := model.New(cfg, pages)
	s.PlanFeeds()
	r, err := New(s, NewTheme(site, kb.Theme))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// renderJobs renders every job of r in turn: each file's bytes, or its error.
func renderJobs(t *testing.T, r *Renderer) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, j := range r.Jobs() {
		var b bytes.Buffer
		if err := j.Render(context.Background(), &b); err != nil {
			out[j.Path] = "error: " + err.Error()
			continue
		}
		out[j.Path] = b.String()
	}
	return out
}

// withoutReuse renders as if parts were never reused.
func withoutReuse(t *testing.T, f func()) {
	t.Helper()
	old := reuseParts
	reuseParts = false
	defer func() { reuseParts = old }()
	f()
}

// trickyLayouts are partials that look alike but read the page, each in
// a way the analysis must see, beside ones that only read the site.
var trickyLayouts = map[string]string{
	// reads the page's title through a variable assigned in a loop
	"partials/contact.html": `{{$t := ""}}{{range .Site.Sections}}{{$t = $.Title}}{{end}}<p>{{$t}}</p>`,
	// hands the data on in a dict, whose callee reads the URL
	"partials/footer.html": `<footer>{{.Site.Config.Title}}{{template "partials/x.html" (dict "D" . "N" 1)}}{{template "partials/kind.html" .}}</footer>`,
	"partials/x.html":      `{{with .D}}<a href="{{.URL}}">{{$.N}}</a>{{end}}`,
	// the kind and the section: reused by their values
	"partials/kind.html": `<i>{{.Kind}} {{with .Section}}{{.Title}}{{end}} {{len .Site.Pages}}</i>`,
	// a method of the data, and with $
	"partials/tags.html": `<p>{{.Canonical}}</p>`,
	"partials/toc.html":  `{{with $}}<b>{{.Title}}</b>{{end}}{{template "partials/site.html" .}}`,
	// the site alone
	"partials/site.html": `<nav>{{range .Site.Sections}}<a href="{{rel .URL}}">{{.Title}}</a>{{end}}</nav>`,
}

// TestPartsSameBytes: every file is the same with parts reused as
// without, for the default theme and for partials that read the page in
// ways the analysis must see; and parts are reused.
func TestPartsSameBytes(t *testing.T) {
	for name, layouts := range map[string]map[string]string{"default theme": nil, "tricky partials": trickyLayouts} {
		t.Run(name, func(t *testing.T) {
			var want map[string]string
			withoutReuse(t, func() { want = renderJobs(t, partsSite(t, layouts, "Help")) })
			r := partsSite(t, layouts, "Help")
			got := renderJobs(t, r)
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s differs with parts reused:\n got %s\nwant %s", p, got[p], w)
				}
			}
			if r.parts.hits.Load() == 0 {
				t.Errorf("no part was reused")
			}
		})
	}
}

// TestPartsAnalysis: what is reused, and by what.
func TestPartsAnalysis(t *testing.T) {
	r := partsSite(t, trickyLayouts, "Help")
	renderJobs(t, r)
	e := r.executor(context.Background())
	defer r.release(e)
	got := e.deps["article"]
	want := map[string]uint{
		"partials/header.html": depSite | depKind | depSection,
		"partials/kind.html":   depSite | depKind | depSection,
		"partials/site.html":   depSite,
	}
	for name, deps := range want {
		if d, ok := got[name]; !ok || d != deps {
			t.Errorf("%s: reused = %v by %b, want by %b", name, ok, d, deps)
		}
	}
	for _, name := range []string{"partials/contact.html", "partials/footer.html", "partials/x.html", "partials/tags.html", "partials/toc.html", "main", "baseof.html"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s is reused, but reads the page", name)
		}
	}
}

// TestPartsNewSite: a Renderer given a new site (kb serve after a change)
// reuses nothing of the old one.
func TestPartsNewSite(t *testing.T) {
	r := partsSite(t, nil, "Old title")
	renderJobs(t, r)
	r.Site = partsSite(t, nil, "New title").Site
	for p, out := range renderJobs(t, r) {
		if strings.HasSuffix(p, ".html") && strings.Contains(out, "Old title") {
			t.Fatalf("%s shows the old site's title", p)
		}
	}
}

// TestPartsErrors: a reused part that fails for a value not seen before
// fails as it does without reuse, with the same message.
func TestPartsErrors(t *testing.T) {
	layouts := map[string]string{"partials/footer.html": `{{if .Section}}{{if eq .Section.Name "guides"}}{{index .Site.Sections 99}}{{end}}{{end}}`}
	var want map[string]string
	withoutReuse(t, func() { want = renderJobs(t, partsSite(t, layouts, "Help")) })
	got := renderJobs(t, partsSite(t, layouts, "Help"))
	failed := 0
	for p, w := range want {
		if strings.HasPrefix(w, "error: ") {
			failed++
		}
		if got[p] != w {
			t.Errorf("%s: got %.300s, want %.300s", p, got[p], w)
		}
	}
	if failed == 0 {
		t.Fatal("no page failed")
	}
}

// TestPartsOtherRoot: a template the page shell does not call, run on its
// own later (a release's notes in its feed entry), is left as it was, so
// that html/template escapes its calls in their own context: here a part
// reused in HTML text is called inside a URL.
func TestPartsOtherRoot(t *testing.T) {
	layouts := map[string]string{
		"release.html":                `{{define "main"}}<p>{{.Title}}</p>{{template "partials/site.html" .}}{{end}}`,
		"partials/release-notes.html": `<a href="/x?q={{template "partials/site.html" .}}">notes</a>{{template "partials/site.html" .}}`,
		"partials/site.html":          `{{range .Site.Sections}}{{.Title}}{{" "}}{{end}}`,
	}
	notes := func() (string, string) {
		r := partsSite(t, layouts, "Help")
		pages := renderJobs(t, r)
		var rel *content.Page
		for _, p := range r.Site.Pages {
			if p.Type == content.Release {
				rel = p
			}
		}
		html, err := r.ContentHTML(context.Background(), rel)
		if err != nil {
			t.Fatal(err)
		}
		return pages["releases/1-0/index.html"], string(html)
	}
	var wantPage, wantNotes string
	withoutReuse(t, func() { wantPage, wantNotes = notes() })
	page, notes2 := notes()
	if page != wantPage {
		t.Errorf("release page differs with parts reused")
	}
	if notes2 != wantNotes {
		t.Errorf("release notes with parts reused:\n%s\nwant\n%s", notes2, wantNotes)
	}
	if !strings.Contains(wantNotes, `q=How-to%20guides%20`) {
		t.Errorf("the test's notes do not call the part inside an attribute: %s", wantNotes)
	}
}
