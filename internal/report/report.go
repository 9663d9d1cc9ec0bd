// Package report computes kb report: what customers said about the help
// center and searched for in it, over a period, compared with the period
// before, from the feedback database (internal/feedback), the site's pages,
// and optionally a help desk's ticket export (internal/tickets). It renders
// as text, as Markdown following the support readiness process's Customer
// Feedback Summary template, as a self-contained HTML page with inline SVG
// charts, or as JSON.
//
// The figures:
//
//   - Helpfulness per page: the Yes and No answers and a score, the lower
//     bound of the 95% Wilson interval of the Yes share, so that 1 Yes of 1
//     (0.21) does not outrank 90 of 100 (0.83). The least helpful pages are
//     ranked the other way round, by the lower bound of the No share, so
//     that a page many found unhelpful comes before one with a single No;
//     each shows its reasons and newest comments.
//   - Searches: volume, the top queries, the queries that found nothing
//     grouped into content gaps (normalised: case, punctuation, stop words,
//     plurals and word order; typo variants merged, see sameWord), and the
//     queries whose results were shown at least twice and never chosen
//     (left out when no click at all was recorded: click tracking is off).
//   - Staleness: published pages older than lint.stale_after_days, and
//     pages a release's features or known issues link that were not updated
//     for it (before its date minus ready.window_days, as kb ready checks),
//     for the releases of the period, the latest release before its end,
//     and --release.
//   - Release impact (--release): answers, helpfulness, searches and
//     searches without results in the 7 days before the release date
//     against the 7 days from it, the same for the pages its features link,
//     and tickets before and after.
//   - Support metrics (--tickets): tickets created in the period, median and
//     mean time to resolution, escalations, satisfaction, top categories.
//
// Suggested priorities of content gaps: High when the gap's searches are at
// least 2% of the period's searches, Medium from 0.5%, else Low.
package report

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/tickets"
)

// Options are what a report is computed from.
type Options struct {
	Config *config.Config
	Site   *model.Site // the published site
	Store  *feedback.Store
	// Since and Until are the first and last days of the period (UTC dates).
	Since, Until time.Time
	// Today is the date staleness is measured from.
	Today   time.Time
	Release *content.Page   // --release, or nil
	Tickets *tickets.Export // --tickets, or nil
}

// How many entries a list shows.
const (
	topQueries     = 10
	topGaps        = 15
	topNeverChosen = 10
	topLeast       = 5
	commentsShown  = 3
	topCategories  = 5
)

// Report is a computed report; its JSON is kb report --format json.
type Report struct {
	Site     string `json:"site"`
	Period   Period `json:"period"`
	Previous Period `json:"previous_period"`

	Feedback     Votes         `json:"feedback"`
	PrevFeedback Votes         `json:"previous_feedback"`
	Pages        []PageRow     `json:"pages"`
	LeastHelpful []LeastPage   `json:"least_helpful"`
	Searches     Searches      `json:"searches"`
	Stale        []StalePage   `json:"stale"`
	StaleAfter   int           `json:"stale_after_days"`
	NotUpdated   []ReleaseDocs `json:"not_updated_for_release"`
	Release      *Impact       `json:"release,omitempty"`
	Tickets      *Support      `json:"tickets,omitempty"`
	Daily        []Day         `json:"daily"`

	cfg *config.Config
}

// url is a page's link in the report: absolute with base_url, else its site path.
func (r *Report) url(path string) string {
	if r.cfg == nil {
		return path
	}
	return r.cfg.AbsURL(path)
}

// Period is a range of whole days, both included.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
	Days int    `json:"days"`

	from, to time.Time // [from, to)
}

func newPeriod(first, last time.Time) Period {
	to := last.AddDate(0, 0, 1)
	return Period{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly),
		Days: int(math.Round(to.Sub(first).Hours() / 24)), from: first, to: to}
}

func (p Period) store() feedback.Period { return feedback.Period{From: p.from, To: p.to} }

// Votes are Yes and No answers and their score.
type Votes struct {
	Helpful    int     `json:"helpful"`
	NotHelpful int     `json:"not_helpful"`
	Score      float64 `json:"score"`
}

