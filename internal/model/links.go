package model

import (
	"net/url"
	"slices"
	"strings"

	"github.com/octoacme/kb/internal/content"
)

// Resolve finds the page an internal link points to. It accepts site paths
// with or without the trailing slash, with a #fragment or ?query, and
// returns the fragment. External and unknown links give nil.
func (s *Site) Resolve(link string) (*content.Page, string) {
	return Resolve(s.ByURL, link)
}

// Resolve looks up an internal link in a URL → page map (see Site.Resolve).
func Resolve(byURL map[string]*content.Page, link string) (*content.Page, string) {
	path, frag := SplitLink(link)
	if path == "" {
		return nil, frag
	}
	return byURL[path], frag
}

// SplitLink normalises an internal link to a page path ("/articles/x/") and
// its fragment. External links, mailto: and the like give an empty path.
func SplitLink(link string) (path, frag string) {
	link, frag = CutFragment(strings.TrimSpace(link))
	if link == "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return "", frag
	}
	if p, err := url.PathUnescape(link); err == nil {
		link = p
	}
	link = strings.TrimSuffix(link, "index.html")
	if !strings.HasSuffix(link, "/") {
		link += "/"
	}
	return link, frag
}

// Links returns every internal link target of a page: body links, related
// entries and a release's docs.
func Links(p *content.Page) []string {
	var out []string
	if p.Doc != nil {
		for _, l := range p.Doc.Links {
			if !l.Image {
				out = append(out, l.URL)
			}
		}
	}
	out = append(out, p.Related...)
	if p.Release != nil {
		for _, f := range p.Release.Features {
			out = append(out, f.Docs...)
		}
		for _, k := range p.Release.KnownIssues {
			out = append(out, k.Docs...)
		}
	}
	return out
}

// Targets are the distinct pages of the site p links to, p itself left
// out, in the order of its links.
func (s *Site) Targets(p *content.Page) []*content.Page {
	var out []*content.Page
	for _, l := range Links(p) {
		if q, _ := s.Resolve(l); q != nil && q != p && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

// CutFragment splits a link into what comes before its #fragment and
// ?query, as written, and the fragment, unescaped (as a browser matches
// it against element IDs). A text fragment (#id:~:text=…, #:~:text=…) is
// a directive to the browser, not part of an ID: only the ID before it is
// returned.
func CutFragment(link string) (rest, frag string) {
	if i := strings.IndexByte(link, '#'); i >= 0 {
		link, frag = link[:i], link[i+1:]
		if f, err := url.PathUnescape(frag); err == nil {
			frag = f
		}
		if i := strings.Index(frag, ":~:"); i >= 0 {
			frag = frag[:i]
		}
	}
	if i := strings.IndexByte(link, '?'); i >= 0 {
		link = link[:i]
	}
	return link, frag
}
