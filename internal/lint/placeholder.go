package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The placeholder rule: text of the scaffold a page was written from
// (kb new's layouts/new/<type>.md, the site's own or the default theme's)
// left in a published page. The placeholders are derived from the
// scaffolds themselves, so a site that changes its scaffolds gets its own
// placeholders checked, and no list in the code drifts from them:
//
//   - every value of the scaffold's front matter that is text (not a link,
//     which related-links and release-docs check, not true/false or a
//     number): "One or two sentences that say…", "TICKET-0";
//   - every code span of its body: `ERROR-CODE: message`;
//   - every sentence of its body's paragraphs and list items of at least
//     minSentenceWords words: "Describe the problem in the words customers
//     use." Headings are structure, meant to stay, and shorter sentences
//     ("Go to **Settings**.") are too likely to be the writer's own.
//
// Lines with template actions ({{.Title}}) are skipped: what they print is
// the writer's. A page matches a placeholder where its text appears with
// any white space between the words, not inside a longer word.

// minSentenceWords is how many words a scaffold sentence needs to be a placeholder.
const minSentenceWords = 5

// placeholder is one text of a scaffold.
type placeholder struct {
	text     string // as the scaffold has it
	scaffold string // the scaffold's path, for the message
	re       *regexp.Regexp
	// anchor is the placeholder's longest word: a page without it as a
	// word cannot match, so most pages cost a word scan, not a regexp.
	anchor string
}

// placeholderSet is the placeholders of a site's scaffolds.
type placeholderSet struct {
	list    []placeholder
	anchors map[string][]int // anchor → indexes in list
	minLen  int              // the shortest anchor's length in bytes
}

var (
	fmKeyValue   = regexp.MustCompile(`^[A-Za-z_][\w-]*\s*[:=]\s*(.*)$`)
	listMarker   = regexp.MustCompile(`^(?:[-*+]|\d+[.)])\s+`)
	codeSpan     = regexp.MustCompile("`([^`]+)`")
	sentenceEnds = regexp.MustCompile(`[.?!:](?:\*\*|\*|_)?\s+`)
	numberOnly   = regexp.MustCompile(`^[-+]?[\d.]+$`)
)

// newPlaceholders derives the placeholders of scaffolds (path → template
// source), in the order of their paths.
func newPlaceholders(scaffolds map[string][]byte) *placeholderSet {
	s := &placeholderSet{anchors: map[string][]int{}}
	seen := map[string]bool{}
	names := make([]string, 0, len(scaffolds))
	for n := range scaffolds {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, t := range scaffoldTexts(scaffolds[name]) {
			if seen[t] {
				continue
			}
			seen[t] = true
			words := strings.Fields(t)
			quoted := make([]string, len(words))
			anchor := ""
			for i, w := range words {
				quoted[i] = regexp.QuoteMeta(w)
				for _, tok := range tokens(w) {
					if len(tok) > len(anchor) {
						anchor = tok
					}
				}
			}
			if anchor == "" {
				continue
			}
			s.anchors[anchor] = append(s.anchors[anchor], len(s.list))
			if s.minLen == 0 || len(anchor) < s.minLen {
				s.minLen = len(anchor)
			}
			s.list = append(s.list, placeholder{text: t, scaffold: name, anchor: anchor,
				re: regexp.MustCompile(strings.Join(quoted, `\s+`))})
		}
	}
	return s
}

