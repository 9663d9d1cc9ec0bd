package search

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"
)

// scored is a hit reduced to what ranking compares.
type scored struct {
	ID    string
	Score float64
}

// bleveSearch answers a request the plain bleve way: the query tree in a
// conjunction with boost-0 term filters, bleve's collector sorted by score
// and id, and bleve's term facets (one more search per filtered facet
// field). It is the reference that kb's one-pass collection must match.
func bleveSearch(t testing.TB, ix *Index, req Request, size int) ([]scored, uint64, Facets) {
	t.Helper()
	pl, err := ix.pl.plan(req.Q, req.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	f := Facets{Type: map[string]int{}, Product: map[string]int{}}
	if pl.root == nil {
		return nil, 0, f
	}
	root := pl.root.bleve()
	filtered := func(typ, product string) query.Query {
		qs := []query.Query{root}
		for _, f := range []struct{ field, v string }{{fType, typ}, {fProduct, product}} {
			if f.v != "" {
				t := query.NewTermQuery(f.v)
				t.SetField(f.field)
				t.SetBoost(0)
				qs = append(qs, t)
			}
		}
		if len(qs) == 1 {
			return root
		}
		return query.NewConjunctionQuery(qs)
	}
	run := func(q query.Query, size int, facet string) *bleve.SearchResult {
		sr := bleve.NewSearchRequestOptions(q, size, 0, false)
		sr.SortBy([]string{"-_score", "_id"})
		if facet != "" {
			sr.AddFacet(facet, bleve.NewFacetRequest(facet, 100))
		}
		res, err := ix.bi.SearchInContext(context.Background(), sr)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run(filtered(req.Type, req.Product), size, "")
	var hits []scored
	for _, h := range res.Hits {
		hits = append(hits, scored{h.ID, h.Score})
	}
	for _, x := range []struct {
		field string
		q     query.Query
		m     map[string]int
	}{{fType, filtered("", req.Product), f.Type}, {fProduct, filtered(req.Type, ""), f.Product}} {
		if fr := run(x.q, 0, x.field).Facets[x.field]; fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				x.m[t.Term] = t.Count
			}
		}
	}
	return hits, res.Total, f
}

// testRequests are the evaluation queries, each also with every filter
// and as an unfinished query.
func testRequests(t testing.TB) []Request {
	var reqs []Request
	for i, c := range loadEval(t) {
		reqs = append(reqs, Request{Q: c.Q})
		switch i % 4 {
		case 0:
			reqs = append(reqs, Request{Q: c.Q, Type: "faq"}, Request{Q: c.Q, Prefix: true})
		case 1:
			reqs = append(reqs, Request{Q: c.Q, Type: "troubleshooting", Product: "OctoAcme"})
		case 2:
			reqs = append(reqs, Request{Q: c.Q, Type: "article"}, Request{Q: c.Q[:len(c.Q)/2+1], Prefix: true})
		case 3:
			reqs = append(reqs, Request{Q: c.Q, Type: "release", Product: "OctoAcme Desktop"})
		}
	}
	return reqs
}

// TestCollectMatchesBleve checks kb's scores and one-pass collection
// against bleve's own searcher and collector: the same hits in the same
// order (scores within 1e-12 relative count as ties, broken by id: bleve
// sums a disjunction's children in its own order, kb in the tree's), the
// same scores, the same total and the same facet counts.
func TestCollectMatchesBleve(t *testing.T) {
	ix := sampleIndex(t)
	faceted := 0
	for _, req := range testRequests(t) {
		name := fmt.Sprintf("%q type=%s product=%s prefix=%v", req.Q, req.Type, req.Product, req.Prefix)
		want, wantTotal, wantFacets := bleveSearch(t, ix, req, MaxLimit)
		req.Limit = MaxLimit
		resp := search(t, ix, req)
		var got []scored
		for _, h := range resp.Hits {
			got = append(got, scored{h.ID, h.Score})
		}
		if len(want) != len(got) {
			t.Errorf("%s: %d hits, bleve %d", name, len(got), len(want))
		} else if diff := cmp.Diff(canonical(want, len(want)), canonical(got, len(got))); diff != "" {
			t.Errorf("%s: hits (-bleve +kb):\n%s", name, diff)
		} else {
			for i := range want {
				if math.Abs(want[i].Score-got[i].Score) > 1e-12*math.Abs(want[i].Score) {
					t.Errorf("%s: hit %d: score %v, bleve %v", name, i, got[i].Score, want[i].Score)
				}
			}
		}
		if resp.Total != wantTotal {
			t.Errorf("%s: total %d, bleve %d", name, resp.Total, wantTotal)
		}
		if diff := cmp.Diff(wantFacets, resp.Facets); diff != "" {
			t.Errorf("%s: facets (-bleve +kb):\n%s", name, diff)
		}
		if len(wantFacets.Type) > 1 {
			faceted++
		}
	}
	if faceted == 0 {
		t.Error("no request had facet counts to compare")
	}
}
