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
//
// The highlighted HTML of a block is also kept by (language, code), within
// maxCodeCache bytes: help centers repeat the same commands and snippets
// from page to page, and chroma's lexers (regular expressions over every
// rune) cost more than goldmark's parse of the block around them.
type highlighter struct {
	inner     renderer.NodeRenderer // goldmark-highlighting's, with the same options
	fallback  renderer.NodeRendererFunc
	formatter *chromahtml.Formatter
	style     *chroma.Style
	wrapper   highlighting.WrapperRenderer

	mu      sync.Mutex
	lexerOf map[string]chroma.Lexer // language → coalesced lexer, nil when none

	codeMu    sync.Mutex
	codeOf    map[codeKey][]byte // highlighted HTML, without the wrapper
	codeBytes int                // keys and values of codeOf
}

// codeKey is what a block's highlighted HTML depends on, given the
// highlighter's formatter and style.
type codeKey struct{ language, code string }

const (
	// maxLexerCache bounds the languages remembered (each is at most
	// maxLanguage bytes; see limits.go).
	maxLexerCache = 1024
	// maxCodeCache bounds the bytes of highlighted blocks remembered, and
	// maxCachedCode the code of one block: a long block is rarely repeated.
	maxCodeCache  = 8 << 20
	maxCachedCode = 4 << 10
)

func newHighlighter(format []chromahtml.Option, wrapper highlighting.WrapperRenderer) *highlighter {
	return &highlighter{
		inner:     highlighting.NewHTMLRenderer(highlighting.WithFormatOptions(format...), highlighting.WithWrapperRenderer(wrapper)),
		formatter: chromahtml.New(format...),
		style:     styles.Get(highlighting.NewConfig().Style),
		wrapper:   wrapper,
		lexerOf:   map[string]chroma.Lexer{},
		codeOf:    map[codeKey][]byte{},
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
	key := codeKey{string(language), code.String()}
	html, ok := h.cached(key)
	if !ok {
		tokens, err := lexer.Tokenise(nil, key.code)
		if err != nil {
			return h.fallback(w, src, node, entering)
		}
		var out bytes.Buffer
		if err := h.formatter.Format(&out, h.style, tokens); err == nil {
			h.remember(key, out.Bytes())
		}
		html = out.Bytes()
	}
	c := codeContext{language}
	h.wrapper(w, c, true)
	_, _ = w.Write(html)
	h.wrapper(w, c, false)
	return ast.WalkContinue, nil
}

// cached returns the highlighted HTML of a block seen before.
func (h *highlighter) cached(k codeKey) ([]byte, bool) {
	h.codeMu.Lock()
	defer h.codeMu.Unlock()
	html, ok := h.codeOf[k]
	return html, ok
}

// remember keeps a block's highlighted HTML while the cache has room.
func (h *highlighter) remember(k codeKey, html []byte) {
	size := len(k.language) + len(k.code) + len(html)
	if len(k.code) > maxCachedCode {
		return
	}
	h.codeMu.Lock()
	defer h.codeMu.Unlock()
	if _, ok := h.codeOf[k]; ok || h.codeBytes+size > maxCodeCache {
		return
	}
	h.codeOf[k] = bytes.Clone(html)
	h.codeBytes += size
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
