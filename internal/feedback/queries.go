package feedback

import (
	"context"
	"sort"
	"time"
)

// Period is the half-open time range [From, To) a report reads.
type Period struct {
	From, To time.Time
}

func (p Period) args() []any { return []any{millis(p.From), millis(p.To)} }

// PageVotes are the answers about one page.
type PageVotes struct {
	Page    string
	Yes, No int
	Reasons map[Reason]int // of the No answers that gave one
}

// Votes returns the answers per page in a period, by page path.
func (s *Store) Votes(ctx context.Context, p Period) ([]PageVotes, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT page, helpful, reason, COUNT(*) FROM kb_feedback
		WHERE created >= $1 AND created < $2 GROUP BY page, helpful, reason`, p.args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byPage := map[string]*PageVotes{}
	for rows.Next() {
		var page, reason string
		var helpful, n int
		if err := rows.Scan(&page, &helpful, &reason, &n); err != nil {
			return nil, err
		}
		v := byPage[page]
		if v == nil {
			v = &PageVotes{Page: page, Reasons: map[Reason]int{}}
			byPage[page] = v
		}
		if helpful == 1 {
			v.Yes += n
		} else {
			v.No += n
		}
		if reason != "" {
			v.Reasons[Reason(reason)] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]PageVotes, 0, len(byPage))
	for _, v := range byPage {
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Page < out[j].Page })
	return out, nil
}

// Comment is a comment left with an answer.
type Comment struct {
	Page    string
	Helpful bool
	Reason  Reason
	Text    string
	At      time.Time
}

// Comments returns a page's newest comments in a period, at most limit.
func (s *Store) Comments(ctx context.Context, p Period, page string, limit int) ([]Comment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT helpful, reason, comment, created FROM kb_feedback
		WHERE created >= $1 AND created < $2 AND page = $3 AND comment <> ''
		ORDER BY created DESC, id LIMIT $4`, millis(p.From), millis(p.To), page, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var helpful int
		var reason string
		var at int64
		if err := rows.Scan(&helpful, &reason, &c.Text, &at); err != nil {
			return nil, err
		}
		c.Page, c.Helpful, c.Reason, c.At = page, helpful == 1, Reason(reason), time.UnixMilli(at).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// QueryStats describe the searches for one query text (as stored: masked
// and trimmed, case kept; kb report groups them further).
type QueryStats struct {
	Query       string
	Searches    int // how often it was searched
	ZeroResults int // of which found nothing
	Clicked     int // of which led to a chosen result
}

// Queries returns the searches of a period per query text.
func (s *Store) Queries(ctx context.Context, p Period) ([]QueryStats, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT s.query, COUNT(*),
			SUM(CASE WHEN s.results = 0 THEN 1 ELSE 0 END),
			SUM(CASE WHEN EXISTS (SELECT 1 FROM kb_clicks c WHERE c.search_id = s.id) THEN 1 ELSE 0 END)
		FROM kb_searches s WHERE s.created >= $1 AND s.created < $2
		GROUP BY s.query ORDER BY s.query`, p.args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueryStats
	for rows.Next() {
		var q QueryStats
		if err := rows.Scan(&q.Query, &q.Searches, &q.ZeroResults, &q.Clicked); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// PageClicks is how often a page was chosen from search results.
type PageClicks struct {
	Page   string
	Clicks int
}

// Clicks returns the pages chosen from search results in a period, most
// chosen first.
func (s *Store) Clicks(ctx context.Context, p Period) ([]PageClicks, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT page, COUNT(*) FROM kb_clicks
		WHERE created >= $1 AND created < $2 GROUP BY page ORDER BY COUNT(*) DESC, page`, p.args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PageClicks
	for rows.Next() {
		var c PageClicks
		if err := rows.Scan(&c.Page, &c.Clicks); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Day holds one UTC day's counts.
type Day struct {
	Day         time.Time
	Yes, No     int
	Searches    int
	ZeroResults int
}

// Daily returns the counts of every day of a period, days without any
// included, oldest first.
func (s *Store) Daily(ctx context.Context, p Period) ([]Day, error) {
	const dayMs = 24 * 60 * 60 * 1000
	byDay := map[int64]*Day{}
	var days []*Day
	first := p.From.UTC().Truncate(24 * time.Hour)
	for d := first; d.Before(p.To); d = d.Add(24 * time.Hour) {
		day := &Day{Day: d}
		byDay[millis(d)/dayMs] = day
		days = append(days, day)
	}
	scan := func(q string, add func(d *Day, a, b int)) error {
		rows, err := s.r.QueryContext(ctx, q, p.args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key int64
			var a, b int
			if err := rows.Scan(&key, &a, &b); err != nil {
				return err
			}
			if d := byDay[key]; d != nil {
				add(d, a, b)
			}
		}
		return rows.Err()
	}
	if err := scan(`SELECT created / 86400000, SUM(helpful), COUNT(*) - SUM(helpful) FROM kb_feedback
		WHERE created >= $1 AND created < $2 GROUP BY created / 86400000`,
		func(d *Day, yes, no int) { d.Yes, d.No = yes, no }); err != nil {
		return nil, err
	}
	if err := scan(`SELECT created / 86400000, COUNT(*), SUM(CASE WHEN results = 0 THEN 1 ELSE 0 END) FROM kb_searches
		WHERE created >= $1 AND created < $2 GROUP BY created / 86400000`,
		func(d *Day, n, zero int) { d.Searches, d.ZeroResults = n, zero }); err != nil {
		return nil, err
	}
	out := make([]Day, len(days))
	for i, d := range days {
		out[i] = *d
	}
	return out, nil
}
