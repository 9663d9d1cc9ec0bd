package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is the query tree kb builds. Its leaves ("term") are one analysed
// term in a field or a set of fields (setText, setShort), with a boost;
// "max" scores its best matching child (the alternatives of one query
// word), "and" the sum of its children, all required (the terms of one
// alternative), "sum" the sum of its matching children (the words of the
// query). The tree is small and explicit so that a client without bleve
// can walk the same tree with the same formula (ranking.go).
type node struct {
	Op    string  `json:"op"`
	Field string  `json:"field,omitempty"`
	Term  string  `json:"term,omitempty"`
	Boost float64 `json:"boost,omitempty"`
	// Forms are all the forms of the leaf's word (wordForms), itself
	// included: the leaf's df is the largest of theirs, so that each form
	// of a word is worth the same idf and only the boost tells them apart.
	Forms []string `json:"forms,omitempty"`
	Kids  []*node  `json:"kids,omitempty"`
}

func termNode(field, term string, boost float64) *node {
	return &node{Op: "term", Field: field, Term: term, Boost: boost}
}

// group returns a node of kids with op; one kid stands for itself.
func group(op string, kids ...*node) *node {
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	return &node{Op: op, Kids: kids}
}

// leaves calls f for every term node.
func (n *node) leaves(f func(*node)) {
	if n == nil {
		return
	}
	if n.Op == "term" {
		f(n)
		return
	}
	for _, k := range n.Kids {
		k.leaves(f)
	}
}

// Query limits: longer queries are refused with a QueryError.
const (
	MaxQueryRunes = 256
	MaxQueryTerms = 32
)

// dictionary answers the questions query planning asks of the index.
type dictionary interface {
	// df returns how many documents have term in field (0: not there).
	df(field, term string) uint64
	// prefixed returns the terms of field that start with prefix, with their df.
	prefixed(field, prefix string) []dictTerm
	// hasPrefixed reports whether a term of field starts with prefix.
	hasPrefixed(field, prefix string) bool
	// fuzzy returns the terms of field within fuzziness edits of term that
	// share its first rune.
	fuzzy(field, term string, fuzziness int) []dictTerm
	// inText reports whether an analysed term is in any text field.
	inText(term string) bool
	// textPrefixed calls f with each term of the text fields that starts
	// with prefix (a term in several fields maybe more than once).
	textPrefixed(prefix string, f func(term string))
}

type dictTerm struct {
	Term string
	DF   uint64
}

// plan is an analysed query.
type plan struct {
	root *node
	// corrected is the query with misspelled words replaced, or "".
	corrected string
	// marks are the terms a snippet highlights: analysed terms of the text
	// fields and plain terms of the words field.
	marks, plainMarks map[string]bool
}

// span is a run of query tokens that a synonym entry matched, or one token.
type span struct {
	from, to int      // token indexes [from, to)
	alts     []string // the alternatives, each a phrase; alts[0] is what was typed
	// joined is the two words written as one, which the index has
	// ("drop box" → "dropbox"): see compounds.
	joined string
}

// maxExpansions bounds the completions of the last word.
const maxExpansions = 8

// planner builds query trees for one index.
type planner struct {
	text     kbAnalyzer // the index's text analyzer
	forms    bool       // match a word's other forms too (wordForms)
	synonyms *synonymTable
	dict     dictionary
}

