// Package search indexes a help center with bleve and answers customers'
// queries: their own words, misspellings, pasted error messages.
//
// # Index
//
// kb build calls Build with the published pages. The index is written with
// bleve.NewBuilder (one segment, deterministic scores) into a temporary
// folder beside its path (site.yaml search.index, default .kb/search.bleve,
// never inside public/) and swapped in only when complete, so a failed
// build keeps the previous index. kb-search.json in the index folder
// records the analysis and the synonyms the index was built with; queries
// use exactly those.
//
// # Documents
//
// One document per page, id = the page's URL ("/articles/x/"), and one per
// FAQ question, id = page URL + "#" + the heading's anchor, titled with the
// question, its body the answer. Fields (mapping.go), all in a lean static
// mapping (nothing dynamic, no _all, no term vectors):
//
//	title        text    stored   page title or FAQ question        boost 6
//	headings     text             headings                          boost 3
//	tags         text             tags                              boost 3
//	errors       text             troubleshooting errors            boost 2.5
//	description  text    stored   description                       boost 2
//	body         text    stored   prose, no markup, no code         boost 1
//	words        plain            title+description+headings+tags+errors
//	errcode      keyword          error codes and fix tickets: auth-401
//	errmsg       keyword          each error message, normalised
//	type product keyword stored   doc values: filters and facets
//	section      keyword stored
//	url page updated     stored only
//
// # Analysis
//
// The tokenizer (analysis.go, tokenize) splits on everything but letters,
// digits and combining marks, drops apostrophes inside words ("can't" →
// "cant"), keeps "." between digits ("3.7.0") and lowercases rune by rune.
// Text fields then drop a support-friendly stop list (it keeps not, no,
// how, why, cant, dont, up, out, off) and stem with DefaultStemmer
// (stemmer_en_plural, chosen on testdata/eval.json; docs/search.md). The words field is
// plain: tokenized and lowercased only.
//
// # Queries
//
// Search analyses the query itself and builds an explicit tree of term
// leaves (query.go), so that a client without bleve can rank the same way:
//
//  1. Limits: more than MaxQueryRunes runes or MaxQueryTerms words is a
//     *QueryError (HTTP 400). Invalid UTF-8 and control characters are
//     separators; quotes are punctuation. A query without words has no hits.
//  2. Typos: a word found in no field (nor in a synonym) is replaced by the
//     nearest word of the words or body dictionary: same first rune, within
//     bleve's auto fuzziness (0 edits up to 2 runes, 1 up to 5, else 2), by
//     optimal-string-alignment distance, then document frequency, then byte
//     order. Response.Corrected is the corrected query. Only unknown words
//     are corrected, so a typo match never outranks an exact match.
//  3. Synonyms (site.yaml search.synonyms) are matched on the plain terms,
//     longest entry first: [sign in, log in] two-way, "bill => invoice"
//     one-way. A match is a group of alternatives: what was typed (boost 1)
//     or a synonym (boost 0.8). Other words are groups of one.
//  4. Each alternative is, for each of its analysed terms, an or of three:
//     title, an or of the middle fields (headings, tags, errors,
//     description), and body, each leaf with its field's boost; an and over
//     the terms when an alternative has several.
//  5. With Request.Prefix, an unfinished last word (the query ends inside
//     it) also matches up to 8 completions from the words field, most
//     frequent first, at boost 0.7.
//  6. Error codes in the query (AUTH-401) match errcode, and a query of
//     three or more words matches errmsg as a whole, at boost 12: a pasted
//     error ranks its guide first.
//  7. A query of stop words only ("how to") looks its words up in the
//     plain words field instead.
//  8. The root is an or of the groups. Filters (type, product) are term
//     leaves with boost 0 in an and with the root: they select without
//     changing scores. Facet counts for a field ignore that field's own
//     filter, so a customer sees how many results each other choice has.
//
// Scores are bleve's BM25 (ScoringModel, chosen on the evaluation set):
// a leaf scores (β·idf·qn)·idf·(√tf·k1)/(√tf + k1·(1-b+b·len/avgDL)) with
// k1 = 1.2, b = 0.75, idf = ln(1+(N-df+0.5)/(df+0.5)), qn = 1/√Σ(β·idf)²
// over all leaves, avgDL = ⌈distinct terms of the field / N⌉; an or sums
// its matching children times matched/all; an and sums its children. Hits
// sort by score, then id.
//
// Snippets (snippet.go) are cut from the stored body (or description)
// around the densest cluster of matched terms, HTML-escaped, with <mark>.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Request is a search.
type Request struct {
	Q       string
	Type    string // filter: article, faq, troubleshooting, release
	Product string // filter
	Limit   int    // hits to return: 0 means DefaultLimit; at most MaxLimit
	// Prefix treats the last word as unfinished (search as you type).
	Prefix bool
	// Explain adds bleve's explanation of each score.
	Explain bool
	// NoFacets skips the facet counts (search-as-you-type suggestions).
	NoFacets bool
}

