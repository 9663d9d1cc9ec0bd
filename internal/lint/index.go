package lint

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/model"
)

// Index is what the rules know of the whole site: its pages by URL, file,
// slug and alias, the lists and feeds a build generates, the titles pages
// share, and which pages each page links to. Check makes one per run.
// kb serve keeps one between edits: after a writer edits a page's body,
// Replace puts the new version in and Check with Options.Report re-checks
// the pages concerned, instead of indexing every page of the site again.
type Index struct {
	site *Input
	cfg  *config.Config
	// rules say which pages are published (model.Rules); nowErr is a bad
	// SOURCE_DATE_EPOCH, for Check to return.
	rules         model.Rules
	nowErr        error
	publishedOnly bool
	static        fs.FS
	// placeholders are the texts of the site's scaffolds (placeholder.go).
	placeholders *placeholderSet

	// universe is the pages that take part: every page, or only the
	// published ones for kb build; pos is a file's place in it.
	universe []*content.Page
	pos      map[string]int
	// published maps a URL to a published page; all to any page of the universe.
	published map[string]*content.Page
	all       map[string]*content.Page
	byFile    map[string]*content.Page
	// inUniverse holds the files of the universe's pages.
	inUniverse map[string]bool
	bySlug     map[string][]string // last URL segment → page URLs, for suggestions
	aliases    map[string]*content.Page
	generated  map[string]bool // list pages and files the build writes besides pages
	// failed maps the URL of each content file that failed to load to the
	// file: links to it are not broken links, the file's finding says why.
	failed    map[string]string
	kiAnchors map[string]bool // IDs on /known-issues/

	// titleKey is each universe page's title as the title rule compares
	// it; titles lists the pages of each key, in universe order.
	titleKey []string
	titles   map[string][]int
	// targets are the pages each universe page links to, by place, once
	// known (known); inbound counts the links to each that orphan counts.
	targets [][]int
	known   []bool
	inbound []int
	// checked says a Check has run: the link counts are complete.
	checked bool
	// baseline is site.yaml's lint.baseline, read at the first Check.
	baseline     *Baseline
	baselineErr  error
	baselineRead bool
}

// NewIndex indexes a site's pages for Check. opts.Now, Drafts, Future and
// PublishedOnly choose the pages; the other options are Check's.
func NewIndex(s *Input, opts Options) *Index {
	cfg := s.Config
	if cfg == nil {
		cfg = config.Default()
	}
	n := len(s.Pages)
	now := opts.Now
	var nowErr error
	if now.IsZero() {
		if now, nowErr = model.Now(); nowErr != nil {
			now = time.Now()
		}
	}
	x := &Index{site: s, cfg: cfg, rules: model.NewRules(cfg, now, opts.Drafts, opts.Future), nowErr: nowErr,
		publishedOnly: opts.PublishedOnly, static: s.Static,
		pos: make(map[string]int, n), published: make(map[string]*content.Page, n), all: make(map[string]*content.Page, n),
		byFile: make(map[string]*content.Page, n), inUniverse: make(map[string]bool, n), bySlug: make(map[string][]string, n),
		aliases: map[string]*content.Page{}, titles: make(map[string][]int, n), placeholders: newPlaceholders(s.Scaffolds)}
	// The generated lists need only the published pages: worked out on
	// another core meanwhile.
	generated := make(chan struct{})
	go func() {
		defer close(generated)
		x.generate()
	}()
	defer func() { <-generated }()
	for _, p := range s.Pages {
		if p == nil || p.Doc == nil {
			continue
		}
		x.byFile[p.File] = p
		if x.publishedOnly && !x.isPublished(p) {
			if _, dup := x.all[p.URL]; !dup {
				x.all[p.URL] = p // not checked, but a link to it says why it is not published
			}
			continue
		}
		x.pos[p.File] = len(x.universe)
		x.universe = append(x.universe, p)
		x.inUniverse[p.File] = true
		if _, dup := x.all[p.URL]; !dup {
			x.all[p.URL] = p
		}
		if x.isPublished(p) {
			if _, dup := x.published[p.URL]; !dup {
				x.published[p.URL] = p
			}
			for _, a := range p.Aliases {
				a = "/" + strings.Trim(a, "/") + "/"
				if _, dup := x.aliases[a]; !dup {
					x.aliases[a] = p
				}
			}
		}
		x.bySlug[p.Slug] = append(x.bySlug[p.Slug], p.URL)
	}
	x.failed = map[string]string{}
	for _, e := range s.Errors {
		if e != nil && x.byFile[e.File] == nil && content.IsContentFile(e.File) {
			x.failed[content.FileURL(e.File)] = e.File
		}
	}
	n = len(x.universe)
	x.titleKey = make([]string, n)
	x.targets, x.known, x.inbound = make([][]int, n), make([]bool, n), make([]int, n)
	for i, p := range x.universe {
		k := TitleKey(p)
		x.titleKey[i] = k
		if k != "" {
			x.titles[k] = append(x.titles[k], i)
		}
	}
	return x
}

