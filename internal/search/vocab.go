package search

import (
	"encoding/binary"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// wordsFile is the words vocabulary in the index folder: every word of the
// short fields (title, headings, tags, description, errors), unstemmed and
// with the stop words, with the number of documents that have it. Typo
// corrections and completions come from it. (bleve's words field indexes
// only the stop words of the same text, for queries of stop words alone:
// postings for every word would cost a fifth of the build for nothing a
// query scores.)
//
//	"kbwords1\n" count, then per word: front-coded word (bytes shared
//	with the previous word, length of the rest, the rest), document count
//	4 bytes: CRC-32 (IEEE) of all before
const wordsFile = "kb-words.bin"

const wordsMagic = "kbwords1\n"

var errCorruptWords = errors.New("corrupt " + wordsFile)

// vocab is a words vocabulary, sorted by word (byte order).
type vocab struct {
	terms []string
	df    []uint32
}

// docWords returns the distinct plain words of a document's words text.
func docWords(d *doc) []string {
	toks := tokenize(d.Words)
	seen := make(map[string]bool, len(toks))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if !seen[t.Text] {
			seen[t.Text] = true
			out = append(out, t.Text)
		}
	}
	return out
}

// vocabOf counts the documents of each word.
func vocabOf(counts map[string]int) *vocab {
	v := &vocab{terms: make([]string, 0, len(counts))}
	for w, n := range counts {
		if n > 0 {
			v.terms = append(v.terms, w)
		}
	}
	sort.Strings(v.terms)
	v.df = make([]uint32, len(v.terms))
	for i, w := range v.terms {
		v.df[i] = uint32(counts[w])
	}
	return v
}

func buildVocab(docs []doc) *vocab {
	counts := map[string]int{}
	for i := range docs {
		for _, w := range docWords(&docs[i]) {
			counts[w]++
		}
	}
	return vocabOf(counts)
}

func (v *vocab) write(path string) error {
	out := []byte(wordsMagic)
	out = binary.AppendUvarint(out, uint64(len(v.terms)))
	prev := ""
	for i, w := range v.terms {
		out = appendTerm(out, prev, w)
		out = binary.AppendUvarint(out, uint64(v.df[i]))
		prev = w
	}
	return os.WriteFile(path, seal(out), 0o644)
}

func openVocab(path string) (*vocab, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseVocabBytes(data)
}

func parseVocabBytes(data []byte) (*vocab, error) {
	if !sealed(data, wordsMagic, 0) {
		return nil, errCorruptWords
	}
	n := len(data) - 4
	r := &reader{b: data[len(wordsMagic):n]}
	count := r.uvarint()
	if count > uint64(n) {
		return nil, errCorruptWords
	}
	v := &vocab{terms: make([]string, 0, count), df: make([]uint32, 0, count)}
	prev := ""
	for range count {
		shared, rest := r.uvarint(), r.uvarint()
		if shared > uint64(len(prev)) {
			return nil, errCorruptWords
		}
		w := prev[:shared] + string(r.bytes(rest))
		if w <= prev && len(v.terms) > 0 {
			return nil, errCorruptWords
		}
		v.terms = append(v.terms, w)
		v.df = append(v.df, uint32(r.uvarint()))
		prev = w
	}
	if r.err || len(r.b) != 0 {
		return nil, errCorruptWords
	}
	return v, nil
}

// wordCounts answers the planner's questions about the words field.
type wordCounts interface {
	count(w string) uint64
	prefixed(prefix string) []dictTerm
	hasPrefixed(prefix string) bool
	fuzzy(w string, fuzziness int) []dictTerm
}

func (v *vocab) count(w string) uint64 {
	i := sort.SearchStrings(v.terms, w)
	if i < len(v.terms) && v.terms[i] == w {
		return uint64(v.df[i])
	}
	return 0
}

// from returns the words that start with prefix: [i, j).
func (v *vocab) from(prefix string) (int, int) {
	i := sort.SearchStrings(v.terms, prefix)
	j := i
	for j < len(v.terms) && strings.HasPrefix(v.terms[j], prefix) {
		j++
	}
	return i, j
}

func (v *vocab) prefixed(prefix string) []dictTerm {
	i, j := v.from(prefix)
	out := make([]dictTerm, 0, j-i)
	for k := i; k < j; k++ {
		out = append(out, dictTerm{Term: v.terms[k], DF: uint64(v.df[k])})
	}
	return out
}

func (v *vocab) hasPrefixed(prefix string) bool {
	i := sort.SearchStrings(v.terms, prefix)
	return i < len(v.terms) && strings.HasPrefix(v.terms[i], prefix)
}

func (v *vocab) fuzzy(w string, fuzziness int) []dictTerm {
	if fuzziness <= 0 || w == "" {
		return nil
	}
	_, size := utf8.DecodeRuneInString(w)
	i, j := v.from(w[:size])
	n := utf8.RuneCountInString(w)
	var out []dictTerm
	for k := i; k < j; k++ {
		t := v.terms[k]
		if m := utf8.RuneCountInString(t); m < n-fuzziness || m > n+fuzziness {
			continue
		}
		if osaDistance(w, t) <= fuzziness {
			out = append(out, dictTerm{Term: t, DF: uint64(v.df[k])})
		}
	}
	return out
}

// memVocab is the words vocabulary of kb serve's index, kept up to date
// page by page.
type memVocab struct {
	mu     sync.RWMutex
	counts map[string]int
	byDoc  map[string][]string // document id → its words
	v      *vocab
}

func newMemVocab() *memVocab {
	return &memVocab{counts: map[string]int{}, byDoc: map[string][]string{}, v: &vocab{}}
}

// remove drops a document's words; add adds them; done re-sorts.
func (m *memVocab) remove(id string) {
	for _, w := range m.byDoc[id] {
		m.counts[w]--
		if m.counts[w] <= 0 {
			delete(m.counts, w)
		}
	}
	delete(m.byDoc, id)
}

func (m *memVocab) add(d *doc) {
	m.remove(d.ID)
	ws := docWords(d)
	for _, w := range ws {
		m.counts[w]++
	}
	m.byDoc[d.ID] = ws
}

func (m *memVocab) done() { m.v = vocabOf(m.counts) }

func (m *memVocab) get() *vocab {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.v
}

func (m *memVocab) count(w string) uint64                    { return m.get().count(w) }
func (m *memVocab) prefixed(prefix string) []dictTerm        { return m.get().prefixed(prefix) }
func (m *memVocab) hasPrefixed(prefix string) bool           { return m.get().hasPrefixed(prefix) }
func (m *memVocab) fuzzy(w string, fuzziness int) []dictTerm { return m.get().fuzzy(w, fuzziness) }
