package release

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
)

// Status is the state of one checklist item.
type Status string

// Item states.
const (
	Pass   Status = "pass"
	Fail   Status = "fail"
	Warn   Status = "warn"
	Manual Status = "manual"
)

// ChecklistItem is one line of the readiness checklist.
type ChecklistItem struct {
	Status   Status   `json:"status"`
	Text     string   `json:"text"`
	Blocking bool     `json:"blocking"`
	Details  []string `json:"details,omitempty"`
}

// Report is the pre-release readiness checklist of one release.
type Report struct {
	File    string          `json:"file"`
	Title   string          `json:"title"`
	Product string          `json:"product,omitempty"`
	Version string          `json:"version"`
	Date    string          `json:"date"`
	Since   string          `json:"docs_updated_since"`
	Items   []ChecklistItem `json:"items"`
	Ready   bool            `json:"ready"`
	release *content.Page
}

// Failed counts the blocking items that failed.
func (r *Report) Failed() int {
	n := 0
	for _, it := range r.Items {
		if it.Blocking && it.Status == Fail {
			n++
		}
	}
	return n
}

// manualItems are the seed process's checklist items no tool can check.
var manualItems = []string{
	"Review the final release notes with the Release Manager",
	"Test the new features in the staging environment",
	"Attend the release coordination meeting",
	"Brief the support team (send the output of kb brief)",
	"Monitor support channels for increased volume after the release",
}

// Check runs the pre-release checklist of the support readiness process
// against the content: s is the published site, findings the lint findings
// of the whole site, windowDays site.yaml's ready.window_days.
func Check(s *model.Site, findings []lint.Finding, r *content.Page, windowDays int) *Report {
	rel := r.Release
	since := rel.Date.AddDate(0, 0, -windowDays)
	rep := &Report{File: r.File, Title: Name(r), Product: r.Product, Version: rel.Version,
		Date: rel.Date.Format(content.DateLayout), Since: since.Format(content.DateLayout), release: r}
	errorsIn := map[string][]lint.Finding{}
	for _, f := range findings {
		if f.Level == lint.Error {
			errorsIn[f.File] = append(errorsIn[f.File], f)
		}
	}
	at := func(path string) string { return fmt.Sprintf("%s:%d", r.File, r.Field(path).Line) }

	// 1. The announcement exists and passes lint.
	it := ChecklistItem{Status: Pass, Text: "The release announcement exists and passes kb lint", Blocking: true}
	for _, f := range errorsIn[r.File] {
		it.Status = Fail
		it.Details = append(it.Details, f.String())
	}
	rep.Items = append(rep.Items, it)

	// 2. Features link how-to guides that exist, are published, pass lint and were updated for the release.
	howto := ChecklistItem{Status: Pass, Text: "Every feature links at least one how-to guide", Blocking: true}
	exist := ChecklistItem{Status: Pass, Text: "Every linked page exists, is published and passes kb lint", Blocking: true}
	fresh := ChecklistItem{Status: Pass, Text: fmt.Sprintf("Every linked page was updated for this release (on or after %s)", since.Format("2 January 2006")), Blocking: true}
	faq := ChecklistItem{Status: Pass, Text: "Every feature has an FAQ entry among its docs", Blocking: false}
	checked := map[string]bool{}
	if len(rel.Features) == 0 {
		howto.Status = Fail
		howto.Details = append(howto.Details, at("features")+": the release lists no features")
	}
	for i, f := range rel.Features {
		key := fmt.Sprintf("features.%d", i)
		hasHowTo, hasFAQ := false, false
		for j, d := range f.Docs {
			p, frag := s.Resolve(d)
			if p == nil {
				exist.Status = Fail
				exist.Details = append(exist.Details, fmt.Sprintf("%s: %q (%s) is not a published page", at(fmt.Sprintf("%s.docs.%d", key, j)), d, f.Title))
				continue
			}
			if frag != "" && !model.HasAnchor(p, frag) {
				exist.Status = Fail
				exist.Details = append(exist.Details, fmt.Sprintf("%s: %s has no heading #%s", at(fmt.Sprintf("%s.docs.%d", key, j)), p.File, frag))
			}
			hasHowTo = hasHowTo || p.Type == content.Article
			hasFAQ = hasFAQ || p.Type == content.FAQ
			if checked[p.File] {
				continue
			}
			checked[p.File] = true
			for _, lf := range errorsIn[p.File] {
				exist.Status = Fail
				exist.Details = append(exist.Details, lf.String())
			}
			switch {
			case p.Updated.IsZero():
				fresh.Status = Fail
				fresh.Details = append(fresh.Details, fmt.Sprintf("%s: no updated date (%s)", p.File, f.Title))
			case p.Updated.Before(since):
				fresh.Status = Fail
				fresh.Details = append(fresh.Details, fmt.Sprintf("%s:%d: updated %s, before %s: review it for %s and update the date",
					p.File, p.Field("updated").Line, p.Updated.Format(content.DateLayout), since.Format(content.DateLayout), f.Title))
			}
		}
		if !hasHowTo {
			howto.Status = Fail
			howto.Details = append(howto.Details, fmt.Sprintf("%s: %q links no how-to guide (/articles/…)", at(key), f.Title))
		}
		if !hasFAQ {
			faq.Status = Warn
			faq.Details = append(faq.Details, fmt.Sprintf("%s: %q has no FAQ entry among its docs; customers will ask about it", at(key), f.Title))
		}
	}
	rep.Items = append(rep.Items, howto, exist, fresh, faq)

	// 3. Known issues have a workaround and a troubleshooting guide.
	ki := ChecklistItem{Status: Pass, Text: "Every known issue has a workaround and links a troubleshooting guide", Blocking: true}
	for i, k := range rel.KnownIssues {
		key := fmt.Sprintf("known_issues.%d", i)
		if k.Workaround == "" {
			ki.Status = Fail
			ki.Details = append(ki.Details, fmt.Sprintf("%s: %q has no workaround", at(key), k.Title))
		}
		guide := false
		for _, d := range k.Docs {
			if p, _ := s.Resolve(d); p != nil && p.Type == content.Troubleshooting {
				guide = true
			}
		}
		if !guide {
			ki.Status = Fail
			ki.Details = append(ki.Details, fmt.Sprintf("%s: %q links no troubleshooting guide (/troubleshooting/…)", at(key), k.Title))
		}
	}
	if len(rel.KnownIssues) == 0 {
		ki.Text = "Known issues have workarounds and troubleshooting guides (none listed)"
	}
	rep.Items = append(rep.Items, ki)

	// 4. The briefing and the announcement can be generated.
	comms := ChecklistItem{Status: Pass, Text: "The support briefing and the customer announcement have every field they need", Blocking: true}
	_, bp := Brief(s, r)
	_, ap := Announce(s, r)
	seen := map[string]bool{}
	for _, p := range append(bp, ap...) {
		if !seen[p.String()] {
			seen[p.String()] = true
			comms.Status = Fail
			comms.Details = append(comms.Details, p.String())
		}
	}
	rep.Items = append(rep.Items, comms)

	for _, m := range manualItems {
		rep.Items = append(rep.Items, ChecklistItem{Status: Manual, Text: m})
	}
	rep.Ready = rep.Failed() == 0
	return rep
}

