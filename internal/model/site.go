package model

import (
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// Site is the published site: the pages and every list, index and
// cross-reference computed from them once. Templates see it as .Site.
type Site struct {
	Config *config.Config
	// Pages are the published pages, sorted by URL.
	Pages    []*content.Page
	ByURL    map[string]*content.Page
	Sections []*Section
	Tags     []*Tag
	// Releases are the release announcements, newest first.
	Releases []*content.Page
	// Products are the distinct products of the releases, sorted.
	Products    []string
	KnownIssues []*KnownIssue
	// Backlinks maps a page to the pages that link to it (body, related or release docs).
	Backlinks map[*content.Page][]*content.Page
	// ChangedIn maps a doc page to the releases whose features link to it.
	ChangedIn map[*content.Page][]*content.Page
	// Feeds are the feeds the site publishes, for autodiscovery links.
	Feeds []Feed
	// Rules chose the pages (publish.go); the zero Rules for New's site.
	Rules Rules

	titleKeys map[string]string // lowercased link titles by URL
	// latestOf is the latest release of each product (see latest).
	latestOf map[string]*content.Page
	// issuesOf are the known issues of each release, in KnownIssues order.
	issuesOf map[*content.Page][]*KnownIssue

	popularOnce sync.Once
	popular     PopularList // every page Popular may list, in order

	// navOnce computes nav: each page's place in its section, and the
	// releases of its product before and after a release (nav.go).
	navOnce sync.Once
	nav     map[*content.Page]navPlace
}

func (s *Site) titleKey(p *content.Page) string {
	if k, ok := s.titleKeys[p.URL]; ok {
		return k
	}
	return strings.ToLower(p.LinkTitle())
}

// Section is a content section and its pages, in reading order: by
// weight (lower first; pages without one after those with one), then by
// title. A release section is newest first.
type Section struct {
	Name        string
	Title       string
	Description string
	URL         string
	Pages       []*content.Page
}

// Tag is a tag and the pages that carry it.
type Tag struct {
	Name  string
	Slug  string
	URL   string
	Pages []*content.Page
}

// KnownIssue is one known issue of a release, with its state today.
type KnownIssue struct {
	content.KnownIssue
	ID      string
	Release *content.Page
	// FixedIn is the first later release of the same product whose version
	// reaches FixExpected, or nil while the issue is open.
	FixedIn *content.Page
}

// Open reports whether no release has fixed the issue yet.
func (k *KnownIssue) Open() bool { return k.FixedIn == nil }

// sectionOrder puts the four standard sections first.
var sectionOrder = map[string]int{"articles": 1, "faq": 2, "troubleshooting": 3, "releases": 4}

// Publish builds the model of the pages the rules publish (publish.go).
// The feeds are planned apart (PlanFeeds): only a build needs them.
func Publish(cfg *config.Config, pages []*content.Page, rules Rules) *Site {
	return build(cfg, rules.Published(pages), rules)
}

// New builds the model of the given pages as they are, with the zero
// Rules: nothing is scheduled.
func New(cfg *config.Config, pages []*content.Page) *Site {
	return build(cfg, pages, Rules{})
}

func build(cfg *config.Config, pages []*content.Page, rules Rules) *Site {
	s := &Site{Config: cfg, ByURL: map[string]*content.Page{}, Rules: rules,
		Backlinks: map[*content.Page][]*content.Page{}, ChangedIn: map[*content.Page][]*content.Page{}}
	s.Pages = append([]*content.Page(nil), pages...)
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].URL < s.Pages[j].URL })
	s.titleKeys = make(map[string]string, len(s.Pages))
	for _, p := range s.Pages {
		s.ByURL[p.URL] = p
		s.titleKeys[p.URL] = strings.ToLower(p.LinkTitle())
	}

	sections := map[string]*Section{}
	for name := range cfg.Sections {
		sections[name] = s.newSection(name)
	}
	tags := map[string]*Tag{}
	for _, p := range s.Pages {
		if p.Section != "" {
			sec := sections[p.Section]
			if sec == nil {
				sec = s.newSection(p.Section)
				sections[p.Section] = sec
			}
			sec.Pages = append(sec.Pages, p)
		}
		seen := map[string]bool{}
		for _, t := range p.Tags {
			slug := content.TagSlug(t)
			if slug == "" || seen[slug] {
				continue
			}
			seen[slug] = true
			tag := tags[slug]
			if tag == nil {
				tag = &Tag{Name: t, Slug: slug, URL: TagURL(slug)}
				tags[slug] = tag
			}
			tag.Pages = append(tag.Pages, p)
		}
		if p.Type == content.Release {
			s.Releases = append(s.Releases, p)
		}
	}
	for _, sec := range sections {
		if len(sec.Pages) == 0 {
			continue
		}
		if sec.Name == "releases" {
			sortReleases(sec.Pages)
		} else {
			sort.SliceStable(sec.Pages, func(i, j int) bool { return s.lessInSection(sec.Pages[i], sec.Pages[j]) })
		}
		s.Sections = append(s.Sections, sec)
	}
	sort.Slice(s.Sections, func(i, j int) bool {
		a, b := s.Sections[i], s.Sections[j]
		wa, wb := cfg.Sections[a.Name].Weight, cfg.Sections[b.Name].Weight
		if wa != wb {
			return wa < wb
		}
		oa, ob := orderOf(a.Name), orderOf(b.Name)
		if oa != ob {
			return oa < ob
		}
		return a.Name < b.Name
	})
	for _, t := range tags {
		sort.SliceStable(t.Pages, func(i, j int) bool { return s.lessTitle(t.Pages[i], t.Pages[j]) })
		s.Tags = append(s.Tags, t)
	}
	sort.Slice(s.Tags, func(i, j int) bool { return s.Tags[i].Slug < s.Tags[j].Slug })
	sortReleases(s.Releases)

	products := map[string]bool{}
	for _, r := range s.Releases {
		products[r.Product] = true
	}
	for p := range products {
		s.Products = append(s.Products, p)
	}
	sort.Strings(s.Products)

	s.link()
	s.knownIssues()
	s.latestOf = map[string]*content.Page{}
	for _, p := range s.Products {
		s.latestOf[p] = s.findLatest(p)
	}
	return s
}

