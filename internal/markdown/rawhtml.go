package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML in Markdown (site.yaml markdown.html) is one of:
//
//	escape    shown as text; comments dropped
//	sanitize  (the default) kept as far as an allowlist allows: the tags
//	          documentation uses (br, kbd, sup/sub, details/summary, tables,
//	          img with alt, div/span with class, …) with safe attributes;
//	          scripts, styles, forms, event handlers and script URLs are
//	          dropped, and iframes are kept only from the hosts of
//	          markdown.embeds
//	unsafe    passed through as written
//
// Sanitizing runs on each raw fragment with bluemonday, then on the
// fragments of each Markdown container together with x/net/html's parser,
// which closes what they leave open and drops stray end tags, so raw HTML
// cannot close or break the elements kb and the layouts write around it
// (a <details> in one HTML block and its </details> in a later one still
// wrap the Markdown between them).
const (
	HTMLEscape   = "escape"
	HTMLSanitize = "sanitize"
	HTMLUnsafe   = "unsafe"
)

// HTMLModes lists the values of markdown.html.
var HTMLModes = []string{HTMLEscape, HTMLSanitize, HTMLUnsafe}

// Kept reports whether markdown.html: sanitize keeps an HTML element (by
// its lowercase name) in a raw HTML block; its attributes are still
// filtered. An iframe is kept only from a markdown.embeds host, so it is
// not counted here.
func Kept(element string) bool {
	return element == "a" || element == "img" || slices.Contains(phrasing, element) || slices.Contains(block, element)
}

// sanitizer holds the policies of a Converter in sanitize mode. bluemonday
// policies are safe for concurrent use once built.
type sanitizer struct {
	block, inline *bluemonday.Policy
	basePath      string
}

var (
	classAttr  = regexp.MustCompile(`^[\p{L}\p{N}_ -]{1,200}$`)
	idAttr     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_:.-]{0,99}$`)
	number     = regexp.MustCompile(`^[0-9]{1,5}%?$`)
	dateTime   = regexp.MustCompile(`^[0-9T:+.\- Z]{1,40}$`)
	iframeList = regexp.MustCompile(`^[a-z; =*'()-]{0,300}$`)
	langAttr   = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)
)

