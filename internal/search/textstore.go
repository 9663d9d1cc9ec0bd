package search

import (
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// textFile is kb's text store inside the index folder: what a hit displays
// and the text its snippet is cut from, kept outside bleve so that bleve
// stores nothing but ids.
//
// Text is coded by words: every title, description and body is split at
// single spaces into tokens ("Select", "Billing.", ""), and a token is
// stored as its number in one table of all distinct tokens, the most
// frequent first (a uvarint: one byte for the hundred commonest, two for the
// next sixteen thousand). Joining the tokens with spaces gives the text
// back exactly. An FAQ question's answer, which is a run of its page's body,
// is stored as that run (page record, first token, token count) instead of a
// second time.
//
// The type, product, section and page title of a record are numbers in a
// second table, and a URL that is the site's base path followed by the
// document's id is not stored at all.
//
// Layout (uvarints unless said otherwise):
//
//	"kbtext3\n"
//	len(tables) flate(tables)      tables = base, then two tables (tokens, values): count, len+bytes of each
//	records, each:
//	  url: 0 (base + id) or len+1 and the bytes
//	  value numbers of type, product, section, page
//	  title, description: count, token numbers
//	  body: 0 count numbers  |  1 record first count   (a run of another record's body)
//	the id table: count, then per record len(id) id offset
//	8 bytes little-endian: offset of the id table; 4 bytes: CRC-32 (IEEE) of all before
const textFile = "kb-text.bin"

const textMagic = "kbtext3\n"

// maxStoredBody bounds the body text kept for snippets (snippets look no
// further than this either).
const maxStoredBody = maxSnippetScan

// record is what a hit displays.
type record struct {
	Title, URL, Type, Product, Section, Page, Description string
	Body                                                  string // at most maxStoredBody bytes
}

// textSource answers "what does this hit show".
type textSource interface {
	record(id string) (*record, bool)
}

// truncateUTF8 cuts s to at most n bytes at a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func recordOf(d *doc) *record {
	return &record{Title: d.Title, URL: d.URL, Type: d.Type, Product: d.Product, Section: d.Section,
		Page: d.Page, Description: d.Description, Body: truncateUTF8(cmp.Or(d.Shown, d.Body), maxStoredBody)}
}

// eachToken calls f with the tokens of s: s split at single spaces ("" has
// no tokens).
func eachToken(s string, f func(string)) {
	if s == "" {
		return
	}
	for {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			f(s)
			return
		}
		f(s[:i])
		s = s[i+1:]
	}
}

// tokenTable numbers the distinct tokens of records, the most frequent
// first, and the distinct values of their type, product, section and page.
// It reads every text once: tokens get provisional numbers as they come,
// and the texts are kept as those numbers, renumbered when written.
type tokenTable struct {
	tokens []string // by number
	values *stringTable
	base   string
	seq    []uint32 // the provisional numbers of every text, one after the other
	ends   []int    // where each text ends in seq: three per record (title, description, body)
	number []uint32 // provisional number → number
}

// stringTable numbers strings, the most frequent first.
type stringTable struct {
	ids     map[string]uint64
	strings []string
}

func newStringTable(counts map[string]int) *stringTable {
	st := &stringTable{ids: make(map[string]uint64, len(counts)), strings: make([]string, 0, len(counts))}
	for t := range counts {
		st.strings = append(st.strings, t)
	}
	sort.Slice(st.strings, func(i, j int) bool {
		a, b := st.strings[i], st.strings[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return a < b
	})
	for i, t := range st.strings {
		st.ids[t] = uint64(i)
	}
	return st
}

func (st *stringTable) append(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(len(st.strings)))
	for _, t := range st.strings {
		out = binary.AppendUvarint(out, uint64(len(t)))
		out = append(out, t...)
	}
	return out
}