// Limits of Request.Limit.
const (
	DefaultLimit = 10
	MaxLimit     = 50
)

// Response is the answer to a Request.
type Response struct {
	Query string `json:"query"`
	Total uint64 `json:"total"`
	Hits  []Hit  `json:"hits"`
	// Facets count the matches by type and by product. Each field's counts
	// ignore that field's own filter.
	Facets Facets `json:"facets"`
	// Corrected is the query with misspellings corrected, when that was used.
	Corrected string `json:"corrected,omitempty"`
}

// Facets holds facet counts.
type Facets struct {
	Type    map[string]int `json:"type"`
	Product map[string]int `json:"product"`
}

// Hit is one result.
type Hit struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	URL     string  `json:"url"`
	Type    string  `json:"type"`
	Product string  `json:"product,omitempty"`
	Section string  `json:"section,omitempty"`
	Page    string  `json:"page,omitempty"` // an FAQ question's page title
	Snippet string  `json:"snippet"`        // HTML: escaped text with <mark>
	Score   float64 `json:"score"`
	// Explanation is bleve's account of the score, with Request.Explain.
	Explanation *bsearch.Explanation `json:"explanation,omitempty"`
}

// ErrNoIndex means there is no usable index: missing, corrupt, or built by
// another version of kb. The error text says to run kb build.
var ErrNoIndex = errors.New("no search index")

type noIndexError struct {
	path, why string
}

func (e *noIndexError) Error() string {
	return fmt.Sprintf("no usable search index at %s (%s); run `kb build` to build it", e.path, e.why)
}

func (e *noIndexError) Is(target error) bool { return target == ErrNoIndex }

// QueryError is a query the API refuses (HTTP 400).
type QueryError struct {
	Msg string
}

func (e *QueryError) Error() string { return e.Msg }

// Index is an open search index. It is safe for concurrent use.
type Index struct {
	path string
	bi   bleve.Index
	meta meta
	pl   *planner
}

// Open opens the index at path.
func Open(path string) (ix *Index, err error) {
	defer func() {
		if r := recover(); r != nil { // a corrupt segment can panic inside bleve
			ix, err = nil, &noIndexError{path, fmt.Sprint("corrupt: ", r)}
		}
	}()
	data, err := os.ReadFile(filepath.Join(path, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(path); serr != nil {
			return nil, &noIndexError{path, "not found"}
		}
		return nil, &noIndexError{path, "not built by kb"}
	}
	if err != nil {
		return nil, &noIndexError{path, err.Error()}
	}
	var m meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &noIndexError{path, "corrupt " + metaFile}
	}
	if m.Format != formatVersion {
		return nil, &noIndexError{path, fmt.Sprintf("format %d, this kb reads format %d", m.Format, formatVersion)}
	}
	known := false
	for _, s := range Stemmers {
		known = known || s == m.Stemmer
	}
	if !known {
		return nil, &noIndexError{path, fmt.Sprintf("unknown stemmer %q", m.Stemmer)}
	}
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, &noIndexError{path, "corrupt: " + err.Error()}
	}
	n, err := bi.DocCount()
	if err != nil || n != uint64(m.Docs) {
		_ = bi.Close()
		return nil, &noIndexError{path, fmt.Sprintf("corrupt: %d documents, want %d", n, m.Docs)}
	}
	ix = &Index{path: path, bi: bi, meta: m}
	ix.pl = &planner{text: kbAnalyzer{text: true, stemmer: m.Stemmer}, synonyms: newSynonymTable(m.Synonyms), dict: &bleveDict{bi}}
	return ix, nil
}

// Close closes the index.
func (ix *Index) Close() error { return ix.bi.Close() }

// Path returns the index folder.
func (ix *Index) Path() string { return ix.path }

// Docs returns the number of documents.
func (ix *Index) Docs() int { return ix.meta.Docs }

