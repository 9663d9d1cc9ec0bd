package markdown

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer overrides goldmark's HTML for the nodes kb renders its own way.
type nodeRenderer struct {
	opts *Options
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.callout)
	reg.Register(east.KindTable, r.table)
	reg.Register(ast.KindImage, r.image)
	reg.Register(ast.KindLink, r.link)
	reg.Register(kindAnchor, r.anchor)
	reg.Register(kindSafeHTML, r.safeHTML)
	reg.Register(kindSafeHTMLBlock, r.safeHTML)
	reg.Register(ast.KindText, r.text)
	reg.Register(ast.KindCodeSpan, r.codeSpan)
	if r.opts.HTML != HTMLUnsafe {
		reg.Register(ast.KindRawHTML, r.rawHTML)
		reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	}
}

// safeHTML writes raw HTML that the sanitizer let through (rawhtml.go).
func (r *nodeRenderer) safeHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		switch n := node.(type) {
		case *safeHTML:
			w.Write(n.html)
		case *safeHTMLBlock:
			w.Write(n.html)
			w.WriteByte('\n')
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) callout(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*Callout)
	if entering {
		fmt.Fprintf(w, "<div class=\"callout callout--%s\" role=\"note\">\n<p class=\"callout__label\">%s</p>\n", c.Alert, calloutLabels[c.Alert])
	} else {
		w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

// table wraps tables in a focusable scroll region, so keyboard users can
// scroll wide tables (axe: scrollable-region-focusable).
func (r *nodeRenderer) table(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		label := "Table"
		if v, ok := n.AttributeString("aria-label"); ok {
			label = string(v.([]byte))
		}
		// Each region needs its own name: extract numbers the tables.
		fmt.Fprintf(w, "<div class=\"table-wrap\" role=\"region\" aria-label=\"%s\" tabindex=\"0\">\n<table>\n", label)
	} else {
		w.WriteString("</table>\n</div>\n")
	}
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) url(dest []byte) []byte {
	if r.opts.BasePath != "/" && len(dest) > 1 && dest[0] == '/' && dest[1] != '/' {
		dest = append([]byte(strings.TrimSuffix(r.opts.BasePath, "/")), dest...)
	}
	return util.URLEscape(dest, true)
}

func (r *nodeRenderer) image(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	dest := r.url(n.Destination)
	w.WriteString(`<img src="`)
	if r.opts.HTML == HTMLUnsafe || safeURL(n.Destination) {
		w.Write(util.EscapeHTML(dest))
	}
	w.WriteString(`" alt="`)
	w.Write(util.EscapeHTML([]byte(plainText(n, src))))
	w.WriteByte('"')
	if n.Title != nil {
		w.WriteString(` title="`)
		w.Write(util.EscapeHTML(n.Title))
		w.WriteByte('"')
	}
	if r.opts.ImageSize != nil {
		p := string(n.Destination)
		if !strings.Contains(p, ":") && !strings.HasPrefix(p, "/") {
			p = path.Join(documentURL(n), p)
		}
		if wd, ht, ok := r.opts.ImageSize(p); ok {
			fmt.Fprintf(w, ` width="%d" height="%d"`, wd, ht)
		}
	}
	w.WriteString(` loading="lazy" decoding="async">`)
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) link(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if entering {
		dest := r.url(n.Destination)
		w.WriteString(`<a href="`)
		if r.opts.HTML == HTMLUnsafe || safeURL(n.Destination) {
			w.Write(util.EscapeHTML(dest))
		}
		w.WriteByte('"')
		if n.Title != nil {
			w.WriteString(` title="`)
			w.Write(util.EscapeHTML(n.Title))
			w.WriteByte('"')
		}
		w.WriteByte('>')
	} else {
		w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

// safeURL reports whether a destination, as the page wrote it, may be
// written into the page: UnsafeScheme finds what goldmark's
// html.IsDangerousURL finds in the escaped URL and more, without
// allocating, and lint reports the same links.
func safeURL(written []byte) bool {
	return unsafeScheme(resolveRefs(written)) == ""
}

// UnsafeScheme returns the scheme of a URL that a page must not link to,
// lowercased ("javascript"), or "". The schemes are those goldmark drops
// from hrefs (html.IsDangerousURL): javascript:, vbscript:, file:, and
// data: but for PNG, GIF, JPEG and WebP images. The URL is read as a
// browser reads it, without leading spaces and control characters and
// without tabs and line breaks anywhere (the WHATWG URL parser drops
// them), so "java\tscript:" is javascript: too. url is a link's URL with
// character references resolved (Link.URL).
func UnsafeScheme(url string) string { return unsafeScheme(url) }

// unsafeScheme is UnsafeScheme for text or bytes, without allocating.
func unsafeScheme[T string | []byte](u T) string {
	i := 0
	for i < len(u) && u[i] <= ' ' {
		i++
	}
	var scheme [10]byte // "javascript" is the longest
	n := 0
	for ; i < len(u) && u[i] != ':'; i++ {
		c := u[i]
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			continue
		case n == len(scheme):
			return ""
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		scheme[n] = c
		n++
	}
	if i == len(u) {
		return ""
	}
	switch string(scheme[:n]) {
	case "javascript":
		return "javascript"
	case "vbscript":
		return "vbscript"
	case "file":
		return "file"
	case "data":
		var typ [11]byte // "image/jpeg;"
		m := 0
		for i++; i < len(u) && m < len(typ); i++ {
			c := u[i]
			switch {
			case c == '\t' || c == '\n' || c == '\r':
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			typ[m] = c
			m++
		}
		switch t := string(typ[:m]); {
		case strings.HasPrefix(t, "image/png;"), strings.HasPrefix(t, "image/gif;"),
			strings.HasPrefix(t, "image/jpeg;"), strings.HasPrefix(t, "image/webp;"):
			return ""
		}
		return "data"
	}
	return ""
}

// anchor writes an empty span that carries an extra ID.
func (r *nodeRenderer) anchor(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<span id="`)
		w.Write(util.EscapeHTML([]byte(node.(*anchor).id)))
		w.WriteString(`"></span>`)
	}
	return ast.WalkSkipChildren, nil
}

// rawHTML shows inline HTML as text; comments (kb-lint directives among them) vanish.
func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var raw []byte
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		raw = append(raw, seg.Value(src)...)
	}
	if !bytes.HasPrefix(raw, []byte("<!--")) {
		w.Write(util.EscapeHTML(raw))
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	if n.HTMLBlockType == ast.HTMLBlockType2 {
		return ast.WalkContinue, nil // a comment
	}
	var raw []byte
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		raw = append(raw, seg.Value(src)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(src)...)
	}
	w.WriteString("<p>")
	w.Write(util.EscapeHTML(bytes.TrimRight(raw, "\n")))
	w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

// codeWrapper writes the element around a highlighted code block.
func codeWrapper(w util.BufWriter, c highlighting.CodeBlockContext, entering bool) {
	if !entering {
		w.WriteString("</code></pre>\n")
		return
	}
	lang, ok := c.Language()
	if ok && len(lang) > 0 {
		w.WriteString(`<pre class="chroma" tabindex="0" data-lang="`)
		w.Write(util.EscapeHTML(lang))
		w.WriteString(`"><code class="language-`)
		w.Write(util.EscapeHTML(lang))
		w.WriteString(`">`)
		return
	}
	w.WriteString(`<pre class="chroma" tabindex="0"><code>`)
}
