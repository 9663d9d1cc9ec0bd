package model

import (
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// page parses one content file for the tests, in the site's time zone.
func page(t *testing.T, cfg *config.Config, file, frontMatter string) *content.Page {
	t.Helper()
	p, errs := content.Parse(file, []byte("---\n"+frontMatter+"\n---\nBody.\n"),
		content.Options{Markdown: markdown.New(markdown.Options{}), Location: cfg.Location()})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", file, errs)
	}
	return p
}

// TestRules: a page's state at a moment, and what a build publishes with
// and without --drafts and --future, compared in the site's time zone.
func TestRules(t *testing.T) {
	cfg, err := config.Parse("site.yaml", []byte("timezone: Europe/Paris\n"))
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]*content.Page{
		"plain":     page(t, cfg, "content/articles/plain.md", "title: Plain"),
		"draft":     page(t, cfg, "content/articles/draft.md", "title: Draft\ndraft: true"),
		"future":    page(t, cfg, "content/articles/future.md", "title: Future\npublish_date: 2026-12-10T09:00"),
		"past":      page(t, cfg, "content/articles/past.md", "title: Past\npublish_date: 2026-12-01"),
		"expiring":  page(t, cfg, "content/articles/expiring.md", "title: Expiring\nexpiry_date: 2026-12-08"),
		"expired":   page(t, cfg, "content/articles/expired.md", "title: Expired\nexpiry_date: 2026-12-01"),
		"release":   page(t, cfg, "content/releases/r2.md", "title: R2\nversion: \"2.0\"\ndate: 2026-12-08"),
		"early":     page(t, cfg, "content/releases/r3.md", "title: R3\nversion: \"3.0\"\ndate: 2026-12-20\npublish_date: 2026-12-07T20:00"),
		"draftsoon": page(t, cfg, "content/articles/draftsoon.md", "title: Draft soon\ndraft: true\npublish_date: 2026-12-09"),
	}
	paris := cfg.Location()
	// 7 December 2026, 23:30 in Paris: 22:30 UTC, still the 7th there and
	// in UTC, half an hour before the release dated the 8th (Paris time).
	now := time.Date(2026, 12, 7, 22, 30, 0, 0, time.UTC)
	r := NewRules(cfg, now, false, false)
	want := map[string]State{"plain": Published, "draft": Draft, "future": Scheduled, "past": Published,
		"expiring": Published, "expired": Expired, "release": Scheduled, "early": Published, "draftsoon": Draft}
	for name, st := range want {
		if got := r.State(pages[name]); got != st {
			t.Errorf("%s at %v: %s, want %s", name, now, got, st)
		}
	}
	if got, want := r.Today(), time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Today = %v, want %v", got, want)
	}
	if got, want := r.PublishAt(pages["release"]), time.Date(2026, 12, 8, 0, 0, 0, 0, paris); !got.Equal(want) {
		t.Errorf("a release is published at the start of its date in the site's time zone: %v, want %v", got, want)
	}

	included := func(r Rules) string {
		var out []string
		for _, name := range []string{"plain", "draft", "future", "past", "expiring", "expired", "release", "early", "draftsoon"} {
			if r.Includes(pages[name]) {
				out = append(out, name)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		drafts, future bool
		want           string
	}{
		{false, false, "plain past expiring early"},
		{true, false, "plain draft past expiring early"},
		{false, true, "plain future past expiring release early"},
		{true, true, "plain draft future past expiring release early draftsoon"},
	} {
		if got := included(NewRules(cfg, now, tc.drafts, tc.future)); got != tc.want {
			t.Errorf("drafts %v future %v: publishes %q, want %q", tc.drafts, tc.future, got, tc.want)
		}
	}

	// Half an hour later it is the 8th in Paris: the release is out (in
	// UTC it would still be the 7th).
	later := NewRules(cfg, now.Add(30*time.Minute), false, false)
	if got := later.State(pages["release"]); got != Published {
		t.Errorf("release at midnight in Paris: %s, want published", got)
	}
	if got := later.State(pages["expiring"]); got != Expired {
		t.Errorf("expiring at midnight in Paris: %s, want expired", got)
	}
	// The zero rules have no clock: nothing is scheduled or expired.
	if got := (Rules{}).State(pages["expired"]); got != Published {
		t.Errorf("zero Rules: %s, want published", got)
	}
}

// TestNext: the next scheduled change is the earliest publication or
// expiry after now among the pages the rules consider (drafts only with
// drafts), with every page changing at that moment.
func TestNext(t *testing.T) {
	cfg := config.Default()
	all := []*content.Page{
		page(t, cfg, "content/articles/b.md", "title: B\npublish_date: 2026-12-10"),
		page(t, cfg, "content/articles/a.md", "title: A\npublish_date: 2026-12-10"),
		page(t, cfg, "content/articles/c.md", "title: C\nexpiry_date: 2026-12-10"),
		page(t, cfg, "content/articles/d.md", "title: D\ndraft: true\npublish_date: 2026-12-09"),
		page(t, cfg, "content/articles/e.md", "title: E\npublish_date: 2026-12-01\nexpiry_date: 2026-12-20"),
		page(t, cfg, "content/articles/f.md", "title: F\nexpiry_date: 2026-12-02"),
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c := NewRules(cfg, now, false, false).Next(all)
	if want := "2026-12-10T00:00:00Z (content/articles/a.md and 1 more are published; content/articles/c.md expires)"; c.String() != want {
		t.Errorf("Next = %q, want %q", c, want)
	}
	c = NewRules(cfg, now, true, true).Next(all)
	if want := "2026-12-09T00:00:00Z (content/articles/d.md is published)"; c.String() != want {
		t.Errorf("Next with drafts = %q, want %q", c, want)
	}
	c = NewRules(cfg, time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), false, false).Next(all)
	if want := "2026-12-20T00:00:00Z (content/articles/e.md expires)"; c.String() != want {
		t.Errorf("Next later = %q, want %q", c, want)
	}
	if c := NewRules(cfg, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false, false).Next(all); !c.IsZero() {
		t.Errorf("Next with nothing left = %q, want none", c)
	}
}

// TestNow: SOURCE_DATE_EPOCH is now when set; a malformed one is an error.
func TestNow(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1796774400")
	now, err := Now()
	if err != nil || !now.Equal(time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Now = %v, %v", now, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if _, err := Now(); err == nil || !strings.Contains(err.Error(), `SOURCE_DATE_EPOCH="yesterday" is not a number`) {
		t.Errorf("bad SOURCE_DATE_EPOCH: %v", err)
	}
}

// TestScheduledInSite: a site built with Future shows scheduled pages as
// if published (sections, Latest), marks them (ScheduledAt), and keeps
// them out of the feeds (Live).
func TestScheduledInSite(t *testing.T) {
	cfg, err := config.Parse("site.yaml", []byte("base_url: https://help.example.com/\n"))
	if err != nil {
		t.Fatal(err)
	}
	r1 := page(t, cfg, "content/releases/r1.md", "title: R1\nversion: \"1.0\"\ndate: 2026-11-01")
	r2 := page(t, cfg, "content/releases/r2.md", "title: R2\nversion: \"2.0\"\ndate: 2026-12-10")
	a := page(t, cfg, "content/articles/a.md", "title: A\nupdated: 2026-11-02")
	pages := []*content.Page{r1, r2, a}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

	s := Publish(cfg, pages, NewRules(cfg, now, false, false))
	if len(s.Pages) != 2 || s.Latest("") != r1 {
		t.Errorf("without future: %d pages, latest %v", len(s.Pages), s.Latest(""))
	}
	s = Publish(cfg, pages, NewRules(cfg, now, false, true))
	if len(s.Pages) != 3 || s.Latest("") != r2 {
		t.Errorf("with future: %d pages, latest %v", len(s.Pages), s.Latest(""))
	}
	if got := s.ScheduledAt(r2); !got.Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ScheduledAt(r2) = %v", got)
	}
	if !s.ScheduledAt(r1).IsZero() || s.Live(r2) || !s.Live(r1) {
		t.Errorf("r1 scheduled at %v; live r1 %v r2 %v", s.ScheduledAt(r1), s.Live(r1), s.Live(r2))
	}
	for _, f := range s.FeedPlans() {
		for _, p := range f.Pages {
			if p == r2 {
				t.Errorf("feed %s carries the scheduled release", f.Scope)
			}
		}
	}
}