func newVotes(yes, no int) Votes {
	return Votes{Helpful: yes, NotHelpful: no, Score: round3(wilson(yes, yes+no))}
}

// Total is the number of answers.
func (v Votes) Total() int { return v.Helpful + v.NotHelpful }

// Share is the Yes share, 0 without answers.
func (v Votes) Share() float64 {
	if v.Total() == 0 {
		return 0
	}
	return float64(v.Helpful) / float64(v.Total())
}

// PageRow is one page's answers.
type PageRow struct {
	Path       string        `json:"path"`
	Title      string        `json:"title"`
	Helpful    int           `json:"helpful"`
	NotHelpful int           `json:"not_helpful"`
	Score      float64       `json:"score"`
	Previous   *Votes        `json:"previous,omitempty"`
	Reasons    []ReasonCount `json:"reasons,omitempty"`
	// Missing says the path is not a published page (any more).
	Missing bool `json:"missing,omitempty"`
}

// ReasonCount is how often a reason was given.
type ReasonCount struct {
	Reason string `json:"reason"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

// LeastPage is one of the least helpful pages.
type LeastPage struct {
	PageRow
	Updated  string    `json:"updated,omitempty"`
	Comments []Comment `json:"comments,omitempty"`
	NoScore  float64   `json:"not_helpful_score"` // Wilson lower bound of the No share
}

// Comment is a comment with its answer.
type Comment struct {
	Date    string `json:"date"`
	Helpful bool   `json:"helpful"`
	Reason  string `json:"reason,omitempty"`
	Text    string `json:"text"`
}

// Searches sums up the searches of the period.
type Searches struct {
	Total       int  `json:"total"`
	Previous    int  `json:"previous_total"`
	Zero        int  `json:"zero_result_searches"`
	PrevZero    int  `json:"previous_zero_result_searches"`
	Chosen      int  `json:"chosen"` // searches followed by a chosen result
	Distinct    int  `json:"distinct_queries"`
	ClicksKnown bool `json:"clicks_recorded"`

	Top         []QueryGroup `json:"top"`
	ZeroResults []QueryGroup `json:"zero_results"`
	NeverChosen []QueryGroup `json:"never_chosen"`
	ChosenPages []ChosenPage `json:"chosen_pages"`
}

// ChosenPage is a page customers chose from search results.
type ChosenPage struct {
	Path  string `json:"path"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// StalePage is a page not updated for a while, or for a release.
type StalePage struct {
	Path    string `json:"path"`
	Title   string `json:"title"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"` // of updated in the file
	Updated string `json:"updated"`        // "" when the page has no date
	Days    int    `json:"days_old,omitempty"`
}

// ReleaseDocs are a release's linked pages not updated for it.
type ReleaseDocs struct {
	Version string      `json:"version"`
	Title   string      `json:"title"`
	Date    string      `json:"date"`
	Since   string      `json:"updated_since"` // the date they should be updated on or after
	Pages   []StalePage `json:"pages"`
}

// Window is a week around a release.
type Window struct {
	From       string       `json:"from"`
	To         string       `json:"to"`
	Votes      Votes        `json:"feedback"`
	Searches   int          `json:"searches"`
	Zero       int          `json:"zero_result_searches"`
	ZeroGroups []QueryGroup `json:"zero_results"`
	Tickets    *int         `json:"tickets,omitempty"`
	Median     *float64     `json:"median_resolution_hours,omitempty"`
}

// Impact compares the weeks before and after a release.
type Impact struct {
	Version string        `json:"version"`
	Title   string        `json:"title"`
	Date    string        `json:"date"`
	Before  Window        `json:"before"`
	After   Window        `json:"after"`
	Days    int           `json:"days_after"` // days of the week after that have passed
	New     []QueryGroup  `json:"new_zero_results"`
	Pages   []ReleasePage `json:"pages"`
}

// ReleasePage is a page a release links, with its answers around it.
type ReleasePage struct {
	Path    string   `json:"path"`
	Title   string   `json:"title"`
	For     []string `json:"for"` // the features and known issues linking it
	Updated string   `json:"updated,omitempty"`
	Before  Votes    `json:"before"`
	After   Votes    `json:"after"`
}

// Support are the support metrics of a ticket export.
type Support struct {
	File            string          `json:"file"`
	Tickets         int             `json:"tickets"`
	Previous        int             `json:"previous_tickets"`
	Resolved        int             `json:"resolved"`
	MedianHours     float64         `json:"median_resolution_hours"`
	MeanHours       float64         `json:"mean_resolution_hours"`
	Escalated       int             `json:"escalated"`
	EscalationRate  float64         `json:"escalation_rate"`
	EscalationFrom  string          `json:"escalation_from,omitempty"` // "" when the export cannot tell
	Rated           int             `json:"rated"`
	Good            int             `json:"good"`
	Satisfaction    float64         `json:"satisfaction"`
	HasSatisfaction bool            `json:"has_satisfaction"`
	HasCategory     bool            `json:"has_category"`
	Categories      []tickets.Count `json:"categories"`
}

// Day is one day's counts, for the charts.
type Day struct {
	Date       string `json:"date"`
	Helpful    int    `json:"helpful"`
	NotHelpful int    `json:"not_helpful"`
	Searches   int    `json:"searches"`
	Zero       int    `json:"zero_result_searches"`
}

// Build computes the report.
func Build(ctx context.Context, o Options) (*Report, error) {
	cur := newPeriod(o.Since, o.Until)
	prevLast := o.Since.AddDate(0, 0, -1)
	prev := newPeriod(prevLast.AddDate(0, 0, -(cur.Days-1)), prevLast)
	r := &Report{Site: o.Config.Title, Period: cur, Previous: prev, StaleAfter: o.Config.Lint.StaleAfterDays, cfg: o.Config}
	b := builder{o: o, r: r}
	for _, step := range []func(context.Context) error{b.feedback, b.searches, b.daily, b.releaseImpact} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	b.staleness()
	b.tickets()
	return r, nil
}

type builder struct {
	o Options
	r *Report
}

// page finds the published page of a feedback path, trying it also without
// base_url's path.
func (b *builder) page(path string) *content.Page {
	if p := b.o.Site.ByURL[path]; p != nil {
		return p
	}
	if base := b.o.Config.BasePath(); base != "/" && strings.HasPrefix(path, base) {
		return b.o.Site.ByURL["/"+strings.TrimPrefix(path, base)]
	}
	return nil
}

func (b *builder) title(path string) (string, bool) {
	if p := b.page(path); p != nil {
		return p.LinkTitle(), true
	}
	return "", false
}

func reasons(m map[feedback.Reason]int) []ReasonCount {
	var out []ReasonCount
	for _, r := range feedback.Reasons {
		if n := m[r]; n > 0 {
			out = append(out, ReasonCount{string(r), r.Label(), n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

func (b *builder) feedback(ctx context.Context) error {
	cur, err := b.o.Store.Votes(ctx, b.r.Period.store())
	if err != nil {
		return err
	}
	prev, err := b.o.Store.Votes(ctx, b.r.Previous.store())
	if err != nil {
		return err
	}
	prevBy := map[string]feedback.PageVotes{}
	var py, pn int
	for _, v := range prev {
		prevBy[v.Page] = v
		py, pn = py+v.Yes, pn+v.No
	}
	b.r.PrevFeedback = newVotes(py, pn)
	var yes, no int
	b.r.Pages = []PageRow{}
	for _, v := range cur {
		yes, no = yes+v.Yes, no+v.No
		title, ok := b.title(v.Page)
		row := PageRow{Path: v.Page, Title: title, Helpful: v.Yes, NotHelpful: v.No,
			Score: round3(wilson(v.Yes, v.Yes+v.No)), Reasons: reasons(v.Reasons), Missing: !ok}
		if p, ok := prevBy[v.Page]; ok {
			pv := newVotes(p.Yes, p.No)
			row.Previous = &pv
		}
		b.r.Pages = append(b.r.Pages, row)
	}
	b.r.Feedback = newVotes(yes, no)
	sort.SliceStable(b.r.Pages, func(i, j int) bool {
		a, c := b.r.Pages[i], b.r.Pages[j]
		if ta, tc := a.Helpful+a.NotHelpful, c.Helpful+c.NotHelpful; ta != tc {
			return ta > tc
		}
		return a.Path < c.Path
	})

	var least []LeastPage
	for _, row := range b.r.Pages {
		if row.NotHelpful == 0 {
			continue
		}
		lp := LeastPage{PageRow: row, NoScore: round3(wilson(row.NotHelpful, row.Helpful+row.NotHelpful))}
		if p := b.page(row.Path); p != nil && !p.Updated.IsZero() {
			lp.Updated = p.Updated.Format(time.DateOnly)
		}
		least = append(least, lp)
	}
	sort.SliceStable(least, func(i, j int) bool {
		if least[i].NoScore != least[j].NoScore {
			return least[i].NoScore > least[j].NoScore
		}
		return least[i].Path < least[j].Path
	})
	if len(least) > topLeast {
		least = least[:topLeast]
	}
	for i := range least {
		cs, err := b.o.Store.Comments(ctx, b.r.Period.store(), least[i].Path, commentsShown)
		if err != nil {
			return err
		}
		for _, c := range cs {
			least[i].Comments = append(least[i].Comments, Comment{Date: c.At.Format(time.DateOnly), Helpful: c.Helpful,
				Reason: c.Reason.Label(), Text: c.Text})
		}
	}
	b.r.LeastHelpful = append([]LeastPage{}, least...)
	return nil
}

func (b *builder) searches(ctx context.Context) error {
	s := &b.r.Searches
	cur, err := b.o.Store.Queries(ctx, b.r.Period.store())
	if err != nil {
		return err
	}
	prev, err := b.o.Store.Queries(ctx, b.r.Previous.store())
	if err != nil {
		return err
	}
	for _, q := range prev {
		s.Previous += q.Searches
		s.PrevZero += q.ZeroResults
	}
	for _, q := range cur {
		s.Total += q.Searches
		s.Zero += q.ZeroResults
		s.Chosen += q.Clicked
	}
	clicks, err := b.o.Store.Clicks(ctx, b.r.Period.store())
	if err != nil {
		return err
	}
	s.ClicksKnown = len(clicks) > 0
	s.ChosenPages = []ChosenPage{}
	for _, c := range clicks {
		title, _ := b.title(c.Page)
		if len(s.ChosenPages) < topQueries {
			s.ChosenPages = append(s.ChosenPages, ChosenPage{c.Page, title, c.Clicks})
		}
	}
	groups := groupQueries(cur)
	s.Distinct = len(groups)
	s.Top = pick(groups, topQueries, func(g *QueryGroup) int { return g.Searches })
	s.ZeroResults = pick(groups, topGaps, func(g *QueryGroup) int { return g.ZeroResults })
	s.NeverChosen = []QueryGroup{}
	if s.ClicksKnown {
		s.NeverChosen = pick(groups, topNeverChosen, func(g *QueryGroup) int {
			if shown := g.Searches - g.ZeroResults; g.Chosen == 0 && shown >= 2 {
				return shown
			}
			return 0
		})
	}
	return nil
}

// pick returns the groups with a positive count, highest first, at most n.
func pick(groups []*QueryGroup, n int, count func(*QueryGroup) int) []QueryGroup {
	out := []QueryGroup{}
	for _, g := range groups {
		if c := count(g); c > 0 {
			q := *g
			q.Count = c
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (b *builder) daily(ctx context.Context) error {
	days, err := b.o.Store.Daily(ctx, b.r.Period.store())
	if err != nil {
		return err
	}
	b.r.Daily = make([]Day, len(days))
	for i, d := range days {
		b.r.Daily[i] = Day{Date: d.Day.Format(time.DateOnly), Helpful: d.Yes, NotHelpful: d.No, Searches: d.Searches, Zero: d.ZeroResults}
	}
	return nil
}

func (b *builder) staleness() {
	b.r.Stale = []StalePage{}
	limit := b.o.Today.AddDate(0, 0, -b.o.Config.Lint.StaleAfterDays)
	for _, p := range b.o.Site.Pages {
		if p.Type == content.Release || p.Updated.IsZero() || !p.Updated.Before(limit) {
			continue
		}
		b.r.Stale = append(b.r.Stale, b.stalePage(p))
	}
	sort.SliceStable(b.r.Stale, func(i, j int) bool {
		if b.r.Stale[i].Updated != b.r.Stale[j].Updated {
			return b.r.Stale[i].Updated < b.r.Stale[j].Updated
		}
		return b.r.Stale[i].Path < b.r.Stale[j].Path
	})

	// The releases of the period, the latest before its end, and --release.
	var rels []*content.Page
	var latest *content.Page
	for _, p := range b.o.Site.Releases {
		if p.Release == nil || p.Release.Date.IsZero() || !p.Release.Date.Before(b.r.Period.to) {
			continue
		}
		if !p.Release.Date.Before(b.r.Period.from) {
			rels = append(rels, p)
		}
		if latest == nil || p.Release.Date.After(latest.Release.Date) {
			latest = p
		}
	}
	for _, extra := range []*content.Page{latest, b.o.Release} {
		if extra != nil && extra.Release != nil && !contains(rels, extra) {
			rels = append(rels, extra)
		}
	}
	sort.SliceStable(rels, func(i, j int) bool { return rels[i].Release.Date.After(rels[j].Release.Date) })
	b.r.NotUpdated = []ReleaseDocs{}
	for _, rel := range rels {
		since := rel.Release.Date.AddDate(0, 0, -b.o.Config.Ready.WindowDays)
		rd := ReleaseDocs{Version: rel.Release.Version, Title: rel.LinkTitle(), Date: rel.Release.Date.Format(time.DateOnly),
			Since: since.Format(time.DateOnly)}
		for _, l := range releaseLinks(b.o.Site, rel) {
			if l.page.Updated.IsZero() || l.page.Updated.Before(since) {
				rd.Pages = append(rd.Pages, b.stalePage(l.page))
			}
		}
		if len(rd.Pages) > 0 {
			b.r.NotUpdated = append(b.r.NotUpdated, rd)
		}
	}
}

func contains(list []*content.Page, p *content.Page) bool {
	for _, q := range list {
		if q == p {
			return true
		}
	}
	return false
}

func (b *builder) stalePage(p *content.Page) StalePage {
	sp := StalePage{Path: p.URL, Title: p.LinkTitle(), File: p.File}
	if !p.Updated.IsZero() {
		sp.Updated = p.Updated.Format(time.DateOnly)
		sp.Days = int(b.o.Today.Sub(p.Updated).Hours() / 24)
		sp.Line = p.Field("updated").Line
	}
	return sp
}

// link is a page a release links, with what links it.
type link struct {
	page *content.Page
	for_ []string
}

// releaseLinks returns the pages a release's features and known issues
// link, in order, each once.
func releaseLinks(s *model.Site, rel *content.Page) []link {
	var out []link
	at := map[*content.Page]int{}
	add := func(docs []string, what string) {
		for _, d := range docs {
			p, _ := s.Resolve(d)
			if p == nil {
				continue // kb ready and kb lint report it
			}
			if i, ok := at[p]; ok {
				if !containsString(out[i].for_, what) {
					out[i].for_ = append(out[i].for_, what)
				}
				continue
			}
			at[p] = len(out)
			out = append(out, link{p, []string{what}})
		}
	}
	for _, f := range rel.Release.Features {
		add(f.Docs, f.Title)
	}
	for _, k := range rel.Release.KnownIssues {
		add(k.Docs, k.Title)
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (b *builder) releaseImpact(ctx context.Context) error {
	rel := b.o.Release
	if rel == nil || rel.Release == nil {
		return nil
	}
	d := rel.Release.Date
	before := newPeriod(d.AddDate(0, 0, -7), d.AddDate(0, 0, -1))
	after := newPeriod(d, d.AddDate(0, 0, 6))
	imp := &Impact{Version: rel.Release.Version, Title: rel.LinkTitle(), Date: d.Format(time.DateOnly), Pages: []ReleasePage{}}
	days := int(b.o.Today.Sub(d).Hours()/24) + 1
	imp.Days = max(0, min(7, days))
	votesBy := map[string][2]Votes{}
	var zeroBefore map[string]bool
	for i, p := range []Period{before, after} {
		w := Window{From: p.From, To: p.To}
		votes, err := b.o.Store.Votes(ctx, p.store())
		if err != nil {
			return err
		}
		var yes, no int
		for _, v := range votes {
			yes, no = yes+v.Yes, no+v.No
			pair := votesBy[v.Page]
			pair[i] = newVotes(v.Yes, v.No)
			votesBy[v.Page] = pair
		}
		w.Votes = newVotes(yes, no)
		qs, err := b.o.Store.Queries(ctx, p.store())
		if err != nil {
			return err
		}
		for _, q := range qs {
			w.Searches += q.Searches
			w.Zero += q.ZeroResults
		}
		groups := groupQueries(qs)
		w.ZeroGroups = pick(groups, 5, func(g *QueryGroup) int { return g.ZeroResults })
		if i == 0 {
			zeroBefore = map[string]bool{}
			for _, g := range groups {
				if g.ZeroResults > 0 {
					zeroBefore[strings.Join(g.words, " ")] = true
				}
			}
		} else {
			var fresh []*QueryGroup
			for _, g := range groups {
				if g.ZeroResults > 0 && !zeroBefore[strings.Join(g.words, " ")] {
					fresh = append(fresh, g)
				}
			}
			imp.New = pick(fresh, 5, func(g *QueryGroup) int { return g.ZeroResults })
		}
		if b.o.Tickets != nil {
			m := b.o.Tickets.Metrics(p.from, p.to)
			n := m.Tickets
			w.Tickets = &n
			if m.Resolved > 0 {
				h := round1(m.Median.Hours())
				w.Median = &h
			}
		}
		if i == 0 {
			imp.Before = w
		} else {
			imp.After = w
		}
	}
	for _, l := range releaseLinks(b.o.Site, rel) {
		rp := ReleasePage{Path: l.page.URL, Title: l.page.LinkTitle(), For: l.for_}
		if !l.page.Updated.IsZero() {
			rp.Updated = l.page.Updated.Format(time.DateOnly)
		}
		pair := votesBy[l.page.URL]
		rp.Before, rp.After = newVotes(pair[0].Helpful, pair[0].NotHelpful), newVotes(pair[1].Helpful, pair[1].NotHelpful)
		imp.Pages = append(imp.Pages, rp)
	}
	b.r.Release = imp
	return nil
}

func (b *builder) tickets() {
	e := b.o.Tickets
	if e == nil {
		return
	}
	m := e.Metrics(b.r.Period.from, b.r.Period.to)
	pm := e.Metrics(b.r.Previous.from, b.r.Previous.to)
	_, hasCat := e.Columns["category"]
	_, hasSat := e.Columns["satisfaction"]
	s := &Support{File: e.File, Tickets: m.Tickets, Previous: pm.Tickets, Resolved: m.Resolved,
		MedianHours: round1(m.Median.Hours()), MeanHours: round1(m.Mean.Hours()),
		Escalated: m.Escalated, EscalationRate: round3(m.EscalationRate()), EscalationFrom: e.EscalationFrom,
		Rated: m.Rated, Good: m.Good, Satisfaction: round3(m.Satisfaction()),
		HasSatisfaction: hasSat, HasCategory: hasCat, Categories: m.Categories}
	if len(s.Categories) > topCategories {
		s.Categories = s.Categories[:topCategories]
	}
	if s.Categories == nil {
		s.Categories = []tickets.Count{}
	}
	b.r.Tickets = s
}

// wilson is the lower bound of the 95% Wilson score interval of k
// successes in n trials (0 when n is 0).
func wilson(k, n int) float64 {
	if n == 0 {
		return 0
	}
	const z = 1.959964
	p := float64(k) / float64(n)
	nf := float64(n)
	return (p + z*z/(2*nf) - z*math.Sqrt((p*(1-p)+z*z/(4*nf))/nf)) / (1 + z*z/nf)
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
func round1(x float64) float64 { return math.Round(x*10) / 10 }
