package lint

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feed"
	"github.com/octoacme/kb/internal/render"
)

// Finding is one problem at one place. Lines and columns are 1-based and
// count the whole file, front matter included; columns count Unicode code
// points. EndLine and EndCol mark the character just after the offending
// text (EndCol is exclusive, as in SARIF); they equal Line and Col when the
// end is not known.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"column"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_column"`
	Rule    string `json:"rule"`
	Level   Level  `json:"level"`
	Message string `json:"message"`

	// lineHash identifies the text of the finding's line, for SARIF fingerprints.
	lineHash string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s: %s", oneLine(f.File), f.Line, f.Col, f.Level, f.Rule, oneLine(f.Message))
}

// Site is what Check reads: a site's configuration, its loaded pages (drafts
// included) and the problems loading them, and its static files.
type Site struct {
	Config *config.Config
	// Pages are every page that loaded, parsed once by content.Load.
	Pages []*content.Page
	// Errors are content.Load's problems; they become front-matter findings.
	Errors []*content.Error
	// Static holds the files under static/ (the theme's overlay), for links
	// and images to files. Nil means there are none.
	Static fs.FS
}

// Options configure Check.
type Options struct {
	// Today is the date for last-updated. Zero means SOURCE_DATE_EPOCH when
	// set, else the current date.
	Today time.Time
	// Drafts says drafts are published (kb build --drafts): they are link
	// targets for every page.
	Drafts bool
	// PublishedOnly checks only the pages a build publishes; kb build sets it.
	// Otherwise drafts are checked too, but a published page may not link to
	// them.
	PublishedOnly bool
	// Report, when set, limits findings to the files it accepts (paths like
	// content/articles/x.md). The whole site is still read, so links,
	// duplicate titles and orphans are judged against every page.
	Report func(file string) bool
}

// Result is the outcome of Check.
type Result struct {
	// Findings are sorted by file, line, column and rule.
	Findings []Finding
	// Files is the number of files checked.
	Files int
}

// Count returns the number of findings at a level.
func (r *Result) Count(l Level) int {
	n := 0
	for _, f := range r.Findings {
		if f.Level == l {
			n++
		}
	}
	return n
}

// Today returns the date lint treats as today: SOURCE_DATE_EPOCH (seconds
// since 1970, UTC) when set, else the local date now. A malformed
// SOURCE_DATE_EPOCH is an error, as reproducible-builds.org asks.
func Today() (time.Time, error) {
	if v, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok && v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970-01-01", v)
		}
		t := time.Unix(n, 0).UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	t := time.Now()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// Check runs every rule that is not off on the site's pages. It reads the
