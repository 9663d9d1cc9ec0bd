package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Can't sign in", []string{"cant", "sign", "in"}},
		{"can’t", []string{"cant"}},
		{"plan's upload limit", []string{"plans", "upload", "limit"}},
		{"AUTH-401: Your email", []string{"auth", "401", "your", "email"}},
		{"version 3.7.0 and 3.", []string{"version", "3.7.0", "and", "3"}},
		{"two-factor (2FA)", []string{"two", "factor", "2fa"}},
		{"'quoted' words'", []string{"quoted", "words"}},
		{"Café naïve", []string{"café", "naïve"}},
		{"e\u0301t\u00e9", []string{"e\u0301té"}},
		{"emoji😀here", []string{"emoji", "here"}},
		{"中文 日本語", []string{"中文", "日本語"}},
		{"bad\xffbyte", []string{"bad", "byte"}},
		{"ctl\x00x\x1b[1m", []string{"ctl", "x", "1m"}},
		{strings.Repeat("a", 41) + " ok", []string{"ok"}},
		{"", nil},
		{"...", nil},
	} {
		var got []string
		for _, tok := range tokenize(tc.in) {
			got = append(got, tok.Text)
			if tok.Start < 0 || tok.End > len(tc.in) || tok.Start >= tok.End {
				t.Errorf("%q: bad offsets %+v", tc.in, tok)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextAnalyzer(t *testing.T) {
	a := kbAnalyzer{text: true, stemmer: PluralStemmer}
	got := a.terms("How do I reset the passwords? It's not working; can't sign in")
	want := []string{"how", "reset", "password", "not", "working", "cant", "sign"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("terms = %q, want %q", got, want)
	}
}

func TestOSADistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"exprot", "export", 1}, {"pasword", "password", 1}, {"invoce", "invoice", 1}, {"abc", "abc", 0}, {"", "ab", 2}, {"drvie", "drive", 1}} {
		if d := osaDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func search(t *testing.T, ix *Index, req Request) *Response {
	t.Helper()
	r, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%q: %v", req.Q, err)
	}
	return r
}

func TestSearchBehaviour(t *testing.T) {
	ix := sampleIndex(t)
	// The acceptance query.
	if r := search(t, ix, Request{Q: "cant sign in"}); len(r.Hits) == 0 || r.Hits[0].ID != "/troubleshooting/cant-sign-in/" {
		t.Errorf("cant sign in: %v", ids(r))
	}
	// A typo is corrected, and said so.
	r := search(t, ix, Request{Q: "pasword reset"})
	if r.Corrected != "password reset" || len(r.Hits) == 0 || r.Hits[0].ID != "/articles/reset-your-password/" {
		t.Errorf("pasword reset: corrected %q, %v", r.Corrected, ids(r))
	}
	// An exact word is never corrected.
	if r := search(t, ix, Request{Q: "invoice"}); r.Corrected != "" {
		t.Errorf("invoice corrected to %q", r.Corrected)
	}
	// Stop words only: the fallback finds the how-to questions.
	if r := search(t, ix, Request{Q: "how to"}); len(r.Hits) == 0 {
		t.Error("how to: no hits")
	}
	// A pasted error ranks its guide first, far ahead (the second, "Update
	// your payment method", quotes the message in a code span).
	r = search(t, ix, Request{Q: "BILL-402: Your card was declined"})
	if len(r.Hits) < 2 || r.Hits[0].ID != "/troubleshooting/payment-declined/" || r.Hits[0].Score < 2.5*r.Hits[1].Score {
		t.Errorf("pasted error: %v", scores(r))
	}
	// Words only in code are known: never "corrected", and found there;
	// an identifier matches whole ("octo_pat_" is only in code spans of
	// "Create an API token").
	for _, q := range []string{"octo_pat_", "octo_pat_EXAMPLE123"} {
		r = search(t, ix, Request{Q: q})
		if r.Corrected != "" || len(r.Hits) == 0 || r.Hits[0].ID != "/articles/create-an-api-token/" {
			t.Errorf("%s: corrected %q, %v", q, r.Corrected, ids(r))
		}
	}
	// Snippets keep the code the page quotes, as code.
	r = search(t, ix, Request{Q: "octo_pat_"})
	if s := r.Hits[0].Snippet; !strings.Contains(s, "<code><mark>octo</mark>_<mark>pat</mark>_</code>") {
		t.Errorf("octo_pat_: snippet %q, want the code span as code", s)
	}
	// Search as you type: the unfinished last word is completed.
	r = search(t, ix, Request{Q: "downlo", Prefix: true})
	if len(r.Hits) == 0 || r.Hits[0].ID != "/articles/download-invoices/" || r.Corrected != "" {
		t.Errorf("downlo (prefix): corrected %q, %v", r.Corrected, ids(r))
	}
	// Synonyms: one-way bill → invoice, not invoice → bill. (The page
	// titled "Payment declined: BILL-402 …" has "bill" itself.)
	if r := search(t, ix, Request{Q: "bill"}); !slices.Contains(ids(r)[:min(3, len(r.Hits))], "/articles/download-invoices/") {
		t.Errorf("bill: %v", ids(r))
	}
	for q, want := range map[string]map[string]float64{"bill": {"bill": 1, "invoice": boostSynonym}, "invoice": {"invoice": 1}} {
		pl, err := ix.pl.plan(q, false)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		pl.root.leaves(func(n *node) { got[n.Term] = n.Boost })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: leaves %v, want %v", q, got, want)
		}
	}
	// FAQ questions are their own results, linking to the anchor.
	r = search(t, ix, Request{Q: "do guests count as paid seats"})
	if len(r.Hits) == 0 || r.Hits[0].URL != "/faq/billing/#do-guests-count-as-paid-seats" || r.Hits[0].Page != "Billing and plan questions" {
		t.Errorf("faq: %+v", r.Hits[:min(1, len(r.Hits))])
	}
	// Explanations on request.
	if r := search(t, ix, Request{Q: "invoice", Explain: true, Limit: 1, NoFacets: true}); r.Hits[0].Explanation == nil {
		t.Error("no explanation")
	}
}