func orderOf(name string) int {
	if o, ok := sectionOrder[name]; ok {
		return o
	}
	return 100
}

func (s *Site) newSection(name string) *Section {
	c := s.Config.Sections[name]
	return &Section{Name: name, Title: s.Config.SectionTitle(name), Description: c.Description, URL: "/" + name + "/"}
}

// lessTitle orders pages by title, case-insensitively, then by URL. The
// lowercased titles are computed once per Site: sorting compares each many times.
func (s *Site) lessTitle(a, b *content.Page) bool {
	ta, tb := s.titleKey(a), s.titleKey(b)
	if ta != tb {
		return ta < tb
	}
	return a.URL < b.URL
}

// lessInSection is the reading order of a section: by weight, the pages
// with one first, then by title.
func (s *Site) lessInSection(a, b *content.Page) bool {
	if a.Weight != b.Weight {
		switch {
		case a.Weight == 0:
			return false
		case b.Weight == 0:
			return true
		}
		return a.Weight < b.Weight
	}
	return s.lessTitle(a, b)
}

// sortReleases orders releases newest first: by date, then version, then URL.
func sortReleases(rs []*content.Page) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if !a.Date().Equal(b.Date()) {
			return a.Date().After(b.Date())
		}
		va, _ := content.ParseVersion(a.Release.Version)
		vb, _ := content.ParseVersion(b.Release.Version)
		if c := va.Compare(vb); c != 0 {
			return c > 0
		}
		return a.URL < b.URL
	})
}

func (s *Site) link() {
	for _, p := range s.Pages {
		for _, q := range s.Targets(p) {
			s.Backlinks[q] = append(s.Backlinks[q], p)
		}
	}
	s.changedIn()
	for _, list := range s.Backlinks {
		sort.SliceStable(list, func(i, j int) bool { return s.lessTitle(list[i], list[j]) })
	}
}

// changedIn fills ChangedIn from the releases' features.
func (s *Site) changedIn() {
	s.ChangedIn = map[*content.Page][]*content.Page{}
	for _, r := range s.Releases {
		seen := map[*content.Page]bool{}
		for _, f := range r.Release.Features {
			for _, d := range f.Docs {
				if q, _ := s.Resolve(d); q != nil && !seen[q] && q != r {
					seen[q] = true
					s.ChangedIn[q] = append(s.ChangedIn[q], r)
				}
			}
		}
	}
}

