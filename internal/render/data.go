package render

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// Data is what a layout renders.
type Data struct {
	Site *model.Site
	// Kind is the layout's name: home, section, article, faq, …
	Kind string
	// Page is the content page of article, faq, troubleshooting and release layouts.
	Page        *content.Page
	Title       string
	Description string
	URL         string
	Crumbs      []Crumb
	Section     *model.Section
	Tag         *model.Tag
	// List is the page of entries a section layout shows.
	List  []*content.Page
	Pager *Pager
	// TOC lists the h2 and h3 headings when there are three or more.
	TOC []markdown.Heading
	// Related are the page's related links, resolved.
	Related []Ref
	// ChangedIn are the releases whose features link to the page.
	ChangedIn []*content.Page
	// InSection is the page's place in its section's reading order, with
	// up to SectionWindow of its pages: "In this section" and the
	// previous and next links (nil for a release or a page alone).
	InSection *model.SectionNav
	// ReleaseNav are a release's previous and next releases by version.
	ReleaseNav model.ReleaseNav
}

// SectionWindow is how many of a section's pages "In this section" lists.
const SectionWindow = 10

// Crumb is one breadcrumb.
type Crumb struct {
	Title, URL string
}

// Pager describes the pages of a paginated list.
type Pager struct {
	Number, Total int
	Prev, Next    string
	Pages         []PagerLink
}

// PagerLink is one numbered page of a Pager.
type PagerLink struct {
	Number  int
	URL     string
	Current bool
}

// Ref is a resolved link: to a page of the site, or to anywhere else.
type Ref struct {
	Title string
	URL   string
	Page  *content.Page // nil for external links and unknown pages
}

// HeadTitle is the <title>: "Page – Section – Site".
func (d *Data) HeadTitle() string {
	site := d.Site.Config.Title
	switch {
	case d.Kind == "home":
		return site
	case d.Page != nil && d.Page.Section != "":
		return d.Title + " – " + d.Site.Config.SectionTitle(d.Page.Section) + " – " + site
	}
	return d.Title + " – " + site
}

// Canonical is the page's absolute URL.
func (d *Data) Canonical() string { return d.Site.Config.AbsURL(d.URL) }

func (r *Renderer) base(kind, title, url string) *Data {
	return &Data{Site: r.Site, Kind: kind, Title: title, URL: url, Description: r.Site.Config.Description}
}

func (r *Renderer) homeData() *Data {
	d := r.base("home", r.Site.Config.Title, "/")
	return d
}

func (r *Renderer) listData(kind, title, url string) *Data {
	d := r.base(kind, title, url)
	d.Crumbs = []Crumb{{Title: "Home", URL: "/"}, {Title: title, URL: url}}
	return d
}

func (r *Renderer) sectionData(sec *model.Section, n, total int) *Data {
	d := r.base("section", sec.Title, sec.URL)
	if n > 1 {
		d.URL = model.ListURL(sec.URL, n)
		d.Title = fmt.Sprintf("%s (page %d of %d)", sec.Title, n, total)
	}
	if sec.Description != "" {
		d.Description = sec.Description
	}
	d.Section = sec
	d.Crumbs = []Crumb{{Title: "Home", URL: "/"}, {Title: sec.Title, URL: sec.URL}}
	lo, hi := (n-1)*model.PageSize, min(n*model.PageSize, len(sec.Pages))
	d.List = sec.Pages[lo:hi]
	if total > 1 {
		p := &Pager{Number: n, Total: total}
		urlOf := func(i int) string { return model.ListURL(sec.URL, i) }
		if n > 1 {
			p.Prev = urlOf(n - 1)
		}
		if n < total {
			p.Next = urlOf(n + 1)
		}
		for i := 1; i <= total; i++ {
			p.Pages = append(p.Pages, PagerLink{Number: i, URL: urlOf(i), Current: i == n})
		}
		d.Pager = p
	}
	return d
}

