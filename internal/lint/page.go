package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/suggest"
)

// Limits of the rules.
const (
	titleMax        = 70
	titleMin        = 10
	maxSections     = 8
	maxWords        = 1500
	readabilityMinW = 100
)

// checkPage runs the page-local rules on one page.
func (c *checker) checkPage(p *content.Page, sc *scratch) (res pageResult) {
	defer func() {
		// No input may crash kb: a bug in a rule becomes a finding.
		if r := recover(); r != nil {
			res = pageResult{findings: []Finding{{File: p.File, Line: 1, Col: 1, EndLine: 1, EndCol: 1, Rule: RuleFrontMatter, Level: Error,
				Message: fmt.Sprintf("kb lint could not check this file (internal error: %v); please report it", r)}}}
		}
	}()
	e := &emitter{c: c, p: p, scratch: sc}
	if p.Format == "" {
		// A file without front matter: one finding that says so, not one
		// per field it lacks (title, updated, related…), when the site
		// wants any of them; the rules that read the body still run.
		if c.on(RuleFrontMatter) && (c.on(RuleTitle) || c.on(RuleLastUpdated) || c.on(RuleRelatedLinks)) {
			e.page(RuleFrontMatter, "the file has no front matter: start it with a --- line, then title:, updated: and related:, and a --- line before the text (kb new writes pages with all of them)")
		}
		res.targets = c.links(e)
		e.out = slices.DeleteFunc(e.out, func(f Finding) bool { return f.Rule == RuleRelatedLinks && f.Line == 1 && f.Col == 1 })
		c.images(e)
		c.structure(e)
		c.prose(e)
		c.placeholder(e)
		res.findings = e.out
		return res
	}
	c.frontMatterKeys(e)
	c.title(e)
	c.prerequisites(e)
	c.lastUpdated(e)
	res.targets = c.links(e)
	c.images(e)
	c.structure(e)
	c.prose(e)
	c.release(e)
	c.placeholder(e)
	res.findings = e.out
	return res
}

