package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// scratch is memory extract reuses from block to block and page to page:
// a block's text and spans are built in it and copied out at their size.
type scratch struct {
	buf    []byte
	spans  []Span
	blocks []Block
	// headings and contents are the headings met and their text as shown.
	headings []*ast.Heading
	contents []string
	// raws are the raw HTML nodes met; rawLinks says their links count,
	// rawIDs that their IDs are the page's as written (HTMLUnsafe).
	raws             []ast.Node
	rawLinks, rawIDs bool
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// extract walks a parsed document once: it sets heading IDs and fills d.
func (cv *Converter) extract(doc ast.Node, src []byte, d *Document) {
	sc := scratchPool.Get().(*scratch)
	sc.raws = sc.raws[:0]
	sc.rawLinks, sc.rawIDs = cv.opts.HTML != HTMLEscape, cv.opts.HTML == HTMLUnsafe
	d.Blocks = sc.blocks[:0] // grown in the scratch, copied out at its size
	defer func() {
		sc.blocks = d.Blocks
		d.Blocks = nil
		if len(sc.blocks) > 0 {
			d.Blocks = slices.Clone(sc.blocks)
		}
		clear(sc.blocks) // keep no page's text alive
		sc.blocks = sc.blocks[:0]
		clear(sc.raws)
		sc.raws = sc.raws[:0]
		clear(sc.headings)
		clear(sc.contents)
		scratchPool.Put(sc)
	}()
	ids := newIDs(HeadingSlug)
	headings, contents := sc.headings[:0], sc.contents[:0] // each heading's text as shown
	var boldQs []boldQ
	section := -1
	tables := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			b := inlineBlock(n, src, d, HeadingText, sc)
			// The ID and the displayed text include code spans; the prose
			// block does not. The ID comes from the text as the HTML shows
			// it (textContent), exactly as GitHub makes it.
			content := headingText(n, src)
			id := ids.generate(content)
			n.SetAttributeString("id", []byte(id))
			headings, contents = append(headings, n), append(contents, content)
			d.Headings = append(d.Headings, Heading{Level: n.Level, Text: strings.Join(strings.Fields(content), " "), ID: id, Offset: blockOffset(n)})
			section = len(d.Headings) - 1
			b.Section = section
			d.addBlock(b)
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			b := inlineBlock(n, src, d, Paragraph, sc)
			b.Section = section
			b.InList = inList(n)
			if q, ok := boldQuestion(n, src, &b); ok && strings.TrimSpace(b.Text) != "" {
				q.block = len(d.Blocks)
				boldQs = append(boldQs, q)
			}
			d.addBlock(b)
			return ast.WalkSkipChildren, nil
		case *east.Table:
			tables++
			n.SetAttributeString("aria-label", []byte(fmt.Sprintf("Table %d", tables)))
		case *east.TableCell:
			b := inlineBlock(n, src, d, TableCell, sc)
			b.Section = section
			d.addBlock(b)
			return ast.WalkSkipChildren, nil
		case *ast.List:
			d.Lists = append(d.Lists, List{Ordered: n.IsOrdered(), Items: n.ChildCount(), Offset: blockOffset(n), Section: section})
		case *ast.HTMLBlock:
			raw, segs := rawBytes(n, src)
			d.addDirectives(raw, blockOffset(n))
			sc.raw(n, raw, segs, d)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				d.addCode(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if len(d.code) > 0 {
		d.Code, d.code = string(d.code), nil
	}
	// FAQ questions written as bold paragraphs take IDs after the
	// headings, which so keep GitHub's.
	for _, q := range boldQs {
		q.id = ids.generate(q.text)
		q.node.SetAttributeString("id", []byte(q.id))
		q.node = nil // the document keeps no node of the parse
		d.IDs = append(d.IDs, q.id)
		d.boldQs = append(d.boldQs, q)
	}
	oldHeadingIDs(headings, contents, src, d, ids.used)
	sc.headings, sc.contents = headings, contents
	if cv.sanitizer != nil && len(sc.raws) > 0 {
		cv.sanitizer.sanitize(sc.raws, src, d, ids.used)
	}
}

// raw notes a raw HTML node: its links and images are the page's (unless
// raw HTML is shown as text), and the sanitizer needs it.
func (sc *scratch) raw(n ast.Node, raw []byte, segs []text.Segment, d *Document) {
	sc.raws = append(sc.raws, n)
	if sc.rawLinks {
		rawLinks(raw, segs, d, sc.rawIDs)
	}
}

// oldHeadingIDs gives each heading whose ID kb made differently before it
// matched GitHub (Slug, not HeadingSlug) that old ID as an extra anchor, so
// that links written against it keep working: an empty <span id> at the
// start of the heading. An old ID some element of the page now has is left
// out. Most pages' headings give the same slug both ways, and then the old
// IDs are the new ones: nothing to do.
func oldHeadingIDs(headings []*ast.Heading, contents []string, src []byte, d *Document, used map[string]bool) {
	var olds []string // the old text of each heading, once one differs
	for i, n := range headings {
		text, simple := d.Headings[i].Text, plainHeading(n, src)
		if !simple {
			text = strings.Join(strings.Fields(plainText(n, src)), " ")
		}
		if olds == nil && (!simple || !slugsAgree(contents[i])) {
			olds = make([]string, i, len(headings))
			for j := range i {
				olds[j] = d.Headings[j].Text // the same IDs as now
			}
		}
		if olds != nil {
			olds = append(olds, text)
		}
	}
	if olds == nil {
		return
	}
	old := newIDs(Slug)
	for i, n := range headings {
		id := old.generate(olds[i])
		if id == d.Headings[i].ID || used[id] {
			continue
		}
		used[id] = true
		d.Headings[i].OldID = id
		n.InsertBefore(n, n.FirstChild(), &anchor{id: id})
	}
}

// plainHeading reports whether a heading is plain text (with emphasis,
// code and links), without the entities, escapes, images, autolinks, raw
// HTML or line breaks that make its old text differ from the one shown.
func plainHeading(n ast.Node, src []byte) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			if v := c.Segment.Value(src); c.SoftLineBreak() || c.HardLineBreak() || bytes.IndexByte(v, '&') >= 0 || bytes.IndexByte(v, '\\') >= 0 {
				return false
			}
		case *ast.CodeSpan, *ast.Emphasis, *ast.Link:
			if !plainHeading(c, src) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// addCode adds a code span or a line of a code block to Code.
func (d *Document) addCode(v []byte) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return
	}
	if len(d.code) > 0 {
		d.code = append(d.code, '\n')
	}
	d.code = append(d.code, v...)
}

