package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// quickLinkify is GFM's autolinks (goldmark's extension.Linkify) with a
// cheap test in front. goldmark tries its linkify parser after every space
// of every paragraph and compares the word there with each URL prefix and
// scans it for an e-mail address: a quarter of the time kb lint spends
// parsing. A word that starts with none of h, f, w (http:, https:, ftp:,
// www.) and has no @ cannot become a link, so the parser is not asked;
// for every other word it decides as before. FuzzLinkify checks that the
// HTML is the same as with extension.Linkify.
type quickLinkify struct{}

func (quickLinkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(quickLinkifyParser{extension.NewLinkifyParser()}, 999),
	))
}

type quickLinkifyParser struct{ parser.InlineParser }

func (p quickLinkifyParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 {
		switch line[0] { // the trigger the linkify parser skips
		case ' ', '*', '_', '~', '(':
			line = line[1:]
		}
	}
	if !mayLink(line) {
		return nil
	}
	return p.InlineParser.Parse(parent, block, pc)
}

func (p quickLinkifyParser) CloseBlock(parent ast.Node, pc parser.Context) {
	if c, ok := p.InlineParser.(interface {
		CloseBlock(ast.Node, parser.Context)
	}); ok {
		c.CloseBlock(parent, pc)
	}
}

// mayLink reports whether the word at the start of line can begin an
// autolink: a URL or www. address, or an e-mail address (whose local part
// runs up to an @ without white space). goldmark reads a local part of at
// most 64 bytes (util.FindEmailIndex), so the @ is looked for no further:
// on a long line without spaces, looking to its end at every "(" took
// time quadratic in its length.
func mayLink(line []byte) bool {
	if len(line) == 0 {
		return true
	}
	switch line[0] {
	case 'h', 'f', 'w':
		return true
	}
	for _, c := range line[:min(len(line), maxEmailLocal+1)] {
		if c == '@' {
			return true
		}
		if c <= ' ' {
			return false
		}
	}
	return false
}

// maxEmailLocal is the longest local part of an e-mail address goldmark's
// linkify reads.
const maxEmailLocal = 64
