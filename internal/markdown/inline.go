package markdown

import (
	"sort"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark's inline parser does, for some shapes of input, work quadratic
// in the size of a paragraph or a line. What kb has measured (each 64 KB
// of one shape repeated; 8 MB, the default limits.max_file_bytes, is
// 16,000 times as much work):
//
//   - "[a](<b", "[a](b": at every "](" the link destination is read to
//     the end of the line when it never ends (0.3-1.5 s);
//   - "[a]" or "[^a]" on each line of one paragraph: at every "]" the
//     bracketed text is looked up among all the paragraph's lines
//     (blockReader.Value; 0.1-0.2 s);
//   - "[[[…]]]": at every "]" the nodes inside are searched for a link;
//   - "**a_": every * or _ is compared with those before it (0.9 s);
//   - many footnote references and definitions: each reference is looked
//     for among all the definitions.
//
// goldmark cannot be stopped while it parses, so kb counts that work
// before goldmark does it, at each call of its link, footnote and
// emphasis parsers (inlineLimit), against maxInlineWork per page. Past
// it, those parsers are not called again (the rest of the page is cheap)
// and the page is an error, an *InlineError, naming the paragraph.

// InlineError says that a page's links, footnotes or emphasis would take
// goldmark too long to parse. Offset is where the block it gave up in
// begins, in the source.
type InlineError struct {
	Offset int
}

func (e *InlineError) Error() string {
	return "this paragraph's brackets, links or emphasis would take minutes to parse, " +
		"and kb stopped (it allows a page about a second of such work); " +
		"look for links that are never closed, like \"[a](<b\" repeated, or thousands of [ ] * _ in one paragraph: " +
		"close the links, put logs and code in a fenced code block (```), or split the paragraph with blank lines"
}

// inlineWork is what a page's inline parsing has left of maxInlineWork.
type inlineWork struct {
	left int
	// over is the block being parsed when the work ran out, or nil.
	over ast.Node
	// footnotes is the number of footnote definitions of the page.
	footnotes int

	// What the block being parsed holds so far: emphasis delimiter runs,
	// calls of the link parser, and the calls that opened a "[" not
	// closed yet.
	block  ast.Node
	delims int
	calls  int
	labels []int
	// lookup is the work of looking up, as a reference, what the last
	// call closed: goldmark searches the block's lines from the last.
	lookup int
}

var inlineWorkKey = parser.NewContextKey()

// newInlineWork returns a parser context carrying a page's budget.
func newInlineWork(budget int) (parser.Context, *inlineWork) {
	pc := parser.NewContext()
	w := &inlineWork{left: budget}
	pc.Set(inlineWorkKey, w)
	return pc, w
}

// err is the InlineError of a page whose work ran out, or nil.
func (w *inlineWork) err() error {
	if w.over == nil {
		return nil
	}
	off := 0
	if l := w.over.Lines(); l.Len() > 0 {
		off = l.At(0).Start
	}
	return &InlineError{Offset: off}
}

// in starts the counts of a block.
func (w *inlineWork) in(block ast.Node) {
	if w.block != block {
		w.block, w.delims, w.calls, w.labels = block, 0, 0, w.labels[:0]
	}
}

// inlineLimit is one of goldmark's inline parsers with its work counted:
// before, what it is about to do; after, what it did that costs little at
// once (at most the block's lines) or later (a delimiter to be matched
// with the others).
type inlineLimit struct {
	parser.InlineParser
	before func(w *inlineWork, parent ast.Node, block text.Reader) int
	after  func(w *inlineWork, parent, n ast.Node) int
}

func (p inlineLimit) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	w, _ := pc.Get(inlineWorkKey).(*inlineWork)
	if w == nil {
		return p.InlineParser.Parse(parent, block, pc)
	}
	if w.over != nil {
		return nil
	}
	if p.before != nil {
		if w.left -= p.before(w, parent, block); w.left < 0 {
			w.over = parent
			return nil
		}
	}
	n := p.InlineParser.Parse(parent, block, pc)
	if p.after != nil {
		if w.left -= p.after(w, parent, n); w.left < 0 {
			w.over = parent
		}
	}
	return n
}

// CloseBlock lets the link parser turn the brackets left open at the end
// of a block into text.
func (p inlineLimit) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if c, ok := p.InlineParser.(parser.CloseBlocker); ok {
		c.CloseBlock(parent, block, pc)
	}
}

// emphasisWork counts a delimiter run of * or _ as the runs before it in
// its block: goldmark (ProcessDelimiters) compares it with each when
// none matches.
func emphasisWork(w *inlineWork, parent, n ast.Node) int {
	if _, ok := n.(*parser.Delimiter); !ok {
		return 0
	}
	w.in(parent)
	w.delims++
	return w.delims
}