func (r *Renderer) pageData(p *content.Page) *Data {
	d := r.base(string(p.Type), p.LinkTitle(), p.URL)
	d.Page = p
	if p.Description != "" {
		d.Description = p.Description
	}
	d.Crumbs = []Crumb{{Title: "Home", URL: "/"}}
	if sec := r.Site.Section(p.Section); sec != nil {
		d.Section = sec
		d.Crumbs = append(d.Crumbs, Crumb{Title: sec.Title, URL: sec.URL})
	}
	d.Crumbs = append(d.Crumbs, Crumb{Title: p.LinkTitle(), URL: p.URL})
	if p.Doc != nil {
		var toc []markdown.Heading
		for _, h := range p.Doc.Headings {
			if h.Level == 2 || h.Level == 3 {
				toc = append(toc, h)
			}
		}
		if len(toc) >= 3 {
			d.TOC = toc
		}
	}
	for _, l := range p.Related {
		d.Related = append(d.Related, r.ref(l))
	}
	d.ChangedIn = r.Site.ChangedIn[p]
	d.InSection = r.Site.InSection(p, SectionWindow)
	if p.Type == content.Release {
		d.ReleaseNav = r.Site.ReleaseNav(p)
	}
	return d
}

// ref resolves a link for display: a page's title, or the link itself.
func (r *Renderer) ref(link string) Ref {
	if q, frag := r.Site.Resolve(link); q != nil {
		ref := Ref{Title: q.LinkTitle(), URL: q.URL, Page: q}
		if frag != "" {
			ref.URL += "#" + frag
			if q.Doc != nil {
				for _, h := range q.Doc.Headings {
					if h.ID == frag {
						ref.Title = h.Text
						if q.Type != content.FAQ {
							ref.Title = q.LinkTitle() + ": " + h.Text
						}
					}
				}
			}
		}
		return ref
	}
	title := link
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		title = u.Host + strings.TrimSuffix(u.Path, "/")
	}
	return Ref{Title: title, URL: link}
}

func (r *Renderer) funcs() template.FuncMap {
	cfg := r.Site.Config
	base := strings.TrimSuffix(cfg.BasePath(), "/")
	return template.FuncMap{
		// rel makes a site path absolute to the host: it adds base_url's path.
		"rel": func(p string) string {
			if base != "" && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
				return base + p
			}
			return p
		},
		"abs":   cfg.AbsURL,
		"asset": func(p string) string { return base + r.Asset(p) },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2 January 2006")
		},
		"isodate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(content.DateLayout)
		},
		// moment and isomoment write a point in time (a scheduled page's
		// publication): the date alone at the start of a day, else the
		// date and time with the zone.
		"moment": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			if startOfDay(t) {
				return t.Format("2 January 2006")
			}
			return t.Format("2 January 2006, 15:04 MST")
		},
		"isomoment": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			if startOfDay(t) {
				return t.Format(content.DateLayout)
			}
			return t.Format(time.RFC3339)
		},
		"nobreak": markdown.NoBreak,
		// scheduledAt is when a page shown ahead of its time is published
		// (zero for others): the "Scheduled" badge. (r.Site changes
		// between a session's renders: never bind its methods here.)
		"scheduledAt": func(p *content.Page) any {
			if t := r.Site.ScheduledAt(p); !t.IsZero() {
				return t
			}
			return nil // false to {{with}}, which a zero time.Time is not
		},
		"ref":       r.ref,
		"typeLabel": func(t content.Type) string { return t.Label() },
		"jsonld":    r.jsonLD,
		"feedbackURL": func(d *Data, answer string) string {
			return feedbackURL(cfg.SupportURL, cfg.AbsURL(d.URL), answer)
		},
		"knownIssueID": model.KnownIssueID,
		"add":          func(a, b int) int { return a + b },
		"slug":         markdown.Slug,
		"releaseStats": releaseStats,
		"isLatest": func(p *content.Page) bool {
			return p.Release != nil && r.Site.Latest(p.Product) == p
		},
		"newerRelease": func(p *content.Page) *content.Page {
			if l := r.Site.Latest(p.Product); l != p {
				return l
			}
			return nil
		},
		"issuesOf": func(p *content.Page) []*model.KnownIssue { return r.Site.IssuesOf(p) },
		"openIssues": func() []*model.KnownIssue {
			var out []*model.KnownIssue
			for _, k := range r.Site.KnownIssues {
				if k.Open() {
					out = append(out, k)
				}
			}
			return out
		},
		"fixedIssues": func() []*model.KnownIssue {
			var out []*model.KnownIssue
			for _, k := range r.Site.KnownIssues {
				if !k.Open() {
					out = append(out, k)
				}
			}
			return out
		},
		"releasesOf": func(product string) []*content.Page {
			var out []*content.Page
			for _, rel := range r.Site.Releases {
				if rel.Product == product {
					out = append(out, rel)
				}
			}
			return out
		},
		"first": func(n int, list []*content.Page) []*content.Page {
			if len(list) > n {
				return list[:n]
			}
			return list
		},
		"feedsFor": r.feedsFor,
		"tagSlug":  content.TagSlug,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: want key, value pairs")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