// frontMatterKeys warns of a front-matter key that is a near miss of one
// kb reads (tagz for tags): kb keeps keys it does not know for templates,
// as .Page.Params, so only a near miss is likely a mistake.
func (c *checker) frontMatterKeys(e *emitter) {
	if !c.on(RuleFrontMatter) || len(e.p.Params) == 0 {
		return
	}
	keys := make([]string, 0, len(e.p.Params))
	for k := range e.p.Params {
		if !slices.Contains(content.Fields, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if s := suggest.Closest(k, content.Fields); s != "" {
			e.addLevel(RuleFrontMatter, Warning, k, fmt.Sprintf("%q is not a key kb reads; did you mean %q? (kb keeps other keys for templates, as .Page.Params)", k, s))
		}
	}
}

func (c *checker) title(e *emitter) {
	p := e.p
	if !c.on(RuleTitle) {
		return
	}
	if strings.TrimSpace(p.Title) == "" {
		msg := "the page has no title: add title: to the front matter, in the words customers search for"
		if p.HasField("title") {
			e.field(RuleTitle, "title", msg)
		} else {
			e.page(RuleTitle, msg)
		}
		return
	}
	n := utf8.RuneCountInString(p.Title)
	switch {
	case n > titleMax:
		e.addLevel(RuleTitle, Warning, "title", fmt.Sprintf("the title is %d characters; keep it to %d so search results show it whole", n, titleMax))
	case n < titleMin:
		e.addLevel(RuleTitle, Warning, "title", fmt.Sprintf("the title is %d characters; a title under %d characters rarely matches what customers search for", n, titleMin))
	}
}

// addLevel reports a field finding at a lower level than the rule's: the
// rule's warning part. It stays off when the rule is off, and never rises
// above the rule's level.
func (e *emitter) addLevel(rule string, lv Level, path, msg string) {
	n := len(e.out)
	e.field(rule, path, msg)
	if len(e.out) > n && lv < e.out[n].Level {
		e.out[n].Level = lv
	}
}

// expired lowers the finding emitted at e.out[n] to a warning when its
// link leads to an expired page (see target.expired).
func (e *emitter) expired(n int, t target) {
	if t.expired && len(e.out) > n && e.out[n].Level > Warning {
		e.out[n].Level = Warning
	}
}

func (c *checker) prerequisites(e *emitter) {
	p := e.p
	if !c.on(RulePrerequisites) || (p.Type != content.Article && p.Type != content.Troubleshooting) {
		return
	}
	if len(p.Prerequisites) > 0 {
		return
	}
	firstStep := -1
	for _, l := range p.Doc.Lists {
		if l.Ordered {
			firstStep = l.Offset
			break
		}
	}
	// A page without a procedure needs no prerequisites, unless
	// lint.prerequisites.when is always.
	if firstStep < 0 && c.cfg.Lint.Prerequisites.When != "always" {
		return
	}
	for _, h := range p.Doc.Headings {
		if !headingHas(h.Text, c.cfg.Lint.Prerequisites.Headings) {
			continue
		}
		if firstStep >= 0 && h.Offset > firstStep {
			e.body(RulePrerequisites, h.Offset, -1, fmt.Sprintf("the %q section comes after the first step (line %d); state prerequisites before the steps", h.Text, p.Pos(firstStep).Line))
		}
		return
	}
	what := "a how-to guide with numbered steps"
	if p.Type == content.Troubleshooting {
		what = "a troubleshooting guide with numbered steps"
	}
	if firstStep < 0 {
		what = strings.TrimSuffix(what, " with numbered steps")
	}
	msg := fmt.Sprintf("%s states its prerequisites: add prerequisites: [...] to the front matter, or a \"Before you begin\" or \"Requirements\" section before the first step", what)
	if p.HasField("prerequisites") {
		e.field(RulePrerequisites, "prerequisites", msg)
	} else {
		e.page(RulePrerequisites, msg)
	}
}

// headingHas reports whether heading text contains one of the phrases, in
// any case: "System requirements" has "requirements", "Import
// troubleshooting" has "troubleshoot".
func headingHas(text string, phrases []string) bool {
	t := strings.ToLower(text)
	for _, ph := range phrases {
		if strings.Contains(t, strings.ToLower(strings.TrimSpace(ph))) {
			return true
		}
	}
	return false
}

func (c *checker) lastUpdated(e *emitter) {
	p := e.p
	if !c.on(RuleLastUpdated) {
		return
	}
	release := p.Type == content.Release && p.Release != nil
	if p.Updated.IsZero() {
		if release && !p.Release.Date.IsZero() && !p.HasField("updated") {
			return // a release announcement is dated by its release date
		}
		if !p.HasField("updated") {
			e.page(RuleLastUpdated, "the page has no last-updated date: add updated: YYYY-MM-DD to the front matter")
		} else if v, ok := p.Params["updated"]; ok && v == nil {
			e.field(RuleLastUpdated, "updated", "updated is empty: set it to the date you last checked the page, as YYYY-MM-DD")
		}
		// Otherwise the date did not parse, and content.Load's error says so.
		return
	}
	u := p.Updated
	// updated is a fact about the past: when the page was last checked.
	// A scheduled page may carry the date it goes live, since readers see
	// it only then; publish_date, not updated, schedules a page.
	live := c.today
	if at := c.rules.PublishAt(p); !at.IsZero() {
		at = at.In(c.rules.Now.Location())
		if d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC); d.After(live) {
			live = d
		}
	}
	if u.After(live.AddDate(0, 0, 1)) { // a day's grace for writers in other time zones
		msg := fmt.Sprintf("updated %s is in the future (today is %s): updated is the date you last checked the page; to publish it later, set publish_date", u.Format(content.DateLayout), c.today.Format(content.DateLayout))
		if live.After(c.today) {
			msg = fmt.Sprintf("updated %s is after the page goes live (%s): updated is the date you last checked the page, at the latest the day it is published", u.Format(content.DateLayout), live.Format(content.DateLayout))
		}
		e.field(RuleLastUpdated, "updated", msg)
		return
	}
	days := c.cfg.Lint.StaleAfterDays
	// Release announcements record what shipped; they do not go stale.
	if days > 0 && !release && u.AddDate(0, 0, days).Before(c.today) {
		age := int(c.today.Sub(u).Hours() / 24)
		e.addLevel(RuleLastUpdated, Warning, "updated", fmt.Sprintf("last updated %s, %d days ago (more than lint.stale_after_days, %d): check the page against the product and update the date", u.Format(content.DateLayout), age, days))
	}
}

