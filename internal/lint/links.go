package lint

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// linkKind says where a link is written, which decides what it may point to.
type linkKind uint8

const (
	bodyLink  linkKind = iota // a link in the body
	bodyImage                 // an image in the body
	entryLink                 // a related or docs entry in front matter: must be a page
)

// target is where an internal link leads.
type target struct {
	// external links are not checked.
	external bool
	// page is the content page the link leads to, if any.
	page *content.Page
	// problem says why the link is broken; empty when it works.
	problem string
	// failed is the URL of a content file that failed to load, when the
	// link leads to it: that file's own finding is the one to fix.
	failed string
	// expired says the link leads to a page whose expiry_date has passed:
	// a warning, not an error, so that the build that takes the page down
	// at its time is not stopped by the links to it.
	expired bool
}

// resolve checks one link from page p. It never touches the network:
// links with a scheme (https:, mailto:) or starting with // are external
// and not checked, except links into the site's own base_url.
func (c *checker) resolve(p *content.Page, dest string, kind linkKind) target {
	d := strings.TrimSpace(dest)
	if d == "" {
		return target{problem: "the link has no destination"}
	}
	if s := markdown.UnsafeScheme(d); s != "" {
		return target{problem: fmt.Sprintf("it is a %s: URL, %s; kb publishes the link without it, so link to a page of the site or an https: URL instead", s, unsafeWhy[s])}
	}
	if base := c.cfg.BaseURL; base != "" && len(d) >= len(base) && strings.EqualFold(d[:len(base)], base) {
		d = "/" + d[len(base):] // a link into the site itself, written as a full URL
	} else if hasScheme(d) || strings.HasPrefix(d, "//") {
		return target{external: true}
	}
	rawPath, frag := model.CutFragment(d)
	if rawPath == "" {
		// #fragment (or ?query) alone: this page.
		if kind == bodyImage {
			return target{problem: fmt.Sprintf("the image %q names no file", dest)}
		}
		if frag == "" {
			return target{page: p}
		}
		return c.anchor(p, p, frag, dest)
	}
	pth := rawPath
	if u, err := url.PathUnescape(pth); err == nil {
		pth = u
	}
	if strings.HasSuffix(strings.ToLower(pth), ".md") {
		return c.sourceLink(p, pth, dest)
	}
	if !strings.HasPrefix(pth, "/") {
		// Relative to the page's URL, as a browser resolves it.
		pth = path.Join(p.URL, pth) + trailingSlash(pth)
	}
	written := pth
	if strings.Contains(pth, "\\") {
		return target{problem: fmt.Sprintf("%q uses backslashes; URLs use forward slashes", dest)}
	}
	clean := path.Clean(pth)

	// A file: static/ or one the build writes (sitemap.xml, feeds).
	if ext := path.Ext(clean); ext != "" && ext != ".html" || kind == bodyImage {
		if c.isStatic(clean) || c.generated[clean] {
			if kind == entryLink {
				return target{problem: fmt.Sprintf("%s is a file, not a page; related and docs entries must be pages", clean)}
			}
			return target{}
		}
		if kind == bodyImage {
			return target{problem: fmt.Sprintf("image not found: there is no file static%s", clean)}
		}
		if ext != "" && ext != ".html" {
			return target{problem: fmt.Sprintf("%s not found: no page or file under static/ has that path", clean)}
		}
	} else if !strings.HasSuffix(pth, "/") && c.isStatic(clean) {
		// A file without an extension (/KEYS, /install): the host
		// serves it at that exact path.
		if kind == entryLink {
			return target{problem: fmt.Sprintf("%s is a file, not a page; related and docs entries must be pages", clean)}
		}
		return target{}
	}
	if c.generated[clean] {
		return target{} // /404.html
	}

	pagePath, _ := model.SplitLink(clean)
	if pagePath == "" {
		pagePath = "/"
	}
	if q := c.published[pagePath]; q != nil {
		return c.anchor(p, q, frag, dest)
	}
	if q := c.all[pagePath]; q != nil {
		if !c.isPublished(p) {
			return c.anchor(p, q, frag, dest) // a draft may link to drafts
		}
		return target{page: q, problem: pagePath + " is " + c.unpublished(q), expired: c.rules.State(q) == model.Expired}
	}
	if q := c.aliases[pagePath]; q != nil {
		return c.anchor(p, q, frag, dest)
	}
	if c.generated[pagePath] {
		if pagePath == "/known-issues/" && frag != "" && !c.kiAnchors[frag] {
			return target{problem: fmt.Sprintf("/known-issues/ has no known issue with the ID %q", frag)}
		}
		return target{}
	}
	if _, ok := c.failed[pagePath]; ok {
		return target{failed: pagePath}
	}
	// The URL as the link wrote it (resolved, when relative), not as kb
	// normalised it: /crypto.html, not /crypto.html/.
	msg := fmt.Sprintf("no page has the URL %s", written)
	if s := c.suggestURL(pagePath); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return target{problem: msg}
}

