package model

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// What "published" means, once for every command: kb build, kb serve,
// kb lint, the search index, the feeds, the sitemap, kb ready, brief,
// announce and report all take their pages from Rules.
//
// At a moment, a page is
//
//   - a Draft when its front matter says draft: true, whatever its dates;
//   - Expired from its expiry_date on;
//   - Scheduled before its publication: its publish_date (for a page that
//     is not a release, date is another name for it), or for a release
//     without one its date (the start of that day);
//   - Published otherwise (a page with neither date is published from the
//     start).
//
// Dates without a time are the start of the day, and dates and times
// without an offset are in the site's time zone (site.yaml timezone,
// default UTC). A build publishes the Published pages; Drafts adds the
// drafts (kb build --drafts) and Future the scheduled pages (kb build
// --future); kb serve's preview has both. Expired pages are never
// published. A page shown ahead of its time keeps its place in the site as
// if it were published, and the theme marks it ("Draft", "Scheduled" with
// its date); only the feeds, which push to subscribers, carry nothing but
// Published pages.
//
// Now is the moment of a run: SOURCE_DATE_EPOCH when it is set (builds
// are reproducible), else the clock. Rules.Next says when what a build
// publishes changes next, so that a scheduled page goes live when a build
// runs at that moment (kb build prints it; kb serve rebuilds then).

// State is where a page stands at a moment.
type State int

// The states of a page.
const (
	Published State = iota
	Draft
	Scheduled
	Expired
)

func (s State) String() string {
	switch s {
	case Draft:
		return "draft"
	case Scheduled:
		return "scheduled"
	case Expired:
		return "expired"
	}
	return "published"
}

// Rules decide which pages a build publishes at a moment.
type Rules struct {
	// Now is the moment, in the site's time zone. The zero Rules have no
	// clock: every page but drafts is Published (model.New's site).
	Now time.Time
	// Drafts publishes drafts too; Future, scheduled pages too.
	Drafts, Future bool
}

// NewRules are the rules at now in the site's time zone.
func NewRules(cfg *config.Config, now time.Time, drafts, future bool) Rules {
	return Rules{Now: now.In(cfg.Location()), Drafts: drafts, Future: future}
}

// Now is the moment kb takes as now: SOURCE_DATE_EPOCH (seconds since
// 1970) when it is set, so that a build is reproducible, else the clock.
// A malformed SOURCE_DATE_EPOCH is an error, as reproducible-builds.org asks.
func Now() (time.Time, error) {
	if v, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok && v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970-01-01", v)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now(), nil
}

// Today is the date of the rules' moment in the site's time zone, as a
// midnight in UTC like the dates of front matter (updated).
func (r Rules) Today() time.Time {
	return time.Date(r.Now.Year(), r.Now.Month(), r.Now.Day(), 0, 0, 0, 0, time.UTC)
}

func (r Rules) location() *time.Location {
	if r.Now.IsZero() {
		return time.UTC
	}
	return r.Now.Location()
}

// PublishAt is when a page is published: its publish_date, else a
// release's date (the start of the day in the site's time zone); zero for
// a page published from the start.
func (r Rules) PublishAt(p *content.Page) time.Time {
	if !p.PublishDate.IsZero() {
		return p.PublishDate
	}
	if p.Type == content.Release && p.Release != nil && !p.Release.Date.IsZero() {
		return content.StartOfDay(p.Release.Date, r.location())
	}
	return time.Time{}
}

// State is where a page stands at the rules' moment.
func (r Rules) State(p *content.Page) State {
	switch {
	case p.Draft:
		return Draft
	case r.Now.IsZero():
		return Published
	case !p.ExpiryDate.IsZero() && !r.Now.Before(p.ExpiryDate):
		return Expired
	}
	if t := r.PublishAt(p); !t.IsZero() && r.Now.Before(t) {
		return Scheduled
	}
	return Published
}

