package search

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/klauspost/compress/gzip"
)

// The static index: kb build exports the bleve index it has just built
// into the output folder, so that a small JavaScript client
// (static/js/search-index.js) answers searches on any static host with the
// same results as the Go API. Everything the client ranks with comes from
// the bleve index itself and kb-search.json: the document count, each
// field's average length, every term's postings with frequencies, and each
// document's field lengths
// (recovered from bleve's norms, and checked to give the very same norms).
//
// Files, under StaticDir (every name but the manifest's carries a hash of
// its content, so hosts may cache them forever; all but the manifest are
// gzip-compressed by kb, so that hosts which do not compress binary files
// still send them small, and the client inflates them itself):
//
//	manifest.json        the document count, fields, average lengths,
//	                     boosts, stop words, synonyms, facet values and the
//	                     tables below (first term of each file)
//	d.HASH.bin           the document table: type and product of each
//	                     document, and its length in every field
//	w.HASH.bin …         the dictionary, cut by term: every term with its
//	                     frequency in the words and body fields and whether
//	                     other fields have it (typo correction, completions,
//	                     and which postings files a query needs)
//	p.HASH.bin …         postings, cut by term: each term's documents and
//	                     frequencies in every field it occurs in
//	f.HASH/N.bin         one fragment per document, what a hit shows and its
//	                     snippet is cut from; the folder's hash covers them all
//
// Documents are numbered in id order, as in kb's text store. Binary files
// are uvarints and length-prefixed strings; terms in the dictionary and
// postings files are front-coded (bytes shared with the previous term,
// then the rest).

// StaticDir is the folder of the static index in the output. Static hosts
// serve it as it is (GitHub Pages skips folders starting with "_").
const StaticDir = "kb-search"

// staticFormat changes when the static files change incompatibly.
const staticFormat = 3

// Sizes at which dictionary and postings files are cut (before gzip).
const (
	dictChunkBytes     = 8 << 10
	postingsChunkBytes = 16 << 10
)

// staticFields are the fields the client scores, in the order of the
// field numbers of the static files.
var staticFields = staticFields0[:]

var staticFields0 = [...]string{fTitle, fHeadings, fTags, fErrors, fDescription, fBody, fWords, fErrCode, fErrMsg, fCode}

func staticField(name string) int {
	for i, f := range staticFields {
		if f == name {
			return i
		}
	}
	return -1
}

// FileWriter writes a file of the output, by slash-separated path. Export
// writes files from several goroutines at once.
type FileWriter interface {
	WriteFile(name string, data []byte) error
}

// ExportStats describes an exported static index.
type ExportStats struct {
	Files     int
	Bytes     int64 // all files, as written (gzip-compressed)
	Manifest  int64
	Docs      int64 // the document table
	Dict      int64 // dictionary files
	Postings  int64 // postings files
	Fragments int64
	Elapsed   time.Duration
}

// manifest is manifest.json.
type manifest struct {
	Format  int       `json:"format"`
	Docs    int       `json:"docs"`
	Stemmer Stemmer   `json:"stemmer"`
	Fields  []string  `json:"fields"`
	Weight  []float64 `json:"weight"` // BM25F's weight of each field, in the order of Fields
	B       []float64 `json:"b"`      // BM25F's length normalisation of each field
	AvgLen  []float64 `json:"avgLen"` // the average length: terms in all documents ÷ docs
	K1      float64   `json:"k1"`
	// Sets are the fields a term leaf looks in by set, and IDF the fields
	// whose largest document frequency makes its idf.
	Sets      map[string][]string `json:"sets"`
	IDF       []string            `json:"idf"`
	Card      []int               `json:"cardinality"`
	Weights   weights             `json:"weights"`
	Stop      []string            `json:"stop"`
	Synonyms  []synJSON           `json:"synonyms"`
	SynVocab  []string            `json:"synonymWords"`
	Limits    limits              `json:"limits"`
	Values    []string            `json:"values"` // "", the types, the products: the numbers of the document table
	Types     []string            `json:"types"`
	Products  []string            `json:"products"`
	DocTable  string              `json:"docTable"`
	Dict      fileTable           `json:"dict"`
	Postings  fileTable           `json:"postings"`
	Fragments string              `json:"fragments"` // folder: fragment N is Fragments + N + ".bin"
	Base      string              `json:"base"`      // the site's base path, without the final slash
}

type weights struct {
	Synonym  float64 `json:"synonym"`
	Prefix   float64 `json:"prefix"`
	ErrExact float64 `json:"errExact"`
	Code     float64 `json:"code"`
	Joined   float64 `json:"joined"`
	Fallback float64 `json:"fallback"`
}

