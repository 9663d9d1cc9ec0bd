package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"
)

// StaticIndex is the static index of a built site, searched the way the
// JavaScript client (static/js/search-index.js) searches it: a Go port of
// the client's algorithm over the same files, test code only. The parity
// tests run every query through bleve, this port and the client under
// Node, and the Go port is where the algorithm is written down first:
//
//  1. Plan the query with kb's planner (query.go), its dictionary questions
//     answered by the dictionary files of the words the query starts with.
//  2. Fetch the postings files of every leaf term.
//  3. Score every leaf with BM25F (ranking.go, the very code the Go API
//     runs) and walk the tree: a max takes its best matching child, an and
//     sums its children (all required), a sum its matching children.
//  4. Keep the best matches that pass the filters (score, then document
//     number: documents are numbered in id order), count facets as the Go
//     API does, and fetch the fragments of the hits only.
type StaticIndex struct {
	fsys fs.FS
	m    manifest
	pl   *planner

	types, prods []uint32   // by document: value numbers
	lens         [][]uint32 // by field, then document

	mu      sync.Mutex
	dicts   map[int]*staticDictChunk
	posts   map[int]*staticPostChunk
	planErr error // the first file error while planning
	// Fetched counts the files read, for tests of what a query loads.
	Fetched []string
}

var errCorruptStatic = errors.New("corrupt static index file")

// OpenStatic opens the static index under StaticDir of a built site.
func OpenStatic(site fs.FS) (*StaticIndex, error) {
	s := &StaticIndex{dicts: map[int]*staticDictChunk{}, posts: map[int]*staticPostChunk{}}
	sub, err := fs.Sub(site, StaticDir)
	if err != nil {
		return nil, err
	}
	s.fsys = sub
	data, err := fs.ReadFile(sub, "manifest.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &s.m); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if s.m.Format != staticFormat {
		return nil, fmt.Errorf("manifest.json: format %d, want %d", s.m.Format, staticFormat)
	}
	if len(s.m.Fields) != len(staticFields) || len(s.m.AvgLen) != len(staticFields) {
		return nil, fmt.Errorf("manifest.json: %w", errCorruptStatic)
	}
	syn := &synonymTable{entries: map[string][]synEntry{}, vocab: map[string]bool{}}
	for _, e := range s.m.Synonyms {
		if len(e.Terms) == 0 {
			return nil, fmt.Errorf("manifest.json: %w", errCorruptStatic)
		}
		syn.entries[e.Terms[0]] = append(syn.entries[e.Terms[0]], synEntry{terms: e.Terms, alts: e.Alts})
	}
	for _, w := range s.m.SynVocab {
		syn.vocab[w] = true
	}
	s.pl = &planner{text: kbAnalyzer{text: true, stemmer: s.m.Stemmer}, synonyms: syn, dict: staticDict{s}}
	if err := s.loadDocTable(); err != nil {
		return nil, err
	}
	return s, nil
}

// fetch reads and inflates a file of the static index.
func (s *StaticIndex) fetch(name string) ([]byte, error) {
	s.mu.Lock()
	s.Fetched = append(s.Fetched, name)
	s.mu.Unlock()
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	return out, nil
}

func (s *StaticIndex) loadDocTable() error {
	data, err := s.fetch(s.m.DocTable)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(data, []byte("kbd1")) {
		return fmt.Errorf("%s: %w", s.m.DocTable, errCorruptStatic)
	}
	r := &reader{b: data[4:]}
	n := r.uvarint()
	if n != uint64(s.m.Docs) {
		return fmt.Errorf("%s: %w", s.m.DocTable, errCorruptStatic)
	}
	col := func() []uint32 {
		c := make([]uint32, n)
		for i := range c {
			c[i] = uint32(r.uvarint())
		}
		return c
	}
	s.types, s.prods = col(), col()
	for range staticFields {
		s.lens = append(s.lens, col())
	}
	if r.err || len(r.b) != 0 {
		return fmt.Errorf("%s: %w", s.m.DocTable, errCorruptStatic)
	}
	for i := range s.types {
		if s.types[i] >= uint32(len(s.m.Values)) || s.prods[i] >= uint32(len(s.m.Values)) {
			return fmt.Errorf("%s: %w", s.m.DocTable, errCorruptStatic)
		}
	}
	return nil
}