func newTokenTable(recs []*record, refs []bodyRef, base string) *tokenTable {
	values := map[string]int{}
	for _, r := range recs {
		for _, v := range []string{r.Type, r.Product, r.Section, r.Page} {
			values[v]++
		}
	}
	tt := &tokenTable{values: newStringTable(values), base: base, ends: make([]int, 0, 3*len(recs))}
	prov := map[string]uint32{}
	var counts []int
	add := func(t string) {
		id, ok := prov[t]
		if !ok {
			id = uint32(len(tt.tokens))
			prov[t] = id
			tt.tokens = append(tt.tokens, t)
			counts = append(counts, 0)
		}
		counts[id]++
		tt.seq = append(tt.seq, id)
	}
	for i, r := range recs {
		eachToken(r.Title, add)
		tt.ends = append(tt.ends, len(tt.seq))
		eachToken(r.Description, add)
		tt.ends = append(tt.ends, len(tt.seq))
		if refs[i].rec < 0 {
			eachToken(r.Body, add)
		}
		tt.ends = append(tt.ends, len(tt.seq))
	}
	order := make([]uint32, len(tt.tokens))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return tt.tokens[a] < tt.tokens[b]
	})
	tt.number = make([]uint32, len(order))
	sorted := make([]string, len(order))
	for n, id := range order {
		tt.number[id] = uint32(n)
		sorted[n] = tt.tokens[id]
	}
	tt.tokens = sorted
	return tt
}

// appendText appends text k (0, 1, 2: title, description, body) of a record.
func (tt *tokenTable) appendText(out []byte, k int) []byte {
	from := 0
	if k > 0 {
		from = tt.ends[k-1]
	}
	ids := tt.seq[from:tt.ends[k]]
	out = binary.AppendUvarint(out, uint64(len(ids)))
	for _, id := range ids {
		out = binary.AppendUvarint(out, uint64(tt.number[id]))
	}
	return out
}

// bodyRef says where a record's body is another record's: tokens
// [first, first+count) of record rec's body; rec < 0 means its own.
type bodyRef struct {
	rec, first, count int
}

// answerRefs finds, for each FAQ question document, the run of its page's
// stored body that is its answer.
func answerRefs(recs []*record, docs []doc) []bodyRef {
	refs := make([]bodyRef, len(docs))
	page := -1
	for i := range docs {
		refs[i] = bodyRef{rec: -1}
		if !strings.Contains(docs[i].ID, "#") {
			page = i
			continue
		}
		if page < 0 || recs[i].Body == "" || !strings.HasPrefix(docs[i].ID, docs[page].ID+"#") {
			continue
		}
		body, ans := recs[page].Body, recs[i].Body
		at := strings.Index(body, ans)
		if at < 0 || at > 0 && body[at-1] != ' ' || at+len(ans) < len(body) && body[at+len(ans)] != ' ' {
			continue
		}
		refs[i] = bodyRef{rec: page, first: strings.Count(body[:at], " "), count: strings.Count(ans, " ") + 1}
	}
	return refs
}

// encode encodes record i.
func (tt *tokenTable) encode(i int, id string, r *record, ref bodyRef) []byte {
	var out []byte
	if r.URL == tt.base+id {
		out = append(out, 0)
	} else {
		out = binary.AppendUvarint(out, uint64(len(r.URL))+1)
		out = append(out, r.URL...)
	}
	for _, v := range []string{r.Type, r.Product, r.Section, r.Page} {
		out = binary.AppendUvarint(out, tt.values.ids[v])
	}
	out = tt.appendText(out, 3*i)
	out = tt.appendText(out, 3*i+1)
	if ref.rec >= 0 {
		out = append(out, 1)
		out = binary.AppendUvarint(out, uint64(ref.rec))
		out = binary.AppendUvarint(out, uint64(ref.first))
		return binary.AppendUvarint(out, uint64(ref.count))
	}
	out = append(out, 0)
	return tt.appendText(out, 3*i+2)
}