func (x *Index) isPublished(p *content.Page) bool { return x.rules.Includes(p) }

// unpublished says why a page the rules do not publish is not, for a
// link to it.
func (x *Index) unpublished(q *content.Page) string {
	switch {
	case q.Draft && !x.rules.Drafts:
		return fmt.Sprintf("the draft %s, which is not published; link to it once it is", q.File)
	case x.rules.State(q) == model.Expired:
		return fmt.Sprintf("%s, which expired at %s (expiry_date) and is no longer published; remove the link", q.File, content.FormatMoment(q.ExpiryDate.In(x.rules.Now.Location())))
	}
	return fmt.Sprintf("%s, scheduled for %s: until then a build publishes this link broken; link to it once it is published, or schedule this page too", q.File, content.FormatMoment(x.rules.PublishAt(q).In(x.rules.Now.Location())))
}

// generate lists the lists and files a build writes besides the pages: the
// home, section, tag, search, known-issues and 404 pages, the sitemap,
// robots.txt and the feeds, and the anchors of the known-issues page.
func (x *Index) generate() {
	x.generated = map[string]bool{}
	for _, u := range model.SiteURLs {
		x.generated[u] = true
	}
	sections := map[string]int{}
	var releases []*content.Page
	var dated *content.Page
	for _, p := range x.site.Pages { // the published pages of the universe
		if p == nil || p.Doc == nil || !x.isPublished(p) {
			continue
		}
		if p.Section != "" {
			sections[p.Section]++
		}
		for _, t := range p.Tags {
			if slug := content.TagSlug(t); slug != "" {
				x.generated[model.TagURL(slug)] = true
			}
		}
		if p.Type == content.Release {
			releases = append(releases, p)
		} else if dated == nil && !p.Date().IsZero() {
			dated = p
		}
	}
	for name, n := range sections {
		for i := 1; i <= model.ListPages(n); i++ {
			x.generated[model.ListURL("/"+name+"/", i)] = true
		}
	}
	// The site model of the releases gives the known issues (with the
	// release that fixed each) and the feeds; it does not need the other
	// pages, but for one dated page that makes the site-wide feed.
	pages := releases
	if dated != nil {
		pages = append(append([]*content.Page(nil), releases...), dated)
	}
	rs := model.New(x.cfg, pages)
	rs.PlanFeeds()
	for _, f := range rs.Feeds {
		for _, u := range []string{f.RSS, f.Atom, f.JSON} {
			if u != "" {
				x.generated[u] = true
			}
		}
	}
	x.kiAnchors = map[string]bool{}
	for _, id := range rs.KnownIssuesAnchors() {
		x.kiAnchors[id] = true
	}
}

// Page returns the indexed page of a content file, or nil.
func (x *Index) Page(file string) *content.Page { return x.byFile[file] }

