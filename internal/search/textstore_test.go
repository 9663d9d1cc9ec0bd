package search

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTextStore writes the sample site's documents and some awkward ones
// to a text store and reads every record back.
func TestTextStore(t *testing.T) {
	pages, cfg := loadSample(t)
	docs := documents(pages, cfg.BasePath())
	docs = append(docs,
		doc{ID: "/x/", Title: "  two  spaces ", Body: " lead and trail ", URL: "/elsewhere/x/", Type: "article"},
		doc{ID: "/x/#q", Title: "Q?", Body: "and trail", Page: "  two  spaces ", URL: "/x/#q", Type: "faq"},
		doc{ID: "/y/", Body: string(make([]byte, maxStoredBody+10)), Type: "article"},
		doc{ID: "/z/", Title: "émoji 😀 and 中文", Description: "", Body: "", Type: "release", Product: "Web"},
	)
	recs := make([]*record, len(docs))
	for i := range docs {
		recs[i] = recordOf(&docs[i])
	}
	path := filepath.Join(t.TempDir(), textFile)
	if err := writeTextStore(path, docs, recs, ""); err != nil {
		t.Fatal(err)
	}
	ts, err := openTextStore(path)
	if err != nil {
		t.Fatal(err)
	}
	refs := 0
	for _, r := range answerRefs(recs, docs) {
		if r.rec >= 0 {
			refs++
		}
	}
	if refs == 0 {
		t.Error("no FAQ answer was stored as a run of its page")
	}
	for i, d := range docs {
		got, ok := ts.record(d.ID)
		if !ok {
			t.Fatalf("%s: missing", d.ID)
		}
		if diff := cmp.Diff(recs[i], got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", d.ID, diff)
		}
	}
	// Any damage is found when the store is opened.
	data, _ := os.ReadFile(path)
	for _, n := range []int{0, 5, len(data) / 2, len(data) - 1} {
		bad := append([]byte(nil), data...)
		bad[n] ^= 0x40
		if _, err := parseTextStore(bad); err == nil {
			t.Errorf("byte %d flipped: no error", n)
		}
	}
	if _, err := parseTextStore(data[:len(data)-3]); err == nil {
		t.Error("truncated: no error")
	}
}

// TestVocab writes the sample site's words vocabulary and reads it back;
// kb serve's vocabulary, kept page by page, ends up the same.
func TestVocab(t *testing.T) {
	pages, cfg := loadSample(t)
	docs := documents(pages, cfg.BasePath())
	v := buildVocab(docs)
	if v.count("password") == 0 || v.count("how") == 0 || v.count("zzz") != 0 {
		t.Fatalf("counts: password %d, how %d, zzz %d", v.count("password"), v.count("how"), v.count("zzz"))
	}
	path := filepath.Join(t.TempDir(), wordsFile)
	if err := v.write(path); err != nil {
		t.Fatal(err)
	}
	got, err := openVocab(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v, got, cmp.AllowUnexported(vocab{})); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 1
	if _, err := parseVocabBytes(data); err == nil {
		t.Error("a damaged vocabulary was read")
	}
	m := newMemVocab()
	for i := range docs {
		m.add(&docs[i])
	}
	m.add(&doc{ID: "/gone/", Words: "Zebra crossing"})
	m.remove("/gone/")
	m.add(&docs[0]) // again: replaces
	m.done()
	if diff := cmp.Diff(v, m.get(), cmp.AllowUnexported(vocab{})); diff != "" {
		t.Errorf("kb serve's vocabulary (-want +got):\n%s", diff)
	}
	if ps := v.prefixed("pass"); len(ps) == 0 || !v.hasPrefixed("pass") || v.hasPrefixed("zzz") {
		t.Errorf("prefixed pass: %v", ps)
	}
	if fs := v.fuzzy("pasword", 2); len(fs) == 0 {
		t.Error("no fuzzy candidates for pasword")
	}
}
