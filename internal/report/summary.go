package report

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// summary is the Customer Feedback Summary template filled from a report:
// every item is a sentence built from the figures, never a placeholder.
// Text in it is plain; the renderers escape it.
type summary struct {
	Title    string
	Range    string
	Requests []request
	// NoRequests says why there is no request, when there is none.
	NoRequests      string
	PainPoints      []string
	Support         []string
	Trends          []string
	Recommendations []string
}

type request struct {
	Title    string
	Count    string
	Need     string
	Priority string
}

func (r *Report) summary() summary {
	s := summary{Title: "Customer Feedback Summary", Range: dateRange(r.Period.From, r.Period.To)}

	// Top customer requests: what customers searched for and did not find.
	for i, g := range r.Searches.ZeroResults {
		if i == 5 {
			break
		}
		need := fmt.Sprintf("an answer to %q, searched %s without a result", g.Query, times(g.ZeroResults))
		if len(g.Variants) > 0 {
			need += " (also as " + quoteJoin(g.Variants) + ")"
		}
		if g.Searches > g.ZeroResults {
			need += fmt.Sprintf("; %s found results, of which %d led to a chosen page", times(g.Searches-g.ZeroResults), g.Chosen)
		}
		s.Requests = append(s.Requests, request{Title: fmt.Sprintf("%q", g.Query),
			Count: plural(g.ZeroResults, "search", "searches") + " with no result", Need: need,
			Priority: priority(g.ZeroResults, r.Searches.Total)})
	}
	if len(s.Requests) == 0 {
		if r.Searches.Total == 0 {
			s.NoRequests = "No searches were recorded in this period, so there is no unmet request to show."
		} else {
			s.NoRequests = fmt.Sprintf("Every one of the %s in this period found results.", plural(r.Searches.Total, "search", "searches"))
		}
	}

	// Recurring pain points: pages answered No, results never chosen.
	for _, p := range r.LeastHelpful {
		line := fmt.Sprintf("%s: %d of %s found it not helpful", p.label(), p.NotHelpful, plural(p.Helpful+p.NotHelpful, "reader", "readers"))
		if len(p.Reasons) > 0 {
			var rs []string
			for _, rc := range p.Reasons {
				rs = append(rs, fmt.Sprintf("%s %d", rc.Label, rc.Count))
			}
			line += "; reasons: " + strings.Join(rs, ", ")
		}
		if len(p.Comments) > 0 {
			line += fmt.Sprintf("; latest comment (%s): %q", p.Comments[0].Date, p.Comments[0].Text)
		}
		s.PainPoints = append(s.PainPoints, line)
	}
	for i, g := range r.Searches.NeverChosen {
		if i == 3 {
			break
		}
		s.PainPoints = append(s.PainPoints, fmt.Sprintf("Searches for %q showed results %s, and no one chose one", g.Query, times(g.Count)))
	}
	if len(s.PainPoints) == 0 {
		switch {
		case r.Feedback.Total() == 0:
			s.PainPoints = append(s.PainPoints, "No one answered \"Was this article helpful?\" in this period.")
		default:
			s.PainPoints = append(s.PainPoints, fmt.Sprintf("None: all %s in this period were Yes.", plural(r.Feedback.Total(), "answer", "answers")))
		}
	}

	// Support metrics.
	if t := r.Tickets; t != nil {
		s.Support = append(s.Support,
			fmt.Sprintf("Total tickets: %d created in this period (%d in the previous %s)", t.Tickets, t.Previous, plural(r.Previous.Days, "day", "days")))
		if t.Resolved > 0 {
			s.Support = append(s.Support, fmt.Sprintf("Average resolution time: %s (median %s, over the %d resolved of them)",
				hours(t.MeanHours), hours(t.MedianHours), t.Resolved))
		} else {
			s.Support = append(s.Support, "Average resolution time: none of them is resolved yet")
		}
		switch {
		case !t.HasSatisfaction:
			s.Support = append(s.Support, "Customer satisfaction score: the export has no satisfaction column")
		case t.Rated == 0:
			s.Support = append(s.Support, "Customer satisfaction score: no ticket of the period was rated")
		default:
			s.Support = append(s.Support, fmt.Sprintf("Customer satisfaction score: %s good (%d of %d rated tickets)", pct(t.Satisfaction), t.Good, t.Rated))
		}
		if t.EscalationFrom == "" {
			s.Support = append(s.Support, "Escalated issues: the export has no escalated, status or tags column to tell")
		} else {
			s.Support = append(s.Support, fmt.Sprintf("Escalated issues: %d (%s of tickets, from %s)", t.Escalated, pct(t.EscalationRate), t.EscalationFrom))
		}
		if len(t.Categories) > 0 {
			var cs []string
			for _, c := range t.Categories {
				cs = append(cs, fmt.Sprintf("%s %d", c.Name, c.Count))
			}
			s.Support = append(s.Support, "Top categories: "+strings.Join(cs, ", "))
		}
	} else {
		s.Support = append(s.Support, "Tickets, resolution time, satisfaction and escalations: no ticket export was given (kb report --tickets FILE.csv)")
	}
	s.Support = append(s.Support, fmt.Sprintf("Help center answers: %s", votesPhrase(r.Feedback)))
	s.Support = append(s.Support, fmt.Sprintf("Help center searches: %d, %s without results%s", r.Searches.Total,
		pctOf(r.Searches.Zero, r.Searches.Total), chosenPhrase(r.Searches)))

	// Trends & insights.
	s.Trends = append(s.Trends, r.helpfulnessTrend())
	s.Trends = append(s.Trends, r.searchTrend())
	if t := r.Tickets; t != nil {
		s.Trends = append(s.Trends, fmt.Sprintf("Tickets: %d, %s the previous %s (%d).", t.Tickets, change(t.Tickets, t.Previous), plural(r.Previous.Days, "day", "days"), t.Previous))
	}
	if d := r.biggestDrop(); d != "" {
		s.Trends = append(s.Trends, d)
	}
	if imp := r.Release; imp != nil {
		s.Trends = append(s.Trends, imp.sentences()...)
	}

	s.Recommendations = r.recommendations()
	return s
}

