package search

import (
	"context"
	"fmt"
	"math"
	"sort"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// kb scores the query tree itself (ranking.go) from the postings bleve
// stores, and collects the matches in one pass: the top hits, the total
// and the facet counts.
//
//   - the filters (type, product) select matches without touching scores;
//   - each facet counts the matches that pass the other field's filter, so
//     a field's counts ignore its own filter;
//   - ties sort by document id (documents are numbered in id order).

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
	num   uint32 // the document's number in the postings
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

// checkEvery is how many postings or matches pass between looks at the context.
const checkEvery = 1024

// bleveLeaves reads postings from a bleve index: documents are bleve's
// internal numbers, lengths come from the norms (float32(1/√length)).
type bleveLeaves struct {
	ctx context.Context
	r   index.IndexReader
	tfd index.TermFieldDoc
	// counts are the document frequencies of the postings read.
	counts map[[2]string]int
}

func (b *bleveLeaves) df(field, term string) (int, error) {
	if n, ok := b.counts[[2]string{field, term}]; ok {
		return n, nil
	}
	tfr, err := b.r.TermFieldReader(b.ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return int(tfr.Count()), nil
}

func (b *bleveLeaves) postings(field, term string) (*leafPostings, error) {
	tfr, err := b.r.TermFieldReader(b.ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	n := tfr.Count()
	if n == 0 {
		if b.counts == nil {
			b.counts = map[[2]string]int{}
		}
		b.counts[[2]string{field, term}] = 0
		return nil, nil
	}
	pl := &leafPostings{docs: make([]uint32, 0, n), tfs: make([]uint32, 0, n), lens: make([]uint32, 0, n)}
	lastNorm, lastLen := -1.0, uint32(0)
	for i := 0; ; i++ {
		if i%checkEvery == checkEvery-1 {
			if err := b.ctx.Err(); err != nil {
				return nil, err
			}
		}
		p, err := tfr.Next(&b.tfd)
		if err != nil {
			return nil, err
		}
		if p == nil {
			break
		}
		num := p.ID.Value()
		if num > math.MaxUint32 {
			return nil, fmt.Errorf("document number %d out of range", num)
		}
		if p.Norm != lastNorm {
			lastNorm, lastLen = p.Norm, normLength(p.Norm)
		}
		pl.docs = append(pl.docs, uint32(num))
		pl.tfs = append(pl.tfs, uint32(p.Freq))
		pl.lens = append(pl.lens, lastLen)
	}
	if b.counts == nil {
		b.counts = map[[2]string]int{}
	}
	b.counts[[2]string{field, term}] = len(pl.docs)
	return pl, nil
}

// normLength is the length a bleve norm float32(1/√length) stands for.
func normLength(norm float64) uint32 {
	if norm <= 0 {
		return 0
	}
	return uint32(math.Round(1 / (norm * norm)))
}

// stats are N and the average length of each field.
func (ix *Index) stats(r index.IndexReader) (corpusStats, error) {
	n, err := r.DocCount()
	if err != nil {
		return corpusStats{}, err
	}
	st := corpusStats{docs: int(n), avgLen: map[string]float64{}}
	fields := ix.meta.Terms
	if ix.fieldTerms != nil {
		fields = ix.fieldTerms()
	}
	for f, terms := range fields {
		st.avgLen[f] = avgLen(terms, n)
	}
	return st, nil
}

// collect scores root and keeps the best size matches that pass the filters.
func (ix *Index) collect(ctx context.Context, root *node, size int, typ, product string, explain, facets bool) (*collected, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	st, err := ix.stats(r)
	if err != nil {
		return nil, err
	}
	rk, err := rank(root, &bleveLeaves{ctx: ctx, r: r}, st)
	if err != nil {
		return nil, err
	}
	out := &collected{types: map[string]int{}, product: map[string]int{}}
	var iid index.IndexInternalID
	for i, num := range rk.matches.docs {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		iid = index.NewIndexInternalID(iid, uint64(num))
		d := ix.docs.resolve(r, iid)
		if !d.known {
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
		if !typeOK || !productOK {
			continue
		}
		out.total++
		m := match{score: rk.matches.scores[i], doc: d, num: num}
		if len(out.hits) < size || m.before(out.hits[len(out.hits)-1]) {
			k := sort.Search(len(out.hits), func(k int) bool { return m.before(out.hits[k]) })
			if len(out.hits) < size {
				out.hits = append(out.hits, nil)
			}
			copy(out.hits[k+1:], out.hits[k:])
			out.hits[k] = &m
		}
	}
	for _, m := range out.hits {
		if m.doc.id = ix.docs.idOf(m.doc); m.doc.id == "" {
			return nil, fmt.Errorf("search: document %d has no id", m.doc.rank)
		}
		if explain {
			m.expl = rk.explain(m.num)
		}
	}
	return out, nil
}
