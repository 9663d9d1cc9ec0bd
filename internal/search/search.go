// Package search indexes a help center with bleve and answers customers'
// queries: their own words, misspellings, pasted error messages.
//
// # Index
//
// kb build calls Build with the published pages. The index is written with
// bleve.NewBuilder (one segment, deterministic scores) into a temporary
// folder beside its path (site.yaml search.index, default .kb/search.bleve,
// never inside public/) and swapped in only when complete, so a failed
// build keeps the previous index. kb analyses the documents itself and
// builds segments of them with bleve's segment plugin, on every core, then
// merges them into the index's one segment (build.go). The folder holds,
// beside bleve's files:
//
//   - kb-search.json: the analysis and the synonyms the index was built
//     with; queries use exactly those;
//   - kb-text.bin: what hits display and snippets are cut from (title, URL,
//     type, product, section, page, description, body), word-coded
//     (textstore.go); bleve itself stores nothing but ids;
//   - kb-docs.bin: bleve's document numbers mapped to the documents in id
//     order, so that collection needs no id lookups;
//   - kb-words.bin: every word of the short fields with its document count,
//     for typo correction and completions (vocab.go).
//
// # Documents
//
// One document per page, id = the page's URL ("/articles/x/"), and one per
// FAQ question, id = page URL + "#" + the heading's anchor, titled with the
// question, its body the answer. Fields (mapping.go), all in a lean static
// mapping (nothing dynamic, no _all, no term vectors, no doc values,
// nothing stored):
//
//	title        text      page title or FAQ question        weight 6
//	headings     text      headings                          weight 3
//	tags         text      tags                              weight 3
//	errors       text      troubleshooting errors            weight 2.5
//	description  text      description                       weight 2
//	body         text      prose, no markup, no code         weight 1
//	code         code      code spans and blocks             weight 0.5
//	words        stops     the stop words of title+description+headings+tags+errors
//	errcode      keyword   error codes and fix tickets: auth-401
//	errmsg       keyword   each error message, normalised
//	type product keyword   filters and facets
//
// # Analysis
//
// The tokenizer (analysis.go, tokenize) splits on everything but letters,
// digits and combining marks, drops apostrophes inside words ("can't" →
// "cant"), keeps "." between digits ("3.7.0") and lowercases rune by rune.
// Text fields then drop a support-friendly stop list (it keeps not, no,
// how, why, cant, dont, up, out, off) and stem with DefaultStemmer
// (stemmer_en_plural, chosen on testdata/eval.json; docs/search.md). The words field
// keeps only the stop words, unstemmed: it serves queries of stop words
// alone. The code field has the text analyzer's terms and each identifier
// whole (codeWords). The words vocabulary (kb-words.bin) has all the words of the same
// text, tokenized and lowercased only. With Settings.Forms (measured in
// TestEval, not the default: the static client has no Snowball stemmer and
// Export refuses such an index), each query term is a max of itself and
// the indexed terms of its Snowball stem (planner.wordForms) at boostForm,
// a form worth the typed term's idf when that is lower (node.Forms).
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
//     A typo one edit from a word is corrected first; otherwise an
//     unknown word of letters that joins two known words is split
//     ("autofill" → auto fill), the most even split first.
//  3. Compounds: two adjacent words of letters that the index has as one
//     word ("drop box", "e mail", "set up") are a group of the two words
//     (a sum) or the joined word at boostJoined.
//  4. Synonyms (site.yaml search.synonyms) are matched on the plain terms,
//     longest entry first: [sign in, log in] two-way, "bill => invoice"
//     one-way. A match is a group of alternatives: what was typed (boost 1)
//     or a synonym (boost 0.8). Other words are groups of one.
//  5. Each alternative is, for each of its analysed terms, one leaf over
//     all the text fields (BM25F below); an and over the terms when an
//     alternative has several, and a max over the alternatives.
//  6. With Request.Prefix, an unfinished last word (the query ends inside
//     it) also matches up to 8 completions from the words field, most
//     frequent first, at boost 0.7, in the title and middle fields only.
//  7. Error codes in the query (AUTH-401) match errcode, and a query of
//     three or more words matches errmsg as a whole, at boost 12: a pasted
//     error ranks its guide first. The query's identifiers (codeWords:
//     too_many_requests, libsecret-1.so.0) match the code field whole, at
//     boost 3.
//  8. A query of stop words only ("is it", "to the") looks its words up in the
//     words field instead.
//  9. The root sums the groups. Filters (type, product) select
//     matches without changing scores, as boost-0 term leaves in an and
//     with the root would. Facet counts for a field ignore that field's own
//     filter, so a customer sees how many results each other choice has.
//     kb scores the tree itself from bleve's postings (ranking.go) and
//     collects the matches in one pass (collect.go): top hits, total and
//     both facets.
//
// Scores are BM25F (ranking.go): a leaf adds up the term's frequency in
// every text field, each times its field's weight (title 6, headings and
// tags 3, errors 2.5, description 2, body 1) and divided by the field's
// length normalisation 1-b+b·len/avg (b = 0.75, avg = the field's terms in
// all documents / N, kept in kb-search.json), then saturates the sum once:
// β·idf·tf~·(k1+1)/(tf~+k1), k1 = 1.2, idf = ln(1+(N-df+0.5)/(df+0.5))
// with df the term's largest document frequency in any text field. So a
// word common in bodies is not worth a title's weight of a rare word just
// because few titles have it. Hits sort by score, then id (byte order).
//
// Snippets (snippet.go) are cut from the text store's body (or description)
// around the densest cluster of matched terms, HTML-escaped, with <mark>.
//
// # Static index
//
// kb build also exports the index it has built into the output, under
// StaticDir (static.go): a manifest, a document table, dictionary and
// postings files cut by term, and a fragment per document, all taken from
// the bleve index and the text store. The JavaScript client of the theme
// (static/js/search-index.js) searches it on any static host with the
// algorithm above. Its Go reference, StaticIndex, is test code
// (staticclient_test.go): the parity tests hold bleve, StaticIndex and the
// client under Node to the same top 10, scores, facets and corrections
// (docs/static-search.md).
//
// # Files, by job
//
//	analysis.go mapping.go     what a text becomes: tokens, terms, fields
//	document.go synonyms.go    what a page becomes: documents; site.yaml's synonyms
//	textstore.go vocab.go      the stores beside bleve's files (hits, snippets, typos)
//	build.go                   writing an index: Build, Stage, StageAsync
//	memory.go                  kb serve's in-memory index, updated page by page
//	query.go                   query planning: the tree of term leaves
//	search.go collect.go       Open, Search: filters, facets
//	ranking.go                 scores: the one formula of the API and the static client
//	snippet.go                 snippets
//	static.go                  the static export
//
// The JSON API kb serve answers /api/search with, and its log of searches
// that found nothing, are package search/api.
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
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
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
	path  string
	bi    bleve.Index
	meta  meta
	pl    *planner
	text  textSource
	docs  docResolver
	words wordCounts
	// fieldTerms returns the terms of each field of an index that changes
	// (kb serve's); a built index has them in its meta.
	fieldTerms func() map[string]uint64
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
	ts, err := openTextStore(filepath.Join(path, textFile))
	if err != nil {
		_ = bi.Close()
		return nil, &noIndexError{path, err.Error()}
	}
	dt, err := openDocTable(filepath.Join(path, docsFile), ts, m.Docs)
	if err != nil {
		_ = bi.Close()
		return nil, &noIndexError{path, err.Error()}
	}
	voc, err := openVocab(filepath.Join(path, wordsFile))
	if err != nil {
		_ = bi.Close()
		return nil, &noIndexError{path, err.Error()}
	}
	ix = &Index{path: path, bi: bi, meta: m, text: ts, docs: dt, words: voc}
	ix.pl = &planner{text: kbAnalyzer{text: true, stemmer: m.Stemmer}, forms: m.Forms, synonyms: newSynonymTable(m.Synonyms), dict: &bleveDict{bi, voc}}
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
	c, err := ix.collect(ctx, pl.root, req.Limit, req.Type, req.Product, req.Explain, !req.NoFacets)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	resp.Total = c.total
	if !req.NoFacets {
		resp.Facets.Type, resp.Facets.Product = c.types, c.product
	}
	stems := map[string]string{}
	for _, h := range c.hits {
		rec, ok := ix.text.record(h.doc.id)
		if !ok {
			continue // removed from kb serve's index while this search ran
		}
		hit := Hit{ID: h.doc.id, Score: h.score, Title: rec.Title, URL: rec.URL, Type: rec.Type,
			Product: rec.Product, Section: rec.Section, Page: rec.Page}
		if req.Explain {
			hit.Explanation = h.expl
		}
		hit.Snippet = makeSnippet(rec, ix.pl.text, pl, stems)
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

// bleveDict answers dictionary questions from the bleve index, and those
// about the words field from the words vocabulary (wordsFile).
type bleveDict struct {
	bi    bleve.Index
	words wordCounts
}

func (d *bleveDict) df(field, term string) uint64 {
	if field == fWords {
		return d.words.count(term)
	}
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

func (d *bleveDict) inText(term string) bool {
	for _, f := range textFields {
		if d.df(f.Name, term) > 0 {
			return true
		}
	}
	return false
}

func (d *bleveDict) textPrefixed(prefix string, f func(string)) {
	for _, tf := range textFields {
		fd, err := d.bi.FieldDictPrefix(tf.Name, []byte(prefix))
		if err != nil {
			continue
		}
		for {
			e, err := fd.Next()
			if err != nil || e == nil {
				break
			}
			f(e.Term)
		}
		_ = fd.Close()
	}
}

func (d *bleveDict) hasPrefixed(field, prefix string) bool {
	if field == fWords {
		return d.words.hasPrefixed(prefix)
	}
	fd, err := d.bi.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return false
	}
	defer fd.Close()
	e, err := fd.Next()
	return err == nil && e != nil
}

func (d *bleveDict) prefixed(field, prefix string) []dictTerm {
	if field == fWords {
		return d.words.prefixed(prefix)
	}
	fd, err := d.bi.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil
	}
	defer fd.Close()
	out := collect(fd, 0)
	for i := range out { // the walk's counts are not to be trusted (see fuzzy)
		out[i].DF = d.df(field, out[i].Term)
	}
	return out
}