// linkWork counts what goldmark's link parser does at a "[" (little) and
// at a "]" that closes one: it searches the nodes since the "[" for a link
// (containsLink) and reads what follows: a destination, a title, a
// reference label. That reading is done here as goldmark does it, and
// stops once the work left is spent: it costs no more than goldmark's.
// When no link came of it, linkLookup counts the rest.
func linkWork(w *inlineWork, parent ast.Node, block text.Reader) int {
	w.in(parent)
	w.calls++
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return 1
	}
	switch {
	case line[0] == '[', line[0] == '!' && len(line) > 1 && line[1] == '[':
		w.labels = append(w.labels, w.calls)
		return 1
	case line[0] != ']' || len(w.labels) == 0:
		return 1
	}
	opened := w.labels[len(w.labels)-1]
	w.labels = w.labels[:len(w.labels)-1]
	lines := parent.Lines()
	w.lookup = lines.Len() - lineOf(lines, seg.Start)
	cost := w.calls - opened
	if len(line) < 2 {
		return cost
	}
	src := block.Source()
	switch line[1] {
	case '[': // a reference label, read up to its "]" (FindClosure)
		return cost + closureWork(src, lines, seg.Start+2, '[', ']', w.left-cost)
	case '(':
	default:
		return cost
	}
	i := 2
	for i < len(line) && util.IsSpace(line[i]) {
		i++
	}
	if i < len(line) && line[i] == ')' {
		return cost
	}
	// The destination (parseLinkDestination): up to its ">", or up to a
	// space or an unbalanced ")", then read again as the reader advances.
	start, ok := i, false
	if i < len(line) && line[i] == '<' {
		for i++; i < len(line); i++ {
			if line[i] == '\\' && i < len(line)-1 && util.IsPunct(line[i+1]) {
				i++
			} else if line[i] == '>' {
				i++
				ok = true
				break
			}
		}
		cost += i - start
	} else {
		opened := 0
	scan:
		for ; i < len(line); i++ {
			switch c := line[i]; {
			case c == '\\' && i < len(line)-1 && util.IsPunct(line[i+1]):
				i++
			case c == '(':
				opened++
			case c == ')':
				if opened--; opened < 0 {
					break scan
				}
			case util.IsSpace(c):
				break scan
			}
		}
		ok = i > start
		cost += 2 * (i - start)
	}
	if !ok {
		return cost
	}
	// A title follows when, after spaces (on this line or the next ones),
	// comes a quote or "(" (parseLinkTitle); it is read up to its end.
	pos := seg.Start + i
	for li := lineOf(lines, pos); li < lines.Len(); li++ {
		l := lines.At(li)
		for pos = max(pos, l.Start); pos < l.Stop && util.IsSpace(src[pos]); pos++ {
		}
		if pos == l.Stop {
			continue
		}
		switch c := src[pos]; c {
		case '"', '\'':
			cost += closureWork(src, lines, pos+1, c, c, w.left-cost)
		case '(':
			cost += closureWork(src, lines, pos+1, '(', ')', w.left-cost)
		}
		break
	}
	return cost
}

// linkLookup counts, after a "]" that closed a "[" but made no link, the
// look-up of the bracketed text as a reference (blockReader.Value, which
// finds its line searching back from the block's last).
func linkLookup(w *inlineWork, _, n ast.Node) int {
	cost := w.lookup
	w.lookup = 0
	if _, ok := n.(*ast.Link); ok {
		return 0
	}
	return cost
}

// closureWork is the bytes and lines goldmark's FindClosure reads from pos
// to the first unescaped opener or closer, or to the end of the block's
// lines; it stops counting past limit.
func closureWork(src []byte, lines *text.Segments, pos int, opener, closer byte, limit int) int {
	n := 0
	for li := lineOf(lines, pos); li < lines.Len() && n <= limit; li++ {
		l := lines.At(li)
		n++
		for pos = max(pos, l.Start); pos < l.Stop; pos++ {
			n++
			c := src[pos]
			if c == '\\' && pos < l.Stop-1 && util.IsPunct(src[pos+1]) {
				pos++
			} else if c == closer || c == opener {
				return n
			}
		}
	}
	return n
}

// lineOf is the index of the line of a block that holds pos.
func lineOf(lines *text.Segments, pos int) int {
	return sort.Search(lines.Len(), func(i int) bool { return lines.At(i).Stop > pos })
}

// limitedFootnote is goldmark's footnote extension (extension.Footnote)
// with its work counted: a reference ("[^1]") is looked up among the
// block's lines and then among every definition of the page.
type limitedFootnote struct{}

func (limitedFootnote) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(footnoteCount{extension.NewFootnoteBlockParser()}, 999)),
		parser.WithInlineParsers(util.Prioritized(inlineLimit{InlineParser: extension.NewFootnoteParser(), before: footnoteWork}, 101)),
		parser.WithASTTransformers(util.Prioritized(extension.NewFootnoteASTTransformer(), 999)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500)))
}

func footnoteWork(w *inlineWork, parent ast.Node, block text.Reader) int {
	if line, _ := block.PeekLine(); len(line) < 2 || line[1] != '^' && (line[0] != '!' || len(line) < 3 || line[2] != '^') {
		return 1 // not a footnote reference: the parser gives up at once
	}
	// A definition costs a comparison and a step along a list, four
	// times a byte read.
	return parent.Lines().Len() + 4*w.footnotes
}

// footnoteCount is the footnote definition parser, counting definitions.
type footnoteCount struct {
	parser.BlockParser
}

func (p footnoteCount) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	n, st := p.BlockParser.Open(parent, reader, pc)
	if w, _ := pc.Get(inlineWorkKey).(*inlineWork); n != nil && w != nil {
		w.footnotes++
	}
	return n, st
}