type limits struct {
	QueryRunes    int `json:"queryRunes"`
	QueryTerms    int `json:"queryTerms"`
	MaxExpansions int `json:"maxExpansions"`
	DefaultLimit  int `json:"defaultLimit"`
	MaxLimit      int `json:"maxLimit"`
	SnippetWords  int `json:"snippetWords"`
	SnippetScan   int `json:"snippetScan"`
	TokenRunes    int `json:"tokenRunes"`
}

// fileTable lists the files of a term-sorted series and the first term of each.
type fileTable struct {
	Files []string `json:"files"`
	First []string `json:"first"`
}

type synJSON struct {
	Terms []string `json:"terms"`
	Alts  []string `json:"alts"`
}

// fragment is the JSON of a fragment file.
type fragment struct {
	ID          string `json:"i"`
	Title       string `json:"t"`
	URL         string `json:"u,omitempty"` // when it is not the base path + ID
	Type        string `json:"y"`
	Product     string `json:"p,omitempty"`
	Section     string `json:"s,omitempty"`
	Page        string `json:"g,omitempty"`
	Description string `json:"d,omitempty"`
	Body        string `json:"b,omitempty"`
}

// posting lists of one term in one field, by document number.
type postingList struct {
	docs []int32
	tfs  []uint32
}

// termEntry is one term of the static index: its postings per field, and
// its document count in the words vocabulary.
type termEntry struct {
	term    string
	fields  [len(staticFields0)]*postingList
	dfWords uint32
}

// Export writes the static index of the kb index at indexPath under
// StaticDir, through w.
func Export(ctx context.Context, indexPath string, w FileWriter) (*ExportStats, error) {
	start := time.Now()
	ix, err := Open(indexPath)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	st, err := ix.export(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("static search index: %w", err)
	}
	st.Elapsed = time.Since(start)
	return st, nil
}

