package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/diag"
)

// Level is how much a finding matters: error fails kb lint and stops
// kb build, warning and note are reported only. Off turns a rule off.
type Level = diag.Level

// The levels, from least to most severe.
const (
	Off     = diag.Off
	Note    = diag.Note
	Warning = diag.Warning
	Error   = diag.Error
)

// ParseLevel reads error, warning, note or off.
func ParseLevel(s string) (Level, bool) { return diag.ParseLevel(s) }

// Rule describes one check. Its ID is stable: it is what site.yaml,
// kb-lint comments, front matter and CI configurations name, so it is never
// renamed.
type Rule struct {
	ID string
	// Default is the level the rule has unless site.yaml lint.rules changes it.
	Default Level
	// Checklist is the item of the Documentation Checklist or the Writing
	// Guidelines (support-readiness-process.md) that the rule enforces.
	Checklist string
	// Summary says in one line what the rule checks.
	Summary string
	// Why says why it matters to customers.
	Why string
	// Fix says how to fix a finding.
	Fix string
}

// The rule IDs.
const (
	RuleFrontMatter    = "front-matter"
	RuleTitle          = "title"
	RulePrerequisites  = "prerequisites"
	RuleLastUpdated    = "last-updated"
	RuleRelatedLinks   = "related-links"
	RuleBrokenLink     = "broken-link"
	RuleImageAlt       = "image-alt"
	RuleScreenshots    = "screenshots"
	RuleTroubleshoot   = "troubleshooting"
	RuleFAQQuestions   = "faq-questions"
	RuleReadability    = "readability"
	RuleJargon         = "jargon"
	RuleSingleTopic    = "single-topic"
	RuleReleaseDocs    = "release-docs"
	RuleKnownIssueWork = "known-issue-workaround"
	RuleOrphan         = "orphan"
	RuleSuppression    = "suppression"
	RulePlaceholder    = "placeholder"
)