// links checks body links and images, related entries and release docs,
// and returns the content pages the page links to.
func (c *checker) links(e *emitter) []*content.Page {
	p := e.p
	var targets []*content.Page
	seen := map[*content.Page]bool{}
	note := func(t target) {
		if t.page != nil && t.problem == "" && !seen[t.page] {
			seen[t.page] = true
			targets = append(targets, t.page)
		}
	}
	bodyPages := map[string]bool{} // other pages the body links to, by URL
	for _, l := range p.Doc.Links {
		kind := bodyLink
		if l.Image {
			kind = bodyImage
		}
		t := c.resolve(p, l.URL, kind)
		note(t)
		if kind == bodyLink && t.problem == "" {
			if t.page != nil && t.page != p {
				bodyPages[t.page.URL] = true
			} else if t.failed != "" {
				bodyPages[t.failed] = true
			}
		}
		if t.problem != "" && !t.external && c.on(RuleBrokenLink) {
			from, to := l.Offset, -1
			if l.DestOffset >= 0 {
				from, to = l.DestOffset, l.DestOffset+len(l.Dest)
			}
			what := "link"
			if l.Image {
				what = "image"
			}
			n := len(e.out)
			e.body(RuleBrokenLink, from, to, fmt.Sprintf("broken %s %s: %s", what, quoteDest(l.Dest), t.problem))
			e.expired(n, t)
		}
	}
	need := c.cfg.Lint.RelatedLinks.BodyLinks
	if p.Type != content.Release && len(p.Related) == 0 && c.on(RuleRelatedLinks) && (need == 0 || len(bodyPages) < need) {
		msg := "the page has no related links: add related: [/articles/…/] with the pages a reader needs next"
		switch {
		case need == 1:
			msg += ", or link to one in the text"
		case need > 1:
			msg += fmt.Sprintf(", or link to %d other pages in the text (it links to %d; lint.related_links.body_links)", need, len(bodyPages))
		}
		if p.HasField("related") {
			e.field(RuleRelatedLinks, "related", msg)
		} else {
			e.page(RuleRelatedLinks, msg)
		}
	}
	entries := func(rule, key string, list []string) {
		for i, l := range list {
			t := c.resolve(p, l, entryLink)
			note(t)
			if t.problem != "" && !t.external && c.on(rule) {
				n := len(e.out)
				e.field(rule, key+"."+strconv.Itoa(i), fmt.Sprintf("%s entry %s: %s", strings.SplitN(key, ".", 2)[0], quoteDest(l), t.problem))
				e.expired(n, t)
			}
		}
	}
	entries(RuleRelatedLinks, "related", p.Related)
	if r := p.Release; r != nil {
		for i, f := range r.Features {
			entries(RuleReleaseDocs, fmt.Sprintf("features.%d.docs", i), f.Docs)
		}
		for i, k := range r.KnownIssues {
			entries(RuleReleaseDocs, fmt.Sprintf("known_issues.%d.docs", i), k.Docs)
		}
	}
	return targets
}