func (r *Report) helpfulnessTrend() string {
	cur, prev := r.Feedback, r.PrevFeedback
	switch {
	case cur.Total() == 0 && prev.Total() == 0:
		return "No one answered \"Was this article helpful?\" in this period or the one before."
	case cur.Total() == 0:
		return fmt.Sprintf("No answers in this period, after %s in the previous %s.", votesPhrase(prev), plural(r.Previous.Days, "day", "days"))
	case prev.Total() == 0:
		return fmt.Sprintf("Readers found pages helpful in %s of %s; the previous %s had none to compare with.",
			pct(cur.Share()), plural(cur.Total(), "answer", "answers"), plural(r.Previous.Days, "day", "days"))
	}
	diff := math.Round((cur.Share() - prev.Share()) * 100)
	dir := "the same as"
	switch {
	case diff > 0:
		dir = fmt.Sprintf("up %.0f points from", diff)
	case diff < 0:
		dir = fmt.Sprintf("down %.0f points from", -diff)
	}
	return fmt.Sprintf("Readers found pages helpful in %s of %s, %s %s of %d in the previous %s.",
		pct(cur.Share()), plural(cur.Total(), "answer", "answers"), dir, pct(prev.Share()), prev.Total(), plural(r.Previous.Days, "day", "days"))
}

func (r *Report) searchTrend() string {
	s := r.Searches
	if s.Total == 0 && s.Previous == 0 {
		return "No searches were recorded in this period or the one before."
	}
	out := fmt.Sprintf("Customers searched %s, %s the previous %s (%d); %s found nothing",
		times(s.Total), change(s.Total, s.Previous), plural(r.Previous.Days, "day", "days"), s.Previous, pctOf(s.Zero, s.Total))
	if s.Previous > 0 {
		out += fmt.Sprintf(" (was %s)", pctOf(s.PrevZero, s.Previous))
	}
	if s.ClicksKnown && s.Total > 0 {
		out += fmt.Sprintf(", and %s led to a chosen result", pctOf(s.Chosen, s.Total))
	}
	return out + "."
}

