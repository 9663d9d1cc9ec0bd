package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestExplore(t *testing.T) {
	qs := os.Getenv("KB_EXPLORE")
	if qs == "" {
		t.Skip()
	}
	ix := sampleIndex(t)
	for _, q := range strings.Split(qs, ";") {
		r, err := ix.Search(context.Background(), Request{Q: q, Limit: 5, Prefix: os.Getenv("KB_PREFIX") != ""})
		if err != nil {
			t.Log(q, err)
			continue
		}
		fmt.Printf("== %q total=%d corrected=%q facets=%v\n", q, r.Total, r.Corrected, r.Facets)
		for _, h := range r.Hits {
			fmt.Printf("  %.4f %s  %s\n     %s\n", h.Score, h.ID, h.Title, h.Snippet)
		}
	}
}
