package tickets

import (
	"sort"
	"time"
)

// Metrics are the support metrics of the tickets created in a period.
type Metrics struct {
	Tickets  int
	Resolved int
	// Median and Mean time from creation to resolution of the resolved
	// tickets (calendar time; business hours are not known from an export).
	Median, Mean time.Duration
	Escalated    int
	Rated, Good  int // satisfaction ratings, and the good ones among them
	Categories   []Count
}

// Count is a category and its tickets.
type Count struct {
	Name  string
	Count int
}

// EscalationRate is the share of tickets escalated, 0 without tickets.
func (m Metrics) EscalationRate() float64 {
	if m.Tickets == 0 {
		return 0
	}
	return float64(m.Escalated) / float64(m.Tickets)
}

// Satisfaction is the share of good ratings, 0 without ratings.
func (m Metrics) Satisfaction() float64 {
	if m.Rated == 0 {
		return 0
	}
	return float64(m.Good) / float64(m.Rated)
}

// Metrics computes the metrics of the tickets created in [from, to).
// Tickets without a category count under "(none)".
func (e *Export) Metrics(from, to time.Time) Metrics {
	var m Metrics
	var durations []time.Duration
	cats := map[string]int{}
	for _, t := range e.Tickets {
		if t.Created.Before(from) || !t.Created.Before(to) {
			continue
		}
		m.Tickets++
		if !t.Resolved.IsZero() {
			m.Resolved++
			durations = append(durations, t.Resolved.Sub(t.Created))
		}
		if t.Escalated {
			m.Escalated++
		}
		switch t.Satisfaction {
		case Good:
			m.Rated++
			m.Good++
		case NotGood:
			m.Rated++
		}
		if _, ok := e.Columns["category"]; ok {
			name := t.Category
			if name == "" {
				name = "(none)"
			}
			cats[name]++
		}
	}
	if n := len(durations); n > 0 {
		sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
		var sum time.Duration
		for _, d := range durations {
			sum += d
		}
		m.Mean = sum / time.Duration(n)
		m.Median = durations[n/2]
		if n%2 == 0 {
			m.Median = (durations[n/2-1] + durations[n/2]) / 2
		}
	}
	for name, n := range cats {
		m.Categories = append(m.Categories, Count{name, n})
	}
	sort.Slice(m.Categories, func(i, j int) bool {
		a, b := m.Categories[i], m.Categories[j]
		return a.Count > b.Count || a.Count == b.Count && a.Name < b.Name
	})
	return m
}