// Includes reports whether a build under the rules publishes the page. A
// draft that is also scheduled needs both Drafts and Future.
func (r Rules) Includes(p *content.Page) bool {
	if p.Draft && !r.Drafts {
		return false
	}
	if r.Now.IsZero() {
		return true
	}
	if !p.ExpiryDate.IsZero() && !r.Now.Before(p.ExpiryDate) {
		return false
	}
	if t := r.PublishAt(p); !t.IsZero() && r.Now.Before(t) && !r.Future {
		return false
	}
	return true
}

// Published returns the pages a build under the rules publishes, in order.
func (r Rules) Published(pages []*content.Page) []*content.Page {
	out := make([]*content.Page, 0, len(pages))
	for _, p := range pages {
		if r.Includes(p) {
			out = append(out, p)
		}
	}
	return out
}

// Change is the next scheduled change of a site: at At, the pages of
// Publish are published (or lose their "Scheduled" mark, in a build that
// shows them already) and those of Expire are taken down.
type Change struct {
	At      time.Time
	Publish []*content.Page
	Expire  []*content.Page
}

// IsZero reports that nothing is scheduled.
func (c Change) IsZero() bool { return c.At.IsZero() }

// What says what happens at the change: "content/releases/3-8-0.md is
// published", "content/a.md and 1 more are published; content/b.md
// expires".
func (c Change) What() string {
	var parts []string
	say := func(list []*content.Page, one, many string) {
		switch len(list) {
		case 0:
		case 1:
			parts = append(parts, list[0].File+" "+one)
		default:
			parts = append(parts, fmt.Sprintf("%s and %d more %s", list[0].File, len(list)-1, many))
		}
	}
	say(c.Publish, "is published", "are published")
	say(c.Expire, "expires", "expire")
	return strings.Join(parts, "; ")
}

// String is the moment (RFC 3339) and what happens: "2026-12-10T00:00:00+01:00
// (content/releases/3-8-0.md is published)"; empty when nothing is scheduled.
func (c Change) String() string {
	if c.IsZero() {
		return ""
	}
	return c.At.Format(time.RFC3339) + " (" + c.What() + ")"
}

// Next is the first moment after the rules' one at which what a build
// under them publishes or shows changes: a page's publication or expiry.
// Drafts count only when the rules publish drafts. The zero Change means
// nothing is scheduled (or the rules have no clock).
func (r Rules) Next(pages []*content.Page) Change {
	var c Change
	if r.Now.IsZero() {
		return c
	}
	consider := func(at time.Time, p *content.Page, publish bool) {
		if at.IsZero() || !at.After(r.Now) {
			return
		}
		if c.At.IsZero() || at.Before(c.At) {
			c = Change{At: at}
		}
		if at.Equal(c.At) {
			if publish {
				c.Publish = append(c.Publish, p)
			} else {
				c.Expire = append(c.Expire, p)
			}
		}
	}
	for _, p := range pages {
		if p.Draft && !r.Drafts {
			continue
		}
		if !p.ExpiryDate.IsZero() && !r.Now.Before(p.ExpiryDate) {
			continue // expired for good
		}
		consider(r.PublishAt(p), p, true)
		consider(p.ExpiryDate, p, false)
	}
	byFile := func(list []*content.Page) {
		sort.Slice(list, func(i, j int) bool { return list[i].File < list[j].File })
	}
	byFile(c.Publish)
	byFile(c.Expire)
	c.At = c.At.In(r.location())
	return c
}

// ScheduledAt is when a page the site shows ahead of its time (a build
// with Future, kb serve) is published; zero for any other page.
func (s *Site) ScheduledAt(p *content.Page) time.Time {
	if s.Rules.State(p) == Scheduled {
		return s.Rules.PublishAt(p)
	}
	return time.Time{}
}

// Live reports whether a page of the site is published now, neither a
// draft nor scheduled: what the feeds carry.
func (s *Site) Live(p *content.Page) bool { return s.Rules.State(p) == Published }
