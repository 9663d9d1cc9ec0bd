package search

import (
	"context"
	"os"
	"testing"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// pageParser returns a function that parses one Markdown page of a test
// site, failing the test on any problem.
func pageParser(t testing.TB) func(file, src string) *content.Page {
	conv := markdown.New(markdown.Options{})
	return func(file, src string) *content.Page {
		p, errs := content.Parse(file, []byte(src), content.Options{Markdown: conv})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return p
	}
}

func TestMemoryUpdate(t *testing.T) {
	page := pageParser(t)
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

// TestAverageLengths checks BM25's average field lengths: the field's
// terms in all documents divided by the number of documents (bleve would
// take the distinct terms instead), alike in a built index, its static
// export and kb serve's in-memory index, also after an edit.
func TestAverageLengths(t *testing.T) {
	page := pageParser(t)
	// title terms: reset, password, password (3); billing (1). Body: 5 + 6.
	a := page("content/articles/reset.md", "---\ntitle: Reset your password, password\n---\nChoose a new password quickly today.\n")
	b := page("content/articles/billing.md", "---\ntitle: Billing\n---\nInvoices arrive monthly by email as PDF files.\n")
	pages := []*content.Page{a, b}
	want := map[string]float64{fTitle: 2, fBody: 5.5}
	ix := buildIndex(t, pages, nil, Settings{})
	st := ix.meta.Terms
	if st[fTitle] != 4 || st[fBody] != 11 {
		t.Errorf("built: title %d terms, body %d; want 4, 11", st[fTitle], st[fBody])
	}
	static, err := OpenStatic(os.DirFS(exportIndex(t, ix)))
	if err != nil {
		t.Fatal(err)
	}
	for f, avg := range want {
		if got := static.stats().avgLen[f]; got != avg {
			t.Errorf("static: %s average %v, want %v", f, got, avg)
		}
	}
	ctx := context.Background()
	m, err := OpenMemory(ctx, pages, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	check := func(want map[string]float64) {
		t.Helper()
		adv, _ := m.bi.Advanced()
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		st, err := m.Index.stats(r)
		if err != nil {
			t.Fatal(err)
		}
		for f, avg := range want {
			if got := st.avgLen[f]; got != avg {
				t.Errorf("memory: %s average %v, want %v", f, got, avg)
			}
		}
	}
	check(want)
	// The edit drops a title term; removing the page leaves billing's.
	if err := m.Update(ctx, []*content.Page{page("content/articles/reset.md", "---\ntitle: Reset your password\n---\nChoose a new password quickly today.\n")}, nil); err != nil {
		t.Fatal(err)
	}
	check(map[string]float64{fTitle: 1.5, fBody: 5.5})
	if err := m.Update(ctx, nil, []string{"/articles/reset/"}); err != nil {
		t.Fatal(err)
	}
	check(map[string]float64{fTitle: 1, fBody: 6})
}
