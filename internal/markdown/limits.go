package markdown

import (
	"bytes"
	"reflect"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Limits on the structure of a page. Writers paste content from anywhere,
// and some shapes of input cost goldmark or chroma time or memory far out of
// proportion to their size; past these limits kb renders the input as
// plain text instead, so that no file can stall a build:
//
//   - goldmark's block parser takes time quadratic in the nesting depth of
//     block quotes and lists (20,000 "- " on one line: seconds; 8 MB of
//     them: hours). Deeper than MaxNesting, a marker is text.
//   - a GFM table pads every row to the width of its delimiter row, so a
//     160 KB table of 20,000 columns renders 40 MB of HTML. A table wider
//     than MaxTableColumns stays a paragraph.
//   - chroma looks a code block's language up by matching it against the
//     file patterns of every lexer, in time quadratic in its length (a
//     1 KB language name: half a second). A language longer than
//     maxLanguage bytes is ignored.
//   - chroma highlights about 100 KB of Go a second. A code block over
//     maxHighlight bytes, and every block after a page has used
//     maxHighlightPage bytes, is shown without colours.
//
// And one limit is an error (InlineError, see inline.go): goldmark's
// inline parser takes time quadratic in the size of a paragraph for some
// shapes of brackets, links, footnotes and emphasis, none of them what a
// writer writes on purpose.
const (
	MaxNesting       = 32
	MaxTableColumns  = 128
	maxLanguage      = 32
	maxHighlight     = 32 << 10
	maxHighlightPage = 128 << 10
	// maxInlineWork is the work, in bytes read or nodes and lines looked
	// at, goldmark may spend on the links, footnotes and emphasis of one
	// page: at most about half a second. The pages of the sample site and
	// of a generated 10,000-page site spend at most 1,000; an unfenced
	// log of 10,000 lines with two [tags] each, 100 million.
	maxInlineWork = 1 << 27
)

// newParser is goldmark's default parser with the block quote and list
// parsers limited to MaxNesting.
func newParser() parser.Parser {
	limited := map[reflect.Type]bool{
		reflect.TypeOf(parser.NewBlockquoteParser()): true,
		reflect.TypeOf(parser.NewListParser()):       true,
	}
	var blocks []util.PrioritizedValue
	for _, v := range parser.DefaultBlockParsers() {
		if limited[reflect.TypeOf(v.Value)] {
			v.Value = nestingLimit{v.Value.(parser.BlockParser)}
		}
		blocks = append(blocks, v)
	}
	var inlines []util.PrioritizedValue
	for _, v := range parser.DefaultInlineParsers() {
		switch reflect.TypeOf(v.Value) {
		case reflect.TypeOf(parser.NewLinkParser()):
			v.Value = inlineLimit{InlineParser: v.Value.(parser.InlineParser), before: linkWork, after: linkLookup}
		case reflect.TypeOf(parser.NewEmphasisParser()):
			v.Value = inlineLimit{InlineParser: v.Value.(parser.InlineParser), after: emphasisWork}
		}
		inlines = append(inlines, v)
	}
	return parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// nestingLimit refuses to open a block quote or list inside MaxNesting others.
type nestingLimit struct {
	parser.BlockParser
}

func (p nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		if k := n.Kind(); k == ast.KindBlockquote || k == ast.KindList {
			depth++
		}
	}
	if depth >= MaxNesting {
		return nil, parser.NoChildren
	}
	return p.BlockParser.Open(parent, reader, pc)
}

// limitedTable is goldmark's GFM table extension with MaxTableColumns.
type limitedTable struct{}

func (limitedTable) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(tableLimit{extension.NewTableParagraphTransformer()}, 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewTableHTMLRenderer(), 500)))
}

// tableLimit leaves a paragraph alone when one of its lines is a delimiter
// row (only |, -, : and blanks) of more than MaxTableColumns cells.
type tableLimit struct {
	parser.ParagraphTransformer
}

func (t tableLimit) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line := bytes.TrimSpace(seg.Value(reader.Source()))
		if len(bytes.Trim(line, "|-: \t")) > 0 {
			continue // not a delimiter row
		}
		cells := bytes.Count(line, []byte("|")) + 1
		if bytes.HasPrefix(line, []byte("|")) {
			cells--
		}
		if len(line) > 1 && bytes.HasSuffix(line, []byte("|")) {
			cells--
		}
		if cells > MaxTableColumns {
			return
		}
	}
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// codeLimits keeps chroma away from code blocks it would take too long
// over; it runs after parsing, before the highlighter renders.
type codeLimits struct{}

func (codeLimits) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	budget := maxHighlightPage
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		c, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if c.Info != nil {
			// The language is the info string up to its first space (as
			// FencedCodeBlock.Language reads it, which caches it: not called here).
			info := c.Info.Segment.Value(src)
			if i := bytes.IndexByte(info, ' '); i >= 0 {
				info = info[:i]
			}
			if len(info) > maxLanguage {
				c.Info = nil // no language: no lexer lookup, plain code
			}
		}
		size := 0
		for i := 0; i < c.Lines().Len(); i++ {
			seg := c.Lines().At(i)
			size += seg.Len()
		}
		if size > maxHighlight || size > budget {
			c.SetAttributeString("nohl", true) // goldmark-highlighting's "do not highlight"
		} else if c.Info != nil {
			budget -= size
		}
		return ast.WalkSkipChildren, nil
	})
}
