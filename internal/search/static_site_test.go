package search_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/search"
)

// TestStaticSearchExport builds the sample site and searches its static
// index the way the JavaScript client does (the Go port): the acceptance
// query finds the sign-in guide first, as `kb search` does, and every file
// of the static index lies where static hosts serve it.
func TestStaticSearchExport(t *testing.T) {
	out, indexPath := buildSample(t)
	st, err := search.OpenStatic(os.DirFS(out))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range []string{"cant sign in", "bill", "pasword reset", "BILL-402"} {
		want, err := ix.Search(context.Background(), search.Request{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Search(context.Background(), search.Request{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Hits) == 0 || len(want.Hits) == 0 || got.Hits[0].ID != want.Hits[0].ID || got.Total != want.Total {
			t.Errorf("%q: static %v (total %d), kb search %v (total %d)", q, first(got), got.Total, first(want), want.Total)
		}
	}
	if r, _ := st.Search(context.Background(), search.Request{Q: "cant sign in"}); len(r.Hits) == 0 || r.Hits[0].ID != "/troubleshooting/cant-sign-in/" {
		t.Errorf("cant sign in: %v", first(r))
	}
	err = filepath.WalkDir(filepath.Join(out, search.StaticDir), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
			if strings.HasPrefix(part, "_") || strings.HasPrefix(part, ".") {
				t.Errorf("%s: static hosts may not serve it", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func first(r *search.Response) string {
	if r == nil || len(r.Hits) == 0 {
		return "(none)"
	}
	return r.Hits[0].ID
}