// Updatable reports whether Update can replace page a by b: they have the
// same URL, type, section, weight, tags, aliases, draft state and
// schedule (publish_date, expiry_date), and a release the same product,
// date and release data. Titles, descriptions, dates of
// other pages, bodies and links may differ — kb serve's case of a writer
// editing a page.
func Updatable(a, b *content.Page) bool {
	if a.URL != b.URL || a.Type != b.Type || a.Section != b.Section || a.Draft != b.Draft || a.Weight != b.Weight ||
		!a.PublishDate.Equal(b.PublishDate) || !a.ExpiryDate.Equal(b.ExpiryDate) ||
		!slices.Equal(a.Tags, b.Tags) || !slices.Equal(a.Aliases, b.Aliases) || (a.Release == nil) != (b.Release == nil) {
		return false
	}
	if a.Type == content.Release || a.Release != nil {
		return a.Product == b.Product && a.Date().Equal(b.Date()) && reflect.DeepEqual(a.Release, b.Release)
	}
	return true
}

// Update returns the site with some of its pages replaced (old → new) by
// versions Updatable allows. It shares what the replacement leaves as it
// was and costs a few milliseconds on 10,000 pages where New costs
// more than a hundred; the result equals New of the new page set (with
// the same feeds: an update changes none).
// Pages of repl that are not in the site (unpublished drafts) are ignored.
func (s *Site) Update(repl map[*content.Page]*content.Page) *Site {
	for o := range repl {
		if s.ByURL[o.URL] != o {
			delete(repl, o)
		}
	}
	n := &Site{Config: s.Config, Products: s.Products, Feeds: s.Feeds, Rules: s.Rules, titleKeys: s.titleKeys,
		KnownIssues: s.KnownIssues, latestOf: s.latestOf, issuesOf: s.issuesOf}
	if len(repl) == 0 {
		n.Pages, n.ByURL, n.Sections, n.Tags, n.Releases = s.Pages, s.ByURL, s.Sections, s.Tags, s.Releases
		n.Backlinks, n.ChangedIn = s.Backlinks, s.ChangedIn
		return n
	}
	swap := func(p *content.Page) *content.Page {
		if q, ok := repl[p]; ok {
			return q
		}
		return p
	}
	// swapped copies a list only when it holds a replaced page.
	swapped := func(list []*content.Page) ([]*content.Page, bool) {
		for i, p := range list {
			if _, ok := repl[p]; ok {
				out := slices.Clone(list)
				for j := i; j < len(out); j++ {
					out[j] = swap(out[j])
				}
				return out, true
			}
		}
		return list, false
	}
	n.Pages, _ = swapped(s.Pages)
	n.ByURL = maps.Clone(s.ByURL)
	releaseChanged := false
	for o, p := range repl {
		n.ByURL[p.URL] = p
		releaseChanged = releaseChanged || o.Type == content.Release
	}
	// A new title moves its page in the lists sorted by title.
	retitled := map[*content.Page]*content.Page{} // new → old
	for o, p := range repl {
		if k := strings.ToLower(p.LinkTitle()); k != s.titleKey(o) {
			if len(retitled) == 0 {
				n.titleKeys = maps.Clone(s.titleKeys)
			}
			n.titleKeys[p.URL] = k
			retitled[p] = o
		}
	}
	// relisted swaps the replaced pages of a list sorted by less, and
	// moves those whose titles changed.
	relisted := func(list []*content.Page, less func(a, b *content.Page) bool) ([]*content.Page, bool) {
		out, ok := swapped(list)
		if !ok || len(retitled) == 0 {
			return out, ok
		}
		moved := slices.DeleteFunc(out, func(p *content.Page) bool { return retitled[p] != nil })
		for p, o := range retitled {
			if slices.Contains(list, o) {
				i := sort.Search(len(moved), func(i int) bool { return !less(moved[i], p) })
				moved = slices.Insert(moved, i, p)
			}
		}
		return moved, true
	}
	n.Sections = make([]*Section, len(s.Sections))
	for i, sec := range s.Sections {
		n.Sections[i] = sec
		list := func(l []*content.Page) ([]*content.Page, bool) { return relisted(l, n.lessInSection) }
		if sec.Name == "releases" {
			list = swapped // newest first, not by title
		}
		if pages, ok := list(sec.Pages); ok {
			c := *sec
			c.Pages = pages
			n.Sections[i] = &c
		}
	}
	n.Tags = make([]*Tag, len(s.Tags))
	for i, t := range s.Tags {
		n.Tags[i] = t
		if pages, ok := relisted(t.Pages, n.lessTitle); ok {
			c := *t
			c.Pages = pages
			n.Tags[i] = &c
		}
	}
	n.Releases, _ = swapped(s.Releases)

	// Backlinks: the replaced pages under their new pointers, then each
	// replaced page taken out of its old targets' lists (the only lists
	// that hold it) and put into its new targets' lists, in title order as
	// link sorts them.
	n.Backlinks = make(map[*content.Page][]*content.Page, len(s.Backlinks))
	for q, list := range s.Backlinks {
		n.Backlinks[swap(q)] = list
	}
	for o := range repl {
		for _, t := range s.Targets(o) {
			t = swap(t)
			n.Backlinks[t] = slices.DeleteFunc(slices.Clone(n.Backlinks[t]), func(b *content.Page) bool { return b == o })
			if len(n.Backlinks[t]) == 0 {
				delete(n.Backlinks, t)
			}
		}
	}
	for _, p := range repl {
		for _, t := range n.Targets(p) {
			list := n.Backlinks[t]
			i := sort.Search(len(list), func(i int) bool { return !n.lessTitle(list[i], p) })
			n.Backlinks[t] = slices.Insert(slices.Clone(list), i, p)
		}
	}

	if releaseChanged {
		n.KnownIssues = nil
		n.changedIn()
		n.knownIssues()
		n.latestOf = map[string]*content.Page{}
		for _, p := range n.Products {
			n.latestOf[p] = n.findLatest(p)
		}
	} else {
		n.ChangedIn = make(map[*content.Page][]*content.Page, len(s.ChangedIn))
		for q, list := range s.ChangedIn {
			n.ChangedIn[swap(q)] = list
		}
	}
	return n
}