func ids(r *Response) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func scores(r *Response) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, fmt.Sprintf("%s:%.4f", h.ID, h.Score))
	}
	return out
}

func TestSearchLimits(t *testing.T) {
	ix := sampleIndex(t)
	var qe *QueryError
	if _, err := ix.Search(context.Background(), Request{Q: strings.Repeat("x", 257)}); !errors.As(err, &qe) {
		t.Errorf("257 characters: %v", err)
	}
	if _, err := ix.Search(context.Background(), Request{Q: strings.Repeat("w ", 33)}); !errors.As(err, &qe) {
		t.Errorf("33 words: %v", err)
	}
	if _, err := ix.Search(context.Background(), Request{Q: "x", Limit: -1}); !errors.As(err, &qe) {
		t.Errorf("negative limit: %v", err)
	}
	if r := search(t, ix, Request{Q: "app", Limit: 1000}); len(r.Hits) > MaxLimit {
		t.Errorf("limit 1000 gave %d hits", len(r.Hits))
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(filepath.Join(dir, "missing"))
	if !errors.Is(err, ErrNoIndex) || !strings.Contains(err.Error(), "kb build") {
		t.Errorf("missing: %v", err)
	}
	// A corrupt index: every file truncated.
	pages, cfg := loadSample(t)
	path := filepath.Join(dir, "idx")
	if _, err := Build(context.Background(), pages, cfg, path); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() && filepath.Base(p) != metaFile {
			os.WriteFile(p, []byte("garbage"), 0o644)
		}
		return nil
	})
	if ix, err := Open(path); !errors.Is(err, ErrNoIndex) || !strings.Contains(err.Error(), "kb build") {
		if ix != nil {
			ix.Close()
		}
		t.Errorf("corrupt: %v", err)
	}
	os.WriteFile(filepath.Join(path, metaFile), []byte("{"), 0o644)
	if _, err := Open(path); !errors.Is(err, ErrNoIndex) {
		t.Errorf("corrupt meta: %v", err)
	}
}

func TestBuildKeepsOldIndexOnFailure(t *testing.T) {
	pages, cfg := loadSample(t)
	path := filepath.Join(t.TempDir(), "idx")
	if _, err := Build(context.Background(), pages, cfg, path); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, pages, cfg, path); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatalf("old index lost: %v", err)
	}
	defer ix.Close()
	if ix.Docs() == 0 {
		t.Error("old index empty")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	// A rebuild replaces it.
	if _, err := Build(context.Background(), pages[:3], cfg, path); err != nil {
		t.Fatal(err)
	}
}

func TestEmptySite(t *testing.T) {
	ix := buildIndex(t, nil, config.Default(), Settings{})
	if r := search(t, ix, Request{Q: "anything"}); len(r.Hits) != 0 {
		t.Errorf("hits in an empty index: %v", ids(r))
	}
}

func TestCheckPath(t *testing.T) {
	if err := CheckPath("site/public/search.bleve", "site/public"); err == nil {
		t.Error("an index inside public/ was accepted")
	}
	if err := CheckPath("site/.kb/search.bleve", "site/public"); err != nil {
		t.Error(err)
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"cant sign in", "AUTH-401", "\"unbalanced", "\xff\xfe", "how to", "a-b-c-", "3.7.", "’’'", "sign in log in"} {
		f.Add(s, true)
	}
	ix := sampleIndex(f)
	f.Fuzz(func(t *testing.T, q string, prefix bool) {
		r, err := ix.Search(context.Background(), Request{Q: q, Prefix: prefix})
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("%q: %v", q, err)
		}
		if r != nil {
			for _, h := range r.Hits {
				if !utf8.ValidString(h.Snippet) {
					t.Fatalf("%q: invalid UTF-8 snippet", q)
				}
			}
		}
	})
}