// linkTargets resolves a page's links only, for pages whose findings are not reported.
func (c *checker) linkTargets(p *content.Page) []*content.Page {
	var targets []*content.Page
	seen := map[*content.Page]bool{}
	add := func(l string, kind linkKind) {
		if t := c.resolve(p, l, kind); t.page != nil && t.problem == "" && !seen[t.page] {
			seen[t.page] = true
			targets = append(targets, t.page)
		}
	}
	for _, l := range p.Doc.Links {
		if !l.Image {
			add(l.URL, bodyLink)
		}
	}
	for _, l := range p.Related {
		add(l, entryLink)
	}
	if r := p.Release; r != nil {
		for _, f := range r.Features {
			for _, l := range f.Docs {
				add(l, entryLink)
			}
		}
		for _, k := range r.KnownIssues {
			for _, l := range k.Docs {
				add(l, entryLink)
			}
		}
	}
	return targets
}

func quoteDest(d string) string {
	if len(d) > 120 {
		d = d[:117] + "..."
	}
	return strconv.Quote(d)
}

func (c *checker) images(e *emitter) {
	p := e.p
	images := 0
	for _, l := range p.Doc.Links {
		if !l.Image {
			continue
		}
		images++
		if strings.TrimSpace(l.Text) == "" && c.on(RuleImageAlt) {
			e.body(RuleImageAlt, l.Offset, imageEnd(p, l), fmt.Sprintf("the image %s has no alt text: describe what it shows, like ![The Members page with Invite highlighted](…)", quoteDest(l.Dest)))
		}
	}
	if images == 0 && p.Type == content.Article && c.on(RuleScreenshots) {
		for _, l := range p.Doc.Lists {
			if l.Ordered {
				e.body(RuleScreenshots, l.Offset, -1, "the guide has numbered steps but no screenshot: add one where readers are most likely to get lost")
				break
			}
		}
	}
}

// imageEnd is the body offset after an image's closing parenthesis (or
// its tag, in raw HTML), or -1.
func imageEnd(p *content.Page, l markdown.Link) int {
	if l.End > 0 {
		return l.End
	}
	if l.DestOffset < 0 {
		return -1
	}
	body := p.Body()
	end := l.DestOffset + len(l.Dest)
	for i := end; i < len(body) && i < end+512; i++ {
		switch body[i] {
		case ')':
			return i + 1
		case '\n':
			return end
		}
	}
	return end
}

var (
	resolutionWords = map[string]bool{"resolution": true, "resolutions": true, "resolve": true, "solution": true,
		"solutions": true, "fix": true, "fixes": true, "fixing": true, "workaround": true}
)

// structure checks the troubleshooting, faq-questions and single-topic rules.
func (c *checker) structure(e *emitter) {
	p := e.p
	d := p.Doc
	if c.on(RuleTroubleshoot) {
		switch p.Type {
		case content.Article:
			// A page without a procedure (an overview, a reference) has
			// nothing to go wrong half-way, unless
			// lint.troubleshooting.when is always.
			if c.cfg.Lint.Troubleshooting.When != "always" && !hasSteps(d) {
				break
			}
			found := false
			for _, h := range d.Headings {
				if h.Level >= 2 && headingHas(h.Text, c.cfg.Lint.Troubleshooting.Headings) {
					found = true
					break
				}
			}
			if !found {
				e.page(RuleTroubleshoot, "the guide has no \"Troubleshooting\" or \"Common errors\" section: add one with the errors readers hit and how to fix them")
			}
		case content.Troubleshooting:
			resolution, steps := false, false
			for i, h := range d.Headings {
				if !hasWord(h.Text, resolutionWords) {
					continue
				}
				resolution = true
				for _, l := range d.Lists {
					if l.Ordered && d.Under(l.Section, i) {
						steps = true
					}
				}
			}
			switch {
			case !resolution:
				e.page(RuleTroubleshoot, "the troubleshooting guide has no resolution section: add a \"Resolution\" heading with numbered steps that fix the problem")
			case !steps:
				e.page(RuleTroubleshoot, "the resolution section has no numbered steps: write the fix as a numbered list")
			}
		}
	}
	if c.on(RuleFAQQuestions) && p.Type == content.FAQ && len(d.Questions()) == 0 {
		e.page(RuleFAQQuestions, "the FAQ page has no questions kb recognises: write each as a heading that ends in \"?\" (## How do I …?, at any level, \"Q:\" allowed) or as a paragraph that starts with the question in bold (**How do I …?**)")
	}
	if c.on(RuleSingleTopic) {
		if p.Type != content.FAQ {
			n := 0
			for _, h := range d.Headings {
				if h.Level == 2 {
					n++
					if n == maxSections+1 {
						e.body(RuleSingleTopic, h.Offset, -1, fmt.Sprintf("the page has %d second-level sections, more than %d: keep a page to one topic and split the rest into pages of their own", countLevel(d, 2), maxSections))
					}
				}
			}
		}
		if d.Words > maxWords {
			e.page(RuleSingleTopic, fmt.Sprintf("the page has %d words of prose, more than %d: keep a page to one topic and split the rest into pages of their own", d.Words, maxWords))
		}
	}
}

