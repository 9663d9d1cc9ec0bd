package importer

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/octoacme/kb/internal/markdown"
)

// analyzer parses Markdown the way kb does, for the links and heading IDs
// kb will see.
var analyzer = sync.OnceValue(func() *markdown.Converter { return markdown.New(markdown.Options{}) })

// analyze parses a body for its links and headings. A body too costly to
// parse (markdown's inline limit) gives none: its links stay as written,
// and kb build names the page and what to change.
func analyze(body []byte) *markdown.Document {
	doc, err := analyzer().Analyze(body)
	if err != nil {
		return &markdown.Document{}
	}
	return doc
}

// pageExts are the extensions of Markdown source files.
var pageExts = map[string]bool{".md": true, ".mdx": true, ".markdown": true, ".mkd": true, ".mkdn": true, ".mdown": true, ".mkdown": true}

func isPageFile(p string) bool { return pageExts[strings.ToLower(path.Ext(p))] }

var schemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// rewriteLinks rewrites every link and image in a kb body that leads to
// another imported page or a copied file to its kb URL. A link that leads
// nowhere known is left as it is; the report lists it.
func (s *site) rewriteLinks(p *page, body string) string {
	doc := analyze([]byte(body))
	type edit struct {
		at, end int
		text    string
	}
	var edits []edit
	for _, l := range doc.Links {
		auto := l.Offset == l.DestOffset
		if auto && l.Offset >= 0 && l.Offset < len(body) {
			// An autolink's offset is at or just before its URL (the
			// "<" of <https://…>, or the character linkify started at).
			if k := strings.Index(body[l.Offset:min(len(body), l.Offset+len(l.Dest)+2)], l.Dest); k >= 0 {
				l.DestOffset = l.Offset + k
			}
		}
		if l.DestOffset < 0 || l.DestOffset+len(l.Dest) > len(body) {
			continue
		}
		// The destination must be in the source literally (no escapes).
		if body[l.DestOffset:l.DestOffset+len(l.Dest)] != l.Dest {
			continue
		}
		nd, ok := s.resolve(p, l.Dest)
		if !ok || nd == l.Dest {
			continue
		}
		at, end := l.DestOffset, l.DestOffset+len(l.Dest)
		if auto {
			// A bare URL into the old site (https://old.example/x/#id)
			// whose page or heading has another kb URL keeps its text
			// and becomes a link to the kb URL.
			if base := strings.TrimSuffix(s.cfg.BaseURL, "/"); base != "" && strings.EqualFold(base+nd, l.Dest) {
				continue
			}
			if at > 0 && body[at-1] == '<' && end < len(body) && body[end] == '>' {
				at, end = at-1, end+1
			}
			s.countLink(l.Dest, nd)
			nd = "[" + l.Dest + "](" + nd + ")"
		} else {
			s.countLink(l.Dest, nd)
		}
		edits = append(edits, edit{at, end, nd})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	for i, e := range edits {
		if i > 0 && e.end > edits[i-1].at {
			continue // overlapping: keep the first
		}
		body = body[:e.at] + e.text + body[e.end:]
	}
	// Reference definitions: [id]: dest "title".
	var f fences
	ls := lines(body)
	for i, l := range ls {
		if f.code(l) {
			continue
		}
		if m := refDefRE.FindStringSubmatchIndex(l); m != nil {
			dest := l[m[2]:m[3]]
			if nd, ok := s.resolve(p, strings.Trim(dest, "<>")); ok {
				ls[i] = l[:m[2]] + nd + l[m[3]:]
				s.countLink(strings.Trim(dest, "<>"), nd)
			}
		}
	}
	return unlines(ls)
}

// countLink counts a rewritten link for the report: to the page's or
// file's kb URL, and, apart, to the ID kb gives a heading the source
// gave another.
func (s *site) countLink(old, new string) {
	op, of, _ := strings.Cut(old, "#")
	np, nf, _ := strings.Cut(new, "#")
	if op != np {
		s.count("link to a kb URL")
	}
	if of != nf {
		s.count("link to a heading's kb ID")
	}
}

var refDefRE = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*(<[^>]*>|\S+)`)

// resolve finds what a link of page from leads to in the kb site: the kb
// URL of a page (with its heading ID mapped) or of a copied file. ok is
// false when the link is external or leads nowhere known.
func (s *site) resolve(from *page, dest string) (string, bool) {
	d := strings.TrimSpace(dest)
	own := false
	if base := s.cfg.BaseURL; base != "" {
		b := strings.TrimSuffix(base, "/")
		if len(d) >= len(b) && strings.EqualFold(d[:len(b)], b) && (len(d) == len(b) || d[len(b)] == '/' || d[len(b)] == '#') {
			d = "/" + strings.TrimPrefix(d[len(b):], "/")
			own = true
		}
	}
	if !own && (schemeRE.MatchString(d) || strings.HasPrefix(d, "//")) {
		return dest, false
	}
	p, frag := d, ""
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p, frag = p[:i], p[i+1:]
	}
	query := ""
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p, query = p[:i], p[i:]
	}
	if p == "" {
		if frag == "" || from.ids[frag] == "" {
			return dest, false
		}
		return "#" + from.ids[frag], true
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	target, file := s.lookup(from, p, own)
	switch {
	case target != nil:
		u := target.url
		if frag != "" {
			if id := target.ids[frag]; id != "" {
				frag = id
			}
			u += "#" + frag
		}
		return u, true
	case file != "":
		u := (&url.URL{Path: file}).EscapedPath() + query
		if frag != "" {
			u += "#" + frag
		}
		return u, true
	}
	return dest, false
}

// lookup finds the page or file a link path leads to.
func (s *site) lookup(from *page, p string, own bool) (*page, string) {
	dir := path.Dir(from.src)
	if q, ok := strings.CutPrefix(p, "@site/"); ok {
		// Docusaurus' alias for the site folder.
		if f := s.static[q]; f != "" {
			return nil, f
		}
		return s.bySrc[q], ""
	}
	if isPageFile(p) {
		if strings.HasPrefix(p, "/") {
			if t := s.bySrc[path.Clean(join(s.contentRoot, p))]; t != nil {
				return t, ""
			}
			return s.bySrc[path.Clean(strings.TrimPrefix(p, "/"))], ""
		}
		return s.bySrc[path.Join(dir, p)], ""
	}
	if !strings.HasPrefix(p, "/") {
		// A file beside the page, or a URL relative to the page's old URL.
		if f := s.static[path.Join(dir, p)]; f != "" {
			return nil, f
		}
		if len(from.old) == 0 {
			return nil, ""
		}
		o := from.old[0]
		base := o
		if !strings.HasSuffix(o, "/") {
			base = path.Dir(o)
		}
		p = path.Join(base, p)
		own = true
	}
	if !own {
		p = s.stripBase(p)
	}
	if t := s.byURL["/"+strings.Trim(p, "/")+"/"]; t != nil && strings.HasSuffix(p, "/") {
		return t, ""
	}
	if t := s.byOld[normURL(p)]; t != nil {
		return t, ""
	}
	if t := s.byURL["/"+strings.Trim(p, "/")+"/"]; t != nil {
		return t, ""
	}
	if f := s.oldFil[normURL(p)]; f != "" {
		return nil, f
	}
	return nil, ""
}

// headingIDRE matches an explicit heading ID written after the heading
// text: {#id} (Hugo, Docusaurus, kramdown), {: #id} (kramdown), { #id .x }
// (MkDocs attr_list).
var headingIDRE = regexp.MustCompile(`^(\s{0,3}#{1,6}\s.*?)\s*\{:?\s*#([\w.:-]+)[^}]*\}\s*$`)

// headingIDs removes explicit heading IDs, which kb does not read, and
// records the ID kb gives each heading whose source ID was another —
// an explicit one, or one the source generator made in its own way
// (site.idScheme) — so that links to the old ID are rewritten to the new.
func (s *site) headingIDs(p *page, body string) string {
	var f fences
	ls := lines(body)
	custom := map[int]string{} // line → source ID
	for i, l := range ls {
		if f.code(l) {
			continue
		}
		if m := headingIDRE.FindStringSubmatch(l); m != nil {
			ls[i] = m[1]
			custom[i] = m[2]
		}
	}
	if len(custom) == 0 && s.idScheme == nil {
		return body
	}
	if len(custom) > 0 {
		body = unlines(ls)
	}
	doc := analyze([]byte(body))
	p.ids = map[string]string{}
	used := map[string]bool{}
	for _, id := range custom {
		used[id] = true
	}
	for _, h := range doc.Headings {
		line := strings.Count(body[:min(h.Offset, len(body))], "\n")
		if id, ok := custom[line]; ok {
			if id != h.ID {
				p.ids[id] = h.ID
			}
			continue
		}
		if s.idScheme == nil {
			continue
		}
		if id := s.idScheme.unique(s.idScheme.slug(h.Text), used); id != h.ID {
			if _, dup := p.ids[id]; !dup {
				p.ids[id] = h.ID
			}
		}
	}
	return body
}

// titleFromHeading takes the title from a first-level heading that opens
// the body when the front matter has none, and drops that heading when it
// repeats the title (kb's layout shows the title as the page's heading).
// A page with several first-level headings uses them as sections
// ("# Requirements", "# Usage"): the first is not the page's title, so
// the title comes from the navigation or the file name and the heading stays.
func (s *site) titleFromHeading(p *page, body string) string {
	doc := analyze([]byte(body))
	ls := lines(body)
	h1s := 0
	for _, h := range doc.Headings {
		if h.Level == 1 {
			h1s++
		}
	}
	if len(doc.Headings) > 0 && doc.Headings[0].Level == 1 && (h1s == 1 || p.meta.title != "") {
		h := doc.Headings[0]
		start := strings.Count(body[:min(h.Offset, len(body))], "\n")
		opens := true
		for _, l := range ls[:min(start, len(ls))] {
			if !blank(l) && !strings.HasPrefix(strings.TrimSpace(l), "<!--") {
				opens = false
			}
		}
		if opens && start < len(ls) {
			if p.meta.title == "" {
				p.meta.title = h.Text
			}
			if p.meta.title == h.Text {
				end := start + 1
				if !strings.HasPrefix(strings.TrimSpace(ls[start]), "#") && end < len(ls) {
					end++ // a setext heading: text, then ===
				}
				ls = append(ls[:start:start], ls[end:]...)
				body = unlines(ls)
			}
		}
	}
	if p.meta.title == "" {
		p.meta.title = p.navTitle
	}
	if p.meta.title == "" {
		p.meta.title = humanize(p.name)
	}
	return strings.TrimLeft(body, "\n")
}