// writeTextStore writes the records of docs to path; base is the path
// part of the site's base URL, without a trailing slash.
func writeTextStore(path string, docs []doc, recs []*record, base string) error {
	refs := answerRefs(recs, docs)
	tt := newTokenTable(recs, refs, base)
	var b bytes.Buffer
	b.WriteString(textMagic)
	table := binary.AppendUvarint(nil, uint64(len(base)))
	table = append(table, base...)
	table = (&stringTable{strings: tt.tokens}).append(table)
	table = tt.values.append(table)
	var z bytes.Buffer
	fw, _ := flate.NewWriter(&z, flate.BestCompression) // the level is valid
	_, _ = fw.Write(table)                              // writes to a bytes.Buffer do not fail
	_ = fw.Close()
	b.Write(binary.AppendUvarint(nil, uint64(z.Len())))
	b.Write(z.Bytes())
	offsets := make([]int, len(recs))
	for i, r := range recs {
		offsets[i] = b.Len()
		b.Write(tt.encode(i, docs[i].ID, r, refs[i]))
	}
	idTable := b.Len()
	var t []byte
	t = binary.AppendUvarint(t, uint64(len(docs)))
	for i := range docs {
		t = binary.AppendUvarint(t, uint64(len(docs[i].ID)))
		t = append(t, docs[i].ID...)
		t = binary.AppendUvarint(t, uint64(offsets[i]))
	}
	b.Write(t)
	b.Write(binary.LittleEndian.AppendUint64(nil, uint64(idTable)))
	return os.WriteFile(path, seal(b.Bytes()), 0o644)
}

// textStore is an opened text file.
type textStore struct {
	data    []byte
	base    string
	blob    string // the tokens, one after the other
	ends    []int  // token i is blob[ends[i-1]:ends[i]]
	values  []string
	offsets map[string]int
	byIndex []int    // record number → offset
	ids     []string // record number → id
}

var errCorruptText = errors.New("corrupt " + textFile)

func openTextStore(path string) (*textStore, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseTextStore(data)
}

func parseTextStore(data []byte) (*textStore, error) {
	if !sealed(data, textMagic, 8) {
		return nil, errCorruptText
	}
	n := len(data) - 4
	idTable := binary.LittleEndian.Uint64(data[n-8 : n])
	if idTable > uint64(n-8) || idTable < uint64(len(textMagic)) {
		return nil, errCorruptText
	}
	r := &reader{b: data[len(textMagic):idTable]}
	z := r.bytes(r.uvarint())
	if r.err {
		return nil, errCorruptText
	}
	table, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		return nil, errCorruptText
	}
	tr := &reader{b: table}
	base := string(tr.bytes(tr.uvarint()))
	count := tr.uvarint()
	if count > uint64(len(table)) {
		return nil, errCorruptText
	}
	s := &textStore{data: data, base: base, offsets: map[string]int{}, ends: make([]int, count)}
	var blob strings.Builder
	blob.Grow(len(table))
	for i := range s.ends {
		blob.Write(tr.bytes(tr.uvarint()))
		s.ends[i] = blob.Len()
	}
	s.blob = blob.String()
	count = tr.uvarint()
	if count > uint64(len(table)) {
		return nil, errCorruptText
	}
	for range count {
		s.values = append(s.values, string(tr.bytes(tr.uvarint())))
	}
	t := &reader{b: data[idTable : n-8]}
	count = t.uvarint()
	if count > uint64(len(data)) {
		return nil, errCorruptText
	}
	s.byIndex = make([]int, 0, count)
	for i := uint64(0); i < count; i++ {
		id := string(t.bytes(t.uvarint()))
		off := t.uvarint()
		if t.err || off >= idTable {
			return nil, errCorruptText
		}
		s.offsets[id] = int(off)
		s.byIndex = append(s.byIndex, int(off))
		s.ids = append(s.ids, id)
	}
	if tr.err || t.err {
		return nil, errCorruptText
	}
	return s, nil
}

