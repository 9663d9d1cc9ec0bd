package search

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"
)

// postingsOf lists every posting of every indexed field of a bleve index
// as "field term id freq norm" lines, sorted, and each field's cardinality.
func postingsOf(t *testing.T, dir string) []string {
	t.Helper()
	bi, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	adv, err := bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for _, f := range indexedFields {
		fd, err := r.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s cardinality %d", f, fd.Cardinality()))
		for {
			e, err := fd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), f, true, true, false)
			if err != nil {
				t.Fatal(err)
			}
			for {
				p, err := tfr.Next(&index.TermFieldDoc{})
				if err != nil {
					t.Fatal(err)
				}
				if p == nil {
					break
				}
				id, err := r.ExternalID(p.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%s %q %s %d %v", f, e.Term, id, p.Freq, p.Norm))
			}
			tfr.Close()
		}
		fd.Close()
	}
	sort.Strings(out)
	return out
}

// TestPrebuiltMatchesMapping checks that the index kb builds (its own
// documents, analysed on every core, segments built in parallel and
// merged) is bleve's own builder's with bleve's own mapping of the same
// fields: every term, posting, frequency and norm of every field, and each
// field's cardinality.
func TestPrebuiltMatchesMapping(t *testing.T) {
	// Segments of 10 documents and more: parts built in parallel and merged.
	defer func(n int) { partDocs = n }(partDocs)
	partDocs = 10
	pages, cfg := loadSample(t)
	docs := sortedDocs(documents(pages, cfg.BasePath()))
	dir := t.TempDir()
	kb := filepath.Join(dir, "kb")
	if err := writeIndex(context.Background(), kb, filepath.Join(dir, "scratch"), docs, "", Settings{}.withDefaults(), &fieldStats{}); err != nil {
		t.Fatal(err)
	}
	set := Settings{}.withDefaults()
	plain := filepath.Join(dir, "plain")
	b, err := bleve.NewBuilder(plain, newMapping(set.Stemmer), map[string]interface{}{"buildPathPrefix": dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		if err := b.Index(docs[i].ID, docs[i].fields()); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	want, got := postingsOf(t, plain), postingsOf(t, kb)
	if len(want) < 1000 {
		t.Fatalf("only %d postings", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("postings (-mapping +kb):\n%s", diff)
	}
}
