package lint

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/markdown"
)

// textStats counts what the Flesch formulas need.
type textStats struct {
	words, sentences, syllables int
}

func (s *textStats) add(o textStats) {
	s.words += o.words
	s.sentences += o.sentences
	s.syllables += o.syllables
}

// Grade is the Flesch–Kincaid grade level:
// 0.39·(words/sentences) + 11.8·(syllables/words) − 15.59.
func (s textStats) grade() float64 {
	if s.words == 0 || s.sentences == 0 {
		return 0
	}
	return 0.39*float64(s.words)/float64(s.sentences) + 11.8*float64(s.syllables)/float64(s.words) - 15.59
}

// ease is the Flesch reading ease:
// 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words).
func (s textStats) ease() float64 {
	if s.words == 0 || s.sentences == 0 {
		return 0
	}
	return 206.835 - 1.015*float64(s.words)/float64(s.sentences) - 84.6*float64(s.syllables)/float64(s.words)
}

// abbreviations end in a period that does not end a sentence.
var abbreviations = []string{"e.g", "i.e", "vs", "mr", "mrs", "ms", "dr", "fig", "approx", "cf"}

// measure counts the words, sentences and syllables of one prose block. A
// block is at least one sentence (a list item without a full stop is one);
// inside it, ".", "!", "?" and "…" at the end of a word end a sentence.
func measure(text string) textStats {
	return measureWords(text, appendWords(nil, text), newSyllableCache())
}

// endsSentence reports whether a token ends a sentence: it ends in ".",
// "!", "?" or "…" (before closing quotes and brackets), and is not an
// abbreviation like "e.g.".
func endsSentence(tok string) bool {
	tail := trimClosers(tok)
	if !terminal(tail) {
		return false
	}
	if tail[len(tail)-1] == '.' && len(tail) <= 8 {
		w := strings.TrimSuffix(strings.TrimLeft(tail, `"'([*_“‘`), ".")
		for _, a := range abbreviations {
			if strings.EqualFold(w, a) {
				return false
			}
		}
	}
	return true
}

// shortWord reports whether w is a lowercase ASCII word of at most three
// letters that is one syllable (most are: the, and, you).
func shortWord(w string) bool {
	if len(w) > 3 || w == "via" || w == "ion" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// trimClosers drops closing quotes, brackets and emphasis from the end of s.
func trimClosers(s string) string {
	for len(s) > 0 {
		switch c := s[len(s)-1]; c {
		case '"', '\'', ')', ']', '*', '_':
			s = s[:len(s)-1]
			continue
		}
		if strings.HasSuffix(s, "”") || strings.HasSuffix(s, "’") {
			s = s[:len(s)-len("”")]
			continue
		}
		break
	}
	return s
}

// terminal reports whether s ends in ".", "!", "?" or "…", before closing
// quotes and brackets.
func terminal(s string) bool {
	tail := trimClosers(s)
	if tail == "" {
		return false
	}
	switch tail[len(tail)-1] {
	case '.', '!', '?':
		return true
	}
	return strings.HasSuffix(tail, "…")
}

func isSpaceAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// wordSyllables counts the syllables of a word that may be hyphenated
// (sign-in), a number, or an acronym.
func wordSyllables(word string) int {
	n := 0
	for _, part := range strings.FieldsFunc(word, func(r rune) bool { return r == '-' || r == '/' || r == '–' }) {
		n += partSyllables(part)
	}
	return max(n, 1)
}

func partSyllables(w string) int {
	letters, digits, upper := 0, 0, 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r):
			digits++
		}
	}
	switch {
	case letters == 0 && digits == 0:
		return 0
	case letters == 0:
		return min(digits, 4) // "15" is fif-teen; long numbers are read in groups
	case upper == letters && letters >= 2 && letters <= 5 && (letters <= 3 || !hasVowel(strings.ToLower(w))):
		return letters + digits // an acronym read letter by letter: SSO, PDF, 2FA
	}
	return syllables(w)
}

// syllableExceptions are common words the rules below get wrong.
var syllableExceptions = map[string]int{
	"business": 2, "businesses": 3, "people": 2, "create": 2, "created": 3, "creates": 2, "creating": 3, "creation": 3,
	"area": 3, "areas": 3, "idea": 3, "ideas": 3, "every": 2, "element": 3, "elements": 3, "hundred": 2,
	"client": 2, "clients": 2, "quiet": 2, "being": 2, "science": 2, "experience": 4, "experiences": 5,
	"react": 2, "maybe": 2, "recipe": 3, "poem": 2, "poems": 2, "fire": 1, "hour": 1, "hours": 1, "our": 1,
	"naive": 2, "coordinate": 4, "cooperate": 4, "reuse": 2, "reopen": 3, "preview": 2, "previews": 2,
	"simile": 3, "apostrophe": 4, "catastrophe": 4, "epitome": 4, "acme": 2, "someone": 2, "whereas": 2,
	"real": 1, "via": 2, "science's": 2, "ion": 2, "lion": 2, "iota": 3, "dial": 2, "trial": 2, "trials": 2, "indeed": 2,
}

