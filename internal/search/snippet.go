package search

import (
	"html"
	"strings"
	"sync"

	"github.com/octoacme/kb/internal/markdown"
)

// tokenPool holds token slices for snippets.
var tokenPool = sync.Pool{New: func() any { return new([]token) }}

// snippetWords is the length of a snippet in words.
const snippetWords = 28

// maxSnippetScan bounds the bytes of a body a snippet is looked for in.
const maxSnippetScan = 32 << 10

// stemCached stems a word through a cache shared by the hits of a search.
func stemCached(a kbAnalyzer, w string, cache map[string]string) string {
	if s, ok := cache[w]; ok {
		return s
	}
	s := a.stemmer.stem(w)
	cache[w] = s
	return s
}

// makeSnippet is a hit's snippet: cut from the body around the matches,
// else the description with its matches marked, else the body's lead.
func makeSnippet(rec *record, a kbAnalyzer, pl *plan, stems map[string]string) string {
	if s := snippet(rec.Body, a, pl.marks, pl.plainMarks, stems); s != "" {
		return codeMarkup(s)
	}
	if rec.Description != "" {
		return markText(rec.Description, a, pl.marks, pl.plainMarks)
	}
	return codeMarkup(lead(rec.Body))
}

// codeMarkup turns the code markers of a snippet (markdown.CodeStart,
// CodeEnd: the body keeps code spans and URLs between them) into <code>
// and </code>, balanced: a snippet cut inside code opens it after its
// leading "… " or closes it before its trailing " …". The markers are not
// word runes, so a snippet never cuts a <mark> across them.
func codeMarkup(s string) string {
	if !strings.Contains(s, markdown.CodeStart) && !strings.Contains(s, markdown.CodeEnd) {
		return s
	}
	var b strings.Builder
	open := false
	head, tail := "", ""
	if rest, ok := strings.CutPrefix(s, "… "); ok {
		head, s = "… ", rest
	}
	if rest, ok := strings.CutSuffix(s, " …"); ok {
		tail, s = " …", rest
	}
	b.WriteString(head)
	if i, j := strings.Index(s, markdown.CodeEnd), strings.Index(s, markdown.CodeStart); i >= 0 && (j < 0 || i < j) {
		b.WriteString("<code>") // cut inside code
		open = true
	}
	for _, r := range s {
		switch string(r) {
		case markdown.CodeStart:
			if !open {
				b.WriteString("<code>")
				open = true
			}
		case markdown.CodeEnd:
			if open {
				b.WriteString("</code>")
				open = false
			}
		default:
			b.WriteRune(r)
		}
	}
	if open {
		b.WriteString("</code>")
	}
	b.WriteString(tail)
	return b.String()
}

// snippet returns about snippetWords words of text around the best cluster
// of matches, HTML-escaped, with matched words in <mark>. The window with
// the most distinct matched terms wins, then the one with the most matches,
// then the first. Without any match it returns "" (callers fall back to the
// description). A JavaScript client can port this as it is.
func snippet(text string, a kbAnalyzer, marks, plainMarks map[string]bool, stems map[string]string) string {
	if len(text) > maxSnippetScan {
		text = text[:maxSnippetScan]
	}
	buf := tokenPool.Get().(*[]token)
	defer tokenPool.Put(buf)
	toks := appendTokens((*buf)[:0], text)
	*buf = toks
	if len(toks) == 0 {
		return ""
	}
	// A stem starts with its word's first byte (stemmers change endings),
	// so most words need no stemming to know they do not match.
	var first [256]bool
	for _, ms := range []map[string]bool{marks, plainMarks} {
		for m := range ms {
			if m != "" {
				first[m[0]] = true
			}
		}
	}
	hit := make([]string, len(toks)) // the matched term, or ""
	any := false
	for i, t := range toks {
		if !first[t.Text[0]] {
			continue
		}
		if plainMarks[t.Text] {
			hit[i] = t.Text
		} else if !isStop(t.Text) {
			if s := stemCached(a, t.Text, stems); marks[s] {
				hit[i] = s
			}
		}
		any = any || hit[i] != ""
	}
	if !any {
		return ""
	}
	bestStart, bestDistinct, bestCount := 0, -1, -1
	for start := 0; start < len(toks); start++ {
		if hit[start] == "" {
			continue // a best window starts at a match
		}
		distinct := map[string]bool{}
		count := 0
		for i := start; i < len(toks) && i < start+snippetWords; i++ {
			if hit[i] != "" {
				distinct[hit[i]] = true
				count++
			}
		}
		if len(distinct) > bestDistinct || len(distinct) == bestDistinct && count > bestCount {
			bestStart, bestDistinct, bestCount = start, len(distinct), count
		}
	}
	// Start a few words before the first match, for context.
	from := max(0, bestStart-4)
	to := min(len(toks), from+snippetWords)
	if to-from < snippetWords {
		from = max(0, to-snippetWords)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	pos := toks[from].Start
	for i := from; i < to; i++ {
		t := toks[i]
		b.WriteString(html.EscapeString(text[pos:t.Start]))
		if hit[i] != "" {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(text[t.Start:t.End]))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(text[t.Start:t.End]))
		}
		pos = t.End
	}
	if to < len(toks) {
		b.WriteString(" …")
	} else {
		b.WriteString(html.EscapeString(text[pos:]))
	}
	return strings.TrimSpace(b.String())
}

// markText HTML-escapes text and marks its matched words, without cutting it.
func markText(text string, a kbAnalyzer, marks, plainMarks map[string]bool) string {
	toks := tokenize(text)
	var b strings.Builder
	pos := 0
	for _, t := range toks {
		b.WriteString(html.EscapeString(text[pos:t.Start]))
		w := html.EscapeString(text[t.Start:t.End])
		if plainMarks[t.Text] || !isStop(t.Text) && marks[a.stemmer.stem(t.Text)] {
			w = "<mark>" + w + "</mark>"
		}
		b.WriteString(w)
		pos = t.End
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return b.String()
}

// lead returns the first snippetWords words of text, HTML-escaped.
func lead(text string) string {
	toks := tokenize(text)
	if len(toks) <= snippetWords {
		return html.EscapeString(strings.TrimSpace(text))
	}
	return html.EscapeString(strings.TrimSpace(text[:toks[snippetWords-1].End])) + " …"
}