// Documents content.Load parsed and never parses a file again. The error is
// a *config.Error (an unknown rule or level in site.yaml's lint.rules) or a
// bad SOURCE_DATE_EPOCH; problems in content are findings.
func Check(s *Site, opts Options) (*Result, error) {
	cfg := s.Config
	if cfg == nil {
		cfg = config.Default()
	}
	levels, err := LevelsFor(cfg)
	if err != nil {
		return nil, err
	}
	today := opts.Today
	if today.IsZero() {
		if today, err = Today(); err != nil {
			return nil, err
		}
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	c := &checker{cfg: cfg, levels: levels, today: today, opts: opts, jargon: newJargon(cfg.Lint.Jargon)}
	c.index(s)
	return c.run(s), nil
}

// checker holds what every rule needs; it is read-only once built, so pages
// are checked in parallel.
type checker struct {
	cfg    *config.Config
	levels Levels
	today  time.Time
	opts   Options
	jargon *jargon

	// universe is the pages that take part: every page, or only the
	// published ones for kb build.
	universe []*content.Page
	static   fs.FS
	// staticSeen caches whether a static file exists, by path.
	staticSeen sync.Map
	// published maps a URL to a published page; all to any page of the universe.
	published map[string]*content.Page
	all       map[string]*content.Page
	byFile    map[string]*content.Page
	// inUniverse holds the files of the universe's pages.
	inUniverse map[string]bool
	bySlug     map[string][]string // last URL segment → page URLs, for suggestions
	aliases    map[string]*content.Page
	generated  map[string]bool // list pages and files the build writes besides pages
	kiAnchors  map[string]bool // IDs on /known-issues/
}

func (c *checker) on(rule string) bool { return c.levels[rule] != Off }

func (c *checker) isPublished(p *content.Page) bool { return !p.Draft || c.opts.Drafts }

func (c *checker) reported(file string) bool {
	return c.opts.Report == nil || c.opts.Report(file)
}

// pageResult is what checking one page gives.
type pageResult struct {
	findings []Finding
	// targets are the content pages the page links to (for orphan).
	targets []*content.Page
}

func (c *checker) run(s *Site) *Result {
	res := &Result{}
	files := map[string]bool{}

	// Problems loading files: front matter that failed to parse, fields of
	// the wrong kind, clashing URLs.
	byFile := map[string][]Finding{}
	for _, e := range s.Errors {
		if e == nil || !c.reported(e.File) {
			continue
		}
		files[e.File] = true
		rule := RuleFrontMatter
		if e.Field == "updated" {
			rule = RuleLastUpdated // a bad date is what last-updated is about
		}
		if !c.on(rule) {
			continue
		}
		f := Finding{File: e.File, Line: max(e.Pos.Line, 1), Col: max(e.Pos.Col, 1), Rule: rule, Level: c.levels[rule], Message: e.Msg}
		f.EndLine, f.EndCol = f.Line, f.Col
		if p := c.byFile[e.File]; p != nil {
			li := c.emitter(p).line(f.Line)
			f.EndCol, f.lineHash = max(li.endCol, f.Col), li.hash
		}
		if c.inUniverse[e.File] {
			byFile[e.File] = append(byFile[e.File], f) // suppressible like the page's other findings
		} else {
			res.Findings = append(res.Findings, f)
		}
	}

	// Page-local rules, in parallel.
	results := make([]pageResult, len(c.universe))
	needTargets := c.on(RuleOrphan)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(c.universe), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch()
			for i := range next {
				p := c.universe[i]
				if c.reported(p.File) {
					results[i] = c.checkPage(p, sc)
				} else if needTargets {
					results[i].targets = c.linkTargets(p)
				}
			}
		}()
	}
	for i := range c.universe {
		next <- i
	}
	close(next)
	wg.Wait()

	for i, p := range c.universe {
		if c.reported(p.File) {
			files[p.File] = true
		}
		byFile[p.File] = append(byFile[p.File], results[i].findings...)
	}
	for _, f := range c.duplicateTitles() {
		byFile[f.File] = append(byFile[f.File], f)
	}
	if c.on(RuleOrphan) {
		for _, f := range c.orphans(results) {
			byFile[f.File] = append(byFile[f.File], f)
		}
	}
	for _, p := range c.universe {
		fs := byFile[p.File]
		if !c.reported(p.File) || len(fs) == 0 && len(p.Doc.Directives) == 0 && len(p.LintDisable) == 0 {
			continue
		}
		res.Findings = append(res.Findings, c.suppress(p, fs)...)
	}
	SortFindings(res.Findings)
	res.Files = len(files)
	return res
}

// SortFindings orders findings by file, line, column, rule and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