// plan analyses q and builds its tree. prefix treats the last word as
// unfinished (search as you type). A query that analyses to nothing gives a
// nil root.
func (p *planner) plan(q string, prefix bool) (*plan, error) {
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryRunes {
		return nil, &QueryError{Msg: "query is too long: at most 256 characters"}
	}
	toks := tokenize(q)
	if len(toks) > MaxQueryTerms {
		return nil, &QueryError{Msg: "query has too many words: at most 32"}
	}
	pl := &plan{marks: map[string]bool{}, plainMarks: map[string]bool{}}
	if len(toks) == 0 {
		return pl, nil
	}
	// The last word is unfinished when the query ends inside it.
	open := prefix && toks[len(toks)-1].End == len(q)

	// Typos: an unknown word is replaced by the nearest word of the index.
	words := make([]string, len(toks))
	splits := map[int]string{}
	changed := false
	for i, t := range toks {
		words[i] = t.Text
		if open && i == len(toks)-1 && p.dict.hasPrefixed(fWords, t.Text) {
			continue
		}
		// A typo one edit from a word beats a split ("bandwith" is
		// "bandwidth", not "band with"); a split beats a further correction.
		c := p.correct(t.Text)
		if c == "" || osaDistance(t.Text, c) > 1 {
			if sp := p.split(t.Text); sp != "" {
				splits[i] = sp
				continue
			}
		}
		if c != "" {
			words[i] = c
			changed = true
		}
	}
	if changed {
		var b strings.Builder
		last := 0
		for i, t := range toks {
			b.WriteString(q[last:t.Start])
			if words[i] != t.Text {
				b.WriteString(words[i])
			} else {
				b.WriteString(q[t.Start:t.End])
			}
			last = t.End
		}
		b.WriteString(q[last:])
		pl.corrected = b.String()
	}

	var kids []*node
	spans := p.compounds(p.synonyms.match(words), words, open)
	for i, sp := range spans {
		if s := splits[sp.from]; s != "" && sp.to-sp.from == 1 && len(sp.alts) == 1 {
			spans[i].alts = append(sp.alts, s)
		}
	}
	for _, sp := range spans {
		if sp.joined != "" {
			// the words apart, each counting as typed, or joined (the
			// one word stands for both words typed: boostJoined)
			var parts, alts []*node
			for _, w := range words[sp.from:sp.to] {
				for _, t := range p.text.terms(w) {
					pl.marks[t] = true
					parts = append(parts, termNode(setText, t, 1))
				}
			}
			if g := group("sum", parts...); g != nil {
				alts = append(alts, g)
			}
			alts = append(alts, p.phrase(p.text.terms(sp.joined), boostJoined, pl))
			kids = append(kids, group("max", alts...))
			continue
		}
		var alts []*node
		seen := map[string]bool{}
		for i, phrase := range sp.alts {
			boost := 1.0
			if i > 0 {
				boost = boostSynonym
			}
			terms := p.text.terms(phrase)
			key := strings.Join(terms, " ")
			if len(terms) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			alts = append(alts, p.phrase(terms, boost, pl))
		}
		last := sp.to == len(words)
		if open && last && sp.to-sp.from == 1 && len(sp.alts) == 1 {
			for _, e := range p.expansions(words[len(words)-1]) {
				terms := p.text.terms(e)
				key := strings.Join(terms, " ")
				if len(terms) == 0 || seen[key] {
					continue
				}
				seen[key] = true
				var all []*node
				for _, t := range terms {
					pl.marks[t] = true
					all = append(all, termNode(setShort, t, boostPrefix))
				}
				alts = append(alts, group("and", all...))
			}
		}
		if g := group("max", alts...); g != nil {
			kids = append(kids, g)
		}
	}
	// Error codes and whole pasted messages match exactly, and first;
	// identifiers match the code field whole.
	for _, c := range codes(q) {
		kids = append(kids, termNode(fErrCode, c, boostErrExact))
	}
	seenCode := map[string]bool{}
	for _, w := range codeWords(q) {
		if !seenCode[w] {
			seenCode[w] = true
			kids = append(kids, termNode(fCode, w, boostCode))
		}
	}
	if len(words) >= 3 {
		kids = append(kids, termNode(fErrMsg, strings.Join(words, " "), boostErrExact))
	}
	if len(kids) == 0 || onlyErr(kids) {
		// Only stop words: look them up in the words field, which has them.
		seen := map[string]bool{}
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				kids = append(kids, termNode(fWords, w, boostFallback))
				pl.plainMarks[w] = true
			}
		}
	}
	pl.root = group("sum", kids...)
	return pl, nil
}