// rules is the registry, in the order kb lint --list-rules prints it.
var rules = []Rule{
	{ID: RuleFrontMatter, Default: Error,
		Checklist: "Every checklist item (kb reads them from front matter)",
		Summary:   "Front matter parses, its fields have the right kinds, and type is known.",
		Why:       "kb reads the title, dates, prerequisites and links of a page from its front matter. A page whose front matter cannot be read cannot be checked or published correctly.",
		Fix:       "Fix the YAML (or TOML/JSON) at the reported line: close the --- block, quote values that contain a colon, give lists as [a, b] or one \"- item\" a line, write dates as YYYY-MM-DD, and use type article, faq, troubleshooting or release."},
	{ID: RuleTitle, Default: Error,
		Checklist: "Clear, concise title that matches customer search terms",
		Summary:   "A title is present and no two pages share one; warning when it is longer than 70 or shorter than 10 characters.",
		Why:       "Customers pick a page from search results by its title. Two pages with one title cannot be told apart, a long title is cut off in results, and a very short one rarely matches what customers type.",
		Fix:       "Add title: to the front matter, in the words a customer would search for (\"Reset your password\", not \"Credentials management\"). Make duplicate titles say what differs, and keep titles between 10 and 70 characters."},
	{ID: RulePrerequisites, Default: Error,
		Checklist: "Prerequisites and assumptions stated upfront",
		Summary:   "How-to and troubleshooting guides with numbered steps state prerequisites: front matter prerequisites, or a \"Prerequisites\" / \"Requirements\" / \"Before you begin\" section before the first step (lint.prerequisites).",
		Why:       "Customers who start the steps without the right plan, role or access fail half-way and open a ticket.",
		Fix:       "List what the reader needs in front matter (prerequisites: [An Admin role, The desktop app 3.6 or later]), or add a \"## Before you begin\" or \"## Requirements\" section above the first numbered step."},
	{ID: RuleLastUpdated, Default: Error,
		Checklist: "Last updated date visible",
		Summary:   "updated is present, a valid date (YYYY-MM-DD) and not in the future; warning when older than lint.stale_after_days (default 365).",
		Why:       "The page shows its last-updated date, so customers can judge whether it still matches the product. Old pages drift from the product (\"Update documentation when features change\").",
		Fix:       "Set updated: YYYY-MM-DD to the day you last checked the page against the product. For a stale page, follow its steps in the current product, correct what changed, then update the date."},
	{ID: RuleRelatedLinks, Default: Error,
		Checklist: "Links to related documentation",
		Summary:   "Every page but release announcements has a related entry or links to another page in its text (lint.related_links.body_links), and every internal entry resolves to a page (and to a heading when it has #anchor).",
		Why:       "Related links take a customer to the next answer instead of to a support ticket; a related link to a missing page is a dead end.",
		Fix:       "Add related: [/articles/some-page/] with one or more pages a reader of this page is likely to need next, or link to them in the text, and correct entries that point to a page or heading that does not exist."},
	{ID: RuleBrokenLink, Default: Error,
		Checklist: "Links to related documentation",
		Summary:   "Internal links and images in the body resolve to a published page, a heading ID the renderer emits, or a static file. Code and external links are never checked.",
		Why:       "A broken link in a help article stops a customer in the middle of a task. kb checks links against the pages and heading IDs it renders itself, so there are no false alarms from slug guessing, and it never touches the network.",
		Fix:       "Link to a page by its URL (/articles/reset-your-password/), to a heading by the ID shown in the page's table of contents (#reset-a-forgotten-password), and to images under static/ by their path (/images/x.png). Do not link to draft pages from published ones."},
	{ID: RuleImageAlt, Default: Error,
		Checklist: "Step-by-step instructions with screenshots; include visual aids",
		Summary:   "Every image has alt text.",
		Why:       "Screen-reader users, and everyone whose image fails to load, get only the alt text. A screenshot without it is invisible to them.",
		Fix:       "Describe what the image shows: ![The Members page with the Invite button highlighted](/images/members.png)."},
	{ID: RuleScreenshots, Default: Note,
		Checklist: "Step-by-step instructions with screenshots",
		Summary:   "A how-to guide with numbered steps has at least one image.",
		Why:       "A screenshot of the screen the steps talk about lets customers check they are in the right place.",
		Fix:       "Add a screenshot next to the step where the reader is most likely to get lost, with alt text."},
	{ID: RuleTroubleshoot, Default: Warning,
		Checklist: "Common errors and troubleshooting steps included",
		Summary:   "A how-to guide with numbered steps has a section whose heading contains \"troubleshoot\" or \"common error\" (lint.troubleshooting); a troubleshooting guide has a resolution section with numbered steps.",
		Why:       "Customers who hit an error in the middle of a guide need the fix on the same page; a troubleshooting guide without steps does not fix anything.",
		Fix:       "Add a \"## Troubleshooting\" (or \"## Common errors\") section to the guide. In a troubleshooting guide, put numbered steps under a \"Resolution\", \"Solution\" or \"Fix\" heading."},
	{ID: RuleFAQQuestions, Default: Warning,
		Checklist: "FAQs answer the questions customers ask, each with its own link",
		Summary:   "An FAQ page has at least one question kb recognises: a heading that ends in \"?\" or starts with \"Q:\", or a paragraph that starts with a bold question.",
		Why:       "kb lists an FAQ page's questions at its top, gives each its own link and search result, and marks them up for search engines. A page whose questions kb cannot see gets none of that.",
		Fix:       "Write each question as a heading (## How do I change my email?, at any level, with or without \"Q:\") or as a paragraph that starts with the question in bold (**How do I change my email?**), with the answer below it."},
	{ID: RuleReadability, Default: Warning,
		Checklist: "Use simple, customer-friendly language",
		Summary:   "The Flesch–Kincaid grade of the prose is at most lint.max_grade (default 9). Prose only: paragraphs and list items, not headings, tables or code; pages under 100 words are skipped.",
		Why:       "Customers read help pages while stuck, often in a second language. Short sentences and short words get them through the steps.",
		Fix:       "Split long sentences (one instruction per sentence), prefer short everyday words (use, not utilize), and move background detail out of the steps. The finding points at the hardest paragraph."},
	{ID: RuleJargon, Default: Warning,
		Checklist: "Avoid jargon and technical terms when possible",
		Summary:   "A word or phrase from lint.jargon is used in prose (whole words, any case). Code, URLs and front matter are never checked.",
		Why:       "Internal or technical words make customers guess; the plainer word gets the same job done.",
		Fix:       "Use the suggestion from lint.jargon in site.yaml. When the term is really needed (a product name, an error message), put it in `code` or suppress the line with <!-- kb-lint-disable-next-line jargon -->."},
	{ID: RuleSingleTopic, Default: Warning,
		Checklist: "Keep articles focused on a single topic",
		Summary:   "At most 8 second-level sections (FAQ pages excepted) and at most 1,500 words of prose.",
		Why:       "A page that covers many tasks is hard to find, hard to scan and hard to keep up to date.",
		Fix:       "Split the page into one page per task and link them to each other with related:."},
	{ID: RuleReleaseDocs, Default: Error,
		Checklist: "How-to guides for new features; verify support documentation is published",
		Summary:   "Every feature of a release announcement links at least one doc page, and every linked page (of features and known issues) exists.",
		Why:       "Customers who read about a new feature look for how to use it; support needs the doc page on release day.",
		Fix:       "Give each entry of features: a docs: [/articles/…/] list, and write or publish the pages it names before the release."},
	{ID: RuleKnownIssueWork, Default: Error,
		Checklist: "Document any workarounds for known limitations",
		Summary:   "Every known issue of a release announcement has a workaround.",
		Why:       "A known issue without a workaround sends every affected customer to support.",
		Fix:       "Add workaround: to the known issue. When there is none yet, say what customers can do meanwhile (\"None yet. We will email affected workspaces when 3.7.1 ships.\")."},
	{ID: RulePlaceholder, Default: Error,
		Checklist: "Clear, concise content written for customers",
		Summary:   "A published page has no text left from the scaffold kb new wrote it from (layouts/new/<type>.md, the site's own or the default): its example sentences and values, such as \"Describe the problem in the words customers use.\", `ERROR-CODE: message` or TICKET-0. Drafts are not checked.",
		Why:       "A help page that still says \"Say what the reader sees when it worked\" tells customers nobody finished it, and scaffold text is easy to miss in a review because it reads like real text.",
		Fix:       "Replace the scaffold's text with the page's own words, or delete it. Keep the page a draft (draft: true, as kb new writes it) until it is written; kb build leaves drafts out."},
	{ID: RuleOrphan, Default: Note,
		Checklist: "Links to related documentation",
		Summary:   "Some other page links to this page (in its body, related or release docs).",
		Why:       "A page no other page links to is found only through search and section lists.",
		Fix:       "Link to the page from the pages a reader would come from, for example in their related: lists."},
	{ID: RuleSuppression, Default: Warning,
		Checklist: "Keeping the checks themselves honest",
		Summary:   "kb-lint comments and front matter lint.disable name known rules, and each one suppresses at least one finding.",
		Why:       "A misspelt rule ID suppresses nothing, and a suppression that no longer suppresses anything hides the next real problem.",
		Fix:       "Correct the rule ID (kb lint --list-rules lists them), or remove the comment or lint.disable entry that is no longer needed."},
}

