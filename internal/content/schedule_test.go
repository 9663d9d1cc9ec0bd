package content

import (
	"strings"
	"testing"
	"time"
)

// TestScheduleFields: publish_date and expiry_date are dates or dates and
// times in the site's time zone (Options.Location), unless they carry an
// offset; weight is a whole number; promoted true, false or a rank.
func TestScheduleFields(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		value string
		want  time.Time
	}{
		{"2026-12-10", time.Date(2026, 12, 10, 0, 0, 0, 0, paris)},
		{"2026-12-10T09:30", time.Date(2026, 12, 10, 9, 30, 0, 0, paris)},
		{"2026-12-10 09:30:15", time.Date(2026, 12, 10, 9, 30, 15, 0, paris)},
		{`"2026-12-10T09:30:00Z"`, time.Date(2026, 12, 10, 9, 30, 0, 0, time.UTC)},
		{"2026-12-10T09:30:00-05:00", time.Date(2026, 12, 10, 14, 30, 0, 0, time.UTC)},
	} {
		p, errs := Parse("content/articles/x.md", []byte("---\ntitle: X\npublish_date: "+tc.value+"\nexpiry_date: 2027-01-01\nweight: -3\npromoted: 2\n---\nBody\n"),
			Options{Markdown: conv, Location: paris})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tc.value, errs)
		}
		if !p.PublishDate.Equal(tc.want) {
			t.Errorf("publish_date %s = %v, want %v", tc.value, p.PublishDate, tc.want)
		}
		if !p.ExpiryDate.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, paris)) {
			t.Errorf("expiry_date = %v", p.ExpiryDate)
		}
		if p.Weight != -3 || !p.Promoted || p.PromotedRank != 2 {
			t.Errorf("weight %d promoted %v rank %d", p.Weight, p.Promoted, p.PromotedRank)
		}
	}
	p, errs := parse(t, "content/articles/x.md", "---\ntitle: X\npublish_date: 2026-12-10\npromoted: true\n---\nBody\n")
	if len(errs) > 0 || !p.PublishDate.Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) || !p.Promoted || p.PromotedRank != 0 {
		t.Errorf("without a location: %v %v %v %v", errs, p.PublishDate, p.Promoted, p.PromotedRank)
	}
}

// TestScheduleFieldErrors: a malformed value is an error at its line that
// says what to write; an expiry_date at or before the publication (the
// publish_date, or a release's date) too.
func TestScheduleFieldErrors(t *testing.T) {
	for _, tc := range []struct{ file, fm, want string }{
		{"content/articles/x.md", "publish_date: next week", `content/articles/x.md:3: publish_date: "next week" is not a date or a date and time`},
		{"content/articles/x.md", "expiry_date: 2026-13-01", `content/articles/x.md:3: expiry_date: "2026-13-01" is not a date`},
		{"content/articles/x.md", "publish_date: [2026-01-01]", `content/articles/x.md:3: publish_date: a list is not a date`},
		{"content/articles/x.md", "weight: 1.5", `content/articles/x.md:3: weight: "1.5" is not a whole number`},
		{"content/articles/x.md", "promoted: 0", `content/articles/x.md:3: promoted: want true, false or a rank from 1 (promoted pages with a rank are listed first, 1 before 2), not "0"`},
		{"content/articles/x.md", "promoted: \"yes\"", `content/articles/x.md:3: promoted: want true, false or a rank from 1 (promoted pages with a rank are listed first, 1 before 2), not "yes"`},
		{"content/articles/x.md", "publish_date: 2026-12-10\nexpiry_date: 2026-12-10", `content/articles/x.md:4: expiry_date: 2026-12-10 00:00 UTC is not after publish_date (2026-12-10 00:00 UTC): the page would never be published`},
		{"content/releases/r.md", "version: \"1.0\"\ndate: 2026-12-10\nexpiry_date: 2026-12-01T12:00", `content/releases/r.md:5: expiry_date: 2026-12-01 12:00 UTC is not after the release date (2026-12-10 00:00 UTC)`},
		{"content/articles/x.md", "date: 2026-12-10\nexpiry_date: 2026-12-10", `content/articles/x.md:4: expiry_date: 2026-12-10 00:00 UTC is not after date (2026-12-10 00:00 UTC)`},
		{"content/articles/x.md", "date: soon", `content/articles/x.md:3: date: "soon" is not a date or a date and time`},
	} {
		_, errs := parse(t, tc.file, "---\ntitle: X\n"+tc.fm+"\n---\nBody\n")
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
			t.Errorf("%s: got %q, want one error starting %q", tc.fm, got, tc.want)
		}
	}
}

// TestDateSchedulesAPage: date on a page that is not a release is when it
// is published, as Hugo and Jekyll read it, unless publish_date is set; a
// release's date stays its release date.
func TestDateSchedulesAPage(t *testing.T) {
	p, errs := parse(t, "content/articles/x.md", "---\ntitle: X\ndate: 2026-12-10T09:00\n---\nBody\n")
	if len(errs) > 0 || !p.PublishDate.Equal(time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("date on an article: publish date %v, %v", p.PublishDate, errs)
	}
	p, errs = parse(t, "content/articles/x.md", "---\ntitle: X\ndate: 2026-12-10\npublish_date: 2026-12-12\n---\nBody\n")
	if len(errs) > 0 || !p.PublishDate.Equal(time.Date(2026, 12, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date and publish_date: publish date %v, %v", p.PublishDate, errs)
	}
	p, errs = parse(t, "content/releases/r.md", "---\ntitle: X\nversion: \"1.0\"\ndate: 2026-12-10\n---\nBody\n")
	if len(errs) > 0 || !p.PublishDate.IsZero() || p.Release == nil || !p.Release.Date.Equal(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a release's date: publish date %v, release %+v, %v", p.PublishDate, p.Release, errs)
	}
}
