package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// The static index round trip: Export encodes a bleve index into the
// files of kb-search/, OpenStatic and StaticIndex.Search decode them as
// the JavaScript client does. These fuzz targets check that what goes in
// comes out: the same matches as bleve for any query, over any page text,
// and errors, never a panic, from files that are not what Export wrote.

// memWriter collects exported files in a MapFS; Export may write from
// several goroutines.
type memWriter struct {
	mu    sync.Mutex
	files fstest.MapFS
}

func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = &fstest.MapFile{Data: append([]byte(nil), data...)}
	return nil
}

func exportMem(t testing.TB, ix *Index) fstest.MapFS {
	t.Helper()
	w := &memWriter{files: fstest.MapFS{}}
	if _, err := Export(context.Background(), ix.Path(), w); err != nil {
		t.Fatal(err)
	}
	return w.files
}

// sameMatches compares what bleve and the static index found: the totals,
// and when every match fits in one response, the same documents.
func sameMatches(want, got *Response) string {
	if want.Total != got.Total {
		return fmt.Sprintf("total %d, bleve %d", got.Total, want.Total)
	}
	if want.Total > uint64(len(want.Hits)) {
		return ""
	}
	ids := func(r *Response) []string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		sort.Strings(out)
		return out
	}
	if w, g := ids(want), ids(got); !slices.Equal(w, g) {
		return fmt.Sprintf("hits %q, bleve %q", g, w)
	}
	return ""
}

func staticSeeds(f *testing.F) {
	for _, q := range []string{"reset password", "cant sign in", "AUTH-401", "invoic", "sign in log in", "3.7", "the", "\"quoted\"",
		"zzqx", "résumé", "pass word", "passwrd", "a b c d e f"} {
		f.Add(q, false)
		f.Add(q, true)
	}
}

// FuzzStaticQuery searches the sample site's static index and its bleve
// index with the same arbitrary query.
func FuzzStaticQuery(f *testing.F) {
	staticSeeds(f)
	ix := sampleIndex(f)
	st, err := OpenStatic(exportMem(f, ix))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string, prefix bool) {
		req := Request{Q: q, Prefix: prefix, Limit: MaxLimit}
		want, werr := ix.Search(context.Background(), req)
		got, gerr := st.Search(context.Background(), req)
		var wq, gq *QueryError
		if errors.As(werr, &wq) != errors.As(gerr, &gq) || (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: bleve error %v, static error %v", q, werr, gerr)
		}
		if werr != nil {
			return
		}
		if d := sameMatches(want, got); d != "" {
			t.Errorf("%q prefix=%v: %s", q, prefix, d)
		}
	})
}

// FuzzStaticRoundTrip indexes a small site with one page of arbitrary
// text, exports it and searches both indexes with an arbitrary query.
func FuzzStaticRoundTrip(f *testing.F) {
	f.Add("Reset your password from the sign-in page. Error AUTH-401 means the link expired.", "reset password")
	f.Add("# Billing\n\n## Can I change my plan?\n\nYes, any time.\n", "change plan")
	f.Add("日本語のテキスト and ünïcödé wörds, 3.7.0-rc.1", "wörds")
	f.Add(strings.Repeat("word ", 500), "word")
	f.Add("\x00\xff<script>alert(1)</script>", "script")
	conv := markdown.New(markdown.Options{})
	cfg := config.Default()
	f.Fuzz(func(t *testing.T, body, q string) {
		var pages []*content.Page
		for i, src := range []string{
			"---\ntitle: Reset your password\nupdated: 2026-01-01\n---\nOpen the sign-in page and choose Forgot password.\n",
			"---\ntitle: Fuzzed page\ntags: [fuzz]\n---\n" + body,
			"---\ntitle: Questions\ntype: faq\n---\n## Is it " + body[:min(len(body), 40)] + "?\n\nMaybe.\n",
		} {
			p, errs := content.Parse(fmt.Sprintf("content/articles/p%d.md", i), []byte(src), content.Options{Markdown: conv})
			if p == nil {
				t.Skip(errs) // front matter the fuzzer broke: not this target's concern
			}
			pages = append(pages, p)
		}
		path := filepath.Join(t.TempDir(), "search.bleve")
		stg, err := Stage(context.Background(), pages, cfg, path, Settings{})
		if err != nil {
			t.Fatal(err)
		}
		if err := stg.Commit(); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		st, err := OpenStatic(exportMem(t, ix))
		if err != nil {
			t.Fatal(err)
		}
		for _, prefix := range []bool{false, true} {
			req := Request{Q: q, Prefix: prefix, Limit: MaxLimit}
			want, werr := ix.Search(context.Background(), req)
			got, gerr := st.Search(context.Background(), req)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%q: bleve error %v, static error %v", q, werr, gerr)
			}
			if werr == nil {
				if d := sameMatches(want, got); d != "" {
					t.Errorf("body %q, q %q prefix=%v: %s", body, q, prefix, d)
				}
			}
		}
	})
}

// FuzzStaticDecode replaces one file of the sample's static index with
// arbitrary bytes (gzip-compressed, as Export writes them, so that the
// decoder reads them): searching must give results or an error, never
// panic or hang.
func FuzzStaticDecode(f *testing.F) {
	ix := sampleIndex(f)
	files := exportMem(f, ix)
	var names []string
	for name := range files {
		if !strings.HasSuffix(name, "manifest.json") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for i, name := range names {
		if i%7 != 0 {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(files[name].Data))
		if err != nil {
			f.Add(uint(i), files[name].Data)
			continue
		}
		var plain bytes.Buffer
		plain.ReadFrom(zr)
		data := plain.Bytes()
		f.Add(uint(i), data)
		f.Add(uint(i), data[:len(data)/2])
		f.Add(uint(i), append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, data...))
	}
	f.Fuzz(func(t *testing.T, which uint, data []byte) {
		name := names[which%uint(len(names))]
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		broken := fstest.MapFS{}
		for n, file := range files {
			broken[n] = file
		}
		broken[name] = &fstest.MapFile{Data: z.Bytes()}
		st, err := OpenStatic(broken)
		if err != nil {
			return
		}
		for _, q := range []string{"reset password", "sign", "AUTH-401", "invoce"} {
			st.Search(context.Background(), Request{Q: q, Prefix: true})
		}
	})
}
