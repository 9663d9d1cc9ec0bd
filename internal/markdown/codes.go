package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Error codes stay on one line. Browsers break a line after a hyphen, so a
// title or a sentence could end in "SYNC-" with "009" on the next line,
// which reads as two things. Every code in the text kb writes — the
// Markdown body here, titles and descriptions through NoBreak in the
// templates — is put in a <span class="nowrap"> (the theme's CSS keeps it
// whole), without JavaScript. A code is capitals and digits joined by
// hyphens with a digit in it (SYNC-009, AUTH-401, E-1001), or an HTTP
// status (HTTP 502).
var codeRe = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b|\bHTTP [1-5][0-9]{2}\b`)

// codes returns the byte ranges of the codes in b.
func codes(b []byte) [][]int {
	// Most text has none: skip the regular expression unless a digit
	// and a hyphen or "HTTP " are there.
	if bytes.IndexAny(b, "0123456789") < 0 || bytes.IndexByte(b, '-') < 0 && !bytes.Contains(b, []byte("HTTP ")) {
		return nil
	}
	var out [][]int
	for _, m := range codeRe.FindAllIndex(b, -1) {
		if bytes.IndexAny(b[m[0]:m[1]], "0123456789") >= 0 {
			out = append(out, m)
		}
	}
	return out
}

var (
	nowrapOpen  = []byte(`<span class="nowrap">`)
	nowrapClose = []byte(`</span>`)
)

// writeCodes writes text with write (which escapes it), each code in a
// nowrap span.
func writeCodes(w util.BufWriter, text []byte, write func(util.BufWriter, []byte)) {
	last := 0
	for _, m := range codes(text) {
		write(w, text[last:m[0]])
		w.Write(nowrapOpen)
		write(w, text[m[0]:m[1]])
		w.Write(nowrapClose)
		last = m[1]
	}
	write(w, text[last:])
}

// NoBreak is text as HTML: escaped, each code in a nowrap span. The
// templates write titles and descriptions with it.
func NoBreak(s string) template.HTML {
	// codes' own test first, on the string: most titles have no code,
	// and need no copy of their bytes.
	if !strings.ContainsAny(s, "0123456789") || strings.IndexByte(s, '-') < 0 && !strings.Contains(s, "HTTP ") {
		return template.HTML(template.HTMLEscapeString(s))
	}
	ms := codes([]byte(s))
	if len(ms) == 0 {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b bytes.Buffer
	last := 0
	for _, m := range ms {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		b.Write(nowrapOpen)
		b.WriteString(template.HTMLEscapeString(s[m[0]:m[1]]))
		b.Write(nowrapClose)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

// text renders a text node as goldmark does (kb sets no hard wraps and no
// East Asian line breaking), its codes kept whole.
func (r *nodeRenderer) text(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Text)
	value := n.Segment.Value(src)
	if n.IsRaw() {
		writeCodes(w, value, html.DefaultWriter.RawWrite)
		return ast.WalkContinue, nil
	}
	writeCodes(w, value, html.DefaultWriter.Write)
	switch {
	case n.HardLineBreak():
		w.WriteString("<br>\n")
	case n.SoftLineBreak():
		w.WriteByte('\n')
	}
	return ast.WalkContinue, nil
}

// codeSpan renders `code` as goldmark does, its codes kept whole.
func (r *nodeRenderer) codeSpan(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		w.WriteString("</code>")
		return ast.WalkContinue, nil
	}
	w.WriteString("<code")
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.CodeAttributeFilter)
	}
	w.WriteByte('>')
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok {
			continue
		}
		value := t.Segment.Value(src)
		if bytes.HasSuffix(value, []byte("\n")) {
			writeCodes(w, value[:len(value)-1], html.DefaultWriter.RawWrite)
			w.WriteByte(' ')
		} else {
			writeCodes(w, value, html.DefaultWriter.RawWrite)
		}
	}
	return ast.WalkSkipChildren, nil
}