func (ix *Index) export(ctx context.Context, w FileWriter) (*ExportStats, error) {
	dt, ok := ix.docs.(*docTable)
	ts, ok2 := ix.text.(*textStore)
	if !ok || !ok2 {
		return nil, fmt.Errorf("only a built index can be exported")
	}
	if ix.meta.Stemmer != PluralStemmer && ix.meta.Stemmer != NoStemmer {
		return nil, fmt.Errorf("the static client has no %s stemmer", ix.meta.Stemmer)
	}
	if ix.meta.Forms {
		return nil, fmt.Errorf("the static client has no Snowball stemmer for word forms")
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	n := len(dt.rec)
	m := &manifest{Format: staticFormat, Docs: n, Base: ts.base, Stemmer: ix.meta.Stemmer, Fields: staticFields,
		Weights: weights{Synonym: boostSynonym, Prefix: boostPrefix, ErrExact: boostErrExact, Code: boostCode, Joined: boostJoined, Fallback: boostFallback},
		Limits: limits{QueryRunes: MaxQueryRunes, QueryTerms: MaxQueryTerms, MaxExpansions: maxExpansions,
			DefaultLimit: DefaultLimit, MaxLimit: MaxLimit, SnippetWords: snippetWords, SnippetScan: maxSnippetScan, TokenRunes: maxTokenRunes}}
	for w := range stopWords {
		m.Stop = append(m.Stop, w)
	}
	sort.Strings(m.Stop)
	syn := ix.pl.synonyms
	for _, first := range sortedKeys(syn.entries) {
		for _, e := range syn.entries[first] {
			m.Synonyms = append(m.Synonyms, synJSON{Terms: e.terms, Alts: e.alts})
		}
	}
	m.SynVocab = sortedKeys(syn.vocab)
	for _, f := range staticFields {
		p := fieldParam(f)
		m.Weight, m.B = append(m.Weight, p.Weight), append(m.B, p.B)
	}
	m.K1 = bm25K1
	m.Sets = map[string][]string{setText: leafFields(setText), setShort: leafFields(setShort)}
	m.IDF = idfFields(setText)

	// Postings and lengths, field by field, from bleve.
	lens := make([][]uint32, len(staticFields))
	terms := map[string]*termEntry{}
	for fi, f := range staticFields {
		lens[fi] = make([]uint32, n)
		card, err := ix.readField(ctx, r, dt, f, fi, lens[fi], terms)
		if err != nil {
			return nil, err
		}
		avg := avgLen(ix.meta.Terms[f], uint64(n))
		m.Card = append(m.Card, card)
		m.AvgLen = append(m.AvgLen, avg)
	}
	// The words vocabulary: typo corrections and completions (bleve's words
	// field has only the stop words).
	voc, ok := ix.words.(*vocab)
	if !ok {
		return nil, fmt.Errorf("only a built index can be exported")
	}
	for i, w := range voc.terms {
		te := terms[w]
		if te == nil {
			te = &termEntry{term: w}
			terms[w] = te
		}
		te.dfWords = voc.df[i]
	}
	sorted := make([]*termEntry, 0, len(terms))
	for _, e := range terms {
		sorted = append(sorted, e)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].term < sorted[j].term })

	stats := &ExportStats{}
	write := func(name string, data []byte, size *int64) error {
		stats.Files++
		stats.Bytes += int64(len(data))
		*size += int64(len(data))
		return w.WriteFile(StaticDir+"/"+name, data)
	}
	var files []namedFile

	// The document table.
	m.Types, m.Products = usedValues(dt, dt.typ), usedValues(dt, dt.prod)
	// The values of the document table: "", the types, the products.
	m.Values = append(append([]string{""}, m.Types...), m.Products...)
	num := map[string]uint64{}
	for i := len(m.Values) - 1; i >= 0; i-- {
		num[m.Values[i]] = uint64(i)
	}
	docs := encodeDocTable(dt, lens, num)
	m.DocTable = hashedName("d", docs, ".bin")
	files = append(files, namedFile{m.DocTable, docs, &stats.Docs})

	// Dictionary and postings, cut by term.
	for _, f := range cutDict(sorted) {
		name := hashedName("w", f.data, ".bin")
		m.Dict.Files, m.Dict.First = append(m.Dict.Files, name), append(m.Dict.First, f.first)
		files = append(files, namedFile{name, f.data, &stats.Dict})
	}
	for _, f := range cutPostings(sorted) {
		name := hashedName("p", f.data, ".bin")
		m.Postings.Files, m.Postings.First = append(m.Postings.Files, name), append(m.Postings.First, f.first)
		files = append(files, namedFile{name, f.data, &stats.Postings})
	}

	// Fragments: compressed, named by the hash of them all, then written,
	// both on every core (a site has a fragment per document).
	frags := make([][]byte, n)
	err = parallel(ctx, n, func() func(i int) {
		var z gzipper
		return func(i int) {
			rec, err := ts.decode(ts.ids[i], ts.byIndex[i], 0)
			if err != nil {
				return // frags[i] stays nil: reported below
			}
			f := fragment{ID: ts.ids[i], Title: rec.Title, URL: rec.URL, Type: rec.Type, Product: rec.Product,
				Section: rec.Section, Page: rec.Page, Description: rec.Description, Body: rec.Body}
			if f.URL == ts.base+f.ID {
				f.URL = ""
			}
			data, _ := json.Marshal(f) // strings only
			frags[i] = z.gzip(data)
		}
	})
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	for i, f := range frags {
		if f == nil {
			return nil, fmt.Errorf("document %s: %w", ts.ids[i], errCorruptText)
		}
		h.Write(f)
	}
	m.Fragments = "f." + hex.EncodeToString(h.Sum(nil))[:12] + "/"
	for _, f := range files {
		if err := write(f.name, f.data, f.size); err != nil {
			return nil, err
		}
	}
	var mu sync.Mutex
	var werr error
	err = parallel(ctx, n, func() func(i int) {
		return func(i int) {
			if err := w.WriteFile(StaticDir+"/"+m.Fragments+strconv.Itoa(i)+".bin", frags[i]); err != nil {
				mu.Lock()
				werr = cmp.Or(werr, err)
				mu.Unlock()
			}
		}
	})
	if err := cmp.Or(err, werr); err != nil {
		return nil, err
	}
	for _, f := range frags {
		stats.Files++
		stats.Bytes += int64(len(f))
		stats.Fragments += int64(len(f))
	}
	// Lists are lists in the JSON, empty ones too.
	for _, l := range []*[]string{&m.Stop, &m.SynVocab, &m.Types, &m.Products, &m.Dict.Files, &m.Dict.First, &m.Postings.Files, &m.Postings.First} {
		if *l == nil {
			*l = []string{}
		}
	}
	if m.Synonyms == nil {
		m.Synonyms = []synJSON{}
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := write("manifest.json", data, &stats.Manifest); err != nil {
		return nil, err
	}
	return stats, nil
}