func (s *textStore) record(id string) (*record, bool) {
	off, ok := s.offsets[id]
	if !ok {
		return nil, false
	}
	rec, err := s.decode(id, off, 0)
	return rec, err == nil
}

// text decodes count token numbers from r, keeping tokens [from, from+n)
// (n < 0: all).
func (s *textStore) text(r *reader, from, n int) string {
	count := int(min(r.uvarint(), uint64(len(r.b))))
	if n < 0 {
		n = count
	}
	var b strings.Builder
	for i := 0; i < count; i++ {
		id := r.uvarint()
		if id >= uint64(len(s.ends)) {
			r.err = true
			return ""
		}
		if i < from || i >= from+n {
			continue
		}
		if i > from {
			b.WriteByte(' ')
		}
		start := 0
		if id > 0 {
			start = s.ends[id-1]
		}
		b.WriteString(s.blob[start:s.ends[id]])
	}
	return b.String()
}

// skipMeta reads past a record's URL and values.
func skipMeta(r *reader) {
	if n := r.uvarint(); n > 0 {
		r.bytes(n - 1)
	}
	for range 4 {
		r.uvarint()
	}
}

func (s *textStore) decode(id string, off, depth int) (*record, error) {
	r := &reader{b: s.data[off:]}
	rec := &record{URL: s.base + id}
	if n := r.uvarint(); n > 0 {
		rec.URL = string(r.bytes(n - 1))
	}
	for _, f := range []*string{&rec.Type, &rec.Product, &rec.Section, &rec.Page} {
		v := r.uvarint()
		if v >= uint64(len(s.values)) {
			return nil, errCorruptText
		}
		*f = s.values[v]
	}
	rec.Title = s.text(r, 0, -1)
	rec.Description = s.text(r, 0, -1)
	if r.err || len(r.b) == 0 {
		return nil, errCorruptText
	}
	kind := r.b[0]
	r.b = r.b[1:]
	switch kind {
	case 0:
		rec.Body = s.text(r, 0, -1)
	case 1:
		ref, first, n := r.uvarint(), r.uvarint(), r.uvarint()
		if r.err || depth > 0 || ref >= uint64(len(s.byIndex)) || n > maxStoredBody {
			return nil, errCorruptText
		}
		pr := &reader{b: s.data[s.byIndex[ref]:]}
		skipMeta(pr)
		s.text(pr, 0, 0)
		s.text(pr, 0, 0)
		if pr.err || len(pr.b) == 0 || pr.b[0] != 0 {
			return nil, errCorruptText
		}
		pr.b = pr.b[1:]
		rec.Body = s.text(pr, int(first), int(n))
		r.err = r.err || pr.err
	default:
		return nil, errCorruptText
	}
	if r.err {
		return nil, errCorruptText
	}
	return rec, nil
}

// seal appends the CRC-32 of b to b: the last four bytes of every file kb
// writes beside the bleve index (text store, doc table, words vocabulary).
func seal(b []byte) []byte { return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)) }

// sealed reports whether data starts with magic, has at least min bytes
// between the magic and its last four, and ends with the CRC-32 of the rest.
func sealed(data []byte, magic string, min int) bool {
	if len(data) < len(magic)+min+4 || string(data[:len(magic)]) != magic {
		return false
	}
	n := len(data) - 4
	return crc32.ChecksumIEEE(data[:n]) == binary.LittleEndian.Uint32(data[n:])
}

