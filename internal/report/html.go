package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// The HTML report is one self-contained page: inline CSS, charts drawn as
// inline SVG, no script, no font, image or other request. Every chart has
// a title for screen readers and its figures are in the tables too.

// bar is one rectangle of a chart, in SVG user units.
type bar struct {
	X, Y, W, H float64
	Class      string
	Title      string // the tooltip: the figure it shows
}

// label is a text of a chart.
type label struct {
	X, Y   float64
	Text   string
	Anchor string
}

type chart struct {
	ID     string
	Title  string
	Width  float64
	Height float64
	Bars   []bar
	Labels []label
	Legend []legendItem
}

type legendItem struct {
	Class, Text string
}

const chartWidth = 720

// dailyChart draws each day's searches (those without results on top) and
// answers (No on top of Yes) as two rows of bars.
func (r *Report) dailyChart() *chart {
	if len(r.Daily) == 0 {
		return nil
	}
	c := &chart{ID: "chart-daily", Title: "Searches and answers per day", Width: chartWidth, Height: 260,
		Legend: []legendItem{{"c-search", "searches with results"}, {"c-zero", "searches without results"}, {"c-yes", "answers: Yes"}, {"c-no", "answers: No"}}}
	left, right := 40.0, 10.0
	slot := (c.Width - left - right) / float64(len(r.Daily))
	maxS, maxV := 1, 1
	for _, d := range r.Daily {
		maxS = max(maxS, d.Searches)
		maxV = max(maxV, d.Helpful+d.NotHelpful)
	}
	const rowH = 90.0
	rows := []struct {
		top  float64
		max  int
		name string
	}{{10, maxS, "searches"}, {130, maxV, "answers"}}
	for _, row := range rows {
		base := row.top + rowH
		c.Labels = append(c.Labels, label{left - 4, row.top + 8, fmt.Sprint(row.max), "end"}, label{left - 4, base, "0", "end"},
			label{left, row.top - 2, row.name, "start"})
	}
	w := math.Max(1, slot*0.8)
	for i, d := range r.Daily {
		x := left + float64(i)*slot + (slot-w)/2
		stack := func(row int, parts ...struct {
			n     int
			class string
			what  string
		}) {
			top, m := rows[row].top, float64(rows[row].max)
			y := top + rowH
			for _, p := range parts {
				if p.n == 0 {
					continue
				}
				h := rowH * float64(p.n) / m
				y -= h
				c.Bars = append(c.Bars, bar{x, y, w, h, p.class, fmt.Sprintf("%s: %d %s", d.Date, p.n, p.what)})
			}
		}
		type part = struct {
			n     int
			class string
			what  string
		}
		stack(0, part{d.Searches - d.Zero, "c-search", "searches with results"}, part{d.Zero, "c-zero", "searches without results"})
		stack(1, part{d.Helpful, "c-yes", "Yes"}, part{d.NotHelpful, "c-no", "No"})
	}
	c.Labels = append(c.Labels, label{left, 244, r.Daily[0].Date, "start"},
		label{c.Width - right, 244, r.Daily[len(r.Daily)-1].Date, "end"})
	return c
}

// pagesChart draws the most answered pages' Yes and No as stacked bars.
func (r *Report) pagesChart() *chart {
	if len(r.Pages) == 0 {
		return nil
	}
	pages := r.Pages
	if len(pages) > 12 {
		pages = pages[:12]
	}
	c := &chart{ID: "chart-pages", Title: "Yes and No answers of the most answered pages", Width: chartWidth,
		Height: float64(len(pages))*26 + 10, Legend: []legendItem{{"c-yes", "Yes"}, {"c-no", "No"}}}
	left := 300.0
	maxT := 1
	for _, p := range pages {
		maxT = max(maxT, p.Helpful+p.NotHelpful)
	}
	scale := (c.Width - left - 90) / float64(maxT)
	for i, p := range pages {
		y := 6 + float64(i)*26
		name := p.Title
		if name == "" {
			name = p.Path
		}
		c.Labels = append(c.Labels, label{left - 8, y + 14, clipText(name, 44), "end"})
		yw, nw := float64(p.Helpful)*scale, float64(p.NotHelpful)*scale
		if p.Helpful > 0 {
			c.Bars = append(c.Bars, bar{left, y, yw, 18, "c-yes", fmt.Sprintf("%s: %d Yes", name, p.Helpful)})
		}
		if p.NotHelpful > 0 {
			c.Bars = append(c.Bars, bar{left + yw, y, nw, 18, "c-no", fmt.Sprintf("%s: %d No", name, p.NotHelpful)})
		}
		c.Labels = append(c.Labels, label{left + yw + nw + 6, y + 14, fmt.Sprintf("score %.2f", p.Score), "start"})
	}
	return c
}

