package search

import (
	"context"
	"testing"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

func TestMemoryUpdate(t *testing.T) {
	conv := markdown.New(markdown.Options{})
	page := func(file, src string) *content.Page {
		p, errs := content.Parse(file, []byte(src), content.Options{Markdown: conv})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return p
	}
	a := page("content/articles/reset.md", "---\ntitle: Reset your password\n---\nChoose a new password.\n")
	b := page("content/faq/billing.md", "---\ntitle: Billing questions\n---\n## Where is my invoice?\n\nUnder Billing.\n")
	ctx := context.Background()
	m, err := OpenMemory(ctx, []*content.Page{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	top := func(q string) string {
		t.Helper()
		r, err := m.Search(ctx, Request{Q: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) == 0 {
			return ""
		}
		return r.Hits[0].URL
	}
	if got := top("password"); got != "/articles/reset/" {
		t.Errorf("password → %q", got)
	}
	if got := top("invoice"); got != "/faq/billing/#where-is-my-invoice" {
		t.Errorf("invoice → %q", got)
	}
	// Edit a page: its old words go, its new words come.
	a2 := page("content/articles/reset.md", "---\ntitle: Recover your account\n---\nUse the recovery code.\n")
	if err := m.Update(ctx, []*content.Page{a2}, nil); err != nil {
		t.Fatal(err)
	}
	if got := top("password"); got != "" {
		t.Errorf("after edit, password → %q", got)
	}
	if got := top("recovery code"); got != "/articles/reset/" {
		t.Errorf("after edit, recovery → %q", got)
	}
	// Remove a page with its FAQ question documents.
	if err := m.Update(ctx, nil, []string{"/faq/billing/"}); err != nil {
		t.Fatal(err)
	}
	if got := top("invoice"); got != "" {
		t.Errorf("after removal, invoice → %q", got)
	}
	if m.Docs() != 1 {
		t.Errorf("%d documents, want 1", m.Docs())
	}
}