var ruleIndex = func() map[string]int {
	m := make(map[string]int, len(rules))
	for i, r := range rules {
		m[r.ID] = i
	}
	return m
}()

// Rules returns the registry of rules, in a fixed order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// RuleByID looks up a rule.
func RuleByID(id string) (Rule, bool) {
	i, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return rules[i], true
}

// Levels are the levels in force, by rule ID.
type Levels map[string]Level

// Of returns the level of a rule (Off for unknown rules).
func (l Levels) Of(id string) Level { return l[id] }

// LevelsFor returns the default levels with site.yaml's lint.rules applied.
// Each unknown rule ID or level is a *diag.Diagnostic at its line in
// site.yaml, in a diag.List.
func LevelsFor(cfg *config.Config) (Levels, error) {
	l := Levels{}
	for _, r := range rules {
		l[r.ID] = r.Default
	}
	if cfg == nil {
		return l, nil
	}
	ids := make([]string, 0, len(cfg.Lint.Rules))
	for id := range cfg.Lint.Rules {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := cfg.Line("lint.rules."+ids[i]), cfg.Line("lint.rules."+ids[j])
		if a != b {
			return a < b
		}
		return ids[i] < ids[j]
	})
	var errs diag.List
	for _, id := range ids {
		v := cfg.Lint.Rules[id]
		key := "lint.rules." + id
		if _, ok := ruleIndex[id]; !ok {
			msg := fmt.Sprintf("lint.rules: unknown rule %q", id)
			if s := closest(id); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			errs = append(errs, cfg.Errorf(key, "%s; run \"kb lint --list-rules\" for the rules", msg))
			continue
		}
		lv, ok := ParseLevel(strings.TrimSpace(v))
		if !ok {
			errs = append(errs, cfg.Errorf(key, "lint.rules.%s: unknown level %q (want error, warning, note or off)", id, v))
			continue
		}
		l[id] = lv
	}
	return l, errs.Err()
}

// closest suggests a rule ID for a misspelt one.
func closest(id string) string {
	best, bestD := "", 3
	for _, r := range rules {
		if d := editDistance(strings.ToLower(id), r.ID); d < bestD {
			best, bestD = r.ID, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