// index builds the maps links are resolved against.
func (c *checker) index(s *Site) {
	c.static = s.Static
	c.published = map[string]*content.Page{}
	c.all = map[string]*content.Page{}
	c.byFile = map[string]*content.Page{}
	c.inUniverse = map[string]bool{}
	c.bySlug = map[string][]string{}
	c.aliases = map[string]*content.Page{}
	for _, p := range s.Pages {
		if p == nil || p.Doc == nil {
			continue
		}
		c.byFile[p.File] = p
		if c.opts.PublishedOnly && !c.isPublished(p) {
			continue
		}
		c.universe = append(c.universe, p)
		c.inUniverse[p.File] = true
		if _, dup := c.all[p.URL]; !dup {
			c.all[p.URL] = p
		}
		if c.isPublished(p) {
			if _, dup := c.published[p.URL]; !dup {
				c.published[p.URL] = p
			}
			for _, a := range p.Aliases {
				a = "/" + strings.Trim(a, "/") + "/"
				if _, dup := c.aliases[a]; !dup {
					c.aliases[a] = p
				}
			}
		}
		c.bySlug[p.Slug] = append(c.bySlug[p.Slug], p.URL)
	}
	// The lists and files a build writes besides the pages: the home,
	// section, tag, search, known-issues and 404 pages, the sitemap, robots.txt
	// and the feeds.
	c.generated = map[string]bool{"/": true, "/search/": true, "/tags/": true, "/known-issues/": true,
		"/404.html": true, "/sitemap.xml": true, "/robots.txt": true}
	sections := map[string]int{}
	var releases []*content.Page
	var dated *content.Page
	for _, p := range c.universe {
		if !c.isPublished(p) {
			continue
		}
		if p.Section != "" {
			sections[p.Section]++
		}
		for _, t := range p.Tags {
			if slug := content.TagSlug(t); slug != "" {
				c.generated["/tags/"+slug+"/"] = true
			}
		}
		if p.Type == content.Release {
			releases = append(releases, p)
		} else if dated == nil && !p.Date().IsZero() {
			dated = p
		}
	}
	for name, n := range sections {
		url := "/" + name + "/"
		c.generated[url] = true
		for i := 2; (i-1)*render.PageSize < n; i++ {
			c.generated[fmt.Sprintf("%spage/%d/", url, i)] = true
		}
	}
	// The renderer's model of the releases gives the known issues (with the
	// release that fixed each) and the feeds; it does not need the other
	// pages, but for one dated page that makes the site-wide feed.
	model := releases
	if dated != nil {
		model = append(append([]*content.Page(nil), releases...), dated)
	}
	rs := render.NewSite(c.cfg, model)
	feeds, _ := feed.List(rs)
	for _, f := range feeds {
		for _, u := range []string{f.RSS, f.Atom, f.JSON} {
			if u != "" {
				c.generated[u] = true
			}
		}
	}
	c.kiAnchors = map[string]bool{}
	for _, id := range render.KnownIssuesAnchors(rs) {
		c.kiAnchors[id] = true
	}
}