// biggestDrop names the page whose Yes share fell most, among pages with at
// least 3 answers in both periods and a fall of 10 points or more.
func (r *Report) biggestDrop() string {
	var best *PageRow
	var bestDiff float64
	for i := range r.Pages {
		p := &r.Pages[i]
		if p.Previous == nil || p.Previous.Total() < 3 || p.Helpful+p.NotHelpful < 3 {
			continue
		}
		diff := newVotes(p.Helpful, p.NotHelpful).Share() - p.Previous.Share()
		if diff <= -0.1 && diff < bestDiff {
			best, bestDiff = p, diff
		}
	}
	if best == nil {
		return ""
	}
	return fmt.Sprintf("%s fell furthest: %s helpful, from %s in the previous period.",
		best.label(), pct(newVotes(best.Helpful, best.NotHelpful).Share()), pct(best.Previous.Share()))
}

func (imp *Impact) sentences() []string {
	name := fmt.Sprintf("%s (%s, %s)", imp.Title, imp.Version, longDate(imp.Date))
	var out []string
	after := "the week after"
	if imp.Days < 7 {
		after = fmt.Sprintf("the %s since", plural(imp.Days, "day", "days"))
	}
	out = append(out, fmt.Sprintf("Release %s: in %s, %s and %s, against %s and %s in the week before.",
		name, after, plural(imp.After.Votes.Total(), "answer", "answers"), plural(imp.After.Searches, "search", "searches"),
		plural(imp.Before.Votes.Total(), "answer", "answers"), plural(imp.Before.Searches, "search", "searches")))
	if imp.Before.Votes.Total() > 0 && imp.After.Votes.Total() > 0 {
		out = append(out, fmt.Sprintf("Helpfulness around the release went from %s to %s.", pct(imp.Before.Votes.Share()), pct(imp.After.Votes.Share())))
	}
	if len(imp.New) > 0 {
		var qs []string
		for _, g := range imp.New {
			qs = append(qs, fmt.Sprintf("%q (%d)", g.Query, g.Count))
		}
		out = append(out, "Searches without results that appeared after the release: "+strings.Join(qs, ", ")+".")
	}
	if imp.Before.Tickets != nil {
		out = append(out, fmt.Sprintf("Tickets: %d in the week before, %d in %s.", *imp.Before.Tickets, *imp.After.Tickets, after))
	}
	return out
}

func (r *Report) recommendations() []string {
	var out []string
	for i, g := range r.Searches.ZeroResults {
		if i == 3 {
			break
		}
		out = append(out, fmt.Sprintf("Write or retitle a page for %q: %s found nothing. If a page already covers it in other words, add those words to search.synonyms in site.yaml.",
			g.Query, plural(g.ZeroResults, "search", "searches")))
	}
	for i, p := range r.LeastHelpful {
		if i == 3 {
			break
		}
		name := p.label()
		if p.Missing {
			out = append(out, fmt.Sprintf("Answers still arrive for %s, which is no longer published: add its path to the aliases of the page that replaced it.", p.Path))
			continue
		}
		top := ""
		if len(p.Reasons) > 0 {
			top = p.Reasons[0].Reason
		}
		n := 0
		if len(p.Reasons) > 0 {
			n = p.Reasons[0].Count
		}
		switch top {
		case "outdated":
			updated := ""
			if p.Updated != "" {
				updated = ", last updated " + longDate(p.Updated)
			}
			out = append(out, fmt.Sprintf("Update %s%s: %s it is outdated.", name, updated, said(n)))
		case "unclear":
			out = append(out, fmt.Sprintf("Rewrite %s more plainly: %s it is unclear (kb lint's readability rule helps).", name, said(n)))
		case "missing-steps":
			out = append(out, fmt.Sprintf("Add the missing steps to %s: %s steps are missing.", name, said(n)))
		case "not-solved":
			out = append(out, fmt.Sprintf("Check that %s answers what customers come to it for: %s it didn't solve their problem; link the guide that does.", name, said(n)))
		default:
			out = append(out, fmt.Sprintf("Read the comments on %s and revise it: %d of %s found it not helpful.", name, p.NotHelpful, plural(p.Helpful+p.NotHelpful, "reader", "readers")))
		}
	}
	for i, g := range r.Searches.NeverChosen {
		if i == 2 {
			break
		}
		out = append(out, fmt.Sprintf("Make the titles and descriptions of the pages found for %q say what they answer: their results were shown %s and never chosen.",
			g.Query, times(g.Count)))
	}
	for _, rd := range r.NotUpdated {
		var ps []string
		for _, p := range rd.Pages {
			ps = append(ps, p.Path)
		}
		out = append(out, fmt.Sprintf("Review for release %s (%s) the pages it links that were last updated before %s: %s.",
			rd.Version, rd.Title, longDate(rd.Since), strings.Join(ps, ", ")))
	}
	if n := len(r.Stale); n > 0 {
		var ps []string
		for i, p := range r.Stale {
			if i == 5 {
				ps = append(ps, fmt.Sprintf("and %d more", n-5))
				break
			}
			ps = append(ps, p.Path)
		}
		out = append(out, fmt.Sprintf("Review the %s not updated in over %d days, oldest first: %s.", plural(n, "page", "pages"), r.StaleAfter, strings.Join(ps, ", ")))
	}
	if t := r.Tickets; t != nil && len(t.Categories) > 0 && t.Tickets > 0 && t.Categories[0].Name != "(none)" {
		c := t.Categories[0]
		out = append(out, fmt.Sprintf("Check that the help center covers %q, the most frequent ticket category (%d of %d tickets).", c.Name, c.Count, t.Tickets))
	}
	if len(out) == 0 {
		out = append(out, "Nothing stands out in this period: no search went unanswered, no page was answered No, and no page is stale.")
	}
	return out
}

