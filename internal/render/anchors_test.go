package render

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// TestTemplateAnchors renders a page of every type with the default theme
// and checks that each ID TemplateAnchors promises is in its HTML, so that
// lint's broken-link rule and the layouts cannot drift apart.
func TestTemplateAnchors(t *testing.T) {
	conv := markdown.New(markdown.Options{})
	files := map[string]string{
		"content/articles/a.md": "---\ntitle: An article\nupdated: 2026-11-01\nprerequisites: [An account]\nrelated: [/faq/f/]\n---\n## Steps\n\n1. Go.\n",
		"content/faq/f.md":      "---\ntitle: A FAQ page\nrelated: [/articles/a/]\n---\n## Why?\n\nBecause.\n",
		"content/troubleshooting/t.md": "---\ntitle: A guide\nprerequisites: [An account]\nerrors: [\"E-1: Broken\"]\n" +
			"related: [/articles/a/]\n---\n## Resolution\n\n1. Fix.\n",
		"content/releases/1-0.md": "---\ntitle: Version 1.0\nversion: \"1.0\"\ndate: 2026-11-01\nrelated: [/articles/a/]\n" +
			"features: [{title: New, docs: [/articles/a/]}]\nfixes: [{title: A fix}]\n" +
			"known_issues: [{title: Sync stops, workaround: Restart., fix_expected: \"1.1\"}, {title: Other one}]\n---\nText.\n",
		"content/releases/1-1.md": "---\ntitle: Version 1.1\nversion: \"1.1\"\ndate: 2026-11-20\n---\nText.\n",
	}
	var pages []*content.Page
	for name, src := range files {
		p, errs := content.Parse(name, []byte(src), content.Options{Markdown: conv})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		pages = append(pages, p)
	}
	s := model.New(config.Default(), pages)
	r, err := New(s, NewTheme(nil, kb.Theme))
	if err != nil {
		t.Fatal(err)
	}
	html := map[*content.Page]string{}
	var kiPage string
	for _, j := range r.Jobs() {
		var b bytes.Buffer
		if j.Page == nil && j.Path != "known-issues/index.html" {
			continue
		}
		if err := j.Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if j.Page != nil {
			html[j.Page] = b.String()
		} else {
			kiPage = b.String()
		}
	}
	for _, p := range pages {
		ids := model.TemplateAnchors(p)
		if len(ids) < 3 && p.File != "content/releases/1-1.md" {
			t.Errorf("%s: only %v", p.File, ids)
		}
		for _, id := range ids {
			if !strings.Contains(html[p], `id="`+id+`"`) {
				t.Errorf("%s: the layout has no id=%q", p.File, id)
			}
		}
	}
	kis := s.KnownIssuesAnchors()
	if !slices.Contains(kis, "kb-fixed-issues") || !slices.Contains(kis, "ki-10-sync-stops") {
		t.Errorf("KnownIssuesAnchors = %v", kis)
	}
	for _, id := range kis {
		if !strings.Contains(kiPage, `id="`+id+`"`) {
			t.Errorf("/known-issues/: the layout has no id=%q", id)
		}
	}
}