func (d *Document) addBlock(b Block) {
	if b.Kind != HeadingText && b.Kind != TableCell {
		d.Words += countWords(b.Text)
	}
	if strings.TrimSpace(b.Text) == "" && b.Kind != HeadingText {
		return
	}
	d.Blocks = append(d.Blocks, b)
}

func inList(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.ListItem); ok {
			return true
		}
	}
	return false
}

// blockOffset is where a block's first line starts in the source.
func blockOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if p := n.Pos(); p >= 0 {
		return p
	}
	for c := n.FirstChild(); c != nil; c = c.FirstChild() {
		if o := blockOffset(c); o >= 0 {
			return o
		}
	}
	return -1
}

// inlineBlock collects the prose text of a block's inline children, and
// records its links, images and directives on the way.
func inlineBlock(n ast.Node, src []byte, d *Document, kind BlockKind, sc *scratch) Block {
	b := Block{Kind: kind, Section: -1}
	buf, spans := sc.buf[:0], sc.spans[:0]
	var inserts []Insert
	space := func() {
		if len(buf) > 0 && buf[len(buf)-1] != ' ' {
			buf = append(buf, ' ')
		}
	}
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				seg := c.Segment
				v := seg.Value(src)
				spans = append(spans, Span{At: len(buf), Offset: seg.Start, Len: len(v)})
				buf = append(buf, v...)
				if c.SoftLineBreak() || c.HardLineBreak() {
					space()
				}
			case *ast.String:
				buf = append(buf, c.Value...)
			case *ast.CodeSpan:
				// Code is not prose: leave it out, but keep words apart.
				var code []byte
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if t, ok := t.(*ast.Text); ok {
						code = append(code, t.Segment.Value(src)...)
					}
				}
				if v := strings.TrimSpace(string(code)); v != "" {
					inserts = append(inserts, Insert{At: len(buf), Text: v})
				}
				space()
				d.addCode(code)
			case *ast.AutoLink:
				url := string(c.URL(src))
				if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
					url = "mailto:" + url
				}
				off := c.Pos()
				d.Links = append(d.Links, Link{Dest: url, URL: url, Text: string(c.Label(src)), Offset: off, DestOffset: off})
				if v := strings.TrimSpace(string(c.Label(src))); v != "" {
					inserts = append(inserts, Insert{At: len(buf), Text: v})
				}
				space()
			case *ast.Link:
				start := len(buf)
				walk(c)
				dest, url := linkURL(c.Destination)
				d.Links = append(d.Links, Link{Dest: dest, URL: url, Text: strings.TrimSpace(string(buf[start:])), Offset: c.Pos(), DestOffset: destOffset(src, c.Pos(), c.Reference, c.Destination)})
			case *ast.Image:
				alt := plainText(c, src)
				dest, url := linkURL(c.Destination)
				d.Links = append(d.Links, Link{Dest: dest, URL: url, Text: alt, Image: true, Offset: c.Pos(), DestOffset: destOffset(src, c.Pos(), c.Reference, c.Destination)})
				space()
			case *ast.RawHTML:
				raw, segs := rawBytes(c, src)
				off := -1
				if len(segs) > 0 {
					off = segs[0].Start
				}
				d.addDirectives(raw, off)
				sc.raw(c, raw, segs, d)
			case *east.FootnoteLink, *east.FootnoteBacklink:
				// a reference mark, not words
			default:
				walk(c)
			}
		}
	}
	walk(n)
	b.Text = string(buf)
	if len(spans) > 0 {
		b.Spans = slices.Clone(spans)
	}
	b.Inserts = inserts
	sc.buf, sc.spans = buf, spans
	return b
}

