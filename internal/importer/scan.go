package importer

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/octoacme/kb/internal/markdown"
)

// The report comes from reading the kb site that was written, not from
// the converters' bookkeeping: whatever is in a page that kb would not
// render as the source meant is listed, wherever it came from.

// parser finds code and raw HTML as kb's Markdown sees them (CommonMark
// plus GFM and footnotes, like internal/markdown).
var parser = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
})

// A detector finds one kind of construct kb does not understand.
type detector struct {
	re *regexp.Regexp
	// mdx limits the detector to pages from MDX sources (Docusaurus).
	mdx bool
	// templates limits it to sources that ran that template language
	// (site.templates).
	templates string
	// group is the submatch that is the construct (0: the whole match).
	group int
	// name returns the construct's name for the summary, or "" to ignore
	// the match; match is the whole match.
	name   func(match string, sub []string) string
	advice func(match string, sub []string) string
}

func fixed(s string) func(string, []string) string { return func(string, []string) string { return s } }

var detectors = []detector{
	// An MDX import or export runs to the next blank line.
	{re: regexp.MustCompile(`(?m)^(?:import|export)\s.*(?:\n.*\S.*)*`), mdx: true,
		name:   func(m string, _ []string) string { return "MDX " + strings.Fields(m)[0] },
		advice: fixed("kb has no components or scripts; remove it and convert what used it")},
	{re: regexp.MustCompile(`\{\{[<%]\s*(/?)\s*([\w./-]+)(?s:.*?)[>%]\}\}`),
		name: func(_ string, sub []string) string {
			if sub[1] == "/" {
				return ""
			}
			return "Hugo shortcode {{< " + sub[2] + " >}}"
		},
		advice: func(_ string, sub []string) string {
			switch sub[2] {
			case "youtube", "vimeo":
				return "kb has no video embeds; link to the video instead"
			case "gist":
				return "link to the gist, or paste the code in a code block"
			case "tweet", "x", "instagram":
				return "link to the post instead"
			case "ref", "relref":
				return "no imported page has that path; link to the page's kb URL"
			}
			return "kb has no shortcodes; write what it showed in Markdown"
		}},
	{re: liquidTagRE, templates: "liquid",
		name: func(_ string, sub []string) string {
			n := sub[1]
			if strings.HasPrefix(n, "end") {
				return ""
			}
			if n == "include" || n == "include_relative" {
				return "Liquid " + n
			}
			return "Liquid tag {% " + n + " %}"
		},
		advice: func(_ string, sub []string) string {
			switch sub[1] {
			case "include", "include_relative":
				return "kb has no includes; write the content in Markdown"
			case "link", "post_url":
				return "no imported page has that path; link to the page's kb URL"
			}
			return "kb does not run Liquid; replace it with the text it produced"
		}},
	{re: liquidVarRE, templates: "liquid",
		name:   fixed("Liquid variable {{ }}"),
		advice: fixed("kb does not run Liquid; replace it with its value")},
	{re: liquidTagRE, templates: "jinja",
		name: func(_ string, sub []string) string {
			if strings.HasPrefix(sub[1], "end") {
				return ""
			}
			return "macros tag {% " + sub[1] + " %}"
		},
		advice: fixed("kb does not run MkDocs' macros plugin; replace it with the text it produced")},
	{re: liquidVarRE, templates: "jinja",
		name:   fixed("macros variable {{ }}"),
		advice: fixed("kb does not run MkDocs' macros plugin; replace it with its value")},
	// Where the source runs no templates, {{ }} is text, whatever it
	// holds ({{ .Title }} is not an attribute list): taken, not listed.
	{re: liquidVarRE, name: fixed("")},
	{re: regexp.MustCompile(`(?m)^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+\S.*$`),
		name:   fixed("MkDocs admonition !!!"),
		advice: fixed("write it as a kb callout: > [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]")},
	{re: regexp.MustCompile(`(?m)^[ \t]*===[!+]?[ \t]+".*$`),
		name:   fixed("MkDocs content tab ==="),
		advice: fixed("kb has no tabs; write each tab as a labelled part of the page")},
	{re: regexp.MustCompile(`(?m)^[ \t]*:{3,}[ \t]*[a-zA-Z]\S*.*$`),
		name:   fixed("admonition :::"),
		advice: fixed("write it as a kb callout: > [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION]")},
	{re: regexp.MustCompile(`(?m)^[ \t]*-{2}8<-{2}.*$`),
		name:   fixed("snippet include --8<--"),
		advice: fixed("kb has no includes; paste the file's content here")},
	{re: regexp.MustCompile(`(?m)^\*\[[^\]\n]+\]:.*$`),
		name:   fixed("abbreviation"),
		advice: fixed("kb has no abbreviations; spell the term out where it first appears")},
	{re: regexp.MustCompile(`\{::?[a-zA-Z]+[^}\n]*\}`),
		name:   fixed("kramdown extension {::}"),
		advice: fixed("kb does not read kramdown extensions; write it in plain Markdown")},
	{re: regexp.MustCompile(`\{:[^}\n]*\}|\{[ \t]*[.#][a-zA-Z][^}\n]*\}|\{[ \t]*[a-zA-Z-]+=[^}\n]*\}`),
		name:   fixed("attribute list"),
		advice: fixed("kb has no classes or attributes on Markdown elements; remove it")},
	{re: regexp.MustCompile(`:(?:material|fontawesome|octicons|simple)-[a-z0-9-]+:`),
		name:   fixed("icon shortcode"),
		advice: fixed("kb has no icon shortcodes; use words or an image")},
	{re: regexp.MustCompile(`(?m)^:[ \t]+(\S.*)$`), group: 1,
		name:   fixed("definition list"),
		advice: fixed("kb has no definition lists; write the term in bold with its definition after it")},
	// An MDX expression; \{ is a literal brace.
	{re: regexp.MustCompile(`(?m)(?:^|[^\\\n])(\{[^{}\n]*[^{}\n\\]\})`), mdx: true, group: 1,
		name:   fixed("MDX expression {…}"),
		advice: fixed("kb does not run JavaScript; replace it with the text it produced")},
}