func said(n int) string {
	if n == 1 {
		return "1 reader said"
	}
	return fmt.Sprintf("%d readers said", n)
}

func pageName(p PageRow) string {
	if p.Title != "" {
		return p.Title
	}
	return p.Path + " (no longer published)"
}

// label names a page in a sentence: "Title (/path/)", or its path when it
// is no longer published.
func (p PageRow) label() string {
	if p.Title == "" {
		return pageName(p)
	}
	return fmt.Sprintf("%s (%s)", p.Title, p.Path)
}

func votesPhrase(v Votes) string {
	if v.Total() == 0 {
		return "none"
	}
	return fmt.Sprintf("%s, %s helpful", plural(v.Total(), "answer", "answers"), pct(v.Share()))
}

func chosenPhrase(s Searches) string {
	if !s.ClicksKnown || s.Total == 0 {
		return ""
	}
	return fmt.Sprintf(", %s followed by a chosen result", pctOf(s.Chosen, s.Total))
}

// priority suggests a priority from a gap's share of all searches.
func priority(n, total int) string {
	if total == 0 {
		return "Low"
	}
	switch share := float64(n) / float64(total); {
	case share >= 0.02:
		return "High"
	case share >= 0.005:
		return "Medium"
	}
	return "Low"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", math.Round(x*100)) }

func pctOf(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return pct(float64(n) / float64(total))
}

// change says how n compares with was: "up 20% from", "down 5% from", "the same as".
func change(n, was int) string {
	switch {
	case was == 0 && n == 0, n == was:
		return "the same as"
	case was == 0:
		return "up from"
	}
	d := math.Round(float64(n-was) / float64(was) * 100)
	switch {
	case d > 0:
		return fmt.Sprintf("up %.0f%% from", d)
	case d < 0:
		return fmt.Sprintf("down %.0f%% from", -d)
	}
	return "about the same as"
}

// hours formats a number of hours: "45 min", "3 h 20 min", "2 d 4 h".
func hours(h float64) string {
	m := int(math.Round(h * 60))
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m < 24*60:
		if m%60 == 0 {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	hrs := int(math.Round(h))
	if hrs%24 == 0 {
		return fmt.Sprintf("%d d", hrs/24)
	}
	return fmt.Sprintf("%d d %d h", hrs/24, hrs%24)
}

func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

func dateRange(from, to string) string {
	if from == to {
		return longDate(from)
	}
	return longDate(from) + " to " + longDate(to)
}

func quoteJoin(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
