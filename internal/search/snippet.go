package search

import (
	"html"
	"strings"
)

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

// snippet returns about snippetWords words of text around the best cluster
// of matches, HTML-escaped, with matched words in <mark>. The window with
// the most distinct matched terms wins, then the one with the most matches,
// then the first. Without any match it returns "" (callers fall back to the
// description). A JavaScript client can port this as it is.
func snippet(text string, a kbAnalyzer, marks, plainMarks map[string]bool, stems map[string]string) string {
	if len(text) > maxSnippetScan {
		text = text[:maxSnippetScan]
	}
	toks := tokenize(text)
	if len(toks) == 0 {
		return ""
	}
	hit := make([]string, len(toks)) // the matched term, or ""
	any := false
	for i, t := range toks {
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
