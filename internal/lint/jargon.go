package lint

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/markdown"
)

// jargon finds the terms of lint.jargon in prose. Terms and text are split
// into words the same way (letters and digits, with inner apostrophes), so a
// term matches whole words only, in any case; the words of a phrase may be
// apart by spaces, line breaks or hyphens ("end user", "end-user").
type jargon struct {
	// byFirst maps a term's first word, lowercased, to its terms, longest first.
	byFirst map[string][]jargonTerm
	// A quick filter before the map: the byte lengths of first words, and
	// their first bytes (lowercased; every non-ASCII byte when one is not ASCII).
	minLen, maxLen int
	firstByte      [256]bool
}

type jargonTerm struct {
	words      []string
	term       string
	suggestion string
}

func newJargon(list config.Jargon) *jargon {
	j := &jargon{byFirst: map[string][]jargonTerm{}}
	for _, t := range list {
		var words []string
		for _, w := range splitWords(t.Term) {
			words = append(words, strings.ToLower(t.Term[w.start:w.end]))
		}
		if len(words) == 0 {
			continue
		}
		j.byFirst[words[0]] = append(j.byFirst[words[0]], jargonTerm{words: words, term: strings.TrimSpace(t.Term), suggestion: strings.TrimSpace(t.Suggestion)})
	}
	j.minLen = 1 << 30
	for first, ts := range j.byFirst {
		sort.SliceStable(ts, func(a, b int) bool { return len(ts[a].words) > len(ts[b].words) })
		// Upper-case forms of non-ASCII letters can differ in length.
		j.minLen, j.maxLen = min(j.minLen, len(first)/2), max(j.maxLen, 2*len(first))
		j.firstByte[first[0]] = true
		if first[0] >= utf8.RuneSelf {
			for c := utf8.RuneSelf; c < 256; c++ {
				j.firstByte[c] = true
			}
		}
	}
	return j
}

// word is a word's byte range in a text.
type word struct{ start, end int }

// splitWords finds the words of s: runs of letters, marks, digits and
// underscores (snake_case is one word), with apostrophes inside (don't).
func splitWords(s string) []word { return appendWords(nil, s) }

// appendWords appends the words of s to out.
func appendWords(out []word, s string) []word {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			if asciiWord[c] {
				if start < 0 {
					start = i
				}
				i++
				for i < len(s) && s[i] < utf8.RuneSelf && asciiWord[s[i]] {
					i++ // the rest of an ASCII word at once
				}
				continue
			}
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				if start < 0 {
					start = i
				}
				i += size
				continue
			}
		}
		if start >= 0 && (r == '\'' || r == '’') && i+size < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[i+size:]); isWordRune(next) {
				i += size
				continue
			}
		}
		if start >= 0 {
			out = append(out, word{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, word{start, len(s)})
	}
	return out
}

// asciiWord marks the ASCII bytes of words: letters, digits and "_".
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_'
}

// checkBlock reports the jargon terms in one prose block (a paragraph,
// list item, heading or table cell), given its words. Code, URLs, raw HTML
// and front matter are not in blocks, so they are never checked.
func (j *jargon) checkBlock(e *emitter, b *markdown.Block, words []word) {
	var buf [32]byte
	for i := 0; i < len(words); i++ {
		w := b.Text[words[i].start:words[i].end]
		if len(w) < j.minLen || len(w) > j.maxLen || !j.firstByte[lowerByte(w[0])] {
			continue // cannot start a term: skip the map lookup
		}
		terms, ok := j.lookup(w, &buf)
		if !ok {
			continue
		}
		for _, t := range terms {
			n := len(t.words)
			if i+n > len(words) || !j.matches(b, e.p.Body(), words[i:i+n], t) {
				continue
			}
			from, to := spanPos(b, words[i].start), endOffset(b, words[i+n-1].end)
			if from < 0 {
				break
			}
			found := b.Text[words[i].start:words[i+n-1].end]
			found = strings.Join(strings.Fields(found), " ")
			msg := fmt.Sprintf("Avoid %q: customers may not know it; use a plainer word", found)
			if t.suggestion != "" {
				msg = fmt.Sprintf("Say %q instead of %q", t.suggestion, found)
			}
			e.body(RuleJargon, from, to, msg)
			i += n - 1
			break
		}
	}
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lookup finds the terms whose first word is w, in any case. ASCII words
// are lowercased in buf, without allocating.
func (j *jargon) lookup(w string, buf *[32]byte) ([]jargonTerm, bool) {
	if len(w) <= len(buf) {
		ascii := true
		for i := 0; i < len(w); i++ {
			c := w[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			terms, ok := j.byFirst[string(buf[:len(w)])]
			return terms, ok
		}
	}
	terms, ok := j.byFirst[strings.ToLower(w)]
	return terms, ok
}

// matches reports whether the words are the term's: the same words in any
// case, apart only by spaces, line breaks or hyphens, and with no code span
// between them in the source.
func (j *jargon) matches(b *markdown.Block, body []byte, ws []word, t jargonTerm) bool {
	for k, w := range ws {
		if !strings.EqualFold(b.Text[w.start:w.end], t.words[k]) {
			return false
		}
		if k == 0 {
			continue
		}
		gap := b.Text[ws[k-1].end:w.start]
		if strings.TrimFunc(gap, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '‐' }) != "" {
			return false
		}
		from, to := spanPos(b, ws[k-1].end-1), spanPos(b, w.start)
		if from >= 0 && to > from && to <= len(body) && bytes.IndexByte(body[from:to], '`') >= 0 {
			return false // a code span was left out between the words
		}
	}
	return true
}

// endOffset is the body offset just after the text ending at index end.
func endOffset(b *markdown.Block, end int) int {
	if end <= 0 {
		return -1
	}
	_, size := utf8.DecodeLastRuneInString(b.Text[:end])
	if o := spanPos(b, end-size); o >= 0 {
		return o + size
	}
	return -1
}

// spanPos maps an index into a block's Text to a body offset, or -1, like
// Block.Pos, by binary search: a block of many spans costs log n a lookup.
func spanPos(b *markdown.Block, i int) int {
	spans := b.Spans
	k := sort.Search(len(spans), func(k int) bool { return spans[k].At+spans[k].Len > i })
	if k < len(spans) && i >= spans[k].At && i < spans[k].At+spans[k].Len {
		return spans[k].Offset + i - spans[k].At
	}
	return -1
}