// gapsChart draws the content gaps.
func (r *Report) gapsChart() *chart {
	gaps := r.Searches.ZeroResults
	if len(gaps) == 0 {
		return nil
	}
	c := &chart{ID: "chart-gaps", Title: "Searches without results, grouped", Width: chartWidth, Height: float64(len(gaps))*26 + 10,
		Legend: []legendItem{{"c-zero", "searches without results"}}}
	left := 300.0
	scale := (c.Width - left - 40) / float64(max(1, gaps[0].Count))
	for i, g := range gaps {
		y := 6 + float64(i)*26
		c.Labels = append(c.Labels, label{left - 8, y + 14, clipText(g.Query, 44), "end"})
		w := float64(g.Count) * scale
		c.Bars = append(c.Bars, bar{left, y, w, 18, "c-zero", fmt.Sprintf("%s: %d", g.Query, g.Count)})
		c.Labels = append(c.Labels, label{left + w + 6, y + 14, fmt.Sprint(g.Count), "start"})
	}
	return c
}

// releaseChart compares the week before a release with the week after.
func (r *Report) releaseChart() *chart {
	imp := r.Release
	if imp == nil {
		return nil
	}
	type metric struct {
		name          string
		before, after int
	}
	ms := []metric{{"answers", imp.Before.Votes.Total(), imp.After.Votes.Total()},
		{"No answers", imp.Before.Votes.NotHelpful, imp.After.Votes.NotHelpful},
		{"searches", imp.Before.Searches, imp.After.Searches},
		{"without results", imp.Before.Zero, imp.After.Zero}}
	if imp.Before.Tickets != nil {
		ms = append(ms, metric{"tickets", *imp.Before.Tickets, *imp.After.Tickets})
	}
	c := &chart{ID: "chart-release", Title: "The week before release " + imp.Version + " and the week after", Width: chartWidth,
		Height: float64(len(ms))*44 + 10, Legend: []legendItem{{"c-before", "week before"}, {"c-after", "week after"}}}
	left := 160.0
	maxN := 1
	for _, m := range ms {
		maxN = max(maxN, m.before, m.after)
	}
	scale := (c.Width - left - 50) / float64(maxN)
	for i, m := range ms {
		y := 6 + float64(i)*44
		c.Labels = append(c.Labels, label{left - 8, y + 22, m.name, "end"})
		for j, n := range []int{m.before, m.after} {
			class, what := "c-before", "week before"
			if j == 1 {
				class, what = "c-after", "week after"
			}
			w := float64(n) * scale
			yy := y + float64(j)*18
			if n > 0 {
				c.Bars = append(c.Bars, bar{left, yy, w, 16, class, fmt.Sprintf("%s, %s: %d", m.name, what, n)})
			}
			c.Labels = append(c.Labels, label{left + w + 6, yy + 12, fmt.Sprint(n), "start"})
		}
	}
	return c
}

func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

type htmlData struct {
	*Report
	S      summary
	Charts []*chart
}

func (r *Report) html(w io.Writer) error {
	d := htmlData{Report: r, S: r.summary()}
	for _, c := range []*chart{r.dailyChart(), r.pagesChart(), r.gapsChart(), r.releaseChart()} {
		if c != nil {
			d.Charts = append(d.Charts, c)
		}
	}
	t, err := htmlTemplate.Clone()
	if err != nil {
		return err
	}
	return t.Funcs(template.FuncMap{"url": r.url}).Execute(w, d)
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"pctOf":    pctOf,
	"share":    sharePhrase,
	"longDate": longDate,
	"plural":   plural,
	"add":      func(a, b int) int { return a + b },
	"f1":       func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"f2":       func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"join":     strings.Join,
	"name":     pageName,
	"url":      func(path string) string { return path },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.S.Title}} — {{.S.Range}} — {{.Site}}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --line: #d0d7de;
  --search: #6e9bd8; --zero: #d9822b; --yes: #2f9e5b; --no: #cf3c3c; --before: #8c959f; --after: #3b6fd1; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #30363d; } }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: 0; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; }