// phrasing are the inline elements both policies allow; block the ones
// only raw HTML blocks may use.
var (
	phrasing = []string{"abbr", "b", "bdi", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
		"kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}
	block = []string{"p", "div", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot",
		"tr", "th", "td", "details", "summary", "figure", "figcaption"}
)

func newSanitizer(opts Options) *sanitizer {
	return &sanitizer{block: newPolicy(false, opts.Embeds), inline: newPolicy(true, opts.Embeds), basePath: opts.BasePath}
}

// newPolicy is the allowlist; inline leaves out block elements, which a
// paragraph cannot hold.
func newPolicy(inline bool, embeds []string) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowAttrs("class").Matching(classAttr).Globally()
	p.AllowAttrs("id").Matching(idAttr).Globally()
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(langAttr).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowElements(phrasing...)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("name").Matching(idAttr).OnElements("a") // old-style anchors become ids
	p.AllowNoAttrs().OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(number).OnElements("img")
	p.AllowAttrs("cite").OnElements("q", "del", "ins", "blockquote")
	p.AllowAttrs("datetime").Matching(dateTime).OnElements("time", "del", "ins")
	p.AllowAttrs("value").OnElements("data")
	if !inline {
		p.AllowElements(block...)
		p.AllowAttrs("start").Matching(number).OnElements("ol")
		p.AllowAttrs("reversed").OnElements("ol")
		p.AllowAttrs("value").Matching(number).OnElements("li")
		p.AllowAttrs("colspan", "rowspan").Matching(number).OnElements("td", "th")
		p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
		p.AllowAttrs("span").Matching(number).OnElements("col", "colgroup")
		p.AllowAttrs("open").OnElements("details")
	}
	if len(embeds) > 0 {
		hosts := make([]string, len(embeds))
		for i, h := range embeds {
			hosts[i] = regexp.QuoteMeta(strings.ToLower(h))
		}
		p.AllowAttrs("src").Matching(regexp.MustCompile(`^(?i)https://(?:` + strings.Join(hosts, "|") + `)(?:[/?#]|$)`)).OnElements("iframe")
		p.AllowAttrs("width", "height").Matching(number).OnElements("iframe")
		p.AllowAttrs("allow").Matching(iframeList).OnElements("iframe")
		p.AllowAttrs("allowfullscreen").OnElements("iframe")
		p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("iframe")
		p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^[a-z-]{1,40}$`)).OnElements("iframe")
	}
	return p
}

// EmbedOrigins returns the https origins of markdown.embeds hosts, for a
// Content-Security-Policy's frame-src.
func EmbedOrigins(embeds []string) []string {
	out := make([]string, 0, len(embeds))
	for _, h := range embeds {
		out = append(out, "https://"+strings.ToLower(h))
	}
	return out
}

// safeHTML is sanitized raw HTML in a paragraph; safeHTMLBlock between blocks.
type (
	safeHTML struct {
		ast.BaseInline
		html []byte
	}
	safeHTMLBlock struct {
		ast.BaseBlock
		html []byte
	}
)

var (
	kindSafeHTML      = ast.NewNodeKind("SafeHTML")
	kindSafeHTMLBlock = ast.NewNodeKind("SafeHTMLBlock")
)

func (n *safeHTML) Kind() ast.NodeKind      { return kindSafeHTML }
func (n *safeHTMLBlock) Kind() ast.NodeKind { return kindSafeHTMLBlock }
func (n *safeHTML) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}
func (n *safeHTMLBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

// rawBytes is the source of a raw HTML node, and the segments it comes
// from (more than one when it spans lines, or sits in a list or quote).
func rawBytes(n ast.Node, src []byte) ([]byte, []text.Segment) {
	var segs []text.Segment
	switch n := n.(type) {
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			segs = append(segs, n.Segments.At(i))
		}
	case *ast.HTMLBlock:
		for i := 0; i < n.Lines().Len(); i++ {
			segs = append(segs, n.Lines().At(i))
		}
		if n.HasClosure() {
			segs = append(segs, n.ClosureLine)
		}
	}
	var raw []byte
	for _, s := range segs {
		raw = append(raw, s.Value(src)...)
	}
	return raw, segs
}

// sourceOffset maps an offset into rawBytes' result to one in the source.
func sourceOffset(segs []text.Segment, off int) int {
	for _, s := range segs {
		if off < s.Len() {
			return s.Start + off
		}
		off -= s.Len()
	}
	if len(segs) > 0 {
		return segs[len(segs)-1].Stop
	}
	return -1
}

var attrValue = regexp.MustCompile(`(?i)[\s/](href|src)\s*=\s*["']?`)

// rawLinks records the links (a href) and images (img src, alt) of a raw
// HTML fragment, and the IDs its elements carry, as written.
func rawLinks(raw []byte, segs []text.Segment, d *Document, ids bool) {
	if !bytes.ContainsAny(raw, "<") {
		return
	}
	z := html.NewTokenizer(bytes.NewReader(raw))
	pos := 0
	var link *Link // the <a> whose text is being read
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		rawTok := z.Raw()
		start := pos
		pos += len(rawTok)
		switch tt {
		case html.TextToken:
			if link != nil {
				link.Text += string(z.Text())
			}
			continue
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && link != nil {
				link.Text = strings.Join(strings.Fields(link.Text), " ")
				link = nil
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		attrs := map[string]string{}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			if _, seen := attrs[string(k)]; !seen {
				attrs[string(k)] = string(v)
			}
		}
		if ids {
			if id := attrs["id"]; id != "" {
				d.IDs = append(d.IDs, id)
			} else if id := attrs["name"]; id != "" && string(name) == "a" {
				d.IDs = append(d.IDs, id)
			}
		}
		key, image := "", false
		switch string(name) {
		case "a":
			key = "href"
		case "img":
			key, image = "src", true
		}
		dest, ok := attrs[key]
		if key == "" || !ok {
			continue
		}
		// the HTML parser has resolved character references already
		l := Link{Dest: strings.TrimSpace(dest), URL: strings.TrimSpace(dest), Image: image, Offset: sourceOffset(segs, start), DestOffset: -1, End: sourceOffset(segs, pos)}
		if image {
			alt, hasAlt := attrs["alt"]
			l.Text = alt
			if !hasAlt {
				l.Text = ""
			}
		}
		for _, m := range attrValue.FindAllSubmatchIndex(rawTok, -1) {
			if strings.EqualFold(string(rawTok[m[2]:m[3]]), key) {
				l.DestOffset = sourceOffset(segs, start+m[1])
				break
			}
		}
		d.Links = append(d.Links, l)
		if !image && tt == html.StartTagToken {
			link = &d.Links[len(d.Links)-1]
		}
	}
}

// sanitize replaces the raw HTML nodes of a document with sanitized HTML,
// container by container; used holds the IDs the page has already, and
// gets the raw HTML's.
func (s *sanitizer) sanitize(raws []ast.Node, src []byte, d *Document, used map[string]bool) {
	var parents []ast.Node
	seen := map[ast.Node]bool{}
	for _, n := range raws {
		if p := n.Parent(); p != nil && !seen[p] {
			seen[p] = true
			parents = append(parents, p)
		}
	}
	for _, p := range parents {
		s.container(p, src, d, used)
	}
}

// A slot stands for a Markdown child between raw HTML fragments: a block
// element among blocks, so that the parser closes a raw <p> before it as
// it would before the <p> or <ul> the child is; a span among inlines. The
// sanitizer drops data- attributes, so raw HTML cannot forge one. Written
// out, a slot is a NUL, which the parser never leaves in text.
const (
	blockSlot  = `<div data-kb-slot=""></div>`
	inlineSlot = `<span data-kb-slot=""></span>`
	slotMark   = "\x00"
)

func isRaw(n ast.Node) bool {
	switch n.(type) {
	case *ast.RawHTML, *ast.HTMLBlock:
		return true
	}
	return false
}

// container sanitizes the raw HTML children of one node together, so that
// an element opened in one fragment and closed in a later one wraps the
// Markdown between them, and nothing stays open past the container.
func (s *sanitizer) container(parent ast.Node, src []byte, d *Document, used map[string]bool) {
	var joined bytes.Buffer
	var others, raws []ast.Node
	inline := false // among inlines (raw HTML in a paragraph) or blocks
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.RawHTML); ok {
			inline = true
		}
	}
	policy, slot := s.block, blockSlot
	if inline {
		policy, slot = s.inline, inlineSlot
	}
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		if !isRaw(c) {
			others = append(others, c)
			joined.WriteString(slot)
			continue
		}
		raws = append(raws, c)
		raw, _ := rawBytes(c, src)
		joined.Write(policy.SanitizeBytes(raw))
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	if inline {
		ctx = &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span}
	}
	var pieces []string
	if nodes, err := html.ParseFragment(&joined, ctx); err == nil {
		root := &html.Node{Type: html.ElementNode, Data: ctx.Data, DataAtom: ctx.DataAtom}
		for _, n := range nodes {
			root.AppendChild(n)
		}
		s.tidy(root, d, used)
		var out strings.Builder
		for c := root.FirstChild; c != nil; c = c.NextSibling {
			writeNode(&out, c)
		}
		pieces = strings.Split(out.String(), slotMark)
	}
	if len(pieces) != len(others)+1 {
		// The parser moved a Markdown child out of order: show the raw HTML as text.
		pieces = nil
	}
	for k, piece := range pieces {
		if !inline {
			piece = strings.TrimRight(piece, "\n") // the renderer ends a block with one
		}
		if piece == "" {
			continue
		}
		n := safeNode(piece, inline)
		if k < len(others) {
			parent.InsertBefore(parent, others[k], n)
		} else {
			parent.AppendChild(parent, n)
		}
	}
	if pieces == nil {
		for _, c := range raws {
			raw, _ := rawBytes(c, src)
			escaped := string(util.EscapeHTML(raw))
			if _, ok := c.(*ast.HTMLBlock); ok {
				escaped = "<p>" + strings.TrimRight(escaped, "\n") + "</p>"
			}
			parent.InsertBefore(parent, c, safeNode(escaped, c.Type() == ast.TypeInline))
		}
	}
	for _, c := range raws {
		parent.RemoveChild(parent, c)
	}
}