// The template syntax of Liquid and Jinja (MkDocs' macros plugin).
var (
	liquidTagRE = regexp.MustCompile(`\{%-?\s*([a-zA-Z_]\w*)(?s:.*?)-?%\}`)
	liquidVarRE = regexp.MustCompile(`\{\{-?\s*[^\s<%{}](?:[^{}\n]|\{[^{}\n]*\})*?-?\}\}`)
)

// templateDetectors is how many detectors, at the start of the list, find
// template and script syntax, which may hold what looks like HTML.
const templateDetectors = 7

// scan lists what is left in the written site.
func scan(s *site, out *output) *Report {
	r := &Report{Kind: s.kind, Src: s.opts.Src, Pages: len(s.pages), Files: len(s.files), Converted: s.converted}
	r.Findings = append(r.Findings, s.notes...)
	for _, sk := range s.skipped {
		r.Skipped = append(r.Skipped, Skipped{Path: sk.path, Files: sk.files, Reason: sk.reason})
	}
	for _, p := range s.pages {
		r.Findings = append(r.Findings, s.scanPage(p, out.bodyLine[p.out])...)
	}
	r.sort()
	return r
}

func (s *site) scanPage(p *page, first int) []Finding {
	body := []byte(p.text)
	lineAt := func(off int) int { return first + bytes.Count(body[:min(off, len(body))], []byte("\n")) }
	var found []Finding
	add := func(off int, construct, txt, advice string) {
		found = append(found, Finding{File: p.out, Line: lineAt(off), Construct: construct, Text: shorten(txt), Advice: advice})
	}
	if p.meta.updated == "" {
		found = append(found, Finding{File: p.out, Line: 1, Construct: "no updated date",
			Advice: "add updated: YYYY-MM-DD; the source gave no date and git history none"})
	}

	// Blank out code, keeping offsets, and collect raw HTML.
	masked := append([]byte(nil), body...)
	type span struct{ at, end int }
	var htmls, code []span
	doc := parser().Parser().Parse(text.NewReader(body))
	blankOut := func(a, b int) {
		for i := a; i < b && i < len(masked); i++ {
			if masked[i] != '\n' {
				masked[i] = ' '
			}
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			ls := n.Lines()
			if ls.Len() > 0 {
				code = append(code, span{ls.At(0).Start, ls.At(ls.Len() - 1).Stop})
			}
			for i := 0; i < ls.Len(); i++ {
				seg := ls.At(i)
				blankOut(seg.Start, seg.Stop)
			}
			if fc, ok := n.(*ast.FencedCodeBlock); ok && fc.Info != nil {
				blankOut(fc.Info.Segment.Start, fc.Info.Segment.Stop)
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					blankOut(t.Segment.Start, t.Segment.Stop)
					code = append(code, span{t.Segment.Start, t.Segment.Stop})
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			ls := n.Lines()
			if ls.Len() > 0 {
				htmls = append(htmls, span{ls.At(0).Start, ls.At(ls.Len() - 1).Stop})
			}
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				htmls = append(htmls, span{n.Segments.At(0).Start, n.Segments.At(n.Segments.Len() - 1).Stop})
			}
		}
		return ast.WalkContinue, nil
	})

	var taken []span
	overlaps := func(a, b int) bool {
		for _, t := range taken {
			if a < t.end && b > t.at {
				return true
			}
		}
		return false
	}
	runDetectors := func(ds []detector) {
		for _, d := range ds {
			if d.mdx && !p.mdx || d.templates != "" && d.templates != s.templates {
				continue
			}
			for _, m := range d.re.FindAllSubmatchIndex(masked, -1) {
				if overlaps(m[0], m[1]) {
					continue
				}
				match := string(body[m[0]:m[1]])
				sub := make([]string, len(m)/2)
				for i := range sub {
					if m[2*i] >= 0 {
						sub[i] = string(body[m[2*i]:m[2*i+1]])
					}
				}
				taken = append(taken, span{m[0], m[1]})
				if name := d.name(match, sub); name != "" {
					add(m[2*d.group], name, sub[d.group], d.advice(match, sub))
				}
			}
		}
	}
	// Template syntax first: {{<youtube x>}} holds what looks like an HTML tag.
	runDetectors(detectors[:templateDetectors])
	for _, h := range htmls {
		if overlaps(h.at, h.end) {
			continue
		}
		for _, t := range htmlTags(body, h.at, h.end) {
			if overlaps(t.at, t.at+len(t.text)) {
				continue
			}
			taken = append(taken, span{t.at, t.at + len(t.text)})
			if unicode.IsUpper(rune(t.name[0])) {
				add(t.at, "MDX component <"+t.name+">", t.text, "kb has no components; write what it showed in Markdown")
			} else if name := strings.ToLower(strings.TrimPrefix(t.name, "/")); !markdown.Kept(name) {
				add(t.at, "HTML <"+t.name+">", t.text, "kb's HTML sanitizer drops this element (markdown.html: sanitize); write it in Markdown, or set markdown.html: unsafe in site.yaml if every writer is trusted")
			}
		}
	}
	runDetectors(detectors[templateDetectors:])

	// Liquid and macros run on code too: what the conversion left there
	// is listed, but not text a raw block made literal.
	if s.templates != "" && len(p.leftover) > 0 {
		left := map[string]int{}
		for _, l := range p.leftover {
			left[l]++
		}
		for _, c := range code {
			for _, d := range detectors[:templateDetectors] {
				if d.templates != s.templates {
					continue
				}
				for _, m := range d.re.FindAllSubmatchIndex(body[c.at:c.end], -1) {
					match := string(body[c.at+m[0] : c.at+m[1]])
					if left[match] == 0 {
						continue
					}
					left[match]--
					sub := make([]string, len(m)/2)
					for i := range sub {
						if m[2*i] >= 0 {
							sub[i] = string(body[c.at+m[2*i] : c.at+m[2*i+1]])
						}
					}
					if name := d.name(match, sub); name != "" {
						add(c.at+m[0], name+" in code", match, d.advice(match, sub)+"; the old site replaced it in code too")
					}
				}
			}
		}
	}

	for _, l := range analyze(body).Links {
		if construct, advice := s.checkLink(p, l.Dest, l.Image); construct != "" {
			add(l.Offset, construct, l.Dest, advice)
		}
	}
	return found
}

