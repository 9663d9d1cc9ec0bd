package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Formats are the output formats of Write.
var Formats = []string{"text", "markdown", "html", "json"}

// Write renders the report in a format: text, markdown, html or json.
func (r *Report) Write(w io.Writer, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "text":
		r.text(bw)
	case "markdown":
		r.markdown(bw)
	case "html":
		err = r.html(bw)
	case "json":
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	default:
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// mdEscape makes text safe in Markdown: nothing in a comment or a query
// can become a link, an emphasis, a heading, a table cell or HTML.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ") // no line break leaves its list item
	var b strings.Builder
	for _, r := range s {
		// Inline markup, HTML and table cells; the text never starts a
		// line, so block markers (#, -, +, 1.) need nothing.
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	// No autolink: a URL in a comment stays text.
	return strings.NewReplacer("://", ":\\/\\/", "www.", "www\\.").Replace(b.String())
}

// mdPage is a page as a Markdown link, or its path when it is gone.
func (r *Report) mdPage(title, path string) string {
	if title == "" {
		return "`" + strings.ReplaceAll(path, "`", "") + "` (not published)"
	}
	return "[" + mdEscape(title) + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(r.url(path)) + ")"
}

func (r *Report) markdown(w io.Writer) {
	s := r.summary()
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("## %s — %s\n\n", s.Title, s.Range)
	p("_%s help center, compared with %s._\n\n", mdEscape(r.Site), dateRange(r.Previous.From, r.Previous.To))

	p("### Top Customer Requests\n\n")
	if len(s.Requests) == 0 {
		p("%s\n\n", mdEscape(s.NoRequests))
	}
	for i, req := range s.Requests {
		p("%d. %s — %s\n", i+1, mdEscape(req.Title), mdEscape(req.Count))
		p("   - Customer need: %s\n", mdEscape(req.Need))
		p("   - Suggested priority: %s\n\n", req.Priority)
	}

	p("### Recurring Pain Points\n\n")
	for _, l := range s.PainPoints {
		p("- %s\n", mdEscape(l))
	}
	p("\n### Support Metrics\n\n")
	for _, l := range s.Support {
		p("- %s\n", mdEscape(l))
	}
	p("\n### Trends & Insights\n\n")
	p("%s\n", mdEscape(strings.Join(s.Trends, " ")))
	p("\n### Recommendations\n\n")
	for _, l := range s.Recommendations {
		p("- %s\n", mdEscape(l))
	}

	p("\n### Helpfulness per page\n\n")
	if len(r.Pages) == 0 {
		p("No answers in this period.\n")
	} else {
		p("Score: the lower bound of the 95%% Wilson interval of the Yes share, so few answers score low.\n\n")
		p("| Page | Yes | No | Score | Previous score |\n|---|--:|--:|--:|--:|\n")
		for i, pg := range r.Pages {
			if i == 20 {
				p("\n%d more pages in `kb report --format json`.\n", len(r.Pages)-20)
				break
			}
			prev := "–"
			if pg.Previous != nil {
				prev = fmt.Sprintf("%.2f", pg.Previous.Score)
			}
			p("| %s | %d | %d | %.2f | %s |\n", r.mdPage(pg.Title, pg.Path), pg.Helpful, pg.NotHelpful, pg.Score, prev)
		}
	}

	p("\n### Searches\n\n")
	p("%d searches (%d in the previous period), %s without results, %d distinct queries.\n", r.Searches.Total, r.Searches.Previous,
		pctOf(r.Searches.Zero, r.Searches.Total), r.Searches.Distinct)
	if len(r.Searches.Top) > 0 {
		p("\n| Top query | Searches | Without results | Chosen |\n|---|--:|--:|--:|\n")
		for _, g := range r.Searches.Top {
			p("| %s | %d | %d | %d |\n", mdEscape(g.Query), g.Searches, g.ZeroResults, g.Chosen)
		}
	}
	if len(r.Searches.ZeroResults) > 0 {
		p("\n| Content gap (no results) | Searches | Variants |\n|---|--:|---|\n")
		for _, g := range r.Searches.ZeroResults {
			p("| %s | %d | %s |\n", mdEscape(g.Query), g.Count, mdEscape(strings.Join(g.Variants, ", ")))
		}
	}
	if !r.Searches.ClicksKnown && r.Searches.Total > 0 {
		p("\nNo chosen result was recorded in this period, so queries whose results go unchosen cannot be told.\n")
	} else if len(r.Searches.NeverChosen) > 0 {
		p("\n| Results never chosen | Searches with results |\n|---|--:|\n")
		for _, g := range r.Searches.NeverChosen {
			p("| %s | %d |\n", mdEscape(g.Query), g.Count)
		}
	}

	p("\n### Staleness\n\n")
	if len(r.Stale) == 0 {
		p("No published page is older than %d days.\n", r.StaleAfter)
	} else {
		p("| Page not updated in %d days | Updated | Days |\n|---|---|--:|\n", r.StaleAfter)
		for _, sp := range r.Stale {
			p("| %s | %s | %d |\n", r.mdPage(sp.Title, sp.Path), sp.Updated, sp.Days)
		}
	}
	for _, rd := range r.NotUpdated {
		p("\nLinked by %s (%s, %s) but not updated since %s:\n\n", mdEscape(rd.Title), mdEscape(rd.Version), longDate(rd.Date), longDate(rd.Since))
		for _, sp := range rd.Pages {
			upd := "no updated date"
			if sp.Updated != "" {
				upd = "updated " + sp.Updated
			}
			p("- %s (%s, `%s`)\n", r.mdPage(sp.Title, sp.Path), upd, sp.File)
		}
	}

	if imp := r.Release; imp != nil {
		p("\n### Release %s\n\n", mdEscape(imp.Version))
		p("%s, released %s. The week before (%s to %s) against the week after (%s to %s", mdEscape(imp.Title), longDate(imp.Date),
			imp.Before.From, imp.Before.To, imp.After.From, imp.After.To)
		if imp.Days < 7 {
			p("; %s of it so far", plural(imp.Days, "day", "days"))
		}
		p("):\n\n| | Week before | Week after |\n|---|--:|--:|\n")
		p("| Answers | %d | %d |\n", imp.Before.Votes.Total(), imp.After.Votes.Total())
		p("| Helpful | %s | %s |\n", sharePhrase(imp.Before.Votes), sharePhrase(imp.After.Votes))
		p("| Searches | %d | %d |\n", imp.Before.Searches, imp.After.Searches)
		p("| Without results | %d | %d |\n", imp.Before.Zero, imp.After.Zero)
		if imp.Before.Tickets != nil {
			p("| Tickets | %d | %d |\n", *imp.Before.Tickets, *imp.After.Tickets)
		}
		if len(imp.Pages) > 0 {
			p("\n| Page it links | For | Updated | Before: yes / no | After: yes / no |\n|---|---|---|--:|--:|\n")
			for _, rp := range imp.Pages {
				p("| %s | %s | %s | %d / %d | %d / %d |\n", r.mdPage(rp.Title, rp.Path), mdEscape(strings.Join(rp.For, "; ")), rp.Updated,
					rp.Before.Helpful, rp.Before.NotHelpful, rp.After.Helpful, rp.After.NotHelpful)
			}
		}
	}
}

func sharePhrase(v Votes) string {
	if v.Total() == 0 {
		return "–"
	}
	return pct(v.Share())
}

func (r *Report) text(w io.Writer) {
	s := r.summary()
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	tw := func(f func(t *tabwriter.Writer)) {
		t := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		f(t)
		t.Flush()
	}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	p("%s — %s\n%s, compared with %s\n", s.Title, s.Range, clean(r.Site), dateRange(r.Previous.From, r.Previous.To))

	p("\nHelpfulness: %s (previous period: %s)\n", votesPhrase(r.Feedback), votesPhrase(r.PrevFeedback))
	if len(r.Pages) > 0 {
		tw(func(t *tabwriter.Writer) {
			fmt.Fprintln(t, "  PAGE\tYES\tNO\tSCORE\tPREVIOUS")
			for i, pg := range r.Pages {
				if i == 20 {
					fmt.Fprintf(t, "  … %d more (--format json)\t\t\t\t\n", len(r.Pages)-20)
					break
				}
				prev := "–"
				if pg.Previous != nil {
					prev = fmt.Sprintf("%.2f", pg.Previous.Score)
				}
				fmt.Fprintf(t, "  %s\t%d\t%d\t%.2f\t%s\n", pg.Path, pg.Helpful, pg.NotHelpful, pg.Score, prev)
			}
		})
	}
	if len(r.LeastHelpful) > 0 {
		p("\nLeast helpful\n")
		for _, lp := range r.LeastHelpful {
			p("  %s: %d of %d not helpful\n", clean(lp.label()), lp.NotHelpful, lp.Helpful+lp.NotHelpful)
			if len(lp.Reasons) > 0 {
				var rs []string
				for _, rc := range lp.Reasons {
					rs = append(rs, fmt.Sprintf("%s %d", rc.Label, rc.Count))
				}
				p("    reasons: %s\n", strings.Join(rs, ", "))
			}
			for _, c := range lp.Comments {
				p("    %s %q\n", c.Date, clean(c.Text))
			}
		}
	}

	sr := r.Searches
	p("\nSearches: %d (previous period: %d), %s without results%s\n", sr.Total, sr.Previous, pctOf(sr.Zero, sr.Total), chosenPhrase(sr))
	list := func(title string, gs []QueryGroup) {
		if len(gs) == 0 {
			return
		}
		p("  %s\n", title)
		tw(func(t *tabwriter.Writer) {
			for _, g := range gs {
				if len(g.Variants) > 0 {
					fmt.Fprintf(t, "    %d\t%s\talso: %s\n", g.Count, clean(g.Query), clean(strings.Join(g.Variants, ", ")))
				} else {
					fmt.Fprintf(t, "    %d\t%s\n", g.Count, clean(g.Query))
				}
			}
		})
	}
	list("Top queries (searches)", sr.Top)
	list("Content gaps (searches without results)", sr.ZeroResults)
	if !sr.ClicksKnown && sr.Total > 0 {
		p("  No chosen result was recorded, so unchosen results cannot be told.\n")
	}
	list("Results never chosen (searches with results)", sr.NeverChosen)

	p("\nStale pages (not updated in %d days): %d\n", r.StaleAfter, len(r.Stale))
	for _, sp := range r.Stale {
		p("  %s:%d: %s updated %s (%d days)\n", sp.File, sp.Line, sp.Path, sp.Updated, sp.Days)
	}
	for _, rd := range r.NotUpdated {
		p("Linked by %s (%s) but not updated since %s:\n", clean(rd.Title), rd.Version, rd.Since)
		for _, sp := range rd.Pages {
			if sp.Updated == "" {
				p("  %s: %s has no updated date\n", sp.File, sp.Path)
				continue
			}
			p("  %s:%d: %s updated %s\n", sp.File, sp.Line, sp.Path, sp.Updated)
		}
	}

	if imp := r.Release; imp != nil {
		p("\nRelease %s (%s), %s: week before → week after", imp.Version, clean(imp.Title), imp.Date)
		if imp.Days < 7 {
			p(" (%s of it so far)", plural(imp.Days, "day", "days"))
		}
		p("\n")
		tw(func(t *tabwriter.Writer) {
			fmt.Fprintf(t, "  answers\t%d\t→ %d\n", imp.Before.Votes.Total(), imp.After.Votes.Total())
			fmt.Fprintf(t, "  helpful\t%s\t→ %s\n", sharePhrase(imp.Before.Votes), sharePhrase(imp.After.Votes))
			fmt.Fprintf(t, "  searches\t%d\t→ %d\n", imp.Before.Searches, imp.After.Searches)
			fmt.Fprintf(t, "  without results\t%d\t→ %d\n", imp.Before.Zero, imp.After.Zero)
			if imp.Before.Tickets != nil {
				fmt.Fprintf(t, "  tickets\t%d\t→ %d\n", *imp.Before.Tickets, *imp.After.Tickets)
			}
		})
		for _, rp := range imp.Pages {
			p("  %s: yes/no %d/%d → %d/%d (%s)\n", rp.Path, rp.Before.Helpful, rp.Before.NotHelpful, rp.After.Helpful, rp.After.NotHelpful, clean(strings.Join(rp.For, "; ")))
		}
	}

	if t := r.Tickets; t != nil {
		p("\nTickets (%s)\n", t.File)
		for _, l := range s.Support {
			if !strings.HasPrefix(l, "Help center") {
				p("  %s\n", clean(l))
			}
		}
	}

	p("\nRecommendations\n")
	for _, l := range s.Recommendations {
		p("  - %s\n", clean(l))
	}
}
