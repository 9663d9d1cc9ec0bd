package search

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
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
// field). Its matches, total and facets are the reference for kb's
// (bleve's scores are not kb's: see ranking.go).
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
	root := bleveQuery(pl.root)
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

// bleveQuery is the bleve query that matches what a query tree matches.
func bleveQuery(n *node) query.Query {
	var qs []query.Query
	switch n.Op {
	case "term":
		for _, f := range leafFields(n.Field) {
			q := query.NewTermQuery(n.Term)
			q.SetField(f)
			qs = append(qs, q)
		}
		if len(qs) == 1 {
			return qs[0]
		}
		return query.NewDisjunctionQuery(qs)
	case "and":
		for _, k := range n.Kids {
			qs = append(qs, bleveQuery(k))
		}
		return query.NewConjunctionQuery(qs)
	}
	for _, k := range n.Kids {
		qs = append(qs, bleveQuery(k))
	}
	return query.NewDisjunctionQuery(qs)
}

// naiveSearch scores every matching document on its own, straight from
// the formula of ranking.go: for each document, the tree is walked with
// lookups of each leaf's postings (no merging), then the filters are
// applied and the hits sorted by score, then id: the reference for kb's
// merged scoring and one-pass collection.
func naiveSearch(t testing.TB, ix *Index, req Request) []scored {
	t.Helper()
	pl, err := ix.pl.plan(req.Q, req.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	if pl.root == nil {
		return nil
	}
	adv, _ := ix.bi.Advanced()
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, err := ix.stats(r)
	if err != nil {
		t.Fatal(err)
	}
	src := &bleveLeaves{ctx: context.Background(), r: r}
	type posting struct{ tf, length uint32 }
	postings := map[[2]string]map[uint32]posting{}
	docs := map[uint32]bool{}
	read := func(field, term string) map[uint32]posting {
		key := [2]string{field, term}
		if m, ok := postings[key]; ok {
			return m
		}
		p, err := src.postings(field, term)
		if err != nil {
			t.Fatal(err)
		}
		m := map[uint32]posting{}
		for i := 0; i < p.count(); i++ {
			m[p.docs[i]] = posting{p.tfs[i], p.lens[i]}
			docs[p.docs[i]] = true
		}
		postings[key] = m
		return m
	}
	n := float64(st.docs)
	var walk func(nd *node, d uint32) (float64, bool)
	walk = func(nd *node, d uint32) (float64, bool) {
		if nd.Op == "term" {
			df := 0
			for _, f := range idfFields(nd.Field) {
				df = max(df, len(read(f, nd.Term)))
			}
			idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
			tf, ok := 0.0, false
			for _, f := range leafFields(nd.Field) {
				if p, in := read(f, nd.Term)[d]; in {
					fp := fieldParam(f)
					tf += fp.Weight * float64(p.tf) / (1 - fp.B + fp.B*float64(p.length)/st.avgLen[f])
					ok = true
				}
			}
			return nd.Boost * idf * tf * (bm25K1 + 1) / (tf + bm25K1), ok
		}
		total, matched := 0.0, 0
		for _, k := range nd.Kids {
			if s, ok := walk(k, d); ok {
				if nd.Op == "max" {
					total = max(total, s)
				} else {
					total += s
				}
				matched++
			}
		}
		if nd.Op == "and" {
			return total, matched == len(nd.Kids)
		}
		return total, matched > 0
	}
	walk(pl.root, 0) // reads every leaf's postings
	type hit struct {
		scored
		rank int
	}
	var hits []hit
	var iid index.IndexInternalID
	for d := range docs {
		s, ok := walk(pl.root, d)
		if !ok {
			continue
		}
		iid = index.NewIndexInternalID(iid, uint64(d))
		info := ix.docs.resolve(r, iid)
		if req.Type != "" && info.typ != req.Type || req.Product != "" && info.product != req.Product {
			continue
		}
		hits = append(hits, hit{scored{ix.docs.idOf(info), s}, info.rank})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].rank < hits[j].rank
	})
	var out []scored
	for _, h := range hits {
		out = append(out, h.scored)
	}
	return out
}

// TestCollectMatchesReference checks kb's scoring and one-pass collection:
// the hits against naiveSearch (the same order, scores within 1e-12
// relative: sums run in another order), and the total and facet counts
// against bleve's own collector and facets for the same query tree.
func TestCollectMatchesReference(t *testing.T) {
	ix := sampleIndex(t)
	faceted := 0
	for _, req := range testRequests(t) {
		name := fmt.Sprintf("%q type=%s product=%s prefix=%v", req.Q, req.Type, req.Product, req.Prefix)
		_, wantTotal, wantFacets := bleveSearch(t, ix, req, 0)
		want := naiveSearch(t, ix, req)
		want = want[:min(len(want), MaxLimit)]
		req.Limit = MaxLimit
		resp := search(t, ix, req)
		var got []scored
		for _, h := range resp.Hits {
			got = append(got, scored{h.ID, h.Score})
		}
		if len(want) != len(got) {
			t.Errorf("%s: %d hits, reference %d", name, len(got), len(want))
		} else if diff := cmp.Diff(canonical(want, len(want)), canonical(got, len(got))); diff != "" {
			t.Errorf("%s: hits (-reference +kb):\n%s", name, diff)
		} else {
			for i := range want {
				if math.Abs(want[i].Score-got[i].Score) > 1e-12*math.Abs(want[i].Score) {
					t.Errorf("%s: hit %d: score %v, reference %v", name, i, got[i].Score, want[i].Score)
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