// chunkFor returns the file holding term: the last whose first term is
// not after it, or -1.
func chunkFor(first []string, term string) int {
	return sort.Search(len(first), func(i int) bool { return first[i] > term }) - 1
}

// prefixEnd is the smallest string after every string that starts with p
// ("" when there is none).
func prefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// staticDictChunk is a decoded dictionary file.
type staticDictChunk struct {
	terms           []string
	dfWords, dfBody []uint32
	flags           []byte // 1: another text field has the term; 2: errcode or errmsg has it
}

func (s *StaticIndex) dictChunk(i int) (*staticDictChunk, error) {
	s.mu.Lock()
	c := s.dicts[i]
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	name := s.m.Dict.Files[i]
	data, err := s.fetch(name)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("kbw1")) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	r := &reader{b: data[4:]}
	n := r.uvarint()
	if n > uint64(len(data)) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	c = &staticDictChunk{}
	prev := ""
	for range n {
		shared, rest := r.uvarint(), r.uvarint()
		if shared > uint64(len(prev)) {
			return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
		}
		t := prev[:shared] + string(r.bytes(rest))
		c.terms = append(c.terms, t)
		c.dfWords = append(c.dfWords, uint32(r.uvarint()))
		c.dfBody = append(c.dfBody, uint32(r.uvarint()))
		if f := r.bytes(1); len(f) == 1 {
			c.flags = append(c.flags, f[0])
		}
		prev = t
	}
	if r.err || len(r.b) != 0 || len(c.flags) != len(c.terms) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	s.mu.Lock()
	s.dicts[i] = c
	s.mu.Unlock()
	return c, nil
}

// dictRange calls f for every dictionary entry in [lo, hi) ("" hi: no end).
func (s *StaticIndex) dictRange(lo, hi string, f func(c *staticDictChunk, i int)) error {
	first := s.m.Dict.First
	for i := max(0, chunkFor(first, lo)); i < len(first) && (hi == "" || first[i] < hi); i++ {
		c, err := s.dictChunk(i)
		if err != nil {
			return err
		}
		for j, t := range c.terms {
			if t >= lo && (hi == "" || t < hi) {
				f(c, j)
			}
		}
	}
	return nil
}

// staticDict answers the planner from the dictionary files. A file that
// cannot be read makes the search fail (dictErr), not answer wrongly.
type staticDict struct{ s *StaticIndex }

func (d staticDict) lookup(term string) (c *staticDictChunk, i int) {
	_ = d.s.note(d.s.dictRange(term, term+"\x00", func(cc *staticDictChunk, j int) { c, i = cc, j }))
	return c, i
}

func (d staticDict) df(field, term string) uint64 {
	c, i := d.lookup(term)
	if c == nil {
		return 0
	}
	switch field {
	case fWords:
		return uint64(c.dfWords[i])
	case fBody:
		return uint64(c.dfBody[i])
	}
	if c.flags[i]&1 != 0 {
		return 1
	}
	return 0
}

func (d staticDict) inText(term string) bool {
	c, i := d.lookup(term)
	return c != nil && (c.dfBody[i] > 0 || c.flags[i]&1 != 0)
}

func (d staticDict) hasPrefixed(field, prefix string) bool {
	found := false
	_ = d.s.note(d.s.dictRange(prefix, prefixEnd(prefix), func(c *staticDictChunk, i int) {
		found = found || dictDF(c, i, field) > 0
	}))
	return found
}

func (d staticDict) textPrefixed(prefix string, f func(string)) {
	_ = d.s.note(d.s.dictRange(prefix, prefixEnd(prefix), func(c *staticDictChunk, i int) {
		if c.dfBody[i] > 0 || c.flags[i]&1 != 0 {
			f(c.terms[i])
		}
	}))
}

func (d staticDict) prefixed(field, prefix string) []dictTerm {
	var out []dictTerm
	_ = d.s.note(d.s.dictRange(prefix, prefixEnd(prefix), func(c *staticDictChunk, i int) {
		if df := dictDF(c, i, field); df > 0 {
			out = append(out, dictTerm{Term: c.terms[i], DF: df})
		}
	}))
	return out
}