// Search runs a query. Bad input gives an empty Response or a *QueryError,
// never a panic.
func (ix *Index) Search(ctx context.Context, req Request) (resp *Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, fmt.Errorf("search: internal error: %v", r)
		}
	}()
	switch {
	case req.Limit < 0:
		return nil, &QueryError{Msg: "limit must not be negative"}
	case req.Limit == 0:
		req.Limit = DefaultLimit
	case req.Limit > MaxLimit:
		req.Limit = MaxLimit
	}
	pl, err := ix.pl.plan(req.Q, req.Prefix)
	if err != nil {
		return nil, err
	}
	resp = &Response{Query: req.Q, Hits: []Hit{}, Corrected: pl.corrected,
		Facets: Facets{Type: map[string]int{}, Product: map[string]int{}}}
	if pl.root == nil {
		return resp, nil
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
	sr := bleve.NewSearchRequestOptions(filtered(req.Type, req.Product), req.Limit, 0, req.Explain)
	// Ties keep index order: the pages sorted by URL, each FAQ page's
	// questions after it (sorting by _id too would load every match's id).
	sr.SortBy([]string{"-_score"})
	sr.Fields = []string{fTitle, fURL, fType, fProduct, fSection, fPage, fDescription, fBody}
	if req.Type == "" && !req.NoFacets {
		sr.AddFacet(fType, bleve.NewFacetRequest(fType, 20))
	}
	if req.Product == "" && !req.NoFacets {
		sr.AddFacet(fProduct, bleve.NewFacetRequest(fProduct, 50))
	}
	res, err := ix.bi.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	resp.Total = res.Total
	facets := res.Facets
	// A facet whose field is filtered counts without its own filter.
	for _, f := range []struct {
		field, v string
		q        query.Query
	}{{fType, req.Type, filtered("", req.Product)}, {fProduct, req.Product, filtered(req.Type, "")}} {
		if f.v == "" || req.NoFacets {
			continue
		}
		fr := bleve.NewSearchRequestOptions(f.q, 0, 0, false)
		fr.AddFacet(f.field, bleve.NewFacetRequest(f.field, 50))
		r, err := ix.bi.SearchInContext(ctx, fr)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if facets == nil {
			facets = bsearch.FacetResults{}
		}
		facets[f.field] = r.Facets[f.field]
	}
	for field, m := range map[string]map[string]int{fType: resp.Facets.Type, fProduct: resp.Facets.Product} {
		if fr := facets[field]; fr != nil && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				if t.Term != "" {
					m[t.Term] = t.Count
				}
			}
		}
	}
	stems := map[string]string{}
	for _, h := range res.Hits {
		hit := Hit{ID: h.ID, Score: h.Score, Title: str(h.Fields[fTitle]), URL: str(h.Fields[fURL]),
			Type: str(h.Fields[fType]), Product: str(h.Fields[fProduct]), Section: str(h.Fields[fSection]),
			Page: str(h.Fields[fPage])}
		if req.Explain {
			hit.Explanation = h.Expl
		}
		a := ix.pl.text
		hit.Snippet = snippet(str(h.Fields[fBody]), a, pl.marks, pl.plainMarks, stems)
		if hit.Snippet == "" {
			if d := str(h.Fields[fDescription]); d != "" {
				hit.Snippet = markText(d, a, pl.marks, pl.plainMarks)
			} else {
				hit.Snippet = lead(str(h.Fields[fBody]))
			}
		}
		resp.Hits = append(resp.Hits, hit)
	}
	return resp, nil
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// bleveDict answers dictionary questions from the bleve index.
type bleveDict struct{ bi bleve.Index }

func (d *bleveDict) df(field, term string) uint64 {
	fd, err := d.bi.FieldDictRange(field, []byte(term), []byte(term))
	if err != nil {
		return 0
	}
	defer fd.Close()
	e, err := fd.Next()
	if err != nil || e == nil || e.Term != term {
		return 0
	}
	return e.Count
}

func (d *bleveDict) prefixed(field, prefix string) []dictTerm {
	fd, err := d.bi.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil
	}
	defer fd.Close()
	return collect(fd, 0)
}

func (d *bleveDict) fuzzy(field, term string, fuzziness int) []dictTerm {
	if fuzziness <= 0 {
		return nil
	}
	adv, err := d.bi.Advanced()
	if err != nil {
		return nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil
	}
	first := []rune(term)[:1]
	fd, err := fr.FieldDictFuzzy(field, term, fuzziness, string(first))
	if err != nil {
		return nil
	}
	defer fd.Close()
	return collect(fd, 1000)
}

func collect(fd index.FieldDict, limit int) []dictTerm {
	var out []dictTerm
	for {
		e, err := fd.Next()
		if err != nil || e == nil {
			break
		}
		out = append(out, dictTerm{Term: e.Term, DF: e.Count})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Term < out[j].Term })
	return out
}
