// Package markdown is kb's one goldmark configuration.
//
// A Converter is built once per site and reused for every page. Convert parses
// a page body once and returns a Document: the HTML and everything later steps
// need from the same parse (headings with the IDs the HTML carries, links and
// images with their byte offsets, prose blocks for lint and search, lists,
// FAQ questions, lint directives), so that lint, search and feeds never parse
// a file again.
//
// What the HTML gets, beyond CommonMark:
//   - GFM: tables (wrapped in a keyboard-scrollable region), task lists,
//     strikethrough, autolinks; and footnotes.
//   - Heading IDs exactly as GitHub makes them from the heading's text
//     ("Can't sign in?" → "cant-sign-in", "User & Directory" →
//     "user--directory"), unique per page with -1, -2 suffixes; where kb's
//     older ID for a heading differs, an empty <span id> at the start of
//     the heading keeps it working (ids.go).
//   - Code blocks highlighted by chroma with CSS classes, in <pre tabindex="0">.
//   - GitHub callouts: a blockquote whose first line is [!NOTE], [!TIP],
//     [!IMPORTANT], [!WARNING] or [!CAUTION] becomes a labelled callout box.
//   - Images with loading="lazy", decoding="async", and width and height when
//     the Options.ImageSize lookup knows them.
//   - Raw HTML sanitized against an allowlist (Options.HTML: rawhtml.go),
//     or escaped and shown as text, or passed through; HTML comments are
//     dropped unless it is passed through.
//   - Limits that keep hostile input cheap (limits.go): block quotes and
//     lists nest at most MaxNesting deep, tables are at most MaxTableColumns
//     wide, and only modest code blocks are highlighted. A page whose links,
//     footnotes or emphasis would cost goldmark quadratic time is refused
//     with an *InlineError (inline.go).
package markdown

import (
	"bytes"
	"html/template"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Converter.
type Options struct {
	// HTML is what happens to raw HTML (site.yaml markdown.html):
	// HTMLSanitize (also ""), HTMLEscape or HTMLUnsafe.
	HTML string
	// Embeds are the hosts iframes may come from when raw HTML is
	// sanitized (site.yaml markdown.embeds).
	Embeds []string
	// ImageSize returns the pixel size of a site image by its URL path
	// ("/images/x.png"), for width and height attributes.
	ImageSize func(path string) (w, h int, ok bool)
	// BasePath is prefixed to root-relative link and image URLs when the
	// site is not served from the root of its host ("/help/").
	BasePath string

	// stockLinkify uses goldmark's linkify parser as it is (tests).
	stockLinkify bool
}

// linkifyExt is kb's autolinks (see linkify.go), or goldmark's own for
// the test that compares them.
func linkifyExt(stock bool) goldmark.Extender {
	if stock {
		return extension.Linkify
	}
	return quickLinkify{}
}

// Converter turns Markdown into Documents. It is safe for concurrent use.
type Converter struct {
	md   goldmark.Markdown
	opts Options
	// inlineWork is maxInlineWork; tests lower it.
	inlineWork int
	// sanitizer is set in sanitize mode.
	sanitizer *sanitizer
}

// New returns a Converter configured once for a whole site.
func New(opts Options) *Converter {
	if opts.BasePath == "" {
		opts.BasePath = "/"
	}
	if opts.HTML == "" {
		opts.HTML = HTMLSanitize
	}
	c := &Converter{opts: opts, inlineWork: maxInlineWork}
	var rendererOpts []renderer.Option
	switch opts.HTML {
	case HTMLUnsafe:
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	case HTMLSanitize:
		c.sanitizer = newSanitizer(opts)
	}
	c.md = goldmark.New(
		// goldmark's parser with block quotes and lists nested at most
		// MaxNesting deep (see limits.go).
		goldmark.WithParser(newParser()),
		goldmark.WithExtensions(
			// GFM = tables (at most MaxTableColumns wide), strikethrough,
			// linkify (autolinks), task lists.
			linkifyExt(opts.stockLinkify), extension.Strikethrough, extension.TaskList, limitedTable{},
			// Footnotes are common in release notes ("[^1] applies to
			// Business plans"); their work counted (inline.go).
			limitedFootnote{},
			// goldmark-highlighting (see code.go), with chroma classes, not
			// inline styles: the theme's one CSS file carries light and dark
			// colours, and CSP can forbid inline styles.
			newHighlighter([]chromahtml.Option{
				chromahtml.WithClasses(true),
				chromahtml.PreventSurroundingPre(true),
			}, codeWrapper),
		),
		goldmark.WithParserOptions(
			// IDs are set by our own pass from the heading's text (see ids.go),
			// so that the ID does not depend on the heading's markup.
			parser.WithASTTransformers(util.Prioritized(calloutTransformer{}, 100), util.Prioritized(codeLimits{}, 90)),
		),
		goldmark.WithRendererOptions(append(rendererOpts,
			renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{opts: &c.opts}, 10)))...,
		),
	)
	return c
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// parse parses src with the page's budget of inline work (limits.go).
func (c *Converter) parse(src []byte) (ast.Node, error) {
	pc, w := newInlineWork(c.inlineWork)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	return doc, w.err()
}

// Convert parses src once and renders it. pageURL ("/articles/x/") resolves
// relative image paths for ImageSize. The one input Convert refuses is a
// page whose links or emphasis would take too long to parse: an
// *InlineError.
func (c *Converter) Convert(src []byte, pageURL string) (*Document, error) {
	doc, err := c.parse(src)
	if err != nil {
		return nil, err
	}
	d := &Document{}
	c.extract(doc, src, d)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	ctxRenderer := c.md.Renderer()
	pageURLs.Store(doc, pageURL)
	defer pageURLs.Delete(doc)
	if err := ctxRenderer.Render(buf, src, doc); err != nil {
		return nil, err
	}
	d.HTML = template.HTML(buf.String())
	return d, nil
}

// Analyze parses src once and fills everything but the HTML: for kb lint
// and the readiness commands, which read the structure and never show the
// page. Headings get the same IDs Convert gives them. It refuses what
// Convert refuses.
func (c *Converter) Analyze(src []byte) (*Document, error) {
	doc, err := c.parse(src)
	if err != nil {
		return nil, err
	}
	d := &Document{}
	c.extract(doc, src, d)
	return d, nil
}

// pageURLs carries the page URL of a document being rendered to the image
// renderer, which goldmark gives only the node.
var pageURLs sync.Map

func documentURL(n ast.Node) string {
	for n.Parent() != nil {
		n = n.Parent()
	}
	if v, ok := pageURLs.Load(n); ok {
		return v.(string)
	}
	return "/"
}