svg { width: 100%; height: auto; } svg text { font-size: 12px; fill: var(--fg); }
.c-search { fill: var(--search); } .c-zero { fill: var(--zero); } .c-yes { fill: var(--yes); } .c-no { fill: var(--no); }
.c-before { fill: var(--before); } .c-after { fill: var(--after); }
.legend { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; font-size: .9rem; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -.1rem; }
.legend .c-search { background: var(--search); } .legend .c-zero { background: var(--zero); }
.legend .c-yes { background: var(--yes); } .legend .c-no { background: var(--no); }
.legend .c-before { background: var(--before); } .legend .c-after { background: var(--after); }
blockquote { margin: .3rem 0 .3rem 1rem; color: var(--muted); }
</style>
</head>
<body>
<header>
<h1>{{.S.Title}} — {{.S.Range}}</h1>
<p class="muted">{{.Site}} help center, compared with {{longDate .Previous.From}} to {{longDate .Previous.To}}.</p>
</header>
<main>
<h2>Top Customer Requests</h2>
{{- if .S.Requests}}
<ol>
{{- range .S.Requests}}
<li><strong>{{.Title}}</strong> — {{.Count}}
<ul><li>Customer need: {{.Need}}</li><li>Suggested priority: {{.Priority}}</li></ul></li>
{{- end}}
</ol>
{{- else}}
<p>{{.S.NoRequests}}</p>
{{- end}}
<h2>Recurring Pain Points</h2>
<ul>{{range .S.PainPoints}}<li>{{.}}</li>{{end}}</ul>
<h2>Support Metrics</h2>
<ul>{{range .S.Support}}<li>{{.}}</li>{{end}}</ul>
<h2>Trends &amp; Insights</h2>
{{range .S.Trends}}<p>{{.}}</p>{{end}}
{{- range .Charts}}
<figure>
<figcaption id="{{.ID}}">{{.Title}}</figcaption>
<ul class="legend">{{range .Legend}}<li><span class="{{.Class}}"></span>{{.Text}}</li>{{end}}</ul>
<svg viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-labelledby="{{.ID}}">
{{- range .Bars}}
<rect x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}" class="{{.Class}}"><title>{{.Title}}</title></rect>
{{- end}}
{{- range .Labels}}
<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{- end}}
</svg>
</figure>
{{- end}}
<h2>Recommendations</h2>
<ul>{{range .S.Recommendations}}<li>{{.}}</li>{{end}}</ul>