// scaffoldTexts lists the placeholder texts of one scaffold's source.
func scaffoldTexts(src []byte) []string {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	add := func(t string) {
		t = strings.TrimSpace(t)
		if utf8.RuneCountInString(t) >= 2 {
			out = append(out, t)
		}
	}
	// The front matter, between the opening delimiter and its twin.
	body := 0
	if len(lines) > 0 && (lines[0] == "---" || lines[0] == "+++") {
		for i := 1; i < len(lines); i++ {
			if lines[i] == lines[0] {
				body = i + 1
				break
			}
		}
		for _, l := range lines[1:max(body-1, 1)] {
			l = strings.TrimSpace(l)
			if strings.Contains(l, "{{") || strings.HasPrefix(l, "#") {
				continue
			}
			l = strings.TrimSpace(strings.TrimPrefix(l, "- "))
			if m := fmKeyValue.FindStringSubmatch(l); m != nil {
				l = m[1]
			}
			for _, v := range fmValues(l) {
				add(v)
			}
		}
	}
	for _, l := range lines[body:] {
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "{{") || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "```") {
			continue
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, ">"))
		l = listMarker.ReplaceAllString(l, "")
		for _, m := range codeSpan.FindAllStringSubmatch(l, -1) {
			add(m[1])
		}
		start := 0
		cut := func(end int) {
			if s := strings.TrimSpace(l[start:end]); len(strings.Fields(s)) >= minSentenceWords {
				add(s)
			}
		}
		for _, loc := range sentenceEnds.FindAllStringIndex(l, -1) {
			end := loc[1]
			for end > loc[0] && unicode.IsSpace(rune(l[end-1])) {
				end--
			}
			cut(end)
			start = loc[1]
		}
		cut(len(l))
	}
	return out
}

// fmValues are the placeholder texts of a front-matter value: itself, or
// the entries of a flow list, unquoted; links, booleans and numbers left out.
func fmValues(v string) []string {
	v = strings.TrimSpace(v)
	var items []string
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		items = strings.Split(v[1:len(v)-1], ",")
	} else {
		items = []string{v}
	}
	var out []string
	for _, it := range items {
		it = strings.TrimSpace(it)
		if len(it) >= 2 && (it[0] == '"' || it[0] == '\'') && it[len(it)-1] == it[0] {
			it = it[1 : len(it)-1]
		}
		switch {
		case it == "", strings.HasPrefix(it, "/"), strings.Contains(it, "://"), numberOnly.MatchString(it):
			continue
		}
		switch strings.ToLower(it) {
		case "true", "false", "yes", "no", "null", "~", "[]", "{}":
			continue
		}
		out = append(out, it)
	}
	return out
}

// tokens are the runs of letters and digits of a text.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

// placeholder reports the scaffold texts left in a published page, each
// once, at its first place.
func (c *checker) placeholder(e *emitter) {
	p, ph := e.p, c.placeholders
	if !c.on(RulePlaceholder) || ph == nil || len(ph.list) == 0 || p.Draft && !c.opts.Drafts || len(p.Source) == 0 {
		return
	}
	src := p.Source
	// Which placeholders' anchors the page has as words.
	var cand []int
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(src) {
			r, size := utf8.DecodeRune(src[j:])
			if !isWordRune(r) {
				break
			}
			j += size
		}
		if j-i >= ph.minLen {
			cand = append(cand, ph.anchors[string(src[i:j])]...)
		}
		i = j
	}
	if len(cand) == 0 {
		return
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)
	type span struct{ from, to int }
	var found []span
	for _, i := range cand {
		pl := &ph.list[i]
		for _, loc := range pl.re.FindAllIndex(src, -1) {
			if !wholeWords(src, loc[0], loc[1]) || slices.ContainsFunc(found, func(s span) bool { return loc[0] < s.to && s.from < loc[1] }) {
				continue
			}
			found = append(found, span{loc[0], loc[1]})
			text := string(src[loc[0]:loc[1]])
			e.addText(RulePlaceholder, p.SourcePos(loc[0]), p.SourcePos(loc[1]),
				fmt.Sprintf("%q is scaffold text from %s; replace it with this page's own words, or delete it", shorten(pl.text), pl.scaffold), &text)
			break
		}
	}
}

// wholeWords reports whether src[from:to] does not start or end inside a word.
func wholeWords(src []byte, from, to int) bool {
	first, _ := utf8.DecodeRune(src[from:])
	last, _ := utf8.DecodeLastRune(src[:to])
	if isWordRune(first) && from > 0 {
		if r, _ := utf8.DecodeLastRune(src[:from]); isWordRune(r) {
			return false
		}
	}
	if isWordRune(last) && to < len(src) {
		if r, _ := utf8.DecodeRune(src[to:]); isWordRune(r) {
			return false
		}
	}
	return true
}

// shorten cuts a long placeholder for a message.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:57])) + "…"
}