func startOfDay(t time.Time) bool { return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 }

// ReleaseStats counts what a release announcement lists.
type ReleaseStats struct {
	Features, Fixes, KnownIssues, OpenIssues int
}

func releaseStats(s *model.Site, p *content.Page) ReleaseStats {
	st := ReleaseStats{}
	if p.Release == nil {
		return st
	}
	st.Features, st.Fixes, st.KnownIssues = len(p.Release.Features), len(p.Release.Fixes), len(p.Release.KnownIssues)
	for _, k := range s.IssuesOf(p) {
		if k.Open() {
			st.OpenIssues++
		}
	}
	return st
}

// feedsFor returns the feeds a page advertises, most relevant first: a
// release page the release feed and its product's; the releases index and
// the known-issues page the release feed and every product's; any other page
// the feed of all content and the release feed.
func (r *Renderer) feedsFor(d *Data) []model.Feed {
	var out []model.Feed
	add := func(match func(f model.Feed) bool) {
		for _, f := range r.Site.Feeds {
			if match(f) {
				out = append(out, f)
			}
		}
	}
	scope := func(s string) func(model.Feed) bool { return func(f model.Feed) bool { return f.Scope == s } }
	switch {
	case d.Page != nil && d.Page.Type == content.Release:
		add(scope("releases"))
		add(scope("product:" + d.Page.Product))
	case d.Kind == "releases" || d.Kind == "known-issues" || (d.Section != nil && d.Section.Name == "releases"):
		add(scope("releases"))
		add(func(f model.Feed) bool { return strings.HasPrefix(f.Scope, "product:") })
	default:
		add(scope("all"))
		add(scope("releases"))
	}
	return out
}

// feedbackURL adds the page and the answer to the support URL, so that a
// vote without a feedback endpoint still reaches someone.
func feedbackURL(support, page, answer string) string {
	u, err := url.Parse(support)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return support
	}
	q := u.Query()
	q.Set("page", page)
	q.Set("helpful", answer)
	u.RawQuery = q.Encode()
	return u.String()
}