var marks = map[Status]string{Pass: "✓", Fail: "✗", Warn: "!", Manual: "–"}

// Write renders the report as text, markdown or json.
func (rep *Report) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "markdown", "md":
		fmt.Fprintf(w, "## Release readiness: %s\n\n", rep.Title)
		fmt.Fprintf(w, "%s, released %s (`%s`). Docs count as updated for this release from %s.\n\n", strings.TrimSpace(rep.Product+" "+rep.Version), rep.Date, rep.File, rep.Since)
		for _, it := range rep.Items {
			box := "[ ]"
			switch it.Status {
			case Pass:
				box = "[x]"
			}
			suffix := ""
			switch it.Status {
			case Fail:
				suffix = " — **failed**"
			case Warn:
				suffix = " — warning"
			case Manual:
				suffix = " _(manual)_"
			}
			fmt.Fprintf(w, "- %s %s%s\n", box, it.Text, suffix)
			for _, d := range it.Details {
				fmt.Fprintf(w, "  - `%s`\n", d)
			}
		}
		fmt.Fprintf(w, "\n%s\n", rep.verdict())
		return nil
	case "text", "":
		fmt.Fprintf(w, "Release readiness: %s\n", rep.Title)
		fmt.Fprintf(w, "%s, released %s (%s); docs count as updated from %s\n\n", strings.TrimSpace(rep.Product+" "+rep.Version), rep.Date, rep.File, rep.Since)
		for _, it := range rep.Items {
			suffix := ""
			switch {
			case it.Status == Manual:
				suffix = " (manual)"
			case it.Status == Warn:
				suffix = " (warning)"
			}
			fmt.Fprintf(w, "%s %s%s\n", marks[it.Status], it.Text, suffix)
			for _, d := range it.Details {
				fmt.Fprintf(w, "    %s\n", d)
			}
		}
		fmt.Fprintf(w, "\n%s\n", rep.verdict())
		return nil
	}
	return fmt.Errorf("unknown format %q (want text, markdown or json)", format)
}

func (rep *Report) verdict() string {
	if n := rep.Failed(); n > 0 {
		return fmt.Sprintf("Not ready: %d blocking %s failed.", n, map[bool]string{true: "item", false: "items"}[n == 1])
	}
	return "Ready: every blocking item passes; do the manual items too."
}

// HTML renders the report as a small self-contained page (for kb serve's /_kb/ready/).
func (rep *Report) HTML(w io.Writer) {
	colors := map[Status]string{Pass: "#1a7f37", Fail: "#cf222e", Warn: "#9a6700", Manual: "#59636e"}
	fmt.Fprintf(w, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Readiness: %s</title></head>\n", html.EscapeString(rep.Title))
	fmt.Fprint(w, `<body style="font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1f2328">`)
	fmt.Fprintf(w, "<h1 style=\"font-size:1.5rem\">Release readiness: %s</h1>\n", html.EscapeString(rep.Title))
	fmt.Fprintf(w, "<p>%s, released %s (<code>%s</code>); docs count as updated from %s.</p>\n<ul style=\"list-style:none;padding:0\">\n",
		html.EscapeString(strings.TrimSpace(rep.Product+" "+rep.Version)), rep.Date, html.EscapeString(rep.File), rep.Since)
	for _, it := range rep.Items {
		fmt.Fprintf(w, "<li style=\"margin:.5rem 0\"><strong style=\"color:%s\">%s %s</strong> %s", colors[it.Status], marks[it.Status], it.Status, html.EscapeString(it.Text))
		if len(it.Details) > 0 {
			fmt.Fprint(w, "<ul style=\"margin:.25rem 0 0 1.5rem;font-family:ui-monospace,monospace;font-size:.875rem\">")
			for _, d := range it.Details {
				fmt.Fprintf(w, "<li>%s</li>", html.EscapeString(d))
			}
			fmt.Fprint(w, "</ul>")
		}
		fmt.Fprint(w, "</li>\n")
	}
	fmt.Fprintf(w, "</ul>\n<p><strong>%s</strong></p>\n<p>Updated %s. Reload after editing.</p></body></html>\n", html.EscapeString(rep.verdict()), time.Now().Format("15:04:05"))
}