// hasSteps reports whether a page has numbered steps: an ordered list.
func hasSteps(d *markdown.Document) bool {
	for _, l := range d.Lists {
		if l.Ordered {
			return true
		}
	}
	return false
}

func countLevel(d *markdown.Document, level int) int {
	n := 0
	for _, h := range d.Headings {
		if h.Level == level {
			n++
		}
	}
	return n
}

// hasWord reports whether text has one of the (lowercase) words.
func hasWord(text string, words map[string]bool) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if words[w] {
			return true
		}
	}
	return false
}

// release checks the features and known issues of a release announcement.
func (c *checker) release(e *emitter) {
	r := e.p.Release
	if r == nil || e.p.Type != content.Release {
		return
	}
	if c.on(RuleReleaseDocs) {
		for i, f := range r.Features {
			if len(f.Docs) == 0 {
				key := fmt.Sprintf("features.%d.docs", i)
				if !e.p.HasField(key) {
					key = fmt.Sprintf("features.%d.title", i)
				}
				name := f.Title
				if name == "" {
					name = fmt.Sprintf("number %d", i+1)
				}
				e.field(RuleReleaseDocs, key, fmt.Sprintf("the feature %q links no doc page: add docs: [/articles/…/] with the pages that explain it", name))
			}
		}
	}
	if c.on(RuleKnownIssueWork) {
		for i, k := range r.KnownIssues {
			if strings.TrimSpace(k.Workaround) != "" {
				continue
			}
			key := fmt.Sprintf("known_issues.%d.workaround", i)
			if !e.p.HasField(key) {
				key = fmt.Sprintf("known_issues.%d.title", i)
			}
			name := k.Title
			if name == "" {
				name = fmt.Sprintf("number %d", i+1)
			}
			e.field(RuleKnownIssueWork, key, fmt.Sprintf("the known issue %q has no workaround: add workaround: with what customers can do until it is fixed (or \"None yet\" and when to expect news)", name))
		}
	}
}

// prose runs the rules on the words of prose, readability and jargon, in
// one pass over the page's blocks: each block is split into words once.
func (c *checker) prose(e *emitter) {
	read, jarg := c.on(RuleReadability), c.on(RuleJargon) && len(c.jargon.byFirst) > 0
	if !read && !jarg {
		return
	}
	var r readability
	for i := range e.p.Doc.Blocks {
		b := &e.p.Doc.Blocks[i]
		e.scratch.words = appendWords(e.scratch.words[:0], b.Text)
		if jarg {
			c.jargon.checkBlock(e, b, e.scratch.words)
		}
		if read && b.Kind == markdown.Paragraph {
			r.add(b, measureWords(b.Text, e.scratch.words, e.scratch.syllables))
		}
	}
	if read {
		r.report(c, e)
	}
}
