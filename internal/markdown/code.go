package markdown

import (
	"bytes"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// highlighter is goldmark-highlighting with its work per code block done
// once per Converter: goldmark-highlighting makes a new chroma formatter
// for every block, and so converts the whole style to CSS classes again
// each time, and looks the language up among every lexer's names and file
// patterns. A block with a known language and no attributes is rendered
// here with one formatter, style and lexer cache, to the same bytes;
// every other block goes to goldmark-highlighting's own renderer.
type highlighter struct {
	inner     renderer.NodeRenderer // goldmark-highlighting's, with the same options
	fallback  renderer.NodeRendererFunc
	formatter *chromahtml.Formatter
	style     *chroma.Style
	wrapper   highlighting.WrapperRenderer

	mu      sync.Mutex
	lexerOf map[string]chroma.Lexer // language → coalesced lexer, nil when none
}

// maxLexerCache bounds the languages remembered (each is at most
// maxLanguage bytes; see limits.go).
const maxLexerCache = 1024

func newHighlighter(format []chromahtml.Option, wrapper highlighting.WrapperRenderer) *highlighter {
	return &highlighter{
		inner:     highlighting.NewHTMLRenderer(highlighting.WithFormatOptions(format...), highlighting.WithWrapperRenderer(wrapper)),
		formatter: chromahtml.New(format...),
		style:     styles.Get(highlighting.NewConfig().Style),
		wrapper:   wrapper,
		lexerOf:   map[string]chroma.Lexer{},
	}
}

// Extend registers the renderer where goldmark-highlighting's extension does.
func (h *highlighter) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(h, 200)))
}

// SetOption passes goldmark's renderer options (unsafe, XHTML…) on.
func (h *highlighter) SetOption(name renderer.OptionName, value any) {
	if so, ok := h.inner.(renderer.SetOptioner); ok {
		so.SetOption(name, value)
	}
}

func (h *highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	h.inner.RegisterFuncs(registerer(func(k ast.NodeKind, f renderer.NodeRendererFunc) {
		if k == ast.KindFencedCodeBlock {
			h.fallback = f
		}
	}))
	reg.Register(ast.KindFencedCodeBlock, h.render)
}

type registerer func(ast.NodeKind, renderer.NodeRendererFunc)

func (r registerer) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { r(k, f) }

// render does what goldmark-highlighting does for a block whose language
// has a lexer and which has no attributes ({hl_lines=…}, or nohl from
// codeLimits); anything else is the fallback's.
func (h *highlighter) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering || n.Attributes() != nil || n.Info == nil {
		return h.fallback(w, src, node, entering)
	}
	if bytes.IndexByte(n.Info.Segment.Value(src), '{') > 0 {
		return h.fallback(w, src, node, entering)
	}
	language := n.Language(src)
	lexer := h.lexer(language)
	if lexer == nil {
		return h.fallback(w, src, node, entering)
	}
	var code bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		line := n.Lines().At(i)
		code.Write(line.Value(src))
	}
	tokens, err := lexer.Tokenise(nil, code.String())
	if err != nil {
		return h.fallback(w, src, node, entering)
	}
	c := codeContext{language}
	h.wrapper(w, c, true)
	_ = h.formatter.Format(w, h.style, tokens)
	h.wrapper(w, c, false)
	return ast.WalkContinue, nil
}

// lexer returns the coalesced lexer for a language, or nil.
func (h *highlighter) lexer(language []byte) chroma.Lexer {
	if language == nil {
		return nil
	}
	h.mu.Lock()
	l, ok := h.lexerOf[string(language)]
	h.mu.Unlock()
	if ok {
		return l
	}
	if found := lexers.Get(string(language)); found != nil {
		l = chroma.Coalesce(found)
	}
	h.mu.Lock()
	if len(h.lexerOf) < maxLexerCache {
		h.lexerOf[string(language)] = l
	}
	h.mu.Unlock()
	return l
}

// codeContext is the CodeBlockContext of a highlighted block without attributes.
type codeContext struct{ language []byte }

func (c codeContext) Language() ([]byte, bool) {
	if c.language != nil {
		return c.language, true
	}
	return nil, false
}
func (c codeContext) Highlighted() bool                            { return true }
func (c codeContext) Attributes() highlighting.ImmutableAttributes { return nil }