// syllables estimates the syllables of one word: vowel groups, less silent
// endings, plus the splits English spells as one group (vi-de-o, ac-tu-al).
func syllables(w string) int {
	w = strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' {
			return r
		}
		switch r {
		case 'é', 'è', 'ê', 'ë', 'á', 'à', 'â', 'ä', 'í', 'ì', 'î', 'ï', 'ó', 'ò', 'ô', 'ö', 'ú', 'ù', 'û', 'ü':
			return 'e' // a vowel; which one does not matter here
		}
		if unicode.IsLetter(r) {
			return 'x'
		}
		return -1
	}, w)
	if w == "" {
		return 0
	}
	if n, ok := syllableExceptions[w]; ok {
		return n
	}
	if len(w) <= 3 {
		return 1
	}
	// Compounds whose first part ends in a silent e.
	for _, pre := range []struct {
		s string
		n int
	}{{"some", 1}, {"every", 2}, {"any", 2}} {
		if strings.HasPrefix(w, pre.s) && len(w) > len(pre.s)+1 {
			return pre.n + syllables(w[len(pre.s):])
		}
	}
	// Suffixes that keep the root's silent e silent: safe-ly, state-ment.
	for _, suf := range []string{"ment", "ness", "ful", "less", "ly"} {
		if root := strings.TrimSuffix(w, suf); len(root) < len(w) && len(root) >= 3 && hasVowel(root) {
			return syllables(root) + 1
		}
	}
	if root, ok := strings.CutSuffix(w, "ing"); ok && len(root) >= 2 && hasVowel(root) {
		return syllables(root) + 1
	}
	if root, ok := strings.CutSuffix(w, "ed"); ok {
		if strings.HasSuffix(root, "t") || strings.HasSuffix(root, "d") {
			return syllables(root) + 1 // want-ed, need-ed
		}
		if hasVowel(root) {
			return syllables(root) // used, signed
		}
	}
	if strings.HasSuffix(w, "es") {
		root := w[:len(w)-1]
		stem := w[:len(w)-2]
		if strings.HasSuffix(stem, "s") || strings.HasSuffix(stem, "x") || strings.HasSuffix(stem, "z") ||
			strings.HasSuffix(stem, "ch") || strings.HasSuffix(stem, "sh") || strings.HasSuffix(stem, "g") || strings.HasSuffix(stem, "c") {
			return syllables(root) + 1 // chang-es, box-es
		}
		return syllables(root) // files, notes
	}
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") {
		return syllables(w[:len(w)-1])
	}
	// A final e is silent, except in a consonant + "le" (ta-ble) and in "ee".
	if strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "ee") {
		n := len(w)
		if !(w[n-2] == 'l' && n >= 3 && !isVowel(w, n-3)) {
			w = w[:n-1]
		}
	}
	return max(vowelGroups(w), 1)
}

// vowelGroups counts runs of vowels, splitting the pairs English usually
// says as two syllables.
func vowelGroups(w string) int {
	n := 0
	prev := false
	for i := 0; i < len(w); i++ {
		v := isVowel(w, i)
		if v && (!prev || splitPair(w, i)) {
			n++
		}
		prev = v
	}
	return n
}

// isVowel reports whether w[i] is sounded as a vowel: y at the start of a
// word and u after q (or after g before a vowel) are consonants.
func isVowel(w string, i int) bool {
	if i < 0 || i >= len(w) {
		return false
	}
	switch w[i] {
	case 'a', 'e', 'i', 'o':
		return true
	case 'y':
		// y is a consonant at the start and before a vowel: you, be-yond, play-er.
		return i > 0 && (i+1 >= len(w) || strings.IndexByte("aeiou", w[i+1]) < 0)
	case 'u':
		if i > 0 && w[i-1] == 'q' {
			return false
		}
		if i > 0 && w[i-1] == 'g' && i+1 < len(w) && strings.IndexByte("aeiouy", w[i+1]) >= 0 {
			return false
		}
		return true
	}
	return false
}

// splitPair reports whether the vowel at i starts a new syllable although
// a vowel precedes it: vid-e-o, ac-tu-al, me-di-um, ra-di-o, me-di-a.
func splitPair(w string, i int) bool {
	a, b := w[i-1], w[i]
	before := byte(0)
	if i >= 2 {
		before = w[i-2]
	}
	switch {
	case a == 'e' && b == 'o':
		return true
	case a == 'u' && b == 'a':
		return true
	case a == 'i' && b == 'u':
		return true
	case a == 'i' && b == 'o':
		return strings.IndexByte("tscxgl", before) < 0 // not -tion, -sion, -gion, -lion
	case a == 'i' && b == 'a':
		return strings.IndexByte("tscgl", before) < 0 // not -tial, -cial, -lian
	}
	return false
}