<h2>Helpfulness per page</h2>
{{- if .Pages}}
<p class="muted">Score: the lower bound of the 95% Wilson interval of the Yes share, so few answers score low.</p>
<table>
<thead><tr><th>Page</th><th class="n">Yes</th><th class="n">No</th><th class="n">Score</th><th class="n">Previous score</th></tr></thead>
<tbody>
{{- range .Pages}}
<tr><td>{{if .Title}}<a href="{{url .Path}}">{{.Title}}</a>{{else}}{{.Path}} (not published){{end}}</td><td class="n">{{.Helpful}}</td><td class="n">{{.NotHelpful}}</td><td class="n">{{f2 .Score}}</td><td class="n">{{with .Previous}}{{f2 .Score}}{{else}}–{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No answers in this period.</p>
{{- end}}
{{- if .LeastHelpful}}
<h2>Least helpful pages</h2>
{{- range .LeastHelpful}}
<h3>{{name .PageRow}} <span class="muted">{{.Path}}</span></h3>
<p>{{.NotHelpful}} of {{add .Helpful .NotHelpful}} found it not helpful{{with .Updated}}; last updated {{longDate .}}{{end}}.{{if .Reasons}} Reasons: {{range $i, $r := .Reasons}}{{if $i}}, {{end}}{{$r.Label}} {{$r.Count}}{{end}}.{{end}}</p>
{{- range .Comments}}
<blockquote>{{.Date}}: “{{.Text}}”</blockquote>
{{- end}}
{{- end}}
{{- end}}

<h2>Searches</h2>
<p>{{.Searches.Total}} searches ({{.Searches.Previous}} in the previous period), {{pctOf .Searches.Zero .Searches.Total}} without results, {{.Searches.Distinct}} distinct queries.</p>
{{- if .Searches.Top}}
<table>
<thead><tr><th>Top query</th><th class="n">Searches</th><th class="n">Without results</th><th class="n">Chosen</th></tr></thead>
<tbody>{{range .Searches.Top}}<tr><td>{{.Query}}</td><td class="n">{{.Searches}}</td><td class="n">{{.ZeroResults}}</td><td class="n">{{.Chosen}}</td></tr>{{end}}</tbody>
</table>
{{- end}}
{{- if .Searches.ZeroResults}}
<table>
<thead><tr><th>Content gap (no results)</th><th class="n">Searches</th><th>Variants</th></tr></thead>
<tbody>{{range .Searches.ZeroResults}}<tr><td>{{.Query}}</td><td class="n">{{.Count}}</td><td>{{join .Variants ", "}}</td></tr>{{end}}</tbody>
</table>
{{- end}}
{{- if .Searches.NeverChosen}}
<table>
<thead><tr><th>Results never chosen</th><th class="n">Searches with results</th></tr></thead>
<tbody>{{range .Searches.NeverChosen}}<tr><td>{{.Query}}</td><td class="n">{{.Count}}</td></tr>{{end}}</tbody>
</table>
{{- end}}

<h2>Staleness</h2>
{{- if .Stale}}
<table>
<thead><tr><th>Page not updated in {{.StaleAfter}} days</th><th>Updated</th><th class="n">Days</th></tr></thead>
<tbody>{{range .Stale}}<tr><td><a href="{{url .Path}}">{{.Title}}</a></td><td>{{.Updated}}</td><td class="n">{{.Days}}</td></tr>{{end}}</tbody>
</table>
{{- else}}
<p>No published page is older than {{.StaleAfter}} days.</p>
{{- end}}
{{- range .NotUpdated}}
<p>Linked by {{.Title}} ({{.Version}}, {{longDate .Date}}) but not updated since {{longDate .Since}}:</p>
<ul>{{range .Pages}}<li><a href="{{url .Path}}">{{.Title}}</a> ({{if .Updated}}updated {{.Updated}}{{else}}no updated date{{end}})</li>{{end}}</ul>
{{- end}}

{{- with .Release}}
<h2>Release {{.Version}}</h2>
<p>{{.Title}}, released {{longDate .Date}}{{if lt .Days 7}}; {{plural .Days "day" "days"}} of the week after so far{{end}}.</p>
<table>
<thead><tr><th></th><th class="n">Week before</th><th class="n">Week after</th></tr></thead>
<tbody>
<tr><td>Answers</td><td class="n">{{.Before.Votes.Total}}</td><td class="n">{{.After.Votes.Total}}</td></tr>
<tr><td>Helpful</td><td class="n">{{share .Before.Votes}}</td><td class="n">{{share .After.Votes}}</td></tr>
<tr><td>Searches</td><td class="n">{{.Before.Searches}}</td><td class="n">{{.After.Searches}}</td></tr>
<tr><td>Without results</td><td class="n">{{.Before.Zero}}</td><td class="n">{{.After.Zero}}</td></tr>
{{- if .Before.Tickets}}
<tr><td>Tickets</td><td class="n">{{.Before.Tickets}}</td><td class="n">{{.After.Tickets}}</td></tr>
{{- end}}
</tbody>
</table>
{{- if .Pages}}
<table>
<thead><tr><th>Page it links</th><th>For</th><th>Updated</th><th class="n">Before: yes / no</th><th class="n">After: yes / no</th></tr></thead>
<tbody>{{range .Pages}}<tr><td><a href="{{url .Path}}">{{.Title}}</a></td><td>{{join .For "; "}}</td><td>{{.Updated}}</td><td class="n">{{.Before.Helpful}} / {{.Before.NotHelpful}}</td><td class="n">{{.After.Helpful}} / {{.After.NotHelpful}}</td></tr>{{end}}</tbody>
</table>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))