// duplicateTitles reports pages that share a title. A published page is
// reported only for other published pages; a draft for any page.
func (c *checker) duplicateTitles() []Finding {
	if !c.on(RuleTitle) {
		return nil
	}
	groups := map[string][]*content.Page{}
	var keys []string
	for _, p := range c.universe {
		k := strings.ToLower(strings.Join(strings.Fields(p.Title), " "))
		if k == "" {
			continue
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	var out []Finding
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		for _, p := range g {
			if !c.reported(p.File) {
				continue
			}
			var others []string
			for _, q := range g {
				if q != p && (c.isPublished(q) || !c.isPublished(p)) {
					others = append(others, q.File)
				}
			}
			if len(others) == 0 {
				continue
			}
			e := c.emitter(p)
			e.field(RuleTitle, "title", fmt.Sprintf("the title %q is also the title of %s; customers cannot tell the pages apart in search results, so make each title say what differs", p.Title, strings.Join(others, ", ")))
			out = append(out, e.out...)
		}
	}
	return out
}

// orphans reports pages no other page links to.
func (c *checker) orphans(results []pageResult) []Finding {
	inbound := map[*content.Page]bool{}
	for i, p := range c.universe {
		for _, t := range results[i].targets {
			if t != p && (c.isPublished(p) || !c.isPublished(t)) {
				inbound[t] = true
			}
		}
	}
	var out []Finding
	for _, p := range c.universe {
		if inbound[p] || !c.reported(p.File) {
			continue
		}
		e := c.emitter(p)
		e.page(RuleOrphan, "no other page links to this page; link to it from the pages a reader would come from (their related: lists or body)")
		out = append(out, e.out...)
	}
	return out
}

// emitter collects the findings of one page.
type emitter struct {
	c       *checker
	p       *content.Page
	out     []Finding
	scratch *scratch

	// lines caches what findings need from a line: its end and its hash.
	lines map[int]lineInfo
	// at caches the last body offset turned into a position, so that many
	// findings on one long line cost no more than the line.
	atOff int
	at    content.Pos
}

type lineInfo struct {
	endCol int    // the column after the last non-blank character
	hash   string // of the trimmed text, for SARIF fingerprints
}

func (e *emitter) line(n int) lineInfo {
	if li, ok := e.lines[n]; ok {
		return li
	}
	t := strings.TrimRight(e.p.LineText(n), " \t")
	sum := sha256.Sum256([]byte(strings.TrimSpace(t)))
	li := lineInfo{endCol: utf8.RuneCountInString(t) + 1, hash: hex.EncodeToString(sum[:8])}
	if e.lines == nil {
		e.lines = map[int]lineInfo{}
	}
	e.lines[n] = li
	return li
}

// lineEnd is the column after the last non-blank character of a line, or from.
func (e *emitter) lineEnd(line, from int) int { return max(e.line(line).endCol, from) }

// pos turns a body offset into a position, counting on from the last one
// when it is further along the same line.
func (e *emitter) pos(off int) content.Pos {
	body := e.p.Body()
	if e.at.Line > 0 && off >= e.atOff && off <= len(body) && bytes.IndexByte(body[e.atOff:off], '\n') < 0 {
		e.at.Col += utf8.RuneCount(body[e.atOff:off])
	} else {
		e.at = e.p.Pos(off)
	}
	e.atOff = off
	return e.at
}

// scratch is a worker's reusable memory, so that checking a page of prose
// allocates little.
type scratch struct {
	// syllables caches syllable counts by word.
	syllables map[string]uint8
	words     []word
}

func newScratch() *scratch { return &scratch{syllables: make(map[string]uint8, 4096)} }

// emitter returns an emitter for findings outside checkPage (no scratch).
func (c *checker) emitter(p *content.Page) *emitter { return &emitter{c: c, p: p} }

func (e *emitter) add(rule string, start, end content.Pos, msg string) {
	lv := e.c.levels[rule]
	if lv == Off {
		return
	}
	if start.Line < 1 {
		start = content.Pos{Line: 1, Col: 1}
	}
	if start.Col < 1 {
		start.Col = 1
	}
	if end.Line < start.Line || (end.Line == start.Line && end.Col < start.Col) {
		end = start
	}
	e.out = append(e.out, Finding{File: e.p.File, Line: start.Line, Col: start.Col, EndLine: end.Line, EndCol: end.Col,
		Rule: rule, Level: lv, Message: msg, lineHash: e.line(start.Line).hash})
}

// page reports a finding about the whole page, at line 1.
func (e *emitter) page(rule, msg string) {
	start := content.Pos{Line: 1, Col: 1}
	e.add(rule, start, content.Pos{Line: 1, Col: e.lineEnd(1, 1)}, msg)
}

// field reports a finding at a front-matter value (or its nearest parent key).
func (e *emitter) field(rule, path, msg string) {
	start := e.p.Field(path)
	e.add(rule, start, content.Pos{Line: start.Line, Col: e.lineEnd(start.Line, start.Col)}, msg)
}

// body reports a finding on body bytes [from, to).
func (e *emitter) body(rule string, from, to int, msg string) {
	start := e.pos(from)
	end := start
	if to > from {
		end = e.pos(to)
	} else {
		end.Col = e.lineEnd(start.Line, start.Col)
	}
	e.add(rule, start, end, msg)
}
