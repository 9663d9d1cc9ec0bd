package report

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/feedback/feedbacktest"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/report/reporttest"
	"github.com/octoacme/kb/internal/site"
	"github.com/octoacme/kb/internal/tickets"
)

func TestWilson(t *testing.T) {
	if a, b := wilson(1, 1), wilson(90, 100); a >= b {
		t.Errorf("1 of 1 scores %.3f, 90 of 100 %.3f: the single answer outranks", a, b)
	}
	for _, c := range []struct {
		k, n int
		want float64
	}{{0, 0, 0}, {1, 1, 0.207}, {90, 100, 0.826}, {0, 10, 0}, {10, 10, 0.722}, {50, 100, 0.404}} {
		if got := round3(wilson(c.k, c.n)); got != c.want {
			t.Errorf("wilson(%d, %d) = %.3f, want %.3f", c.k, c.n, got, c.want)
		}
	}
}

func TestGroupQueries(t *testing.T) {
	stats := []feedback.QueryStats{
		{Query: "export invoices", Searches: 6, ZeroResults: 6},
		{Query: "exprot invoices", Searches: 2, ZeroResults: 2},          // a transposition
		{Query: "How do I export invoice?", Searches: 1, ZeroResults: 1}, // stop words, plural, punctuation
		{Query: "invoice  EXPORT", Searches: 1, ZeroResults: 1},          // order, case, spaces
		{Query: "sign in", Searches: 8},
		{Query: "sign up", Searches: 3, ZeroResults: 3}, // short words must match exactly
		{Query: "AUTH-401", Searches: 2, Clicked: 1},
		{Query: "AUTH-403", Searches: 1, ZeroResults: 1}, // digits must match exactly
		{Query: "pasword reset", Searches: 1, ZeroResults: 1},
		{Query: "password reset", Searches: 4, Clicked: 2},
		{Query: "cant sign in", Searches: 2}, // a negation is kept
		{Query: "api key", Searches: 2},
		{Query: "app key", Searches: 1, ZeroResults: 1}, // api and app: short words differ
	}
	var got []string
	for _, g := range groupQueries(stats) {
		got = append(got, g.Query+" "+strings.Join(g.Variants, "|")+" "+strconv.Itoa(g.Searches)+"/"+strconv.Itoa(g.ZeroResults)+"/"+strconv.Itoa(g.Chosen))
	}
	want := []string{
		"export invoices exprot invoices|How do I export invoice?|invoice EXPORT 10/10/0",
		"sign in  8/0/0",
		"password reset pasword reset 5/1/2",
		"sign up  3/3/0",
		"AUTH-401  2/0/1",
		"api key  2/0/0",
		"cant sign in  2/0/0",
		"AUTH-403  1/1/0",
		"app key  1/1/0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("groups:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// build computes the fixture's report on a seeded database.
func build(t *testing.T, url string, seed bool, withRelease bool) *Report {
	t.Helper()
	ctx := context.Background()
	s, err := feedback.Open(ctx, url, feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if seed {
		if err := reporttest.Seed(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	l, err := site.LoadText("testdata/site", kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.ContentErr(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/tickets.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	export, err := tickets.Read("testdata/tickets.csv", f, tickets.Options{Columns: l.Config.Report.Tickets.Columns})
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	o := Options{Config: l.Config, Site: model.Publish(l.Config, l.Content.Pages, model.Rules{}), Store: s,
		Since: day(reporttest.Since), Until: day(reporttest.Until), Today: day(reporttest.Today), Tickets: export}
	if withRelease {
		o.Release, err = release.Find(l.Content.Pages, "2.0", "")
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := Build(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestHTMLSelfContained: the HTML report loads nothing (no script, style
// sheet, image or font from anywhere), draws its charts as inline SVG, and
// is valid HTML (the Nu HTML Checker, when installed).
func TestHTMLSelfContained(t *testing.T) {
	r := build(t, feedbacktest.SQLite(t).URL, true, true)
	var b bytes.Buffer
	if err := r.Write(&b, "html"); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "src=", "url(", "@import", "<link", "<img", "<iframe", "<object"} {
		if strings.Contains(page, bad) {
			t.Errorf("the HTML report contains %q", bad)
		}
	}
	for _, href := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(href[1], "https://help.example.com/") {
			t.Errorf("link %q is not to the help center", href[1])
		}
	}
	if n := strings.Count(page, "<svg"); n != 4 {
		t.Errorf("%d charts, want 4 (daily, pages, gaps, release)", n)
	}
	if !strings.Contains(page, `<rect x=`) || !strings.Contains(page, "<title>2026-11-12: ") {
		t.Error("the charts have no bars with their figures")
	}
	for _, want := range []string{"Top Customer Requests", "Recurring Pain Points", "Support Metrics", "Trends &amp; Insights", "Recommendations",
		"Call me on [phone]", "<td class=\"n\">2</td><td class=\"n\">5</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	browsertest.ValidateHTML(t, "the HTML report", page)
}

// TestNoPlaceholders: a period without any data still fills every section
// of the Customer Feedback Summary with a sentence, never a template
// placeholder.
func TestNoPlaceholders(t *testing.T) {
	r := build(t, feedbacktest.SQLite(t).URL, false, false)
	r.Tickets = nil
	for _, format := range []string{"markdown", "text", "html"} {
		var b bytes.Buffer
		if err := r.Write(&b, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if m := regexp.MustCompile(`\[[A-Z][a-z]+[^\]]*\]([^(]|$)`).FindString(out); m != "" {
			t.Errorf("%s: placeholder %q", format, m)
		}
		if format != "markdown" {
			continue
		}
		for _, want := range []string{
			"### Top Customer Requests\n\nNo searches were recorded in this period",
			"### Recurring Pain Points\n\n- No one answered",
			"### Support Metrics\n\n- Tickets, resolution time, satisfaction and escalations: no ticket export was given",
			"### Trends & Insights\n\nNo one answered",
			"### Recommendations\n\n- Review for release 2.0",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("markdown lacks %q:\n%s", want, out)
			}
		}
	}
}

// TestHostileText: comments and queries cannot inject markup into the
// Markdown or HTML report.
func TestHostileText(t *testing.T) {
	ctx := context.Background()
	url := feedbacktest.SQLite(t).URL
	s, err := feedback.Open(ctx, url, feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	hostile := "<script>alert(1)</script> [click](javascript:alert(1)) | x | **bold** visit https://evil.example/ www.evil.example"
	if err := s.RecordFeedback(ctx, feedback.Feedback{Page: "/faq/sharing/", Helpful: "no", Comment: hostile, At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordSearch(ctx, feedback.Search{Query: "<img src=x onerror=alert(1)> [x](y)", At: at}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := build(t, url, false, false)
	var md, html bytes.Buffer
	r.Write(&md, "markdown")
	r.Write(&html, "html")
	for _, bad := range []string{"<script>", "[click](", "| x |", "**bold**", "https://evil", "www.evil", "<img"} {
		if regexp.MustCompile(`(^|[^\\])` + regexp.QuoteMeta(bad)).MatchString(md.String()) {
			t.Errorf("markdown holds %q unescaped", bad)
		}
	}
	for _, bad := range []string{"<script>alert", "<img src"} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("HTML holds %q unescaped", bad)
		}
	}
	if !strings.Contains(md.String(), `\<script\>alert(1)\</script\>`) {
		t.Errorf("markdown lost the comment's text:\n%s", md.String())
	}
}
