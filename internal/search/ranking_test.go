package search

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/octoacme/kb/internal/content"
)

// TestBM25HandComputed compares kb's scores, in a built index, its static
// export and kb serve's in-memory index, with BM25F computed by hand from
// the formula in ranking.go. Three pages, one word each in their titles;
// the body lengths are 4, 1 and 2 terms, so the body's average is 7/3
// (bleve's own "average", distinct terms ÷ N, would be 1).
func TestBM25HandComputed(t *testing.T) {
	page := pageParser(t)
	pages := []*content.Page{
		page("content/articles/alpha.md", "---\ntitle: Alpha\n---\nprinter cable toner printer\n"),
		page("content/articles/beta.md", "---\ntitle: Beta\n---\nprinter\n"),
		page("content/articles/gamma.md", "---\ntitle: Gamma printer\n---\ncable toner\n"),
	}
	// "printer": in 2 bodies and 1 title; idf takes the larger df, 2 of N=3.
	idf := math.Log(1 + (3-2+0.5)/(2+0.5))
	bm := func(tf float64) float64 { return idf * tf * 2.2 / (tf + 1.2) }
	const k, avgBody, avgTitle = 0.75, 7.0 / 3, 4.0 / 3
	want := map[string]float64{
		// body: tf 2, length 4
		"/articles/alpha/": bm(2 / (1 - k + k*4/avgBody)),
		// body: tf 1, length 1
		"/articles/beta/": bm(1 / (1 - k + k*1/avgBody)),
		// title (weight 6): tf 1, length 2
		"/articles/gamma/": bm(6 * 1 / (1 - k + k*2/avgTitle)),
	}
	check := func(name string, s interface {
		Search(context.Context, Request) (*Response, error)
	}) {
		t.Helper()
		r, err := s.Search(context.Background(), Request{Q: "printer", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) != len(want) {
			t.Fatalf("%s: %d hits, want %d", name, len(r.Hits), len(want))
		}
		for _, h := range r.Hits {
			if math.Abs(h.Score-want[h.ID]) > 1e-9*want[h.ID] {
				t.Errorf("%s: %s scores %.12f, by hand %.12f", name, h.ID, h.Score, want[h.ID])
			}
		}
	}
	ix := buildIndex(t, pages, nil, Settings{})
	check("built", ix)
	static, err := OpenStatic(os.DirFS(exportIndex(t, ix)))
	if err != nil {
		t.Fatal(err)
	}
	check("static", static)
	m, err := OpenMemory(context.Background(), pages, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	check("memory", m)
}

// TestCodeWords checks which identifiers the code field keeps whole.
func TestCodeWords(t *testing.T) {
	for in, want := range map[string][]string{
		"Error AUTH-401: denied":             {"auth-401"},
		"load libsecret-1.so.0 failed":       {"libsecret-1.so.0"},
		"NOTICE: too_many_requests/.: retry": {"too_many_requests"},
		"net/http: timeout --dry-run":        {"net/http", "dry-run"},
		"0x80070005 502 version 3.7.0":       nil, // single words of the tokenizer already
		"can't - stop.":                      nil,
		"Ünï_Çödé":                           {"ünï_çödé"},
	} {
		if got := codeWords(in); !equalStrings(got, want) {
			t.Errorf("codeWords(%q) = %q, want %q", in, got, want)
		}
	}
}
