package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Stemmer names the stemmer of the text analyzer.
type Stemmer string

// The stemmers the text analyzer can use. DefaultStemmer was chosen on the
// evaluation set (testdata/eval.json; figures in docs/search.md).
const (
	NoStemmer     Stemmer = "none"
	PluralStemmer Stemmer = "plural" // bleve's stemmer_en_plural
	PorterStemmer Stemmer = "porter" // bleve's porter filter
	// SnowballStemmer is Snowball's English stemmer (Porter2), bleve's
	// stemmer_en_snowball.
	SnowballStemmer Stemmer = "snowball"
)

// DefaultStemmer is the stemmer kb builds indexes with.
const DefaultStemmer = PluralStemmer

// Stemmers lists every stemmer, for the evaluation.
var Stemmers = []Stemmer{NoStemmer, PluralStemmer, PorterStemmer, SnowballStemmer}

// maxTokenRunes drops longer tokens (base64 blobs, hashes, minified junk).
const maxTokenRunes = 40

// token is one word of a text: its bytes in the text and its normalised form.
type token struct {
	Text       string // lowercased, apostrophes removed
	Start, End int    // byte offsets in the input
}

// isWordRune reports whether r belongs to a word: a letter, a decimal digit
// or a combining mark (so decomposed accents stay inside their word).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

// tokenize splits text into words. It is the one tokenizer of kb's search,
// deliberately small so that a JavaScript client can port it exactly:
//
//   - the input is read as UTF-8; an invalid byte is a separator;
//   - a word is a run of letters, decimal digits and combining marks;
//   - an apostrophe (' or U+2019) between two word runes is dropped and the
//     word goes on: "can't" → "cant", "plan's" → "plans";
//   - a "." between two decimal digits stays in the word: "3.7.0";
//   - every other rune (space, punctuation, symbol, emoji, control) separates;
//   - each rune is lowercased on its own (unicode.ToLower);
//   - words longer than 40 runes are dropped.
func tokenize(text string) []token { return appendTokens(nil, text) }

// HasWords reports whether text holds a word, as the tokenizer finds
// them: a query without words has no hits.
func HasWords(text string) bool { return len(tokenize(text)) > 0 }

// appendTokens appends the tokens of text to out (see tokenize).
func appendTokens(out []token, text string) []token {
	var b []byte
	start, runes := -1, 0
	// simple: the word so far is text[start:i] as it is (ASCII lowercase
	// letters, digits and kept dots), so no copy is needed.
	simple := true
	flush := func(end int) {
		if start >= 0 && runes <= maxTokenRunes && runes > 0 {
			t := token{Start: start, End: end}
			if simple {
				t.Text = text[start:end]
			} else {
				t.Text = string(b)
			}
			out = append(out, t)
		}
		b = b[:0]
		start, runes, simple = -1, 0, true
	}
	prev := rune(-1) // previous rune when it belongs to the current word
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && ('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			if start < 0 {
				start = i
			}
			b = append(b, c)
			runes++
			prev = rune(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			flush(i)
			prev = -1
			i += max(size, 1)
			continue
		}
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
			b = utf8.AppendRune(b, unicode.ToLower(r))
			simple = false
			runes++
			prev = r
		case start >= 0 && (isApostrophe(r) || r == '.') && i+size < len(text):
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if isApostrophe(r) && isWordRune(prev) && isWordRune(next) {
				simple = false // dropped; the word goes on
			} else if r == '.' && isDigit(prev) && isDigit(next) {
				b = append(b, '.')
				runes++
			} else {
				flush(i)
				prev = -1
			}
		default:
			flush(i)
			prev = -1
		}
		i += size
	}
	flush(len(text))
	return out
}

func isDigit(r rune) bool { return r >= 0 && unicode.IsDigit(r) }

