package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
)

// What a change to some pages can alter of the rendered site: the session
// plans render these output paths (remodelPlan, updatePlan) and rewrite the
// feeds only when an edit shows in them.

// affected lists the output paths a change to some pages can alter.
func (s *Session) affected(ns *model.Site, c *change) map[string]bool {
	old, changed := c.old, c.changed
	// The home, 404 and search pages show popular pages and the first
	// pages of a section, by title and by the links to them.
	out := map[string]bool{"index.html": true, "404.html": true, "search/index.html": true}
	addPage := func(p *content.Page) {
		if p == nil {
			return
		}
		out[pagePath(p.URL)] = true
		for _, a := range p.Aliases {
			if a = strings.Trim(a, "/"); a != "" {
				out[a+"/index.html"] = true
			}
		}
	}
	// A section's list pages that show other pages than before, or the
	// pages in another order: all of them when the number of pages changed
	// (each shows the count and the pager).
	sectionDone := map[string]bool{}
	addSection := func(name string) {
		if sectionDone[name] {
			return
		}
		sectionDone[name] = true
		var before, after []*content.Page
		var url string
		if sec := s.site.Section(name); sec != nil {
			before, url = sec.Pages, sec.URL
		}
		if sec := ns.Section(name); sec != nil {
			after, url = sec.Pages, sec.URL
		}
		for i := 1; i <= model.ListPages(max(len(before), len(after))); i++ {
			lo, hi := (i-1)*model.PageSize, i*model.PageSize
			if len(before) != len(after) || !slices.Equal(before[min(lo, len(before)):min(hi, len(before))], after[min(lo, len(after)):min(hi, len(after))]) {
				out[pagePath(model.ListURL(url, i))] = true
			}
		}
		// The pages whose "In this section" list or previous and next
		// links show other pages (or other versions of them) than before.
		for _, p := range after {
			if !sameNav(s.site.InSection(s.site.ByURL[p.URL], render.SectionWindow), ns.InSection(p, render.SectionWindow)) {
				addPage(p)
			}
		}
	}
	releaseTouched, releaseLinked := false, false
	touch := func(site *model.Site, p *content.Page) {
		if site == nil || p == nil {
			return
		}
		q := site.ByURL[p.URL]
		addPage(p)
		if p.Section != "" {
			addSection(p.Section)
		}
		for _, t := range p.Tags {
			out[pagePath(model.TagURL(content.TagSlug(t)))] = true
		}
		if q == nil {
			return
		}
		addPage(q)
		for _, b := range site.Backlinks[q] {
			addPage(b)
			releaseLinked = releaseLinked || b.Type == content.Release
		}
		if q.Type == content.Release {
			releaseTouched = true
			for _, l := range model.Links(q) {
				if t, _ := site.Resolve(l); t != nil {
					addPage(t)
				}
			}
		}
	}
	// The sitemap shows the pages' URLs and dates, the tags page the tags
	// and how many pages carry each.
	sitemap, tags := false, false
	for _, p := range changed {
		o := old[p.File]
		if o != nil && listing(o) == listing(p) {
			// Only the body or the page's own links changed: no other
			// page shows anything of it that changed.
			addPage(p)
			continue
		}
		sitemap = sitemap || o == nil || o.URL != p.URL || !o.Date().Equal(p.Date()) || o.Draft != p.Draft
		tags = tags || o == nil || o.Draft != p.Draft || !slices.Equal(o.Tags, p.Tags)
		touch(s.site, p)
		touch(ns, p)
		if o != nil {
			touch(s.site, o)
			touch(ns, o)
		}
	}
	for f, o := range old {
		if _, still := s.pages[f]; !still {
			sitemap, tags = true, true
			touch(s.site, o)
			touch(ns, o)
		}
	}
	if sitemap {
		out["sitemap.xml"] = true
	}
	if tags {
		out["tags/index.html"] = true
	}
	if releaseTouched || releaseLinked {
		// The known issues show their releases and the titles of their docs.
		out["known-issues/index.html"] = true
	}
	if releaseTouched {
		// Latest badges, "a newer release", fixed known issues: every release page.
		for _, site := range []*model.Site{s.site, ns} {
			for _, r := range site.Releases {
				addPage(r)
			}
		}
		if sec := ns.Section("releases"); sec != nil {
			for i := 1; i <= model.ListPages(len(sec.Pages)); i++ {
				out[pagePath(model.ListURL(sec.URL, i))] = true
			}
		}
	}
	return out
}

// sameNav reports whether two places in a section show the same pages,
// versions included, at the same places.
func sameNav(a, b *model.SectionNav) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Index == b.Index && a.Position == b.Position && a.Prev == b.Prev && a.Next == b.Next &&
		len(a.Section.Pages) == len(b.Section.Pages) && a.Section.Title == b.Section.Title && slices.Equal(a.Pages, b.Pages)
}

// feedsChange reports whether an edit can change a feed: a changed page
// is an entry of a feed, before or after (feeds carry the body), or a
// feed's release notes show its title (a release of the feed links to it
// and its listing changed); a page is new or gone. entries are the feeds'
// pages after the edit, ns the site.
func (s *Session) feedsChange(ns *model.Site, entries map[string]bool, c *change) bool {
	old, changed := c.old, c.changed
	inFeed := func(url string) bool { return s.entries[url] || entries[url] }
	for _, p := range changed {
		o := old[p.File]
		if o == nil || inFeed(p.URL) || inFeed(o.URL) {
			return true
		}
		if listing(o) == listing(p) {
			continue
		}
		for _, site := range []*model.Site{s.site, ns} {
			if site == nil {
				return true
			}
			for _, b := range site.Backlinks[site.ByURL[p.URL]] {
				if inFeed(b.URL) {
					return true
				}
			}
		}
	}
	for f, o := range old {
		if _, still := s.pages[f]; !still || inFeed(o.URL) {
			return true
		}
	}
	return false
}

// listing is what other pages show of a page: in lists, related links,
// release notes, badges and feeds. Two versions of a page with the same
// listing differ only in what the page itself shows.
func listing(p *content.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%v\x00%q\x00%q\x00%s\x00%v\x00%v\n",
		p.URL, p.Title, p.LinkTitle(), p.Description, p.Date(), p.Type, p.Product, p.Draft, p.Tags, p.Aliases, p.Section, p.Updated, p.Params)
	if p.Doc != nil {
		for _, h := range p.Doc.Headings {
			fmt.Fprintf(&b, "%s\x00%s\n", h.ID, h.Text)
		}
	}
	if p.Release != nil {
		fmt.Fprintf(&b, "%+v\n", *p.Release)
	}
	return b.String()
}

// pagePath is the output path of a page's URL.
func pagePath(url string) string { return strings.TrimPrefix(url, "/") + "index.html" }

// redirects maps alias paths to the URLs of their pages.
func redirects(s *model.Site) map[string]string {
	m := map[string]string{}
	if s == nil {
		return m
	}
	for _, p := range s.Pages {
		for _, a := range p.Aliases {
			a = "/" + strings.Trim(a, "/") + "/"
			if a != "//" {
				m[a] = strings.TrimSuffix(s.Config.BasePath(), "/") + p.URL
			}
		}
	}
	return m
}
