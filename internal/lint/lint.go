package lint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/model"
)

// Finding is one problem at one place, a diagnostic with its rule and
// level: package diag has the fields (positions, the offending text's end,
// the baseline fingerprint) and the printed form,
// path:line:col: level: rule: message.
type Finding = diag.Diagnostic

// Input is what Check reads: a site's configuration, its loaded pages (drafts
// included) and the problems loading them, and its static files.
type Input struct {
	Config *config.Config
	// Pages are every page that loaded, parsed once by content.Load.
	Pages []*content.Page
	// Errors are content.Load's problems; they become front-matter findings.
	Errors []*diag.Diagnostic
	// Static holds the files under static/ (the theme's overlay), for links
	// and images to files. Nil means there are none.
	Static fs.FS
	// Scaffolds are the templates kb new writes pages from, by path
	// (layouts/new/article.md: the site's own, else the default theme's):
	// the placeholder rule finds their text left in published pages.
	Scaffolds map[string][]byte
}

// Options configure Check.
type Options struct {
	// Now is the moment the pages are published at (model.Rules). Zero
	// means model.Now: SOURCE_DATE_EPOCH when set, else the clock.
	Now time.Time
	// Today is the date for last-updated. Zero means Now's date in the
	// site's time zone.
	Today time.Time
	// Drafts says drafts are published (kb build --drafts), Future that
	// scheduled pages are (kb build --future): they are link targets for
	// every page.
	Drafts, Future bool
	// PublishedOnly checks only the pages a build publishes; kb build sets it.
	// Otherwise drafts are checked too, but a published page may not link to
	// them.
	PublishedOnly bool
	// Report, when set, limits findings to the files it accepts (paths like
	// content/articles/x.md). The whole site is still read, so links,
	// duplicate titles and orphans are judged against every page.
	Report func(file string) bool
	// Baseline holds the findings to accept (see baseline.go); nil means
	// site.yaml's lint.baseline, when it is set (read once per Index).
	Baseline *Baseline
	// NoBaseline reports every finding, whatever Baseline and site.yaml say.
	NoBaseline bool
}

