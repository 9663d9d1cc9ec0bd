package release

import (
	"fmt"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/model"
)

func longDate(t time.Time) string { return t.Format("Monday 2 January 2006") }

// workdaysBefore steps back n working days (Monday to Friday) from t.
func workdaysBefore(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, -1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}
func shortDate(t time.Time) string {
	return t.Format("2 January 2006")
}

// problems collects missing fields of a release.
type problems struct {
	r    *content.Page
	list []diag.Diagnostic
}

func (p *problems) at(path string, format string, args ...any) {
	p.list = append(p.list, *diag.At(p.r.File, p.r.Field(path).Line, format, args...))
}

func (p *problems) config(cfg *config.Config, key, msg string) {
	p.list = append(p.list, diag.Diagnostic{File: cfg.File, Line: cfg.Line(key), Level: diag.Error, Message: msg})
}

// Brief builds the internal support team briefing for a release.
func Brief(s *model.Site, r *content.Page) (*Message, []diag.Diagnostic) {
	cfg := s.Config
	res := resolver{site: s, cfg: cfg}
	rel := r.Release
	pr := &problems{r: r}
	date := rel.Date
	m := &Message{Subject: fmt.Sprintf("Release Briefing — %s — %s", Name(r), shortDate(date))}
	m.Blocks = append(m.Blocks,
		para(T("Team,")),
		para(T(fmt.Sprintf("We have a new release, %s, deploying on %s. Here's what you need to know:", strings.TrimSpace(r.Product+" "+rel.Version), longDate(date)))))

	if len(rel.Features) > 0 {
		var items []Item
		for i, f := range rel.Features {
			key := fmt.Sprintf("features.%d", i)
			if f.Title == "" {
				pr.at(key, "features[%d] has no title", i)
			}
			if f.Summary == "" {
				pr.at(key, "features[%d] (%s) has no summary: add summary: with the benefit to customers", i, f.Title)
			}
			it := item(B(f.Title), T(": "+f.Summary))
			var docs []Span
			for j, d := range f.Docs {
				l, ok := res.link(d)
				if !ok {
					pr.at(fmt.Sprintf("%s.docs.%d", key, j), "features[%d].docs: %s is not a page of the site", i, d)
					continue
				}
				if len(docs) > 0 {
					docs = append(docs, T(", "))
				}
				docs = append(docs, L(l.Title, l.URL))
			}
			if len(f.Docs) == 0 {
				pr.at(key, "features[%d] (%s) has no docs: link the how-to guide that explains it", i, f.Title)
			}
			if len(docs) > 0 {
				it = it.sub(item(append([]Span{T("Support docs: ")}, docs...)...))
			}
			if qs := res.questions(f.Docs); len(qs) > 0 {
				it = it.sub(item(T("Expected questions: " + quoteJoin(qs))))
			}
			items = append(items, it)
		}
		m.Blocks = append(m.Blocks, heading("New Features"), list(items...))
	}
	if len(rel.Fixes) > 0 {
		var items []Item
		for i, f := range rel.Fixes {
			if f.Title == "" {
				pr.at(fmt.Sprintf("fixes.%d", i), "fixes[%d] has no title: say what was broken", i)
			}
			t := "Resolves: " + f.Title
			if f.Ticket != "" {
				t += " (" + f.Ticket + ")"
			}
			items = append(items, item(T(t)))
		}
		m.Blocks = append(m.Blocks, heading("Bug Fixes"), list(items...))
	}
	if items := knownIssueItems(res, pr, r, true); len(items) > 0 {
		m.Blocks = append(m.Blocks, heading("Known Issues"), list(items...))
	}

	actions := []Item{}
	var review []Span
	seen := map[string]bool{}
	for _, f := range rel.Features {
		for _, d := range f.Docs {
			if l, ok := res.link(d); ok && l.Page != nil && !seen[l.Page.URL] {
				seen[l.Page.URL] = true
				if len(review) > 0 {
					review = append(review, T(", "))
				}
				review = append(review, L(l.Page.LinkTitle(), cfg.AbsURL(l.Page.URL)))
			}
		}
	}
	if len(review) > 0 {
		actions = append(actions, item(append([]Span{T(fmt.Sprintf("Review the support documentation by end of day %s: ", longDate(workdaysBefore(date, 2))))}, review...)...))
	}
	actions = append(actions, item(T(fmt.Sprintf("Try the new features in staging before %s.", longDate(workdaysBefore(date, 1))))))
	if len(cfg.Support.Channels) > 0 {
		actions = append(actions, item(T(fmt.Sprintf("From %s to %s, watch %s for increased volume and escalate anything new.",
			longDate(date), longDate(date.AddDate(0, 0, 7)), joinAnd(cfg.Support.Channels)))))
	} else {
		pr.config(cfg, "support", "support.channels is not set: list the channels the team watches after a release")
	}
	if len(rel.KnownIssues) > 0 {
		actions = append(actions, item(T("Point customers who hit a known issue to its workaround and to "), L("the known issues page", cfg.AbsURL("/known-issues/")), T(".")))
	}
	m.Blocks = append(m.Blocks, heading("Action Items"), list(actions...),
		para(T("Questions? Reply to this message or message me directly.")))
	if cfg.Support.Liaison == "" {
		pr.config(cfg, "support", "support.liaison is not set: name the Customer Support Liaison who signs the briefing")
	}
	m.Blocks = append(m.Blocks, para(T(cfg.Support.Liaison)))
	return m, pr.list
}