type namedFile struct {
	name string
	data []byte
	size *int64
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func usedValues(dt *docTable, ids []uint16) []string {
	seen := map[string]bool{}
	for _, v := range ids {
		if s := dt.values[v]; s != "" {
			seen[s] = true
		}
	}
	return sortedKeys(seen)
}

// readField reads every term of a field with its postings, and the field's
// length in every document, from bleve. It returns the field's cardinality.
func (ix *Index) readField(ctx context.Context, r index.IndexReader, dt *docTable, field string, fi int, lens []uint32, terms map[string]*termEntry) (int, error) {
	fd, err := r.FieldDict(field)
	if err != nil {
		return 0, err
	}
	defer fd.Close()
	card := fd.Cardinality()
	tfd := &index.TermFieldDoc{}
	lastNorm, lastLen := -1.0, uint32(0)
	for k := 0; ; k++ {
		e, err := fd.Next()
		if err != nil {
			return 0, err
		}
		if e == nil {
			break
		}
		if k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		tfr, err := r.TermFieldReader(ctx, []byte(e.Term), field, true, true, false)
		if err != nil {
			return 0, err
		}
		pl := &postingList{docs: make([]int32, 0, tfr.Count()), tfs: make([]uint32, 0, tfr.Count())}
		for {
			p, err := tfr.Next(tfd)
			if err != nil {
				tfr.Close()
				return 0, err
			}
			if p == nil {
				break
			}
			num := p.ID.Value()
			if num >= uint64(len(dt.rec)) {
				tfr.Close()
				return 0, fmt.Errorf("%s: document number %d out of range", field, num)
			}
			doc := dt.rec[num]
			// bleve keeps the length as float32(1/√length); the client
			// computes that norm from the length, so check that it can.
			if p.Norm != lastNorm {
				l := uint32(math.Round(1 / (p.Norm * p.Norm)))
				if l == 0 || float64(float32(1/math.Sqrt(float64(l)))) != p.Norm {
					tfr.Close()
					return 0, fmt.Errorf("%s %q: norm %v is no length's", field, e.Term, p.Norm)
				}
				lastNorm, lastLen = p.Norm, l
			}
			if lens[doc] != 0 && lens[doc] != lastLen {
				tfr.Close()
				return 0, fmt.Errorf("%s: document %d has lengths %d and %d", field, doc, lens[doc], lastLen)
			}
			lens[doc] = lastLen
			pl.docs = append(pl.docs, doc)
			pl.tfs = append(pl.tfs, uint32(p.Freq))
		}
		// (Not e.Count: zap's dictionary iterator keeps a one-document
		// term's count for the terms after it.)
		if uint64(len(pl.docs)) != tfr.Count() {
			tfr.Close()
			return 0, fmt.Errorf("%s %q: %d postings, the reader says %d", field, e.Term, len(pl.docs), tfr.Count())
		}
		tfr.Close()
		sort.Sort(pl)
		te := terms[e.Term]
		if te == nil {
			te = &termEntry{term: e.Term}
			terms[e.Term] = te
		}
		te.fields[fi] = pl
	}
	return card, nil
}

func (p *postingList) Len() int           { return len(p.docs) }
func (p *postingList) Less(i, j int) bool { return p.docs[i] < p.docs[j] }
func (p *postingList) Swap(i, j int) {
	p.docs[i], p.docs[j] = p.docs[j], p.docs[i]
	p.tfs[i], p.tfs[j] = p.tfs[j], p.tfs[i]
}

// encodeDocTable: "kbd1", count, then columns of count uvarints each: the
// value number of the type, of the product, then each static field's
// length (0: not in the document).
func encodeDocTable(dt *docTable, lens [][]uint32, num map[string]uint64) []byte {
	n := len(dt.rec)
	b := append([]byte("kbd1"), binary.AppendUvarint(nil, uint64(n))...)
	for k := 0; k < n; k++ {
		b = binary.AppendUvarint(b, num[dt.values[dt.typ[k]]])
	}
	for k := 0; k < n; k++ {
		b = binary.AppendUvarint(b, num[dt.values[dt.prod[k]]])
	}
	for _, col := range lens {
		for _, l := range col {
			b = binary.AppendUvarint(b, uint64(l))
		}
	}
	var z gzipper
	return z.gzip(b)
}

type chunk struct {
	first string
	data  []byte
}

// appendTerm front-codes term after prev.
func appendTerm(b []byte, prev, term string) []byte {
	shared := 0
	for shared < len(prev) && shared < len(term) && prev[shared] == term[shared] {
		shared++
	}
	b = binary.AppendUvarint(b, uint64(shared))
	b = binary.AppendUvarint(b, uint64(len(term)-shared))
	return append(b, term[shared:]...)
}

// cutDict encodes the dictionary: "kbw1", count, then per term: the term
// (front-coded), its document count in the words vocabulary, its document
// frequency in body, and a byte of flags: 1 if another text field has it, 2
// if errcode or errmsg has it. (A stop word's postings in the words field
// exist when its vocabulary count is not 0.)
func cutDict(terms []*termEntry) []chunk {
	words, body := staticField(fWords), staticField(fBody)
	var out []chunk
	var cur []byte
	var first, prev string
	count := 0
	flush := func() {
		if count == 0 {
			return
		}
		b := append([]byte("kbw1"), binary.AppendUvarint(nil, uint64(count))...)
		var z gzipper
		out = append(out, chunk{first: first, data: z.gzip(append(b, cur...))})
		cur, count, prev = nil, 0, ""
	}
	for _, e := range terms {
		flags := byte(0)
		for fi, f := range staticFields {
			switch {
			case e.fields[fi] == nil || fi == body || fi == words:
			case f == fErrCode || f == fErrMsg:
				flags |= 2
			default:
				flags |= 1
			}
		}
		if count == 0 {
			first = e.term
		}
		cur = appendTerm(cur, prev, e.term)
		cur = binary.AppendUvarint(cur, uint64(e.dfWords))
		cur = binary.AppendUvarint(cur, uint64(e.fields[body].lenOrZero()))
		cur = append(cur, flags)
		prev = e.term
		count++
		if len(cur) >= dictChunkBytes {
			flush()
		}
	}
	flush()
	return out
}

// lenOrZero is the number of postings, 0 for a nil list.
func (p *postingList) lenOrZero() int {
	if p == nil {
		return 0
	}
	return len(p.docs)
}

// cutPostings encodes the postings: "kbp2", count, the term table (per
// term: front-coded term, offset of its postings after the table, their
// length), then per term: a bit mask of its fields, and per field: the
// document frequency, each document as the gap from the previous one (the
// first from -1), then each document's frequency (two runs, not pairs:
// gzip packs a run of gaps and a run of small numbers better).
func cutPostings(terms []*termEntry) []chunk {
	var out []chunk
	var table, body []byte
	var first, prev string
	count := 0
	flush := func() {
		if count == 0 {
			return
		}
		b := append([]byte("kbp2"), binary.AppendUvarint(nil, uint64(count))...)
		b = append(b, table...)
		var z gzipper
		out = append(out, chunk{first: first, data: z.gzip(append(b, body...))})
		table, body, count, prev = nil, nil, 0, ""
	}
	for _, e := range terms {
		mask := 0
		for fi, pl := range e.fields {
			if pl != nil {
				mask |= 1 << fi
			}
		}
		if mask == 0 {
			continue // only in the vocabulary
		}
		if count == 0 {
			first = e.term
		}
		p := binary.AppendUvarint(nil, uint64(mask))
		for _, pl := range e.fields {
			if pl == nil {
				continue
			}
			p = binary.AppendUvarint(p, uint64(len(pl.docs)))
			last := int32(-1)
			for _, d := range pl.docs {
				p = binary.AppendUvarint(p, uint64(d-last))
				last = d
			}
			for _, tf := range pl.tfs {
				p = binary.AppendUvarint(p, uint64(tf))
			}
		}
		table = appendTerm(table, prev, e.term)
		table = binary.AppendUvarint(table, uint64(len(body)))
		table = binary.AppendUvarint(table, uint64(len(p)))
		body = append(body, p...)
		prev = e.term
		count++
		if len(table)+len(body) >= postingsChunkBytes {
			flush()
		}
	}
	flush()
	return out
}

// gzipLevel is the level of the static files: on the 10,000-page corpus
// the best level made files 0.01% smaller in twice the time.
const gzipLevel = gzip.DefaultCompression

// gzipper compresses deterministically (no name, no time), with
// klauspost/compress: the same gzip format as compress/gzip, which any
// client inflates, in about half the CPU time (docs/performance.md).
type gzipper struct {
	buf bytes.Buffer
	zw  *gzip.Writer
}

func (z *gzipper) gzip(data []byte) []byte {
	z.buf.Reset()
	if z.zw == nil {
		z.zw, _ = gzip.NewWriterLevel(&z.buf, gzipLevel) // the level is valid
	} else {
		z.zw.Reset(&z.buf)
	}
	_, _ = z.zw.Write(data) // writes to a bytes.Buffer do not fail
	_ = z.zw.Close()
	return bytes.Clone(z.buf.Bytes())
}

// hashedName is prefix.HASH+ext, HASH the first 12 hex digits of the
// SHA-256 of data.
func hashedName(prefix string, data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return prefix + "." + hex.EncodeToString(sum[:])[:12] + ext
}