func (d staticDict) fuzzy(field, term string, fuzziness int) []dictTerm {
	if fuzziness <= 0 || term == "" {
		return nil
	}
	_, size := utf8.DecodeRuneInString(term)
	n := utf8.RuneCountInString(term)
	var out []dictTerm
	_ = d.s.note(d.s.dictRange(term[:size], prefixEnd(term[:size]), func(c *staticDictChunk, i int) {
		t := c.terms[i]
		df := dictDF(c, i, field)
		if m := utf8.RuneCountInString(t); df == 0 || m < n-fuzziness || m > n+fuzziness {
			return
		}
		if osaDistance(term, t) <= fuzziness {
			out = append(out, dictTerm{Term: t, DF: df})
		}
	}))
	return out
}

func dictDF(c *staticDictChunk, i int, field string) uint64 {
	if field == fWords {
		return uint64(c.dfWords[i])
	}
	return uint64(c.dfBody[i])
}

// note remembers the first error of a planning step.
func (s *StaticIndex) note(err error) error {
	if err != nil {
		s.mu.Lock()
		if s.planErr == nil {
			s.planErr = err
		}
		s.mu.Unlock()
	}
	return err
}

// staticPostChunk is a decoded postings file: the term table, and the
// postings, decoded per term when first needed.
type staticPostChunk struct {
	name  string
	terms map[string][2]int // offset, length in body
	body  []byte
}

func (s *StaticIndex) postChunk(i int) (*staticPostChunk, error) {
	s.mu.Lock()
	c := s.posts[i]
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	name := s.m.Postings.Files[i]
	data, err := s.fetch(name)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("kbp2")) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	r := &reader{b: data[4:]}
	n := r.uvarint()
	if n > uint64(len(data)) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	c = &staticPostChunk{name: name, terms: make(map[string][2]int, n)}
	prev := ""
	var end uint64
	for range n {
		shared, rest := r.uvarint(), r.uvarint()
		if shared > uint64(len(prev)) {
			return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
		}
		t := prev[:shared] + string(r.bytes(rest))
		off, l := r.uvarint(), r.uvarint()
		c.terms[t] = [2]int{int(off), int(l)}
		end = max(end, off+l)
		prev = t
	}
	if r.err || end != uint64(len(r.b)) {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	c.body = r.b
	s.mu.Lock()
	s.posts[i] = c
	s.mu.Unlock()
	return c, nil
}

// postings returns a term's postings in a field (nil: none).
func (c *staticPostChunk) postings(term string, field int) (*postingList, error) {
	loc, ok := c.terms[term]
	if !ok {
		return nil, nil
	}
	r := &reader{b: c.body[loc[0] : loc[0]+loc[1]]}
	mask := r.uvarint()
	var out *postingList
	for fi := range staticFields {
		if mask&(1<<fi) == 0 {
			continue
		}
		df := r.uvarint()
		if df > uint64(len(r.b)) {
			return nil, fmt.Errorf("%s: %w", c.name, errCorruptStatic)
		}
		pl := &postingList{docs: make([]int32, df), tfs: make([]uint32, df)}
		doc := int64(-1)
		for i := range pl.docs {
			doc += int64(r.uvarint())
			pl.docs[i] = int32(doc)
		}
		for i := range pl.tfs {
			pl.tfs[i] = uint32(r.uvarint())
		}
		if fi == field {
			out = pl
		}
	}
	if r.err {
		return nil, fmt.Errorf("%s: %w", c.name, errCorruptStatic)
	}
	return out, nil
}