// Result is the outcome of Check.
type Result struct {
	// Findings are sorted by file, line, column and rule.
	Findings []Finding
	// Files is the number of files checked.
	Files int
	// Checked are the files whose findings Findings holds, sorted: those
	// Options.Report named, and (on an Index checked before) the pages
	// whose orphan state the re-checked links changed.
	Checked []string
	// Baseline is the baseline applied, if any. Baselined are the findings
	// it holds, left out of Findings (sorted likewise); Fixed counts its
	// entries for the checked files that no finding matched any more.
	Baseline  *Baseline
	Baselined []Finding
	Fixed     int
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

// Today returns the date of model.Now, SOURCE_DATE_EPOCH (seconds since
// 1970, UTC) when set, else the local date now. A malformed
// SOURCE_DATE_EPOCH is an error, as reproducible-builds.org asks. (Check
// takes the date in the site's time zone.)
func Today() (time.Time, error) {
	t, err := model.Now()
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

// Check runs every rule that is not off on the site's pages. It reads the
// Documents content.Load parsed and never parses a file again. The error is
// a *diag.Diagnostic (an unknown rule or level in site.yaml's lint.rules) or a
// bad SOURCE_DATE_EPOCH; problems in content are findings.
func Check(s *Input, opts Options) (*Result, error) {
	return NewIndex(s, opts).Check(opts)
}

// Check runs the rules on the indexed site, as the package function Check
// does; opts must index the same pages (Drafts and PublishedOnly) as the
// options the index was made with. With opts.Report, only the pages it
// reports are checked: the links of the others are known from an earlier
// Check, unless Replace changed them.
func (x *Index) Check(opts Options) (*Result, error) {
	cfg := x.cfg
	levels, err := LevelsFor(cfg)
	if err != nil {
		return nil, err
	}
	if x.nowErr != nil {
		return nil, x.nowErr
	}
	today := opts.Today
	if today.IsZero() {
		today = x.rules.Today()
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	base := opts.Baseline
	if base == nil && !opts.NoBaseline {
		if !x.baselineRead {
			x.baseline, x.baselineErr = siteBaseline(cfg)
			x.baselineRead = true
		}
		if x.baselineErr != nil {
			return nil, x.baselineErr
		}
		base = x.baseline
	}
	if opts.NoBaseline {
		base = nil
	}
	c := &checker{Index: x, levels: levels, today: today, opts: opts, jargon: newJargon(cfg.Lint.Jargon)}
	res := c.run()
	if base != nil {
		res.Baseline = base
		res.Findings, res.Baselined, res.Fixed = base.apply(res.Findings, res.Checked)
	}
	return res, nil
}

// checker holds what every rule needs; it is read-only once built, so pages
// are checked in parallel.
type checker struct {
	*Index
	levels Levels
	today  time.Time
	opts   Options
	jargon *jargon

	// staticSeen caches whether a static file exists, by path.
	staticSeen sync.Map
	// extra are files reported besides those opts.Report names; rep are
	// the places of the reported pages in the universe, in order.
	extra map[string]bool
	rep   []int
}

func (c *checker) on(rule string) bool { return c.levels[rule] != Off }

func (c *checker) reported(file string) bool {
	return c.opts.Report == nil || c.opts.Report(file) || c.extra[file]
}

// pageResult is what checking one page gives.
type pageResult struct {
	findings []Finding
	// targets are the content pages the page links to (for orphan).
	targets []*content.Page
}

func (c *checker) run() *Result {
	s := c.site
	res := &Result{}
	files := map[string]bool{}

	// Problems loading files: front matter that failed to parse, fields of
	// the wrong kind, clashing URLs.
	byFile := map[string][]Finding{}
	lineCache := map[string]*emitter{}
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
		f := Finding{File: e.File, Line: max(e.Line, 1), Col: max(e.Col, 1), Rule: rule, Level: c.levels[rule], Message: e.Message}
		f.EndLine, f.EndCol = f.Line, f.Col
		// The offending text is the value from the position on; a file
		// that did not load has only its message.
		f.Fingerprint = fingerprint(rule, e.Message)
		if p := c.byFile[e.File]; p != nil {
			em := lineCache[e.File]
			if em == nil {
				em = c.emitter(p) // one a file, so that its lines are read once
				lineCache[e.File] = em
			}
			li := em.line(f.Line)
			f.EndCol, f.LineHash = max(li.endCol, f.Col), li.hash
			if t, ok := em.textAt(content.Pos{Line: f.Line, Col: f.Col}, content.Pos{Line: f.Line + 1}); ok {
				f.Fingerprint = fingerprint(rule, t)
			}
		}
		if c.inUniverse[e.File] {
			byFile[e.File] = append(byFile[e.File], f) // suppressible like the page's other findings
		} else {
			res.Findings = append(res.Findings, f)
		}
	}

	// Page-local rules, in parallel, on the reported pages; the others'
	// link targets (for orphan) when the index does not know them yet.
	results := make([]pageResult, len(c.universe))
	var work []int
	for i, p := range c.universe {
		if c.reported(p.File) {
			c.rep = append(c.rep, i)
			work = append(work, i)
		} else if c.on(RuleOrphan) && !c.known[i] {
			work = append(work, i)
		}
	}
	c.checkPages(work, results)
	// On an index checked before, a re-checked page that links elsewhere
	// now can make another page an orphan, or stop it being one: those
	// pages are checked too.
	warm := c.checked && c.on(RuleOrphan)
	before := map[int]bool{} // whether a target had inbound links before
	if warm {
		note := func(t int) {
			if _, seen := before[t]; !seen {
				before[t] = c.inbound[t] > 0
			}
		}
		for _, i := range work {
			for _, t := range c.targets[i] {
				note(t)
			}
			for _, t := range results[i].targets {
				if j, ok := c.pos[t.File]; ok {
					note(j)
				}
			}
		}
	}
	for _, i := range work {
		c.setTargets(i, results[i].targets)
	}
	if warm {
		var more []int
		for t, had := range before {
			if had != (c.inbound[t] > 0) && !c.reported(c.universe[t].File) {
				more = append(more, t)
			}
		}
		slices.Sort(more)
		c.extra = map[string]bool{}
		for _, t := range more {
			c.extra[c.universe[t].File] = true
		}
		c.checkPages(more, results)
		for _, i := range more {
			c.setTargets(i, results[i].targets)
		}
		work = append(work, more...)
		c.rep = append(c.rep, more...)
		slices.Sort(c.rep)
	}
	c.checked = true
	for _, i := range work {
		p := c.universe[i]
		if c.reported(p.File) {
			files[p.File] = true
		}
		byFile[p.File] = append(byFile[p.File], results[i].findings...)
	}
	for _, f := range c.duplicateTitles() {
		byFile[f.File] = append(byFile[f.File], f)
	}
	if c.on(RuleOrphan) {
		for _, f := range c.orphans() {
			byFile[f.File] = append(byFile[f.File], f)
		}
	}
	for _, i := range c.rep {
		p := c.universe[i]
		fs := byFile[p.File]
		if len(fs) == 0 && len(p.Doc.Directives) == 0 && len(p.LintDisable) == 0 {
			continue
		}
		res.Findings = append(res.Findings, c.suppress(p, fs)...)
	}
	SortFindings(res.Findings)
	res.Files = len(files)
	res.Checked = slices.Sorted(maps.Keys(files))
	return res
}

// checkPages checks the universe's pages at the given places, in
// parallel: the rules on the reported ones, only the links of the others.
func (c *checker) checkPages(work []int, results []pageResult) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(work), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScratch()
			for i := range next {
				p := c.universe[i]
				if c.reported(p.File) {
					results[i] = c.checkPage(p, sc)
				} else {
					results[i].targets = c.linkTargets(p)
				}
			}
		}()
	}
	for _, i := range work {
		next <- i
	}
	close(next)
	wg.Wait()
}