type tag struct {
	at         int
	name, text string
}

var tagRE = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9.-]*)\b[^>]*>?`)

// htmlTags lists the opening tags in body[at:end]; closing tags and
// comments belong to a construct already listed.
func htmlTags(body []byte, at, end int) []tag {
	var out []tag
	chunk := body[at:end]
	// Comments are dropped by kb, as the source's generator dropped them.
	comments := commentRE.FindAllIndex(chunk, -1)
	for _, m := range tagRE.FindAllSubmatchIndex(chunk, -1) {
		for len(comments) > 0 && comments[0][1] <= m[0] {
			comments = comments[1:]
		}
		if len(comments) > 0 && comments[0][0] <= m[0] {
			continue
		}
		out = append(out, tag{at: at + m[0], name: string(chunk[m[2]:m[3]]), text: string(chunk[m[0]:m[1]])})
	}
	return out
}

// commentRE matches an HTML comment, or an unclosed one to the end.
var commentRE = regexp.MustCompile(`(?s)<!--.*?(?:-->|$)`)

// checkLink says what is wrong with a link in a written page, if anything:
// it must lead to a page, an alias, a file in static/ or a page kb
// writes itself.
func (s *site) checkLink(p *page, dest string, image bool) (construct, advice string) {
	d := strings.TrimSpace(dest)
	if schemeRE.MatchString(d) || strings.HasPrefix(d, "//") {
		return "", ""
	}
	pth := d
	if i := strings.IndexAny(pth, "?#"); i >= 0 {
		pth = pth[:i]
	}
	if pth == "" {
		return "", ""
	}
	what := "link"
	if image {
		what = "image"
	}
	if !strings.HasPrefix(pth, "/") {
		return what + " not rewritten", "no imported page or file is at that path; link to a kb URL (/section/page/) or a file under static/"
	}
	if u, err := url.PathUnescape(pth); err == nil {
		pth = u
	}
	if s.outs[strings.TrimPrefix(pth, "/")] != "" {
		return "", ""
	}
	if image {
		return "image not found", "no file under static/ has that path; copy the image there or fix the path"
	}
	u := "/" + strings.Trim(pth, "/") + "/"
	if t := s.byURL[u]; t != nil {
		if t.meta.draft && !p.meta.draft {
			return "link to a draft", "kb publishes no drafts, so this link would break; publish " + t.out + " or remove the link"
		}
		return "", ""
	}
	if s.taken[u] {
		return "", "" // an alias
	}
	if s.generated(u) || path.Ext(pth) == ".xml" || pth == "/robots.txt" {
		return "", ""
	}
	return "link to a missing page", "no imported page or file is at that path; fix or remove the link"
}

// shorten keeps a construct's text to one line of at most 80 characters.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "…"
	}
	return s
}