// anchor checks a #fragment against the IDs page q's HTML carries.
func (c *checker) anchor(from, q *content.Page, frag, dest string) target {
	if frag == "" || model.HasAnchor(q, frag) {
		return target{page: q}
	}
	where := q.URL
	if q == from {
		where = "this page"
	}
	msg := fmt.Sprintf("%s has no heading with the ID %q", where, frag)
	if s := closestAnchor(q, frag); s != "" {
		msg += fmt.Sprintf(" (did you mean #%s?)", s)
	}
	return target{page: q, problem: msg}
}

func closestAnchor(q *content.Page, id string) string {
	best, bestD := "", max(3, len(id)/3)
	if q.Doc == nil {
		return ""
	}
	try := func(a string) {
		if d := editDistance(id, a); d < bestD {
			best, bestD = a, d
		}
	}
	for _, h := range q.Doc.Headings {
		try(h.ID)
	}
	for _, a := range q.Doc.IDs {
		try(a)
	}
	return best
}

// sourceLink explains a link to a Markdown file: the site has only pages.
func (c *checker) sourceLink(p *content.Page, pth, dest string) target {
	file := pth
	if strings.HasPrefix(file, "/") {
		file = path.Join(content.Dir, file)
	} else {
		file = path.Join(path.Dir(p.File), file)
	}
	if q := c.byFile[file]; q != nil {
		return target{page: q, problem: fmt.Sprintf("%q links to the source file %s; link to its page %s instead", dest, q.File, q.URL)}
	}
	return target{problem: fmt.Sprintf("%q links to a Markdown file; link to the page's URL (like /articles/reset-your-password/) instead", dest)}
}

// suggestURL finds a page whose URL ends like the broken one.
func (c *checker) suggestURL(p string) string {
	seg := path.Base(strings.TrimSuffix(p, "/"))
	for _, ext := range []string{".html", ".htm", ".php", ".aspx"} {
		seg = strings.TrimSuffix(seg, ext) // /crypto.html, from an old site, is /…/crypto/
	}
	if urls := c.bySlug[content.Slugify(seg)]; len(urls) == 1 {
		return urls[0]
	}
	// A typo: the one published URL one or two edits away.
	best, bestD, ties := "", 3, 0
	for u := range c.published {
		if abs(len(u)-len(p)) > 2 {
			continue
		}
		d := withinDistance(p, u, 2)
		switch {
		case d > 2:
		case d < bestD:
			best, bestD, ties = u, d, 0
		case d == bestD:
			ties++
		}
	}
	if ties > 0 {
		return ""
	}
	return best
}

// isStatic reports whether the static overlay has a file at the site path.
func (c *checker) isStatic(p string) bool {
	if c.static == nil {
		return false
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" || !fs.ValidPath(name) {
		return false
	}
	if v, ok := c.staticSeen.Load(name); ok {
		return v.(bool) // pages share images: look each up once
	}
	st, err := fs.Stat(c.static, name)
	ok := err == nil && !st.IsDir()
	c.staticSeen.Store(name, ok)
	return ok
}

func trailingSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return "/"
	}
	return ""
}

// unsafeWhy says why a link may not have a scheme markdown.UnsafeScheme names.
var unsafeWhy = map[string]string{
	"javascript": "which runs code in the reader's browser",
	"vbscript":   "which runs code in the reader's browser",
	"file":       "which opens a file on the reader's own computer",
	"data":       "which carries a whole document (only images are allowed)",
}

// hasScheme reports whether a link starts with a URL scheme (https:, mailto:).
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
		case (ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.') && i > 0:
		case ch == ':' && i > 0:
			return true
		default:
			return false
		}
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// withinDistance is the edit distance of two ASCII-ish strings when it is
// at most limit, and limit+1 otherwise; it gives up as soon as it can.
func withinDistance(a, b string, limit int) int {
	if len(a) > 256 || len(b) > 256 {
		return limit + 1
	}
	var prevBuf, curBuf [257]int
	prev, cur := prevBuf[:len(b)+1], curBuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}