// SortFindings orders findings by file, line, column, rule and message.
func SortFindings(fs []Finding) { diag.Sort(fs) }

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
	text   string // the text, for baseline fingerprints
}

func (e *emitter) line(n int) lineInfo {
	if li, ok := e.lines[n]; ok {
		return li
	}
	t := strings.TrimRight(e.p.LineText(n), " \t")
	sum := sha256.Sum256([]byte(strings.TrimSpace(t)))
	li := lineInfo{endCol: utf8.RuneCountInString(t) + 1, hash: hex.EncodeToString(sum[:8]), text: t}
	if e.lines == nil {
		e.lines = map[int]lineInfo{}
	}
	e.lines[n] = li
	return li
}

// maxFingerprint bounds the offending text a fingerprint reads, and
// fingerprintCol the column it starts from: a finding far along a huge
// line (a hostile page) is fingerprinted by its message instead, so that
// many findings on one line cost no more than the line.
const (
	maxFingerprint = 256
	fingerprintCol = 4096
)

// textAt is the offending text between two positions (to the end of the
// start's line when the end is on another), or false when it is too far
// along its line to find cheaply.
func (e *emitter) textAt(start, end content.Pos) (string, bool) {
	if start.Col > fingerprintCol {
		return "", false
	}
	to := end.Col
	if end.Line != start.Line || to <= start.Col {
		to = 0
	}
	if to == 0 || to > start.Col+maxFingerprint {
		to = start.Col + maxFingerprint
	}
	return columns(e.line(start.Line).text, start.Col, to), true
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
	syllables *syllableCache
	words     []word
}

func newScratch() *scratch { return &scratch{syllables: newSyllableCache()} }

// emitter returns an emitter for findings outside checkPage (no scratch).
func (c *checker) emitter(p *content.Page) *emitter { return &emitter{c: c, p: p} }

func (e *emitter) add(rule string, start, end content.Pos, msg string) {
	e.addText(rule, start, end, msg, nil)
}

// addText adds a finding whose offending text is known (text non-nil), or
// else read from the positions.
func (e *emitter) addText(rule string, start, end content.Pos, msg string, text *string) {
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
	fp := ""
	switch {
	case pageWide[rule]:
		fp = fingerprint(rule, "")
	case text != nil:
		fp = fingerprint(rule, *text)
	default:
		if t, ok := e.textAt(start, end); ok {
			fp = fingerprint(rule, t)
		} else {
			fp = fingerprint(rule, msg)
		}
	}
	e.out = append(e.out, Finding{File: e.p.File, Line: start.Line, Col: start.Col, EndLine: end.Line, EndCol: end.Col,
		Rule: rule, Level: lv, Message: msg, Fingerprint: fp, LineHash: e.line(start.Line).hash})
}

// page reports a finding about the whole page, at line 1: it has no
// offending text.
func (e *emitter) page(rule, msg string) {
	start := content.Pos{Line: 1, Col: 1}
	none := ""
	e.addText(rule, start, content.Pos{Line: 1, Col: e.lineEnd(1, 1)}, msg, &none)
}

// field reports a finding at a front-matter value (or its nearest parent key).
func (e *emitter) field(rule, path, msg string) {
	start := e.p.Field(path)
	e.add(rule, start, content.Pos{Line: start.Line, Col: e.lineEnd(start.Line, start.Col)}, msg)
}

// body reports a finding on body bytes [from, to): the offending text,
// or the rest of its line when to is not after from.
func (e *emitter) body(rule string, from, to int, msg string) {
	start := e.pos(from)
	end := start
	if to > from {
		end = e.pos(to)
	} else {
		end.Col = e.lineEnd(start.Line, start.Col)
	}
	b := e.p.Body()
	from = min(max(from, 0), len(b))
	stop := min(from+maxFingerprint, len(b))
	if to > from {
		stop = min(to, stop)
	}
	if i := bytes.IndexByte(b[from:stop], '\n'); i >= 0 {
		stop = from + i
	}
	text := string(b[from:stop])
	e.addText(rule, start, end, msg, &text)
}