// reader decodes uvarints and byte strings, remembering the first error.
type reader struct {
	b   []byte
	err bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.err = true
		r.b = nil
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// memText is the text source of the in-memory index.
type memText struct {
	mu   sync.RWMutex
	recs map[string]*record
}

func (m *memText) record(id string) (*record, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	r, ok := m.recs[id]
	return r, ok
}

// docsFile maps the documents of kb build's bleve index (one segment,
// numbered 0 to N-1 in an order of bleve's choosing) to the records of
// the text store (in id order):
//
//	"kbdocs1\n" count, then count uvarints: the record of document i
//	4 bytes: CRC-32 (IEEE) of all before
const docsFile = "kb-docs.bin"

const docsMagic = "kbdocs1\n"

var errCorruptDocs = errors.New("corrupt " + docsFile)

// writeDocTable writes docsFile for the bleve index in dir, whose documents
// are docs (the records of the text store, in that order).
func writeDocTable(dir string, docs []doc) error {
	bi, err := bleve.OpenUsing(dir, map[string]interface{}{"read_only": true})
	if err != nil {
		return err
	}
	defer bi.Close()
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return err
	}
	rec := make(map[string]int, len(docs))
	for i := range docs {
		rec[docs[i].ID] = i
	}
	out := []byte(docsMagic)
	out = binary.AppendUvarint(out, n)
	var iid index.IndexInternalID
	for i := uint64(0); i < n; i++ {
		iid = index.NewIndexInternalID(iid, i)
		id, err := r.ExternalID(iid)
		if err != nil {
			return err
		}
		k, ok := rec[id]
		if !ok {
			return fmt.Errorf("document %d of the index, %q, is not in the text store", i, id)
		}
		out = binary.AppendUvarint(out, uint64(k))
	}
	return os.WriteFile(filepath.Join(dir, docsFile), seal(out), 0o644)
}

// docTable resolves the matches of kb build's index with a slice lookup.
type docTable struct {
	rec    []int32  // internal number → record (rank in id order)
	typ    []uint16 // record → value number of its type
	prod   []uint16 // record → value number of its product
	values []string
	ids    []string // record → id
}

func openDocTable(path string, ts *textStore, docs int) (*docTable, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !sealed(data, docsMagic, 0) {
		return nil, errCorruptDocs
	}
	n := len(data) - 4
	r := &reader{b: data[len(docsMagic):n]}
	count := r.uvarint()
	if r.err || count != uint64(docs) || count != uint64(len(ts.byIndex)) {
		return nil, errCorruptDocs
	}
	t := &docTable{rec: make([]int32, count), values: ts.values, ids: ts.ids,
		typ: make([]uint16, count), prod: make([]uint16, count)}
	seen := make([]bool, count)
	for i := range t.rec {
		k := r.uvarint()
		if r.err || k >= count || seen[k] {
			return nil, errCorruptDocs
		}
		seen[k] = true
		t.rec[i] = int32(k)
	}
	for k, off := range ts.byIndex {
		mr := &reader{b: ts.data[off:]}
		if n := mr.uvarint(); n > 0 {
			mr.bytes(n - 1)
		}
		typ, prod := mr.uvarint(), mr.uvarint()
		if mr.err || typ >= uint64(len(ts.values)) || prod >= uint64(len(ts.values)) || len(ts.values) > 1<<16 {
			return nil, errCorruptText
		}
		t.typ[k], t.prod[k] = uint16(typ), uint16(prod)
	}
	return t, nil
}

func (t *docTable) resolve(_ index.IndexReader, iid index.IndexInternalID) docInfo {
	n := iid.Value()
	if n >= uint64(len(t.rec)) {
		return docInfo{}
	}
	k := t.rec[n]
	return docInfo{rank: int(k), typ: t.values[t.typ[k]], product: t.values[t.prod[k]], known: true}
}

func (t *docTable) idOf(d docInfo) string { return t.ids[d.rank] }

// memDocs resolves the matches of kb serve's index through their ids.
type memDocs struct{ text *memText }

func (m memDocs) resolve(r index.IndexReader, iid index.IndexInternalID) docInfo {
	id, err := r.ExternalID(iid)
	if err != nil {
		return docInfo{}
	}
	rec, ok := m.text.record(id)
	if !ok {
		return docInfo{}
	}
	return docInfo{id: id, typ: rec.Type, product: rec.Product, known: true}
}

func (m memDocs) idOf(d docInfo) string { return d.id }