func safeNode(h string, inline bool) ast.Node {
	if inline {
		return &safeHTML{html: []byte(h)}
	}
	return &safeHTMLBlock{html: []byte(h)}
}

// tidy fixes up sanitized elements: iframes and images without a source go;
// list items outside a list and parts outside their parent are unwrapped;
// <a name> becomes an id; IDs already on the page, or the layouts', are
// dropped; root-relative links get the site's base path.
func (s *sanitizer) tidy(n *html.Node, d *Document, used map[string]bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type != html.ElementNode {
			c = next
			continue
		}
		switch c.Data {
		case "iframe", "img":
			if attr(c, "src") == "" {
				n.RemoveChild(c)
				c = next
				continue
			}
		case "li", "dt", "dd", "summary", "figcaption":
			if !hasParent(c, map[string][]string{"li": {"ul", "ol", "menu"}, "dt": {"dl"}, "dd": {"dl"},
				"summary": {"details"}, "figcaption": {"figure"}}[c.Data]) {
				s.tidy(c, d, used)
				for g := c.FirstChild; g != nil; {
					gn := g.NextSibling
					c.RemoveChild(g)
					n.InsertBefore(g, c)
					g = gn
				}
				n.RemoveChild(c)
				c = next
				continue
			}
		}
		if c.Data == "a" {
			if name := attr(c, "name"); name != "" && attr(c, "id") == "" {
				setAttr(c, "id", name)
			}
			delAttr(c, "name")
		}
		if id := attr(c, "id"); id != "" {
			if used[id] || Reserved(id) {
				delAttr(c, "id")
			} else {
				used[id] = true
				d.IDs = append(d.IDs, id)
			}
		}
		for _, k := range []string{"href", "src"} {
			if v := attr(c, k); s.basePath != "/" && len(v) > 1 && v[0] == '/' && v[1] != '/' {
				setAttr(c, k, strings.TrimSuffix(s.basePath, "/")+v)
			}
		}
		s.tidy(c, d, used)
		c = next
	}
}