func (s *Site) knownIssues() {
	s.issuesOf = map[*content.Page][]*KnownIssue{}
	// each product's releases with their versions, parsed once, in the
	// order of s.Releases (the first of equal versions wins below)
	type versioned struct {
		page *content.Page
		v    content.Version
	}
	byProduct := map[string][]versioned{}
	for _, r := range s.Releases {
		v, _ := content.ParseVersion(r.Release.Version)
		byProduct[r.Product] = append(byProduct[r.Product], versioned{r, v})
	}
	for _, r := range s.Releases {
		rv, _ := content.ParseVersion(r.Release.Version)
		for _, ki := range r.Release.KnownIssues {
			k := &KnownIssue{KnownIssue: ki, Release: r, ID: KnownIssueID(r, ki)}
			if fv, ok := content.ParseVersion(ki.FixExpected); ok && ki.FixExpected != "" {
				// The fix is the lowest later version of the same product that
				// reaches fix_expected (a 3.6.1 hotfix published after 3.7.0
				// is where a fix expected in 3.6.1 shipped).
				var best content.Version
				for _, later := range byProduct[r.Product] {
					if lv := later.v; lv.Compare(rv) > 0 && lv.Compare(fv) >= 0 && (k.FixedIn == nil || lv.Compare(best) < 0) {
						k.FixedIn, best = later.page, lv
					}
				}
			}
			s.KnownIssues = append(s.KnownIssues, k)
			s.issuesOf[r] = append(s.issuesOf[r], k)
		}
	}
}

// Latest is the release of a product with the highest version, the newest
// of equal versions: a 3.6.1 hotfix published after 3.7.0 is not the latest.
// It is nil when the product has no release.
func (s *Site) Latest(product string) *content.Page { return s.latestOf[product] }

// IssuesOf returns the known issues of a release, in KnownIssues order.
func (s *Site) IssuesOf(release *content.Page) []*KnownIssue { return s.issuesOf[release] }

func (s *Site) findLatest(product string) *content.Page {
	var best *content.Page
	var bv content.Version
	for _, r := range s.Releases { // newest first
		if r.Product != product {
			continue
		}
		v, _ := content.ParseVersion(r.Release.Version)
		if best == nil || v.Compare(bv) > 0 {
			best, bv = r, v
		}
	}
	return best
}

// KnownIssueID is the stable anchor of a known issue on the known-issues page.
func KnownIssueID(r *content.Page, ki content.KnownIssue) string {
	return "ki-" + markdown.Slug(r.Release.Version+" "+ki.Title)
}

// OpenKnownIssues counts the known issues not fixed yet.
func (s *Site) OpenKnownIssues() int {
	n := 0
	for _, k := range s.KnownIssues {
		if k.Open() {
			n++
		}
	}
	return n
}

// Section returns the named section, or nil.
func (s *Site) Section(name string) *Section {
	for _, sec := range s.Sections {
		if sec.Name == name {
			return sec
		}
	}
	return nil
}

// PopularTags returns up to n tags, those with the most pages first.
func (s *Site) PopularTags(n int) []*Tag {
	list := append([]*Tag(nil), s.Tags...)
	sort.SliceStable(list, func(i, j int) bool { return len(list[i].Pages) > len(list[j].Pages) })
	if len(list) > n {
		list = list[:n]
	}
	return list
}