// Search runs a request like Index.Search.
func (s *StaticIndex) Search(ctx context.Context, req Request) (*Response, error) {
	switch {
	case req.Limit < 0:
		return nil, &QueryError{Msg: "limit must not be negative"}
	case req.Limit == 0:
		req.Limit = DefaultLimit
	case req.Limit > MaxLimit:
		req.Limit = MaxLimit
	}
	s.mu.Lock()
	s.planErr = nil
	s.mu.Unlock()
	pl, err := s.pl.plan(req.Q, req.Prefix)
	if err != nil {
		return nil, err
	}
	if s.planErr != nil {
		return nil, s.planErr
	}
	resp := &Response{Query: req.Q, Hits: []Hit{}, Corrected: pl.corrected,
		Facets: Facets{Type: map[string]int{}, Product: map[string]int{}}}
	if pl.root == nil {
		return resp, nil
	}
	rk, err := rank(pl.root, s, s.stats())
	if err != nil {
		return nil, err
	}
	root := rk.matches
	c := &collected{types: map[string]int{}, product: map[string]int{}}
	for i, doc := range root.docs {
		typ, prod := s.m.Values[s.types[doc]], s.m.Values[s.prods[doc]]
		typeOK, productOK := req.Type == "" || typ == req.Type, req.Product == "" || prod == req.Product
		if !req.NoFacets {
			if productOK && typ != "" {
				c.types[typ]++
			}
			if typeOK && prod != "" {
				c.product[prod]++
			}
		}
		if typeOK && productOK {
			c.total++
			m := match{score: root.scores[i], doc: docInfo{rank: int(doc)}}
			if len(c.hits) < req.Limit || m.before(c.hits[len(c.hits)-1]) {
				k := sort.Search(len(c.hits), func(k int) bool { return m.before(c.hits[k]) })
				if len(c.hits) < req.Limit {
					c.hits = append(c.hits, nil)
				}
				copy(c.hits[k+1:], c.hits[k:])
				c.hits[k] = &m
			}
		}
	}
	resp.Total = c.total
	if !req.NoFacets {
		resp.Facets.Type, resp.Facets.Product = c.types, c.product
	}
	stems := map[string]string{}
	for _, h := range c.hits {
		f, err := s.fragment(h.doc.rank)
		if err != nil {
			return nil, err
		}
		rec := &record{Title: f.Title, URL: f.URL, Type: f.Type, Product: f.Product, Section: f.Section,
			Page: f.Page, Description: f.Description, Body: f.Body}
		resp.Hits = append(resp.Hits, Hit{ID: f.ID, Score: h.score, Title: f.Title, URL: f.URL, Type: f.Type,
			Product: f.Product, Section: f.Section, Page: f.Page, Snippet: makeSnippet(rec, s.pl.text, pl, stems)})
	}
	return resp, nil
}

func (s *StaticIndex) fragment(doc int) (*fragment, error) {
	name := s.m.Fragments + strconv.Itoa(doc) + ".bin"
	data, err := s.fetch(name)
	if err != nil {
		return nil, err
	}
	var f fragment
	if err := json.Unmarshal(data, &f); err != nil || f.ID == "" {
		return nil, fmt.Errorf("%s: %w", name, errCorruptStatic)
	}
	if f.URL == "" {
		f.URL = s.m.Base + f.ID
	}
	return &f, nil
}

// postings reads a leaf's postings from the postings files: documents
// are numbers in id order, lengths come from the document table.
func (s *StaticIndex) postings(field, term string) (*leafPostings, error) {
	fi := staticField(field)
	if fi < 0 {
		return nil, fmt.Errorf("field %q is not in the static index", field)
	}
	i := chunkFor(s.m.Postings.First, term)
	if i < 0 {
		return nil, nil
	}
	c, err := s.postChunk(i)
	if err != nil {
		return nil, err
	}
	pl, err := c.postings(term, fi)
	if err != nil || pl == nil {
		return nil, err
	}
	out := &leafPostings{docs: make([]uint32, len(pl.docs)), tfs: pl.tfs, lens: make([]uint32, len(pl.docs))}
	for k, d := range pl.docs {
		out.docs[k] = uint32(d)
		out.lens[k] = s.lens[fi][d]
	}
	return out, nil
}

// df is the number of documents with term in field.
func (s *StaticIndex) df(field, term string) (int, error) {
	pl, err := s.postings(field, term)
	return pl.count(), err
}

// stats are N and the average lengths of the manifest.
func (s *StaticIndex) stats() corpusStats {
	st := corpusStats{docs: s.m.Docs, avgLen: map[string]float64{}}
	for i, f := range s.m.Fields {
		st.avgLen[f] = s.m.AvgLen[i]
	}
	return st
}