// Replace puts p in the place of the indexed page of the same file, when
// the index can take it: a version whose body, links, title, description,
// headings and dates may differ, but not what the index derives the site's
// other URLs from (URL, slug, aliases, draft state, type, section, tags,
// whether it has a date, and a release's data). It reports whether it did;
// when it did not, the index is as it was and the caller indexes the site
// again. The next Check works out p's links again; the caller reports the
// pages whose findings the change can alter besides p (those linking to
// its headings, those sharing its old or new title).
func (x *Index) Replace(p *content.Page) bool {
	old := x.byFile[p.File]
	if old == nil || p.Doc == nil || !sameShape(old, p) {
		return false
	}
	x.byFile[p.File] = p
	i, ok := x.pos[p.File]
	if !ok {
		return true
	}
	x.universe[i] = p
	if x.all[p.URL] == old {
		x.all[p.URL] = p
	}
	if x.published[p.URL] == old {
		x.published[p.URL] = p
	}
	for _, a := range old.Aliases {
		a = "/" + strings.Trim(a, "/") + "/"
		if x.aliases[a] == old {
			x.aliases[a] = p
		}
	}
	if k := TitleKey(p); k != x.titleKey[i] {
		if g := slices.DeleteFunc(x.titles[x.titleKey[i]], func(j int) bool { return j == i }); len(g) > 0 {
			x.titles[x.titleKey[i]] = g
		} else {
			delete(x.titles, x.titleKey[i])
		}
		x.titleKey[i] = k
		if k != "" {
			g := x.titles[k]
			at, _ := slices.BinarySearch(g, i)
			x.titles[k] = slices.Insert(g, at, i)
		}
	}
	x.known[i] = false
	return true
}

// sameShape reports whether two versions of a page give the index the
// same URLs, generated lists and known-issue anchors: what the site model
// needs the same to be updated (model.Updatable), the same slug, and a
// date both or neither have.
func sameShape(a, b *content.Page) bool {
	return model.Updatable(a, b) && a.Slug == b.Slug && a.Date().IsZero() == b.Date().IsZero()
}

// TitleKey is a page's title as the title rule compares it: two pages with
// the same key share a title.
func TitleKey(p *content.Page) string {
	return strings.ToLower(strings.Join(strings.Fields(p.Title), " "))
}

// setTargets records the pages universe[i] links to, and the inbound
// links orphan counts: those from another page, published unless the
// target is a draft too.
func (x *Index) setTargets(i int, targets []*content.Page) {
	p := x.universe[i]
	counts := func(t int) bool {
		return t != i && (x.isPublished(p) || !x.isPublished(x.universe[t]))
	}
	for _, t := range x.targets[i] {
		if counts(t) {
			x.inbound[t]--
		}
	}
	list := make([]int, 0, len(targets))
	for _, t := range targets {
		if j, ok := x.pos[t.File]; ok && x.universe[j] == t {
			list = append(list, j)
			if counts(j) {
				x.inbound[j]++
			}
		}
	}
	x.targets[i], x.known[i] = list, true
}

// duplicateTitles reports pages that share a title. A published page is
// reported only for other published pages; a draft for any page.
func (c *checker) duplicateTitles() []Finding {
	if !c.on(RuleTitle) {
		return nil
	}
	var out []Finding
	for _, i := range c.rep {
		p := c.universe[i]
		g := c.titles[c.titleKey[i]]
		if len(g) < 2 {
			continue
		}
		var others []string
		for _, j := range g {
			if q := c.universe[j]; q != p && (c.isPublished(q) || !c.isPublished(p)) {
				others = append(others, q.File)
			}
		}
		if len(others) == 0 {
			continue
		}
		e := c.emitter(p)
		e.field(RuleTitle, "title", fmt.Sprintf("the title %q is also the title of %s; customers cannot tell the pages apart in search results, so make each title say what differs", p.Title, strings.Join(others, ", ")))
		out = append(out, e.out...)
	}
	return out
}

// orphans reports pages no other page links to.
func (c *checker) orphans() []Finding {
	var out []Finding
	for _, i := range c.rep {
		p := c.universe[i]
		if c.inbound[i] > 0 || p.Format == "" {
			continue // a file without front matter has its one finding
		}
		e := c.emitter(p)
		e.page(RuleOrphan, "no other page links to this page; link to it from the pages a reader would come from (their related: lists or body)")
		out = append(out, e.out...)
	}
	return out
}