// linkURL returns a link's destination as written and as the href has it
// (resolveRefs).
func linkURL(dest []byte) (written, url string) {
	written = string(dest)
	if r := resolveRefs(dest); !bytes.Equal(r, dest) {
		return written, string(r)
	}
	return written, written
}

// resolveRefs resolves a destination's backslash escapes and character
// references, in the order goldmark's renderer resolves them
// (util.URLEscape) before it percent-encodes; it returns dest itself when
// there are none.
func resolveRefs(dest []byte) []byte {
	if bytes.IndexByte(dest, '\\') < 0 && bytes.IndexByte(dest, '&') < 0 {
		return dest
	}
	v := util.UnescapePunctuations(dest)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// destOffset finds where a link destination is written after the link's start.
func destOffset(src []byte, pos int, ref *ast.ReferenceLink, dest []byte) int {
	// A reference link's destination is in its definition, elsewhere: the
	// search below would find the next inline link's "](" instead.
	if ref != nil || pos < 0 || pos >= len(src) || len(dest) == 0 {
		return -1
	}
	rest := src[pos:]
	i := bytes.Index(rest, []byte("]("))
	if i < 0 {
		return -1
	}
	j := bytes.Index(rest[i:], dest)
	if j < 0 || j > len(dest)+64 {
		return -1
	}
	return pos + i + j
}

// headingText is a heading's text as its HTML element's textContent has
// it, which GitHub makes the ID from: entities and backslash escapes
// resolved, code spans and link text kept, tags and images left out, a
// line break as a newline.
func headingText(n ast.Node, src []byte) string {
	var buf []byte
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Segment.Value(src)
				if !c.IsRaw() {
					v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
				}
				buf = append(buf, v...)
				if c.SoftLineBreak() || c.HardLineBreak() {
					buf = append(buf, '\n')
				}
			case *ast.String:
				buf = append(buf, c.Value...)
			case *ast.AutoLink:
				buf = append(buf, c.Label(src)...)
			case *ast.Image, *ast.RawHTML, *east.FootnoteLink, *east.FootnoteBacklink:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return string(buf)
}

// plainText is the text of a node's inline children, markup removed.
func plainText(n ast.Node, src []byte) string {
	var buf []byte
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				buf = append(buf, c.Segment.Value(src)...)
				if c.SoftLineBreak() || c.HardLineBreak() {
					buf = append(buf, ' ')
				}
			case *ast.String:
				buf = append(buf, c.Value...)
			case *ast.CodeSpan:
				buf = append(buf, plainText(c, src)...)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return string(buf)
}

var directiveRE = regexp.MustCompile(`<!--\s*kb-lint-(disable-next-line|disable|enable)\b([^>]*?)-->`)

func (d *Document) addDirectives(raw []byte, off int) {
	for _, m := range directiveRE.FindAllSubmatchIndex(raw, -1) {
		dir := Directive{Kind: string(raw[m[2]:m[3]]), Offset: -1}
		if off >= 0 {
			dir.Offset = off + m[0]
		}
		for _, r := range strings.FieldsFunc(string(raw[m[4]:m[5]]), func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			dir.Rules = append(dir.Rules, r)
		}
		d.Directives = append(d.Directives, dir)
	}
}

// countWords counts runs of letters and digits (with inner apostrophes and hyphens).
func countWords(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); {
		var r rune
		if c := s[i]; c < utf8.RuneSelf {
			r = rune(c)
			i++
			if asciiWord[c] {
				if !in {
					n++
					in = true
				}
				for i < len(s) && s[i] < utf8.RuneSelf && asciiWord[s[i]] {
					i++ // the rest of an ASCII word at once
				}
				continue
			}
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			i += size
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if !in {
					n++
					in = true
				}
				continue
			}
		}
		if in && (r == '\'' || r == '’' || r == '-') && i < len(s) {
			next, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				continue
			}
		}
		in = false
	}
	return n
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))
	}
	return t
}()