func hasParent(n *html.Node, names []string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		for _, name := range names {
			if p.Type == html.ElementNode && p.Data == name {
				return true
			}
		}
	}
	return false
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, k, v string) {
	for i, a := range n.Attr {
		if a.Key == k && a.Namespace == "" {
			n.Attr[i].Val = v
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: k, Val: v})
}

func delAttr(n *html.Node, k string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != k || a.Namespace != "" {
			out = append(out, a)
		}
	}
	n.Attr = out
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// writeNode serializes a sanitized node as HTML5 (void elements without a
// slash, as kb writes its own).
func writeNode(w *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.WriteString(html.EscapeString(n.Data))
	case html.ElementNode:
		if (n.Data == "div" || n.Data == "span") && len(n.Attr) == 1 && n.Attr[0].Key == "data-kb-slot" {
			w.WriteString(slotMark)
			return
		}
		w.WriteByte('<')
		w.WriteString(n.Data)
		for _, a := range n.Attr {
			if a.Namespace != "" {
				continue
			}
			fmt.Fprintf(w, ` %s="%s"`, a.Key, html.EscapeString(a.Val))
		}
		w.WriteByte('>')
		if voidElements[n.Data] {
			return
		}
		if n.Data == "pre" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode && strings.HasPrefix(n.FirstChild.Data, "\n") {
			w.WriteByte('\n') // a leading newline of <pre> is dropped by parsers: keep the one written
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			writeNode(w, c)
		}
		w.WriteString("</")
		w.WriteString(n.Data)
		w.WriteByte('>')
	}
}
