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
// scores with BM25F:
//
//	tf~(t,d)  = Σ over the leaf's fields f: w_f·tf_f(t,d) / (1 − b_f + b_f·len_f(d)/avg_f)
//	leaf(t,d) = β · idf(t) · tf~·(k1 + 1) / (tf~ + k1)
//	idf(t)    = ln(1 + (N − df + 0.5) / (df + 0.5))
//
// where w_f and b_f are the field's weight and length normalisation
// (textFields), avg_f its average length (its terms in all documents ÷ N),
// β the leaf's boost, and df the number of documents with the term in the
// text field that has it most often (for the other fields, in that field):
// one idf for the term wherever it occurs, so a word common in bodies but
// rare in titles ("file") is not worth a title's weight of a rare word.
// A leaf with Forms (a word's forms, Settings.Forms) takes the largest df
// of any of them in any text field: one idf per word, whichever form of
// it a document has.
// A "max" node scores its best matching child (the alternatives of one
// query word: what was typed, its synonyms, completions); an "and" the sum
// of its children, all required (the terms of a phrase); a "sum" the sum
// of its matching children (the query's words).

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
	// postings returns the postings of term in field (nil: none).
	postings(field, term string) (*leafPostings, error)
	// df returns the number of documents with term in field.
	df(field, term string) (int, error)
}

// corpusStats are the figures of the whole index that scores need.
type corpusStats struct {
	docs int // N
	// avgLen is the average length of each field (its terms in all
	// documents ÷ N).
	avgLen map[string]float64
}

// scoredDocs are the matches of a node: documents ascending, their scores.
type scoredDocs struct {
	docs   []uint32
	scores []float64
}

// leafField is one field of a leaf: its postings and parameters.
type leafField struct {
	name      string
	pl        *leafPostings
	weight, b float64
	avg       float64
}

// leafScore is what a leaf's score needs.
type leafScore struct {
	fields []leafField
	df     int
	idf    float64
}

// ranking is a scored query: the matches, and each leaf's data for
// explanations.
type ranking struct {
	root    *node
	leaves  map[*node]*leafScore
	matches *scoredDocs
}

// rank reads the postings of every leaf of root and scores the tree.
func rank(root *node, src leafSource, st corpusStats) (*ranking, error) {
	rk := &ranking{root: root, leaves: map[*node]*leafScore{}}
	var err error
	n := float64(st.docs)
	root.leaves(func(l *node) {
		if err != nil {
			return
		}
		ls := &leafScore{}
		for _, f := range leafFields(l.Field) {
			p := fieldParam(f)
			lf := leafField{name: f, weight: p.Weight, b: p.B, avg: st.avgLen[f]}
			if lf.pl, err = src.postings(f, l.Term); err != nil {
				return
			}
			ls.fields = append(ls.fields, lf)
		}
		terms := l.Forms
		if len(terms) == 0 {
			terms = []string{l.Term}
		}
		for _, f := range idfFields(l.Field) {
			for _, t := range terms {
				df, derr := src.df(f, t)
				if derr != nil {
					err = derr
					return
				}
				ls.df = max(ls.df, df)
			}
		}
		df := float64(ls.df)
		ls.idf = math.Log(1 + (n-df+0.5)/(df+0.5))
		rk.leaves[l] = ls
	})
	if err != nil {
		return nil, err
	}
	rk.matches = rk.walk(root)
	return rk, nil
}

func (rk *ranking) walk(n *node) *scoredDocs {
	if n.Op == "term" {
		return rk.leaves[n].score(n.Boost)
	}
	kids := make([]*scoredDocs, len(n.Kids))
	for i, k := range n.Kids {
		kids[i] = rk.walk(k)
	}
	return combine(kids, n.Op)
}

// norm is BM25's length normalisation of a field in a document.
func (f *leafField) norm(length uint32) float64 {
	if f.avg <= 0 {
		return 1
	}
	return 1 - f.b + f.b*float64(length)/f.avg
}