// fuzzy walks the terms that start with term's first rune and keeps those
// within fuzziness edits (optimal string alignment distance). kb does not
// use bleve's Levenshtein automaton: building one costs more than this
// walk, and a client without bleve can reproduce the walk exactly.
func (d *bleveDict) fuzzy(field, term string, fuzziness int) []dictTerm {
	if fuzziness <= 0 || term == "" {
		return nil
	}
	if field == fWords {
		return d.words.fuzzy(term, fuzziness)
	}
	_, size := utf8.DecodeRuneInString(term)
	fd, err := d.bi.FieldDictPrefix(field, []byte(term[:size]))
	if err != nil {
		return nil
	}
	defer fd.Close()
	n := utf8.RuneCountInString(term)
	var out []dictTerm
	for {
		e, err := fd.Next()
		if err != nil || e == nil {
			break
		}
		if m := utf8.RuneCountInString(e.Term); m < n-fuzziness || m > n+fuzziness {
			continue
		}
		if osaDistance(term, e.Term) <= fuzziness {
			out = append(out, dictTerm{Term: e.Term})
		}
	}
	// The counts of a dictionary walk are not to be trusted: zap's iterator
	// keeps a one-document term's count for the terms after it (merged
	// segments have such terms). A lookup of its own is right.
	for i := range out {
		out[i].DF = d.df(field, out[i].Term)
	}
	return out
}

func collect(fd index.FieldDict, limit int) []dictTerm {
	var out []dictTerm
	for {
		e, err := fd.Next()
		if err != nil || e == nil {
			break
		}
		out = append(out, dictTerm{Term: e.Term})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Term < out[j].Term })
	return out
}
