package model

import (
	"cmp"
	"slices"
	"strings"

	"github.com/octoacme/kb/internal/content"
)

// Navigation between pages, for the layouts: a page's place in its
// section's reading order, the releases of a product before and after a
// release, and the pages worth starting from. Each is worked out once per
// Site, on first use.

// SectionNav is a page's place in its section's reading order (see
// Section): the "In this section" list and the previous and next links.
type SectionNav struct {
	Section *Section
	// Pages are at most the asked number of the section's pages around
	// the page, in reading order; the page is Pages[Index].
	Pages []*content.Page
	Index int
	// Prev and Next are the pages before and after it in the section
	// (nil at either end).
	Prev, Next *content.Page
	// Position is the page's place in the whole section, from 1.
	Position int
}

// navPlace is a page's place in its section, and for a release its
// product's releases just before and after it by version.
type navPlace struct {
	sec          *Section
	pos          int
	older, newer *content.Page
}

func (s *Site) places() map[*content.Page]navPlace {
	s.navOnce.Do(func() {
		m := make(map[*content.Page]navPlace, len(s.Pages))
		for _, sec := range s.Sections {
			for i, p := range sec.Pages {
				m[p] = navPlace{sec: sec, pos: i}
			}
		}
		// Each product's releases by version, oldest first; equal
		// versions in the order of Releases, newest last.
		type versioned struct {
			p *content.Page
			v content.Version
			i int
		}
		byProduct := map[string][]versioned{}
		for i, r := range s.Releases {
			v, _ := content.ParseVersion(r.Release.Version)
			byProduct[r.Product] = append(byProduct[r.Product], versioned{r, v, i})
		}
		for _, list := range byProduct {
			slices.SortFunc(list, func(a, b versioned) int { return cmp.Or(a.v.Compare(b.v), b.i-a.i) })
			for i, r := range list {
				pl := m[r.p]
				if i > 0 {
					pl.older = list[i-1].p
				}
				if i+1 < len(list) {
					pl.newer = list[i+1].p
				}
				m[r.p] = pl
			}
		}
		s.nav = m
	})
	return s.nav
}

// InSection is a page's place in its section, with a window of at most n
// of the section's pages around it: (n-1)/2 before it and the others
// after, moved inward at either end of the section. It is nil for a page
// in no section or alone in it, and for a release (see ReleaseNav).
func (s *Site) InSection(p *content.Page, n int) *SectionNav {
	pl, ok := s.places()[p]
	if !ok || pl.sec == nil || len(pl.sec.Pages) < 2 || p.Type == content.Release || n < 1 {
		return nil
	}
	pages := pl.sec.Pages
	lo := min(max(pl.pos-(n-1)/2, 0), max(len(pages)-n, 0))
	hi := min(lo+n, len(pages))
	nav := &SectionNav{Section: pl.sec, Pages: pages[lo:hi:hi], Index: pl.pos - lo, Position: pl.pos + 1}
	if pl.pos > 0 {
		nav.Prev = pages[pl.pos-1]
	}
	if pl.pos+1 < len(pages) {
		nav.Next = pages[pl.pos+1]
	}
	return nav
}

// ReleaseNav are the releases of a release's product just before and
// after it by version (nil at either end): the previous and next release
// links. A 3.6.1 hotfix published after 3.7.0 comes between 3.6.0 and
// 3.7.0.
type ReleaseNav struct {
	Older, Newer *content.Page
}

// ReleaseNav returns a release's neighbours by version.
func (s *Site) ReleaseNav(r *content.Page) ReleaseNav {
	pl := s.places()[r]
	return ReleaseNav{Older: pl.older, Newer: pl.newer}
}

// PopularList is what the home and 404 pages offer to start from, and
// how to call it.
type PopularList struct {
	// Promoted says the pages are those marked promoted ("Popular
	// articles"); otherwise they are the pages other pages link to most
	// ("Most referenced articles").
	Promoted bool
	Pages    []*content.Page
	// Left counts the pages that qualified but did not fit.
	Left int
}

// Popular returns up to n pages to start from. When any page (but a
// release) is promoted, they are the promoted pages: those with a rank
// first (promoted: 1 before 2), then those with promoted: true, each the
// most linked-to first, then by title. Otherwise they are the pages other
// pages link to (in their body, related or a release's docs), the most
// linked-to first; a page nothing links to is never listed.
func (s *Site) Popular(n int) PopularList {
	s.popularOnce.Do(s.rankPopular)
	l := s.popular
	if len(l.Pages) > n {
		l.Left = len(l.Pages) - n
		l.Pages = l.Pages[:n:n]
	}
	return l
}

func (s *Site) rankPopular() {
	// Scores and title keys computed once: sorting compares each page
	// many times, and a serve edit ranks 10,000 pages again.
	type ranked struct {
		p           *content.Page
		rank, links int
		key         string
	}
	var promoted, linked []ranked
	for _, p := range s.Pages {
		if p.Type == content.Release {
			continue
		}
		r := ranked{p, p.PromotedRank, len(s.Backlinks[p]), s.titleKey(p)}
		if r.rank == 0 {
			r.rank = 1 << 30 // promoted: true, after every rank
		}
		if p.Promoted {
			promoted = append(promoted, r)
		} else if r.links > 0 {
			linked = append(linked, r)
		}
	}
	list := linked
	if len(promoted) > 0 {
		list = promoted
	}
	slices.SortStableFunc(list, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), b.links-a.links, strings.Compare(a.key, b.key), strings.Compare(a.p.URL, b.p.URL))
	})
	s.popular = PopularList{Promoted: len(promoted) > 0, Pages: make([]*content.Page, len(list))}
	for i, r := range list {
		s.popular.Pages[i] = r.p
	}
}
