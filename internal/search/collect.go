package search

import (
	"context"
	"fmt"
	"sort"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// kb runs bleve's searcher for the query tree itself and collects the
// matches in one pass: bleve's scores, unchanged, and kb's own top-N and
// facet counts. One pass answers what bleve's collector needs several
// searches and doc-value lookups for:
//
//   - the filters (type, product) select matches without touching scores,
//     exactly like bleve's conjunction with boost-0 term leaves (a zero
//     weight adds nothing to the query norm, a zero score nothing to the sum);
//   - each facet counts the matches that pass the other field's filter, so
//     a field's counts ignore its own filter;
//   - ties sort by document id (documents are numbered in id order).
//
// TestCollectMatchesBleve checks all three against bleve's own collector.

// docInfo is what collection needs of a matching document.
type docInfo struct {
	rank         int    // the document's place in id order (kb build's index)
	id           string // its id, where rank is not known (kb serve's index)
	typ, product string
	known        bool
}

// docResolver tells collection about matching documents.
type docResolver interface {
	// resolve describes a match.
	resolve(r index.IndexReader, iid index.IndexInternalID) docInfo
	// idOf returns a described document's id.
	idOf(d docInfo) string
}

// match is a collected hit.
type match struct {
	score float64
	doc   docInfo
	expl  *bsearch.Explanation
}

// before reports whether a ranks above b: higher score, then lower rank,
// then smaller id.
func (a *match) before(b *match) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.doc.rank != b.doc.rank {
		return a.doc.rank < b.doc.rank
	}
	return a.doc.id < b.doc.id
}

// collected is the result of a collection.
type collected struct {
	hits           []*match
	total          uint64
	types, product map[string]int
}

// checkEvery is how many matches pass between looks at the context.
const checkEvery = 1024

// collect runs root and keeps the best size matches that pass the filters.
func (ix *Index) collect(ctx context.Context, root query.Query, size int, typ, product string, explain, facets bool) (*collected, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	model := index.DefaultScoringModel
	if ix.meta.Scoring == index.BM25Scoring {
		model = index.BM25Scoring
	}
	ctx = context.WithValue(ctx, bsearch.GetScoringModelCallbackKey, bsearch.GetScoringModelCallbackFn(func() string { return model }))
	s, err := root.Searcher(ctx, r, ix.bi.Mapping(), bsearch.SearcherOptions{Explain: explain})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	out := &collected{types: map[string]int{}, product: map[string]int{}}
	var seen uint64
	for {
		if seen%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		seen++
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			break
		}
		d := ix.docs.resolve(r, dm.IndexInternalID)
		if !d.known {
			sctx.DocumentMatchPool.Put(dm)
			continue
		}
		typeOK, productOK := typ == "" || d.typ == typ, product == "" || d.product == product
		if facets {
			if productOK && d.typ != "" {
				out.types[d.typ]++
			}
			if typeOK && d.product != "" {
				out.product[d.product]++
			}
		}
		if typeOK && productOK {
			out.total++
			if m := (match{score: dm.Score, doc: d}); len(out.hits) < size || m.before(out.hits[len(out.hits)-1]) {
				m := &match{score: dm.Score, doc: d, expl: dm.Expl}
				i := sort.Search(len(out.hits), func(i int) bool { return m.before(out.hits[i]) })
				if len(out.hits) < size {
					out.hits = append(out.hits, nil)
				}
				copy(out.hits[i+1:], out.hits[i:])
				out.hits[i] = m
			}
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	for _, m := range out.hits {
		if m.doc.id = ix.docs.idOf(m.doc); m.doc.id == "" {
			return nil, fmt.Errorf("search: document %d has no id", m.doc.rank)
		}
	}
	return out, nil
}
