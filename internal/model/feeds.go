package model

import (
	"fmt"
	"sort"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// Feed describes a published feed for <link rel="alternate"> and subscribe
// links: its title, scope ("releases", "all" or "product:<name>") and the
// URL paths of its three formats.
type Feed struct {
	Title string
	// Scope is "releases", "all" or "product:<name>".
	Scope string
	RSS   string
	Atom  string
	JSON  string
}

// FeedPlan is one feed and what it holds: package feed writes it.
type FeedPlan struct {
	Feed
	// Description is the feed's description.
	Description string
	// Home is the absolute URL of the page the feed is about.
	Home string
	// Pages are the feed's entries, newest first, at most feeds.limit.
	Pages []*content.Page
}

// The feeds' file names, in each feed's folder ("", "releases/",
// "releases/<product>/").
const (
	RSSFile  = "feed.xml"
	AtomFile = "feed.atom"
	JSONFile = "feed.json"
)

// PlanFeeds sets s.Feeds to the feeds the site publishes (see package
// feed), in a fixed order: releases, all, then one per product. Without
// base_url there are none, and it returns a warning to print.
func (s *Site) PlanFeeds() (warning string) {
	s.Feeds = nil
	if s.Config.BaseURL == "" {
		for _, p := range s.Pages {
			if s.Live(p) {
				return "base_url is not set in site.yaml, so no RSS, Atom or JSON feeds were written (feeds need absolute URLs); set base_url: https://help.example.com/ to publish them"
			}
		}
		return ""
	}
	for _, pl := range s.FeedPlans() {
		s.Feeds = append(s.Feeds, pl.Feed)
	}
	return ""
}

// FeedPlans works out every feed of the site with its entries. It is
// deterministic: the same site gives the same feeds in the same order.
// Without base_url there are none.
func (s *Site) FeedPlans() []*FeedPlan {
	if s.Config.BaseURL == "" {
		return nil
	}
	cfg := s.Config
	limit := cfg.Feeds.Limit
	if limit <= 0 {
		limit = 50
	}
	var releases, dated []*content.Page
	for _, p := range s.Releases {
		if s.Live(p) && p.Release != nil {
			releases = append(releases, p)
		}
	}
	for _, p := range s.Pages {
		if s.Live(p) && !UpdatedAt(p).IsZero() {
			dated = append(dated, p)
		}
	}
	sort.SliceStable(dated, func(i, j int) bool {
		a, b := UpdatedAt(dated[i]), UpdatedAt(dated[j])
		if !a.Equal(b) {
			return a.After(b)
		}
		return dated[i].URL < dated[j].URL
	})
	first := func(ps []*content.Page) []*content.Page {
		if len(ps) > limit {
			return ps[:limit]
		}
		return ps
	}
	relHome := cfg.AbsURL("/")
	if s.Section("releases") != nil {
		relHome = cfg.AbsURL("/releases/")
	}
	relTitle := cfg.SectionTitle("releases")
	relDesc := cfg.Sections["releases"].Description
	if relDesc == "" {
		relDesc = "Release announcements from " + cfg.Title + "."
	}

	var out []*FeedPlan
	add := func(title, scope, dir, desc, home string, pages []*content.Page) {
		if len(pages) == 0 {
			return
		}
		out = append(out, &FeedPlan{
			Feed: Feed{Title: title, Scope: scope,
				RSS: "/" + dir + RSSFile, Atom: "/" + dir + AtomFile, JSON: "/" + dir + JSONFile},
			Description: desc, Home: home, Pages: first(pages),
		})
	}
	add(cfg.Title+": "+relTitle, "releases", "releases/", relDesc, relHome, releases)
	allDesc := cfg.Description
	if allDesc == "" {
		allDesc = "New and updated pages of " + cfg.Title + "."
	}
	add(cfg.Title+": Recent updates", "all", "", allDesc, cfg.AbsURL("/"), dated)

	// One feed per product when the releases name several.
	byProduct := map[string][]*content.Page{}
	var products []string
	for _, p := range releases {
		if _, ok := byProduct[p.Product]; !ok {
			products = append(products, p.Product)
		}
		byProduct[p.Product] = append(byProduct[p.Product], p)
	}
	if len(products) < 2 {
		return out
	}
	sort.Strings(products)
	slugs := map[string]bool{}
	for _, product := range products {
		if product == "" {
			continue
		}
		slug := content.Slugify(product)
		if slug == "" {
			slug = "product"
		}
		for n, base := 2, slug; slugs[slug]; n++ {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		slugs[slug] = true
		home := relHome
		if s.Section("releases") != nil {
			home += "#product-" + productAnchor(product)
		}
		add(cfg.Title+": "+relTitle+" for "+product, "product:"+product, "releases/"+slug+"/",
			product+" release announcements from "+cfg.Title+".", home, byProduct[product])
	}
	return out
}

// productAnchor is the id of a product's heading on the releases index
// (layouts/releases.html: id="product-{{slug $product}}").
func productAnchor(product string) string { return markdown.Slug(product) }

// PublishedAt is a release's date; other pages have none.
func PublishedAt(p *content.Page) time.Time {
	if p.Type == content.Release && p.Release != nil {
		return p.Release.Date
	}
	return time.Time{}
}

// UpdatedAt is the later of the page's updated and a release's date.
func UpdatedAt(p *content.Page) time.Time {
	u := p.Updated
	if d := PublishedAt(p); d.After(u) {
		u = d
	}
	return u
}
