package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/lint"
)

// scheduleSite is a site with a published article and release, a release
// and an article scheduled for 10 December 2026 (Paris time), and an
// article that expires on 9 December.
func scheduleSite(t *testing.T) string {
	return mkSite(t, map[string]string{
		"site.yaml": "title: Scheduled\nbase_url: https://help.example.com/\ntimezone: Europe/Paris\n",
		"content/articles/live.md": "---\ntitle: A live article\ndescription: Always here.\nupdated: 2026-11-01\n" +
			"related: [/articles/old-offer/]\n---\nText.\n",
		"content/articles/new-feature.md": "---\ntitle: Use the new feature\ndescription: Out with 2.0.\nupdated: 2026-12-10\n" +
			"publish_date: 2026-12-10\nrelated: [/articles/live/]\n---\nText.\n",
		"content/articles/old-offer.md": "---\ntitle: The autumn offer\ndescription: Until 9 December.\nupdated: 2026-11-01\n" +
			"expiry_date: 2026-12-09\nrelated: [/articles/live/]\n---\nText.\n",
		"content/releases/1-0.md": "---\ntitle: Version 1.0\nversion: \"1.0\"\ndate: 2026-11-01\n---\nText.\n",
		"content/releases/2-0.md": "---\ntitle: Version 2.0\nversion: \"2.0\"\ndate: 2026-12-10\n" +
			"features: [{title: The new feature, docs: [/articles/new-feature/]}]\n---\nText.\n",
	})
}

func exists(out, path string) bool {
	_, err := os.Stat(filepath.Join(out, filepath.FromSlash(path)))
	return err == nil
}

// TestBuildSchedule: a build publishes what is published at its moment,
// in the site's time zone; --future adds the scheduled pages, marked; the
// result says what comes next; and the build cache does not keep the old
// site once the moment has passed.
func TestBuildSchedule(t *testing.T) {
	dir := scheduleSite(t)
	out := filepath.Join(dir, "public")
	build := func(now time.Time, future bool) *Result {
		t.Helper()
		res, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme, Now: now, Future: future})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// 8 December, noon in Paris: the offer is up, 2.0 and its article are not.
	res := build(time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC), false)
	if res.Pages != 3 || res.Scheduled != 2 || res.Expired != 0 || !exists(out, "articles/old-offer/index.html") ||
		exists(out, "releases/2-0/index.html") || exists(out, "articles/new-feature/index.html") {
		t.Fatalf("8 December: %d pages, %d scheduled, %d expired: %s", res.Pages, res.Scheduled, res.Expired, res.Summary())
	}
	if want := "Next scheduled change: 2026-12-09T00:00:00+01:00 (content/articles/old-offer.md expires); build again then"; res.NextLine() != want {
		t.Errorf("next line %q, want %q", res.NextLine(), want)
	}
	if !strings.Contains(res.Summary(), "; 2 scheduled pages left out") {
		t.Errorf("summary %q does not count the scheduled pages", res.Summary())
	}
	home := readAll(t, out)["index.html"]
	if !strings.Contains(home, `<span class="badge badge--latest">Latest</span>`) || strings.Contains(home, "Version 2.0") {
		t.Errorf("8 December: the home page should show 1.0 as the latest release and no 2.0")
	}

	// The same moment again: nothing to do.
	if res = build(time.Date(2026, 12, 8, 22, 0, 0, 0, time.UTC), false); !res.Unchanged || res.NextLine() == "" {
		t.Errorf("a build before the next change: unchanged %v, next %q", res.Unchanged, res.NextLine())
	}
	// 9 December, 00:30 in Paris (still the 8th in UTC): the offer is gone,
	// though the inputs did not change.
	res = build(time.Date(2026, 12, 8, 23, 30, 0, 0, time.UTC), false)
	if res.Unchanged || res.Expired != 1 || exists(out, "articles/old-offer/index.html") {
		t.Errorf("9 December in Paris: unchanged %v, %d expired, offer still there %v", res.Unchanged, res.Expired, exists(out, "articles/old-offer/index.html"))
	}
	if want := "Next scheduled change: 2026-12-10T00:00:00+01:00 (content/articles/new-feature.md and 1 more are published); build again then"; res.NextLine() != want {
		t.Errorf("next line %q, want %q", res.NextLine(), want)
	}

	// --future, still on the 9th: 2.0 and its article are there, marked,
	// but not in the feeds.
	res = build(time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC), true)
	files := readAll(t, out)
	badge := `<span class="badge badge--scheduled">Scheduled: <time datetime="2026-12-10">10 December 2026</time></span>`
	for _, p := range []string{"releases/2-0/index.html", "articles/new-feature/index.html", "releases/index.html", "articles/index.html"} {
		if !strings.Contains(files[p], badge) {
			t.Errorf("--future: %s lacks the Scheduled badge", p)
		}
	}
	if strings.Contains(files["releases/feed.xml"], "Version 2.0") || strings.Contains(files["feed.xml"], "Use the new feature") {
		t.Errorf("--future: a feed carries a scheduled page")
	}
	if res.NextLine() == "" {
		t.Errorf("--future: the badges go on 10 December, so a change is still scheduled")
	}

	// 10 December in Paris: everything is published, nothing is marked.
	res = build(time.Date(2026, 12, 9, 23, 0, 0, 0, time.UTC), false)
	files = readAll(t, out)
	if res.Scheduled != 0 || res.NextLine() != "" || strings.Contains(files["releases/2-0/index.html"], "badge--scheduled") ||
		!strings.Contains(files["releases/feed.xml"], "Version 2.0") {
		t.Errorf("10 December: %d scheduled, next %q", res.Scheduled, res.NextLine())
	}
}

