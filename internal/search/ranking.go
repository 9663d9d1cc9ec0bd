package search

import (
	"fmt"
	"math"
	"sort"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// Ranking: kb scores the query tree itself, from the postings of its
// leaves, with one formula that the Go API, the Go port of the static
// client and the JavaScript client share. bleve stores the postings (and
// each field's length in every document, as its norm); kb reads them and
// scores (see the package doc for the formula).

// leafPostings are the postings of one term in one field: the documents
// in ascending order, the term's frequency in each and the field's length
// in each (its number of terms).
type leafPostings struct {
	docs []uint32
	tfs  []uint32
	lens []uint32
}

func (p *leafPostings) count() int {
	if p == nil {
		return 0
	}
	return len(p.docs)
}

// leafSource reads the postings of a term in a field: from bleve for the
// Go API, from the static files for the static client.
type leafSource interface {
	postings(field, term string) (*leafPostings, error)
}

// corpusStats are the figures of the whole index that scores need.
type corpusStats struct {
	docs int // N
	// avgLen is the average length of each field (its terms in all
	// documents ÷ N); 0 scores with tf-idf.
	avgLen map[string]float64
}

// scoredDocs are the matches of a node: documents ascending, their scores.
type scoredDocs struct {
	docs   []uint32
	scores []float64
}

// leafScore is one leaf's postings with what its score needs.
type leafScore struct {
	pl          *leafPostings
	idf, avg    float64
	queryWeight float64
}

// ranking is a scored query: the matches, and each leaf's data for
// explanations.
type ranking struct {
	root    *node
	leaves  map[*node]*leafScore
	qn      float64
	matches *scoredDocs
}

// rank reads the postings of every leaf of root and scores the tree.
func rank(root *node, src leafSource, st corpusStats) (*ranking, error) {
	rk := &ranking{root: root, leaves: map[*node]*leafScore{}}
	var order []*node
	var err error
	n := float64(st.docs)
	root.leaves(func(l *node) {
		if err != nil {
			return
		}
		ls := &leafScore{avg: st.avgLen[l.Field]}
		if ls.pl, err = src.postings(l.Field, l.Term); err != nil {
			return
		}
		df := float64(ls.pl.count())
		if ls.avg > 0 {
			ls.idf = math.Log(1 + (n-df+0.5)/(df+0.5))
		} else {
			ls.idf = 1.0 + math.Log(n/(df+1.0))
		}
		rk.leaves[l] = ls
		order = append(order, l)
	})
	if err != nil {
		return nil, err
	}
	sum := 0.0
	for _, l := range order {
		w := l.Boost * rk.leaves[l].idf
		sum += w * w
	}
	rk.qn = 1.0 / math.Sqrt(sum)
	for _, l := range order {
		ls := rk.leaves[l]
		ls.queryWeight = l.Boost * ls.idf * rk.qn
	}
	rk.matches = rk.walk(root)
	return rk, nil
}

func (rk *ranking) walk(n *node) *scoredDocs {
	switch n.Op {
	case "term":
		ls := rk.leaves[n]
		out := &scoredDocs{}
		if ls.pl.count() == 0 {
			return out
		}
		out.docs = ls.pl.docs
		out.scores = make([]float64, len(ls.pl.docs))
		for i := range ls.pl.docs {
			out.scores[i] = termScore(ls.pl.tfs[i], ls.pl.lens[i], ls.idf, ls.avg, ls.queryWeight)
		}
		return out
	}
	kids := make([]*scoredDocs, len(n.Kids))
	for i, k := range n.Kids {
		kids[i] = rk.walk(k)
	}
	return combine(kids, n.Op == "and")
}

// termScore is bleve's score of a term in a document (scorer_term.go):
// tf the term's frequency, length the field's length in the document,
// stored by bleve as the norm float32(1/√length).
func termScore(tf, length uint32, idf, avg, queryWeight float64) float64 {
	t := math.Sqrt(float64(tf))
	norm := float64(float32(1 / math.Sqrt(float64(length))))
	var score float64
	if avg > 0 {
		fieldLength := 1 / (norm * norm)
		score = idf * (t * bm25K1) / (t + bm25K1*(1-bm25B+(bm25B*fieldLength/avg)))
	} else {
		score = t * norm * idf
	}
	if queryWeight != 1.0 {
		score = score * queryWeight
	}
	return score
}

// BM25's parameters (bleve's search.BM25_k1, search.BM25_b).
const bm25K1, bm25B = 1.2, 0.75

// combine merges the matches of a node's children: an and keeps the
// documents all match and sums; an or keeps the documents any matches and
// sums times matched/all.
func combine(kids []*scoredDocs, and bool) *scoredDocs {
	capacity := 0
	for i, k := range kids {
		if and && (i == 0 || len(k.docs) < capacity) {
			capacity = len(k.docs)
		} else if !and {
			capacity += len(k.docs)
		}
	}
	out := &scoredDocs{docs: make([]uint32, 0, capacity), scores: make([]float64, 0, capacity)}
	pos := make([]int, len(kids))
	for {
		next, found := uint32(math.MaxUint32), false
		for k, c := range kids {
			if pos[k] < len(c.docs) && c.docs[pos[k]] <= next {
				next, found = c.docs[pos[k]], true
			}
		}
		if !found {
			return out
		}
		sum, count := 0.0, 0
		for k, c := range kids {
			if pos[k] < len(c.docs) && c.docs[pos[k]] == next {
				sum += c.scores[pos[k]]
				count++
				pos[k]++
			}
		}
		if and {
			if count == len(kids) {
				out.docs = append(out.docs, next)
				out.scores = append(out.scores, sum)
			}
			continue
		}
		out.docs = append(out.docs, next)
		out.scores = append(out.scores, sum*(float64(count)/float64(len(kids))))
	}
}

// explain accounts for doc's score, node by node.
func (rk *ranking) explain(doc uint32) *bsearch.Explanation {
	var walk func(n *node) *bsearch.Explanation
	walk = func(n *node) *bsearch.Explanation {
		switch n.Op {
		case "term":
			ls := rk.leaves[n]
			i := sort.Search(ls.pl.count(), func(i int) bool { return ls.pl.docs[i] >= doc })
			if i == ls.pl.count() || ls.pl.docs[i] != doc {
				return nil
			}
			tf, length := ls.pl.tfs[i], ls.pl.lens[i]
			return &bsearch.Explanation{
				Value:   termScore(tf, length, ls.idf, ls.avg, ls.queryWeight),
				Message: fmt.Sprintf("%s:%s (boost %g, idf %.4f, tf %d, length %d, average length %g)", n.Field, n.Term, n.Boost, ls.idf, tf, length, ls.avg),
			}
		}
		e := &bsearch.Explanation{}
		sum, count := 0.0, 0
		for _, k := range n.Kids {
			if c := walk(k); c != nil {
				e.Children = append(e.Children, c)
				sum += c.Value
				count++
			}
		}
		switch {
		case n.Op == "and" && count < len(n.Kids), count == 0:
			return nil
		case n.Op == "and":
			e.Value, e.Message = sum, "sum of"
		default:
			e.Value = sum * float64(count) / float64(len(n.Kids))
			e.Message = fmt.Sprintf("sum of %d matching of %d, times %d/%d", count, len(n.Kids), count, len(n.Kids))
		}
		return e
	}
	e := walk(rk.root)
	if e != nil {
		e.Message += fmt.Sprintf(" (query norm %.6f in every leaf)", rk.qn)
	}
	return e
}

// fieldNumber numbers the indexed fields, in the order of indexedFields.
var fieldNumber = func() map[string]int {
	m := map[string]int{}
	for i, f := range indexedFields {
		m[f] = i
	}
	return m
}()

// docLengths are a document's field lengths, in the order of indexedFields.
type docLengths [len(indexedFields)]uint32

// fieldStats are the number of terms of every indexed field in all
// documents, in the order of indexedFields.
type fieldStats [len(indexedFields)]uint64

// add adds (sign 1) or removes (sign -1) a document's lengths.
func (s *fieldStats) add(lens *docLengths, sign int) {
	for i, l := range lens {
		if sign > 0 {
			s[i] += uint64(l)
		} else {
			s[i] -= uint64(l)
		}
	}
}

func (s *fieldStats) merge(o fieldStats) {
	for i := range s {
		s[i] += o[i]
	}
}

func (s *fieldStats) byName() map[string]uint64 {
	m := map[string]uint64{}
	for i, f := range indexedFields {
		m[f] = s[i]
	}
	return m
}

// avgLen is BM25's average length of a field: its terms in all documents
// over the number of documents (0 without documents).
func avgLen(terms uint64, docs uint64) float64 {
	if docs == 0 {
		return 0
	}
	return float64(terms) / float64(docs)
}