// stopWords is kb's support-friendly stop list: articles, pronouns,
// auxiliaries, conjunctions and the prepositions that carry no meaning.
// It keeps what support queries depend on: negations (not, no, cant, dont,
// wont, doesnt), question words (how, why, what, when, where, who, which)
// and the particles of phrasal verbs (up, out, off, down, over).
var stopWords = setOf(`a about above after again am an and are as at be because been being both but by
can could did do does doing during each for from further had has have having he her here hers
herself him himself his i id if im in into is it its itself ive just me might more most must my
myself of on once only or other our ours ourselves shall she should so some such than that thats
the their theirs them themselves then there theres these they this those through to too under
until us very was we were while will with would you youd youll your youre yours yourself
yourselves youve`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isStop reports whether a normalised token is a stop word.
func isStop(t string) bool { return stopWords[t] }

// stem returns the stem of a normalised, non-stop token.
func (s Stemmer) stem(t string) string {
	switch s {
	case PluralStemmer:
		return string(pluralFilter.Filter(analysis.TokenStream{{Term: []byte(t)}})[0].Term)
	case PorterStemmer:
		return string(porterFilter.Filter(analysis.TokenStream{{Term: []byte(t)}})[0].Term)
	case SnowballStemmer:
		return snowball(t)
	}
	return t
}

// snowball is Snowball's English stem of a normalised token.
func snowball(t string) string {
	env := snowballstem.NewEnv(t)
	english.Stem(env)
	return env.Current()
}

var (
	pluralFilter = en.NewEnglishPluralStemmerFilter()
	porterFilter = porter.NewPorterStemmer()
)

// Analyzer names registered with bleve.
const (
	plainAnalyzer = "kb_plain" // tokenize + lowercase: no stop words, no stemming
	stopsAnalyzer = "kb_stops" // the plain analyzer's stop words, and nothing else
	textPrefix    = "kb_text_" // + stemmer: tokenize, lowercase, stop words, stem
	codePrefix    = "kb_code_" // + stemmer: the text analyzer's terms, then codeWords
)

func textAnalyzerName(s Stemmer) string { return textPrefix + string(s) }
func codeAnalyzerName(s Stemmer) string { return codePrefix + string(s) }

// isJoiner reports whether r joins the parts of an identifier, a path or
// an error code: AUTH-401, too_many_requests, libsecret-1.so.0, net/http,
// user@host, remote:path.
func isJoiner(r rune) bool {
	return r == '-' || r == '_' || r == '.' || r == ':' || r == '/' || r == '@'
}

// codeWords returns the identifiers of a text, whole: each maximal run of
// word runes (see tokenize) and joiners, with the joiners at its ends
// trimmed, that has a joiner inside and is not a single word of the
// tokenizer ("3.7.0" is one already), lowercased rune by rune, at most 40
// runes. The code field indexes them beside the split words, and a query's
// identifiers are looked up there whole, so a pasted "auth-401" or
// "invalid_grant" matches exactly that, before its parts.
func codeWords(text string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.TrimFunc(text[start:end], isJoiner)
		start = -1
		if w == "" || !strings.ContainsFunc(w, isJoiner) || utf8.RuneCountInString(w) > maxTokenRunes {
			return
		}
		if ts := tokenize(w); len(ts) == 1 && ts[0].Start == 0 && ts[0].End == len(w) {
			return
		}
		out = append(out, strings.Map(unicode.ToLower, w))
	}
	for i, r := range text {
		if !isWordRune(r) && !isJoiner(r) { // invalid UTF-8 (RuneError) too
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(text))
	return out
}

// kbAnalyzer adapts tokenize (and, for text fields, the stop list and a
// stemmer) to bleve's Analyzer interface.
type kbAnalyzer struct {
	text    bool
	stemmer Stemmer
	// stops keeps only the stop words (the words field: see mapping.go).
	stops bool
	// code adds codeWords after the text terms (the code field).
	code bool
}

func (a kbAnalyzer) Analyze(input []byte) analysis.TokenStream {
	toks := tokenize(string(input))
	out := make(analysis.TokenStream, 0, len(toks))
	// One allocation for the tokens and one for their terms: a term is a
	// slice of arena (a later append that grows it leaves earlier terms on
	// the old array, which is just as good).
	structs := make([]analysis.Token, len(toks))
	arena := make([]byte, 0, len(input))
	for i, t := range toks {
		if a.text && isStop(t.Text) || a.stops && !isStop(t.Text) {
			continue
		}
		at := len(arena)
		arena = append(arena, t.Text...)
		tok := &structs[i]
		*tok = analysis.Token{Term: arena[at:len(arena):len(arena)], Start: t.Start, End: t.End,
			Position: i + 1, Type: analysis.AlphaNumeric}
		out = append(out, tok)
	}
	if a.text {
		switch a.stemmer {
		case PluralStemmer:
			// The plural stemmer changes only words of 3 or more letters
			// that end in "s": the others need no pass through it.
			for _, tok := range out {
				if n := len(tok.Term); n >= 3 && tok.Term[n-1] == 's' {
					pluralFilter.Filter(analysis.TokenStream{tok})
				}
			}
		case PorterStemmer:
			out = porterFilter.Filter(out)
		case SnowballStemmer:
			for _, tok := range out {
				if st := snowball(string(tok.Term)); st != string(tok.Term) {
					tok.Term = []byte(st)
				}
			}
		}
	}
	if a.code {
		pos := len(toks)
		for _, w := range codeWords(string(input)) {
			pos++
			out = append(out, &analysis.Token{Term: []byte(w), Position: pos, Type: analysis.AlphaNumeric})
		}
	}
	return out
}

// terms analyses text like the index does: the text analyzer's terms with
// a stemmer, or the plain analyzer's terms.
func (a kbAnalyzer) terms(text string) []string {
	ts := a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

func init() {
	register := func(name string, a kbAnalyzer) {
		err := registry.RegisterAnalyzer(name, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return a, nil
		})
		if err != nil {
			panic(err) // a duplicate name is a programming error caught by every test
		}
	}
	register(plainAnalyzer, kbAnalyzer{})
	register(stopsAnalyzer, kbAnalyzer{stops: true})
	for _, s := range Stemmers {
		register(textAnalyzerName(s), kbAnalyzer{text: true, stemmer: s})
		register(codeAnalyzerName(s), kbAnalyzer{text: true, stemmer: s, code: true})
	}
}