// jsonLD returns the structured data of a page: FAQPage for FAQs,
// TechArticle for guides, WebSite for the home page. The JSON is what
// json.Marshal makes of maps (keys sorted; <, > and & escaped as \u003c…,
// safe inside <script>), written without building the maps.
func (r *Renderer) jsonLD(d *Data) template.JS {
	cfg := r.Site.Config
	var j jsonWriter
	switch {
	case d.Kind == "home":
		j.open()
		j.key("@context").str("https://schema.org")
		j.key("@type").str("WebSite")
		j.key("name").str(cfg.Title)
		j.key("potentialAction").open()
		j.key("@type").str("SearchAction")
		j.key("query-input").str("required name=search_term_string")
		j.key("target").str(cfg.AbsURL("/search/") + "?q={search_term_string}")
		j.close()
		j.key("url").str(cfg.AbsURL("/"))
		j.close()
	case d.Page != nil && d.Page.Type == content.FAQ:
		j.open()
		j.key("@context").str("https://schema.org")
		j.key("@type").str("FAQPage")
		j.key("mainEntity")
		qs := d.Page.Doc.Questions()
		if len(qs) == 0 {
			j.raw("null")
		} else {
			j.raw("[")
			for i, q := range qs {
				if i > 0 {
					j.raw(",")
				}
				j.open()
				j.key("@type").str("Question")
				j.key("acceptedAnswer").open()
				j.key("@type").str("Answer")
				j.key("text").str(q.Answer)
				j.close()
				j.key("name").str(q.Heading.Text)
				j.close()
			}
			j.raw("]")
		}
		j.close()
	case d.Page != nil:
		typ := "TechArticle"
		if d.Page.Type == content.Release {
			typ = "Article"
		}
		j.open()
		j.key("@context").str("https://schema.org")
		j.key("@type").str(typ)
		if date := d.Page.Date(); !date.IsZero() {
			j.key("dateModified").str(date.Format(content.DateLayout))
		}
		if d.Page.Description != "" {
			j.key("description").str(d.Page.Description)
		}
		j.key("headline").str(d.Page.LinkTitle())
		j.key("publisher").open()
		j.key("@type").str("Organization")
		j.key("name").str(cfg.Title)
		j.close()
		j.key("url").str(cfg.AbsURL(d.Page.URL))
		j.close()
	default:
		return ""
	}
	return template.JS(j.b)
}

// jsonWriter writes a JSON object key by key; keys must come in sorted
// order to match json.Marshal's output for a map.
type jsonWriter struct {
	b     []byte
	first bool // no member written yet in the innermost object
}

func (j *jsonWriter) open() *jsonWriter {
	j.b = append(j.b, '{')
	j.first = true
	return j
}

func (j *jsonWriter) close() {
	j.b = append(j.b, '}')
	j.first = false
}

func (j *jsonWriter) raw(s string) {
	j.b = append(j.b, s...)
	j.first = false
}

func (j *jsonWriter) key(k string) *jsonWriter {
	if !j.first {
		j.b = append(j.b, ',')
	}
	j.first = false
	j.str(k)
	j.b = append(j.b, ':')
	return j
}

// str writes a JSON string exactly as encoding/json does (HTML-safe).
func (j *jsonWriter) str(s string) {
	q, _ := json.Marshal(s)
	j.b = append(j.b, q...)
	j.first = false
}

func (r *Renderer) robots(w io.Writer) error {
	_, err := fmt.Fprintf(w, "User-agent: *\nAllow: /\n\nSitemap: %s\n", r.Site.Config.AbsURL("/sitemap.xml"))
	return err
}

func (r *Renderer) alias(w io.Writer, p *content.Page) error {
	target := r.Site.Config.AbsURL(p.URL)
	rel := strings.TrimSuffix(r.Site.Config.BasePath(), "/") + p.URL
	lang := r.Site.Config.Language
	_, err := fmt.Fprintf(w, `<!doctype html>
<html lang="%s">
<head>
<meta charset="utf-8">
<title>%s</title>
<link rel="canonical" href="%s">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=%s">
</head>
<body>
<p>This page has moved to <a href="%s">%s</a>.</p>
</body>
</html>
`, template.HTMLEscapeString(lang), template.HTMLEscapeString(p.LinkTitle()), template.HTMLEscapeString(target),
		template.HTMLEscapeString(rel), template.HTMLEscapeString(rel), template.HTMLEscapeString(p.LinkTitle()))
	return err
}