// score merges the leaf's fields into tf~ per document and scores them.
func (ls *leafScore) score(boost float64) *scoredDocs {
	pos := make([]int, len(ls.fields))
	total := 0
	for _, f := range ls.fields {
		total += f.pl.count()
	}
	out := &scoredDocs{docs: make([]uint32, 0, total), scores: make([]float64, 0, total)}
	for {
		next, found := uint32(0), false
		for k := range ls.fields {
			if pl := ls.fields[k].pl; pos[k] < pl.count() && (!found || pl.docs[pos[k]] < next) {
				next, found = pl.docs[pos[k]], true
			}
		}
		if !found {
			return out
		}
		tf := 0.0
		for k := range ls.fields {
			f := &ls.fields[k]
			if pos[k] < f.pl.count() && f.pl.docs[pos[k]] == next {
				tf += f.weight * float64(f.pl.tfs[pos[k]]) / f.norm(f.pl.lens[pos[k]])
				pos[k]++
			}
		}
		out.docs = append(out.docs, next)
		out.scores = append(out.scores, leafValue(boost, ls.idf, tf))
	}
}

// leafValue is BM25's saturation of tf~, times idf and the boost.
func leafValue(boost, idf, tf float64) float64 {
	return boost * idf * tf * (bm25K1 + 1) / (tf + bm25K1)
}

// bm25K1 is BM25's saturation: how fast more occurrences stop counting.
const bm25K1 = 1.2

// combine merges the matches of a node's children: "and" keeps the
// documents all match and sums; "sum" keeps the documents any matches and
// sums; "max" keeps the documents any matches and takes the best.
func combine(kids []*scoredDocs, op string) *scoredDocs {
	and := op == "and"
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
		next, found := uint32(0), false
		for k, c := range kids {
			if pos[k] < len(c.docs) && (!found || c.docs[pos[k]] < next) {
				next, found = c.docs[pos[k]], true
			}
		}
		if !found {
			return out
		}
		score, count := 0.0, 0
		for k, c := range kids {
			if pos[k] < len(c.docs) && c.docs[pos[k]] == next {
				if op == "max" {
					score = max(score, c.scores[pos[k]])
				} else {
					score += c.scores[pos[k]]
				}
				count++
				pos[k]++
			}
		}
		if and && count < len(kids) {
			continue
		}
		out.docs = append(out.docs, next)
		out.scores = append(out.scores, score)
	}
}

// explain accounts for doc's score, node by node.
func (rk *ranking) explain(doc uint32) *bsearch.Explanation {
	var walk func(n *node) *bsearch.Explanation
	walk = func(n *node) *bsearch.Explanation {
		if n.Op == "term" {
			return rk.leaves[n].explain(n, doc)
		}
		e := &bsearch.Explanation{}
		count := 0
		for _, k := range n.Kids {
			if c := walk(k); c != nil {
				e.Children = append(e.Children, c)
				if n.Op == "max" {
					e.Value = max(e.Value, c.Value)
				} else {
					e.Value += c.Value
				}
				count++
			}
		}
		switch {
		case count == 0, n.Op == "and" && count < len(n.Kids):
			return nil
		case n.Op == "max":
			e.Message = fmt.Sprintf("best of %d matching alternatives", count)
		case n.Op == "and":
			e.Message = "sum of the terms of a phrase, all required"
		default:
			e.Message = fmt.Sprintf("sum of %d matching of %d", count, len(n.Kids))
		}
		return e
	}
	return walk(rk.root)
}

func (ls *leafScore) explain(n *node, doc uint32) *bsearch.Explanation {
	e := &bsearch.Explanation{}
	tf := 0.0
	for k := range ls.fields {
		f := &ls.fields[k]
		i := sort.Search(f.pl.count(), func(i int) bool { return f.pl.docs[i] >= doc })
		if i == f.pl.count() || f.pl.docs[i] != doc {
			continue
		}
		v := f.weight * float64(f.pl.tfs[i]) / f.norm(f.pl.lens[i])
		tf += v
		e.Children = append(e.Children, &bsearch.Explanation{Value: v,
			Message: fmt.Sprintf("%s: tf %d, weight %g, length %d, average %.2f, b %g", f.name, f.pl.tfs[i], f.weight, f.pl.lens[i], f.avg, f.b)})
	}
	if len(e.Children) == 0 {
		return nil
	}
	e.Value = leafValue(n.Boost, ls.idf, tf)
	e.Message = fmt.Sprintf("%s:%s: boost %g × idf %.4f (df %d) × saturation of tf~ %.4f (k1 %g)", n.Field, n.Term, n.Boost, ls.idf, ls.df, tf, bm25K1)
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