func hasVowel(w string) bool {
	for i := range len(w) {
		if isVowel(w, i) {
			return true
		}
	}
	return false
}

// readability adds one prose block to the page's readability counts.
type readability struct {
	total        textStats
	hardest      *markdown.Block
	hardestGrade float64
}

func (r *readability) add(b *markdown.Block, s textStats) {
	r.total.add(s)
	if g := s.grade(); s.words >= 8 && (r.hardest == nil || g > r.hardestGrade) && len(b.Spans) > 0 {
		r.hardest, r.hardestGrade = b, g
	}
}

// report reports a page whose prose is harder than lint.max_grade, at its
// hardest paragraph.
func (r *readability) report(c *checker, e *emitter) {
	total := r.total
	if total.words < readabilityMinW {
		return
	}
	g := total.grade()
	max := c.cfg.Lint.MaxGrade
	if g <= max {
		return
	}
	msg := fmt.Sprintf("Flesch–Kincaid grade %.1f is above %g (lint.max_grade): %.1f words a sentence, %.2f syllables a word; use shorter sentences and plainer words",
		g, max, float64(total.words)/float64(total.sentences), float64(total.syllables)/float64(total.words))
	if r.hardest == nil {
		e.page(RuleReadability, msg)
		return
	}
	msg += fmt.Sprintf(", starting with this paragraph (grade %.1f)", r.hardestGrade)
	e.body(RuleReadability, r.hardest.Spans[0].Offset, -1, msg)
}

// measureWords counts a block's words, sentences and syllables from its
// words (as appendWords finds them). Words not apart by white space make one
// word (sign-in, e.g., 3.7), as in measure; a sentence ends after a word
// followed by ".", "!", "?" or "…" and then white space or the end.
func measureWords(text string, words []word, cache *syllableCache) textStats {
	var s textStats
	pending := 0
	tokStart := -1
	for k, w := range words {
		if tokStart < 0 {
			tokStart = w.start
			s.words++
			pending++
		}
		piece := text[w.start:w.end]
		if shortWord(piece) {
			s.syllables++ // the, and, you: no need for the cache
		} else {
			s.syllables += int(cache.count(piece))
		}
		// The gap to the next word decides whether the token goes on.
		gapEnd := len(text)
		if k+1 < len(words) {
			gapEnd = words[k+1].start
		}
		gap := text[w.end:gapEnd]
		p := 0 // the token's trailing punctuation: the gap up to white space
		for p < len(gap) && !isSpaceAt(gap, p) {
			_, size := utf8.DecodeRuneInString(gap[p:])
			p += size
		}
		if p == len(gap) && gapEnd < len(text) {
			continue // sign-in, e.g: the same token
		}
		ends := p > 0 && endsSentence(text[tokStart:w.end+p])
		if !ends && len(gap)-p > 1 {
			ends = terminal(strings.TrimRightFunc(gap[p:], unicode.IsSpace)) // a full stop on its own, after a code span
		}
		if ends && pending > 0 {
			s.sentences++
			pending = 0
		}
		tokStart = -1
	}
	if pending > 0 {
		s.sentences++
	}
	if s.syllables < s.words {
		s.syllables = s.words // every word has a syllable
	}
	return s
}

// syllableCache caches syllable counts by word, for one worker. Words of
// up to 16 bytes, nearly all, go in a direct-mapped table: a slot chosen
// by a hash of the word holds the last word that fell there and its count
// (a clash only costs counting again), which is several times faster than
// a map. Longer words go in a map.
type syllableCache struct {
	keys [syllableSlots][16]byte
	vals [syllableSlots]uint8 // count+1; 0 is an empty slot
	long map[string]uint8
}

const syllableSlots = 1 << 14

func newSyllableCache() *syllableCache { return &syllableCache{long: map[string]uint8{}} }

// count returns partSyllables(w), capped at 255 (a word of 16 bytes has
// at most 16).
func (c *syllableCache) count(w string) uint8 {
	if len(w) <= 16 {
		h := uint32(2166136261) // FNV-1a
		for i := 0; i < len(w); i++ {
			h = (h ^ uint32(w[i])) * 16777619
		}
		slot := h & (syllableSlots - 1)
		var k [16]byte // NUL never occurs in a word: the padding is unambiguous
		copy(k[:], w)
		if v := c.vals[slot]; v != 0 && c.keys[slot] == k {
			return v - 1
		}
		n := uint8(partSyllables(w))
		c.keys[slot], c.vals[slot] = k, n+1
		return n
	}
	n, ok := c.long[w]
	if !ok {
		n = uint8(min(partSyllables(w), 255))
		c.long[w] = n
	}
	return n
}