// TestLintSchedule: a link from a published page to one a build does not
// publish yet is broken, saying why; to one that expired, a warning (the
// build that takes it down at its time must not stop); a scheduled page
// may be updated up to the day it goes live, a published page not after
// today.
func TestLintSchedule(t *testing.T) {
	dir := scheduleSite(t)
	writeFile(t, filepath.Join(dir, "content/articles/live.md"), "---\ntitle: A live article\ndescription: Always here.\nupdated: 2026-12-25\n"+
		"related: [/articles/old-offer/, /articles/new-feature/]\n---\nText.\n")
	writeFile(t, filepath.Join(dir, "content/articles/new-feature.md"), "---\ntitle: Use the new feature\ndescription: Out with 2.0.\nupdated: 2026-12-10\n"+
		"publish_date: 2026-12-10\nrelated: [/articles/live/]\n---\nText.\n")
	in, err := LoadText(dir, kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	check := func(now time.Time, future bool) string {
		t.Helper()
		res, err := Check(in, lint.Options{Now: now, Future: future})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, f := range res.Findings {
			if f.Rule == lint.RuleLastUpdated || f.Rule == lint.RuleRelatedLinks || f.Rule == lint.RuleBrokenLink {
				b.WriteString(f.String() + "\n")
			}
		}
		return b.String()
	}
	got := check(time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC), false)
	for _, want := range []string{
		"content/articles/live.md:4:10: error: last-updated: updated 2026-12-25 is in the future (today is 2026-12-09)",
		"content/articles/live.md:5:11: warning: related-links: related entry \"/articles/old-offer/\": /articles/old-offer/ is content/articles/old-offer.md, which expired at 2026-12-09 00:00 CET (expiry_date) and is no longer published; remove the link",
		"content/articles/live.md:5:33: error: related-links: related entry \"/articles/new-feature/\": /articles/new-feature/ is content/articles/new-feature.md, scheduled for 2026-12-10 00:00 CET: until then a build publishes this link broken",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack\n%s\ngot:\n%s", want, got)
		}
	}
	if strings.Contains(got, "new-feature.md:4") {
		t.Errorf("a scheduled page updated the day it goes live is fine:\n%s", got)
	}
	if got := check(time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC), true); strings.Contains(got, "new-feature/ is") {
		t.Errorf("with --future the scheduled page is a link target:\n%s", got)
	}
	writeFile(t, filepath.Join(dir, "content/articles/new-feature.md"), "---\ntitle: Use the new feature\ndescription: Out with 2.0.\nupdated: 2026-12-12\n"+
		"publish_date: 2026-12-10\nrelated: [/articles/live/]\n---\nText.\n")
	if in, err = LoadText(dir, kb.Theme); err != nil {
		t.Fatal(err)
	}
	want := "content/articles/new-feature.md:4:10: error: last-updated: updated 2026-12-12 is after the page goes live (2026-12-10)"
	if got := check(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), false); !strings.Contains(got, want) {
		t.Errorf("findings lack\n%s\ngot:\n%s", want, got)
	}
}

