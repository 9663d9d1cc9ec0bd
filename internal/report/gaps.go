package report

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/hbollon/go-edlib"
	"github.com/octoacme/kb/internal/feedback"
	"golang.org/x/text/unicode/norm"
)

// QueryGroup is a set of searches that ask the same thing: the same words
// once normalised, or a typo away from them.
type QueryGroup struct {
	// Query is the group's most searched wording.
	Query string `json:"query"`
	// Count is what the list counts: searches for searches.top, searches
	// without results for searches.zero_results, searches with results
	// for searches.never_chosen.
	Count       int      `json:"count"`
	Searches    int      `json:"searches"`
	ZeroResults int      `json:"zero_results"`
	Chosen      int      `json:"chosen"` // searches followed by a chosen result
	Variants    []string `json:"variants,omitempty"`

	words    []string
	variants map[string]int
}

// queryStop are words that do not change what a query asks for: kb
// search's stop words plus question words. Negations (not, cant, dont)
// stay: "cant sign in" is not "sign in".
var queryStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again am an and are as at be because been being both but by
can could did do does doing during each for from further had has have having he her here hers herself him himself
his i id if im in into is it its itself ive just me might more most must my myself of on once only or other our
ours ourselves shall she should so some such than that thats the their theirs them themselves then there theres
these they this those through to too under until us very was we were while will with would you youd youll your
youre yours yourself yourselves youve how what when where which who why whats hows please help`) {
		queryStop[w] = true
	}
}

var pluralStemmer = en.NewEnglishPluralStemmerFilter()

// normalize returns the words a query asks for: NFKC, lowercased, split on
// anything but letters and digits (apostrophes dropped: can't → cant),
// stop words left out, plurals made singular, sorted and without repeats,
// so "How do I export invoices?" and "invoice export" are one query.
func normalize(q string) []string {
	q = norm.NFKC.String(q)
	q = strings.Map(func(r rune) rune {
		if r == '\'' || r == '’' {
			return -1
		}
		return unicode.ToLower(r)
	}, q)
	fields := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var words []string
	for _, f := range fields {
		if queryStop[f] {
			continue
		}
		w := string(pluralStemmer.Filter(analysis.TokenStream{{Term: []byte(f)}})[0].Term)
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	if len(words) == 0 { // only stop words: keep them
		words = fields
	}
	sort.Strings(words)
	return words
}

// sameWord reports whether two normalised words are the same or a typo
// apart: one edit (a transposition counts as one) for words of 4 to 7
// letters, two from 8; words of 3 letters or fewer, and words with digits
// (error codes: 401, 403), must match exactly.
func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if min(la, lb) <= 3 || strings.ContainsFunc(a+b, unicode.IsDigit) {
		return false
	}
	limit := 1
	if max(la, lb) >= 8 {
		limit = 2
	}
	if la-lb > limit || lb-la > limit {
		return false
	}
	return edlib.OSADamerauLevenshteinDistance(a, b) <= limit
}

// sameWords reports whether every word of a matches a different word of b.
func sameWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
next:
	for _, w := range a {
		for j, v := range b {
			if !used[j] && sameWord(w, v) {
				used[j] = true
				continue next
			}
		}
		return false
	}
	return true
}

// groupQueries groups the searches of a period by what they ask for. The
// most searched group of each typo family absorbs the others, so
// "export invoices" takes in "exprot invoices" and not the other way round.
func groupQueries(stats []feedback.QueryStats) []*QueryGroup {
	byKey := map[string]*QueryGroup{}
	var groups []*QueryGroup
	for _, s := range stats {
		words := normalize(s.Query)
		key := strings.Join(words, " ")
		g := byKey[key]
		if g == nil {
			g = &QueryGroup{words: words, variants: map[string]int{}}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.Searches += s.Searches
		g.ZeroResults += s.ZeroResults
		g.Chosen += s.Clicked
		g.variants[strings.Join(strings.Fields(s.Query), " ")] += s.Searches
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.Searches != b.Searches {
			return a.Searches > b.Searches
		}
		return strings.Join(a.words, " ") < strings.Join(b.words, " ")
	})
	var roots []*QueryGroup
	for _, g := range groups {
		merged := false
		for _, r := range roots {
			if sameWords(g.words, r.words) {
				r.Searches += g.Searches
				r.ZeroResults += g.ZeroResults
				r.Chosen += g.Chosen
				for v, n := range g.variants {
					r.variants[v] += n
				}
				merged = true
				break
			}
		}
		if !merged {
			roots = append(roots, g)
		}
	}
	for _, r := range roots {
		type variant struct {
			text string
			n    int
		}
		var vs []variant
		for t, n := range r.variants {
			vs = append(vs, variant{t, n})
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].n > vs[j].n || vs[i].n == vs[j].n && vs[i].text < vs[j].text })
		r.Query = vs[0].text
		seen := map[string]bool{strings.ToLower(r.Query): true}
		for _, v := range vs[1:] {
			if l := strings.ToLower(v.text); !seen[l] && len(r.Variants) < 5 {
				seen[l] = true
				r.Variants = append(r.Variants, v.text)
			}
		}
	}
	return roots
}