// knownIssueItems lists a release's known issues with workaround and fix.
func knownIssueItems(res resolver, pr *problems, r *content.Page, internal bool) []Item {
	var items []Item
	for i, k := range r.Release.KnownIssues {
		key := fmt.Sprintf("known_issues.%d", i)
		if k.Title == "" {
			pr.at(key, "known_issues[%d] has no title", i)
		}
		if k.Workaround == "" {
			pr.at(key, "known_issues[%d] (%s) has no workaround: add workaround: with what customers can do meanwhile", i, k.Title)
		}
		spans := []Span{B(k.Title), T(". Workaround: " + strings.TrimSuffix(k.Workaround, ".") + ".")}
		if k.FixExpected != "" {
			spans = append(spans, T(" Fix expected in "+k.FixExpected+"."))
		} else if internal {
			spans = append(spans, T(" No fix date yet."))
		}
		it := item(spans...)
		var docs []Span
		for _, d := range k.Docs {
			if l, ok := res.link(d); ok {
				if len(docs) > 0 {
					docs = append(docs, T(", "))
				}
				docs = append(docs, L(l.Title, l.URL))
			}
		}
		if len(docs) > 0 {
			it = it.sub(item(append([]Span{T("Help: ")}, docs...)...))
		}
		items = append(items, it)
	}
	return items
}

func quoteJoin(qs []string) string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = "“" + q + "”"
	}
	return strings.Join(out, "; ")
}

func joinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}

// Announce builds the customer-facing release announcement.
func Announce(s *model.Site, r *content.Page) (*Message, []diag.Diagnostic) {
	cfg := s.Config
	res := resolver{site: s, cfg: cfg}
	rel := r.Release
	pr := &problems{r: r}
	m := &Message{Subject: "New Features Available — " + Name(r)}
	m.Blocks = append(m.Blocks, para(T("Hello,")))
	name := strings.TrimSpace(r.Product + " " + rel.Version)
	if r.Description == "" {
		pr.at("title", "the release has no description: add description: with its value to customers in one sentence")
	}
	m.Blocks = append(m.Blocks, para(T(fmt.Sprintf("We're excited to announce %s. %s", name, strings.TrimSpace(r.Description)))))
	if len(rel.Features) == 0 {
		pr.at("features", "the release lists no features to announce")
	}
	var whatsNew []Item
	var start []Item
	seen := map[string]bool{}
	for i, f := range rel.Features {
		key := fmt.Sprintf("features.%d", i)
		if f.Summary == "" {
			pr.at(key, "features[%d] (%s) has no summary: add summary: with the benefit to customers", i, f.Title)
		}
		whatsNew = append(whatsNew, item(B(f.Title), T(": "+f.Summary)))
		found := false
		for _, d := range f.Docs {
			l, ok := res.link(d)
			if !ok || l.Page == nil || l.Page.Type != content.Article {
				continue
			}
			found = true
			if !seen[l.Page.URL] {
				seen[l.Page.URL] = true
				start = append(start, item(L(l.Page.LinkTitle(), cfg.AbsURL(l.Page.URL))))
			}
		}
		if !found {
			pr.at(key, "features[%d] (%s) links no how-to guide for \"How to get started\"", i, f.Title)
		}
	}
	if len(whatsNew) > 0 {
		m.Blocks = append(m.Blocks, heading("What's New"), list(whatsNew...))
	}
	if len(start) > 0 {
		m.Blocks = append(m.Blocks, heading("How to Get Started"), list(start...))
	}
	if items := knownIssueItems(res, pr, r, false); len(items) > 0 {
		m.Blocks = append(m.Blocks, heading("Known Issues"),
			para(T("A few things may not work as expected yet. Here is what to do until they are fixed:")), list(items...))
	}
	help := []Span{T("Our support team is ready to assist: ")}
	switch {
	case cfg.SupportURL != "" && cfg.Support.Email != "":
		help = append(help, L(cfg.SupportURL, cfg.SupportURL), T(" or "), L(cfg.Support.Email, "mailto:"+cfg.Support.Email), T("."))
	case cfg.SupportURL != "":
		help = append(help, L(cfg.SupportURL, cfg.SupportURL), T("."))
	case cfg.Support.Email != "":
		help = append(help, L(cfg.Support.Email, "mailto:"+cfg.Support.Email), T("."))
	default:
		pr.config(cfg, "support_url", "neither support_url nor support.email is set: customers need a way to get help")
	}
	team := cfg.Title
	if r.Product != "" {
		team = "The " + r.Product + " team"
	}
	m.Blocks = append(m.Blocks, heading("Need Help?"), para(help...),
		para(T("We'd love to hear your feedback on these updates!")),
		para(T("Best regards,")), para(T(team)))
	return m, pr.list
}