// TestReleaseAtPublication: kb ready, brief and announce see the site as
// it is when a scheduled release is published: the docs scheduled with it
// count as published.
func TestReleaseAtPublication(t *testing.T) {
	dir := scheduleSite(t)
	t.Setenv("SOURCE_DATE_EPOCH", "1796731200") // 8 December 2026, 12:00 UTC
	r, err := LoadRelease(dir, kb.Theme, "2.0", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Site.ByURL["/articles/new-feature/"] == nil || r.Site.ByURL["/releases/2-0/"] == nil {
		t.Errorf("the release's site lacks the pages published with it")
	}
	if r.Site.ByURL["/articles/old-offer/"] != nil {
		t.Errorf("the release's site has a page expired by then")
	}
	rep, err := r.Ready()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range rep.Items {
		if strings.HasPrefix(it.Text, "Every linked page exists, is published") {
			found = true
			if it.Status != "pass" {
				t.Errorf("ready: %s %s %v", it.Status, it.Text, it.Details)
			}
		}
	}
	if !found {
		t.Errorf("ready has no item on the linked pages")
	}
}

// TestBuildCacheSchedule: a page scheduled for a time of day is published
// by the first build after it, although no input changed and it is the
// same day (the build cache's state is stale from the next scheduled
// change on), search index included.
func TestBuildCacheSchedule(t *testing.T) {
	dir := scheduleSite(t)
	writeFile(t, filepath.Join(dir, "content/articles/flash-sale.md"), "---\ntitle: The flash sale\ndescription: Two hours only.\nupdated: 2026-12-08\n"+
		"publish_date: 2026-12-08T09:30\nrelated: [/articles/live/]\n---\nText.\n")
	out := filepath.Join(dir, "public")
	paris, _ := time.LoadLocation("Europe/Paris")
	build := func(hour, min int) *Result {
		t.Helper()
		res, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme, Now: time.Date(2026, 12, 8, hour, min, 0, 0, paris)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := build(9, 0)
	if exists(out, "articles/flash-sale/index.html") || !strings.Contains(first.NextLine(), "2026-12-08T09:30:00+01:00 (content/articles/flash-sale.md is published)") {
		t.Fatalf("09:00: published %v, next %q", exists(out, "articles/flash-sale/index.html"), first.NextLine())
	}
	if res := build(9, 20); !res.Unchanged {
		t.Errorf("09:20: %s, want up to date", res.Summary())
	}
	res := build(9, 40)
	if res.Unchanged || !exists(out, "articles/flash-sale/index.html") || res.Search.Docs != first.Search.Docs+1 {
		t.Errorf("09:40: unchanged %v, published %v, %d documents indexed (before %d)", res.Unchanged, exists(out, "articles/flash-sale/index.html"), res.Search.Docs, first.Search.Docs)
	}
}

// TestSessionSchedule: kb serve's session shows scheduled pages, marked;
// an empty batch changes nothing until the next scheduled change, and
// then builds in full at the new moment; an edit between changes sees its
// own page at the moment it is made. Each result equals a full build at
// the same moment.
func TestSessionSchedule(t *testing.T) {
	dir := scheduleSite(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 12, 8, 12, 0, 0, 0, paris)
	clock := func() time.Time { return now }
	ctx := context.Background()
	s := &Session{Dir: dir, Theme: kb.Theme, Drafts: true, Future: true, Clock: clock}
	same := func(what string, u *Update) {
		t.Helper()
		if len(u.Problems) > 0 {
			t.Fatalf("%s: %v", what, u.Problems)
		}
		fresh, err := (&Session{Dir: dir, Theme: kb.Theme, Drafts: true, Future: true, Clock: clock}).Full(ctx)
		if err != nil || len(fresh.Problems) > 0 {
			t.Fatalf("%s: full build: %v %v", what, err, fresh.Problems)
		}
		for p, want := range fresh.Files {
			if string(u.Files[p]) != string(want) {
				t.Errorf("%s: %s differs from a full build's", what, p)
			}
		}
		if len(u.Files) != len(fresh.Files) {
			t.Errorf("%s: %d files, a full build has %d", what, len(u.Files), len(fresh.Files))
		}
	}
	u, err := s.Full(ctx)
	if err != nil {
		t.Fatal(err)
	}
	same("first build", u)
	if !strings.Contains(string(u.Files["releases/2-0/index.html"]), "badge--scheduled") || u.Files["articles/old-offer/index.html"] == nil {
		t.Fatalf("8 December: 2.0 not marked Scheduled, or the offer missing")
	}
	at, in := s.NextChange()
	if !at.Equal(time.Date(2026, 12, 9, 0, 0, 0, 0, paris)) || in != 12*time.Hour {
		t.Errorf("NextChange = %v in %v, want midnight in 12h", at, in)
	}
	if u, err = s.Apply(ctx, nil); err != nil || u.Full || len(u.Changed) != 0 {
		t.Errorf("an empty batch before the change: full %v, changed %v, %v", u.Full, u.Changed, err)
	}

	now = time.Date(2026, 12, 9, 0, 30, 0, 0, paris)
	if u, err = s.Apply(ctx, nil); err != nil || !u.Full || u.Files["articles/old-offer/index.html"] != nil {
		t.Fatalf("after midnight: full %v, offer still there %v, %v", u.Full, u.Files["articles/old-offer/index.html"] != nil, err)
	}
	same("after the expiry", u)

	// A page added at 01:00 with a publish_date of 00:45 is published.
	now = time.Date(2026, 12, 9, 1, 0, 0, 0, paris)
	writeFile(t, filepath.Join(dir, "content/articles/late.md"), "---\ntitle: A late page\ndescription: Written late.\nupdated: 2026-12-09\n"+
		"publish_date: 2026-12-09T00:45\nrelated: [/articles/live/]\n---\nText.\n")
	if u, err = s.Apply(ctx, []string{"content/articles/late.md"}); err != nil || u.Full {
		t.Fatalf("adding a page: full %v, %v", u.Full, err)
	}
	if page := string(u.Files["articles/late/index.html"]); page == "" || strings.Contains(page, "badge--scheduled") {
		t.Errorf("a page whose time has come shows as scheduled, or not at all")
	}
	same("a page added", u)

	now = time.Date(2026, 12, 10, 0, 0, 1, 0, paris)
	if u, err = s.Apply(ctx, nil); err != nil || !u.Full || strings.Contains(string(u.Files["releases/2-0/index.html"]), "badge--scheduled") {
		t.Fatalf("10 December: full %v, still marked %v, %v", u.Full, strings.Contains(string(u.Files["releases/2-0/index.html"]), "badge--scheduled"), err)
	}
	same("after the release", u)
	if at, _ := s.NextChange(); !at.IsZero() {
		t.Errorf("NextChange = %v, want none", at)
	}
}

// TestExpiredLeavesNoFolder: a page taken down at its expiry_date leaves
// no empty /articles/x/ folder in the output (some servers answer one with
// 403 or a listing, not the 404 page), also when a later build recycles
// the output folder that still had it.
func TestExpiredLeavesNoFolder(t *testing.T) {
	dir := scheduleSite(t)
	out := filepath.Join(dir, "public")
	build := func(now time.Time) {
		t.Helper()
		if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	build(time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC)) // the offer is up
	for i := range 3 {
		// after its expiry; an edit makes each build a real one, recycling
		// the folder two builds back
		writeFile(t, filepath.Join(dir, "content/articles/live.md"), "---\ntitle: A live article\ndescription: Always here.\nupdated: 2026-11-01\n"+
			"related: [/articles/new-feature/]\n---\nText "+strings.Repeat("!", i)+"\n")
		build(time.Date(2026, 12, 10, 11, 0, 0, 0, time.UTC))
		var empty []string
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if entries, _ := os.ReadDir(p); len(entries) == 0 {
					empty = append(empty, p)
				}
			}
			return nil
		})
		if exists(out, "articles/old-offer") || len(empty) > 0 {
			t.Errorf("build %d after the expiry: old-offer folder there %v; empty folders %v", i+1, exists(out, "articles/old-offer"), empty)
		}
	}
}