// compounds joins two adjacent words that the index has as one word
// ("drop box", "log in", "e mail", "set up": "auto-fill" is two words to the
// tokenizer, and the index has "autofill" too, see kbAnalyzer) into one
// span, unless a synonym took either, a word has other than letters, or
// the second is the unfinished last word.
func (p *planner) compounds(spans []span, words []string, open bool) []span {
	single := func(sp span) bool { return sp.to-sp.from == 1 && len(sp.alts) == 1 && isLetters(words[sp.from]) }
	var out []span
	for i := 0; i < len(spans); i++ {
		a := spans[i]
		if i+1 < len(spans) && single(a) && single(spans[i+1]) && !(open && spans[i+1].to == len(words)) {
			b := spans[i+1]
			joined := words[a.from] + words[b.from]
			if ts := p.text.terms(joined); len(ts) == 1 && utf8.RuneCountInString(joined) <= maxTokenRunes && p.dict.inText(ts[0]) {
				out = append(out, span{from: a.from, to: b.to, alts: []string{words[a.from] + " " + words[b.from]}, joined: joined})
				i++
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// split returns an unknown word of letters as the two known words it
// joins ("autofill" → "auto fill" where the docs write "Auto-fill",
// "login" → "log in", "email" → "e mail"), or "". The first part has a
// letter or more, the second 2 or more; each is in a
// text field or a stop word, not both stop words; the most even split
// wins, then the one with the shorter first part. The left part is looked
// up first: it shares the word's first letter, like typo candidates.
func (p *planner) split(w string) string {
	if !isLetters(w) || p.synonyms.known(w) || isStop(w) {
		return ""
	}
	r := []rune(w)
	if len(r) < 5 || p.dict.df(fWords, w) > 0 || p.dict.inText(p.text.stemmer.stem(w)) {
		return ""
	}
	known := func(part string) bool { return isStop(part) || p.dict.inText(p.text.stemmer.stem(part)) }
	best, bestMin := "", 0
	for k := 1; k <= len(r)-2; k++ {
		left, right := string(r[:k]), string(r[k:])
		if isStop(left) && isStop(right) || !known(left) || !known(right) {
			continue
		}
		if m := min(k, len(r)-k); m > bestMin {
			best, bestMin = left+" "+right, m
		}
	}
	return best
}

// isLetters reports whether w is letters only.
func isLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

func onlyErr(kids []*node) bool {
	for _, k := range kids {
		if k.Op != "term" || (k.Field != fErrCode && k.Field != fErrMsg && k.Field != fCode) {
			return false
		}
	}
	return true
}

// phrase is one alternative: every term in some text field.
func (p *planner) phrase(terms []string, boost float64, pl *plan) *node {
	var all []*node
	for _, t := range terms {
		pl.marks[t] = true
		leaf := termNode(setText, t, boost)
		if forms := p.formsOf(t); len(forms) > 0 {
			alts := []*node{leaf}
			for _, f := range forms {
				pl.marks[f] = true
				n := termNode(setText, f, boost*boostForm)
				n.Forms = []string{t, f}
				alts = append(alts, n)
			}
			leaf = group("max", alts...)
		}
		all = append(all, leaf)
	}
	return group("and", all...)
}

// formsOf returns wordForms(t) when the index matches word forms.
func (p *planner) formsOf(t string) []string {
	if !p.forms {
		return nil
	}
	return p.wordForms(t)
}

// maxForms bounds the other forms of a query word.
const maxForms = 8

// wordForms returns the other indexed forms of an analysed query term: the
// terms of the text fields with its Snowball stem ("sharing" and "shared"
// for "share"), in byte order, at most maxForms. They match at boostForm,
// below the form typed, so an exact word still ranks first. A word's
// forms all start with its stem but for the stem's last letter (Porter2
// turns a final y into i: "happy" → "happi"); stems under 3 runes have
// none (too short to tell words apart).
func (p *planner) wordForms(t string) []string {
	stem := snowball(t)
	r := []rune(stem)
	if len(r) < 3 {
		return nil
	}
	prefix := string(r[:len(r)-1])
	set := map[string]bool{}
	p.dict.textPrefixed(prefix, func(c string) {
		if c != t && !set[c] && snowball(c) == stem {
			set[c] = true
		}
	})
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	if len(out) > maxForms {
		out = out[:maxForms]
	}
	return out
}

// expansions returns completions of an unfinished last word from the words
// field: the most frequent first, at most maxExpansions.
func (p *planner) expansions(w string) []string {
	if utf8.RuneCountInString(w) < 2 {
		return nil
	}
	ts := p.dict.prefixed(fWords, w)
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].DF != ts[j].DF {
			return ts[i].DF > ts[j].DF
		}
		return ts[i].Term < ts[j].Term
	})
	var out []string
	for _, t := range ts {
		if t.Term == w {
			continue
		}
		out = append(out, t.Term)
		if len(out) == maxExpansions {
			break
		}
	}
	return out
}

// fuzziness is bleve's "auto": no edits up to 2 runes, 1 up to 5, else 2.
func fuzziness(w string) int {
	switch n := utf8.RuneCountInString(w); {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// correct returns the nearest indexed word to an unknown word w, or "" when
// w is known (with Settings.Forms, when a form of it is indexed), is a stop word, holds a digit, or nothing is near enough.
// Candidates share w's first rune, are within auto fuzziness and are not
// stop words; the nearest
// wins (optimal string alignment distance), then the most frequent, then the
// first in byte order.
func (p *planner) correct(w string) string {
	if isStop(w) || fuzziness(w) == 0 || strings.ContainsFunc(w, isDigit) || p.synonyms.known(w) {
		return ""
	}
	stem := p.text.stemmer.stem(w)
	if p.dict.df(fWords, w) > 0 || p.dict.inText(stem) || len(p.formsOf(stem)) > 0 {
		return ""
	}
	best, bestDist, bestDF := "", 99, uint64(0)
	consider := func(cand string, dist int, df uint64) {
		if dist < bestDist || dist == bestDist && (df > bestDF || df == bestDF && cand < best) {
			best, bestDist, bestDF = cand, dist, df
		}
	}
	k := fuzziness(w)
	for _, c := range p.dict.fuzzy(fWords, w, k) {
		if d := osaDistance(w, c.Term); d <= k && sameFirst(w, c.Term) && !isStop(c.Term) {
			consider(c.Term, d, c.DF)
		}
	}
	if best == "" {
		for _, c := range p.dict.fuzzy(fBody, stem, k) {
			if d := osaDistance(stem, c.Term); d <= k && sameFirst(stem, c.Term) && !isStop(c.Term) {
				consider(c.Term, d, c.DF)
			}
		}
	}
	return best
}

func sameFirst(a, b string) bool {
	ra, _ := utf8.DecodeRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return ra == rb
}

// osaDistance is the optimal string alignment distance between a and b in
// runes: insertions, deletions, substitutions and adjacent transpositions.
func osaDistance(a, b string) int {
	var abuf, bbuf [64]rune
	ra, rb := appendRunes(abuf[:0], a), appendRunes(bbuf[:0], b)
	n, m := len(ra), len(rb)
	var rows [3][65]int
	var prev2, prev, cur []int
	if m < 64 {
		prev2, prev, cur = rows[0][:m+1], rows[1][:m+1], rows[2][:m+1]
	} else {
		prev2, prev, cur = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}
