package site

import (
	"context"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/sitefs"
)

// Session is the preview driver of the pipeline: it keeps a site in
// memory between builds. kb serve's first build is a Full build, and each
// batch of changed files after it is Applied incrementally, through the
// narrowest plan that gives the same site (plans.go) — only the changed
// Markdown files are parsed again, and only the output files that show
// them are rendered again:
//
//   - the page itself (and its old and new alias redirects);
//   - every page that links to it, before or after the change (they show
//     its title in related links and release notes);
//   - for a release: the pages its features link to ("Updated for" badges),
//     the other releases of its product ("Latest", "a newer release") and
//     the known-issues page;
//   - the lists that show it: its section's pages (old and new section),
//     its tags' pages (old and new tags), and the pages every change can
//     touch (home, tags, known issues, search, 404, sitemap, robots, feeds).
//
// When what every page shows changes — the sections, whether there are
// known issues, the feeds — or when site.yaml, a layout or a static file
// changes, everything is rendered again. The result of Apply is
// byte-identical to a Full build of the same files.
type Session struct {
	Dir   string
	Theme fs.FS
	// Drafts and Future show drafts and scheduled pages (model.Rules).
	Drafts, Future bool
	// FeedbackEndpoint is where the pages' "Was this article helpful?"
	// form posts when site.yaml names no feedback.endpoint: kb serve
	// answers it itself (/api/feedback). "" leaves site.yaml as it is.
	FeedbackEndpoint string
	// Clock is now; nil means model.Now (SOURCE_DATE_EPOCH, else the
	// clock). The session publishes at the moment of its last full build
	// until the next scheduled change (NextChange); the first Apply at or
	// after it builds in full.
	Clock func() time.Time

	mu sync.Mutex
	// rules are the publication rules of the last rebuild, next the next
	// scheduled change of its pages (zero for none).
	rules    model.Rules
	next     time.Time
	cfg      *config.Config
	theme    *render.Theme
	opts     content.Options
	pages    map[string]*content.Page      // by content file
	errs     map[string][]*diag.Diagnostic // load errors by content file
	site     *model.Site
	r        *render.Renderer
	shell    string
	findings map[string][]lint.Finding // by file
	// lintIdx is lint's index of the pages, kept for the next edit;
	// lintFailed says the last check found errors.
	lintIdx    *lint.Index
	lintFailed bool
	// entries are the URLs of the feeds' pages, redirects the aliases, of site.
	entries   map[string]bool
	redirects map[string]string
	out       map[string][]byte
	// pending holds, for each content file changed since the last good
	// render, its page as that render saw it (nil for a file that was new),
	// so that a fix after a failed rebuild renders everything changed meanwhile.
	pending map[string]*content.Page
}

// Update is the outcome of a Full build or of Apply.
type Update struct {
	// Files is the complete site, by output path. It is never modified
	// after it is returned; the next Update gets a new map.
	Files map[string][]byte
	// Redirects maps alias paths ("/old/x/") to page URLs.
	Redirects map[string]string
	// Changed are the output paths whose bytes changed; Pages the URL paths
	// of the HTML pages among them.
	Changed []string
	Pages   []string
	// Problems stop publishing: load errors, lint errors, template errors.
	// When there are any, Files is the last good site.
	Problems diag.List
	// Findings are the lint findings of the site (warnings and notes when
	// the build succeeded).
	Findings []lint.Finding
	// Rendered counts the files rendered; Full says everything was.
	Rendered int
	Full     bool
	Elapsed  time.Duration
	// Site is the published model, for the search index.
	Site *model.Site
	// ChangedPages are the content pages added or changed, Removed the URLs of pages gone.
	ChangedPages []*content.Page
	Removed      []string
}

// memOutput collects files in memory.
type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func newMemOutput() *memOutput { return &memOutput{files: map[string][]byte{}} }

func (m *memOutput) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	m.files[name] = data
	m.mu.Unlock()
	return nil
}

// Full loads and renders the whole site.
func (s *Session) Full(ctx context.Context) (*Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.full(ctx)
}

// now is the session's moment.
func (s *Session) now() (time.Time, error) {
	if s.Clock != nil {
		return s.Clock(), nil
	}
	return model.Now()
}

// NextChange is when what the session shows changes next (a scheduled
// page is published, a page expires), and how long until then by the
// session's clock: kb serve applies an empty batch then. The zero time
// means nothing is scheduled.
func (s *Session) NextChange() (time.Time, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, err := s.now()
	if s.next.IsZero() || err != nil {
		return time.Time{}, 0
	}
	return s.next, s.next.Sub(now)
}

func (s *Session) full(ctx context.Context) (*Update, error) {
	start := time.Now()
	now, err := s.now()
	if err != nil {
		return s.failed(start, asProblems(err)), nil
	}
	l, err := Load(s.Dir, s.Theme)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return s.failed(start, ie.Problems), nil
		}
		return nil, err
	}
	if s.FeedbackEndpoint != "" && l.Config.Feedback.Endpoint == "" {
		l.Config.Feedback.Endpoint = s.FeedbackEndpoint
	}
	s.cfg, s.theme, s.opts = l.Config, l.Theme, l.Read
	s.rules = model.NewRules(s.cfg, now, s.Drafts, s.Future)
	s.pages = map[string]*content.Page{}
	s.errs = map[string][]*diag.Diagnostic{}
	for _, p := range l.Content.Pages {
		s.pages[p.File] = p
	}
	for _, e := range l.Content.Errors {
		s.errs[e.File] = append(s.errs[e.File], e)
	}
	s.r = nil // templates and static files may have changed
	s.pending = map[string]*content.Page{}
	return s.rebuild(ctx, start, &change{}, true)
}

// failed reports problems and keeps serving the last good site.
func (s *Session) failed(start time.Time, problems diag.List) *Update {
	u := &Update{Files: s.out, Problems: problems, Elapsed: time.Since(start), Site: s.site}
	if u.Files == nil {
		u.Files = map[string][]byte{}
	}
	u.Redirects = redirects(s.site)
	return u
}

// needsFull reports whether a changed path means everything must be rebuilt.
func needsFull(p string) bool {
	return p == config.FileName || p == "layouts" || p == "static" || p == content.Dir ||
		strings.HasPrefix(p, "layouts/") || strings.HasPrefix(p, "static/")
}

// Apply rebuilds after the given site paths (slash-separated, relative to
// the site folder) changed on disk; with none, it builds in full when the
// next scheduled change has come, else changes nothing.
func (s *Session) Apply(ctx context.Context, changed []string) (*Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	if s.pages == nil || s.cfg == nil {
		return s.full(ctx)
	}
	now, err := s.now()
	if err != nil {
		return s.failed(start, asProblems(err)), nil
	}
	if !s.next.IsZero() && !now.Before(s.next) {
		// A page's time has come: every page may show it (lists, badges,
		// links), so everything is built again at the new moment.
		return s.full(ctx)
	}
	if len(changed) == 0 {
		return s.failed(start, nil), nil // nothing to do: the site as it is
	}
	// Until the next change every page stands where it stood: the
	// moment moves on for the pages the batch changes.
	s.rules = model.NewRules(s.cfg, now, s.Drafts, s.Future)
	fsys, err := sitefs.Open(s.Dir)
	if err != nil {
		return nil, err
	}
	var files []string
	rescan := false
	for _, p := range changed {
		switch {
		case needsFull(p):
			return s.full(ctx)
		case content.IsContentFile(p):
			files = append(files, p)
		case strings.HasPrefix(p, content.Dir+"/") && !strings.HasSuffix(strings.ToLower(p), ".md"):
			rescan = true // a folder appeared or vanished
		}
	}
	if rescan {
		present, _ := content.Files(fsys)
		have := map[string]bool{}
		for _, f := range present {
			have[f] = true
			if _, known := s.pages[f]; !known {
				files = append(files, f)
			}
		}
		for f := range s.pages {
			if !have[f] {
				files = append(files, f)
			}
		}
		for f := range s.errs {
			if !have[f] && content.IsContentFile(f) {
				files = append(files, f)
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		if _, ok := s.pending[f]; !ok {
			s.pending[f] = s.pages[f]
		}
		delete(s.errs, f)
		delete(s.pages, f)
		if _, err := fs.Stat(fsys, f); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		p, errs := content.ReadFile(fsys, f, s.opts)
		if len(errs) > 0 {
			s.errs[f] = errs
		}
		if p != nil {
			s.pages[f] = p
		}
	}
	old := map[string]*content.Page{}
	var changedPages []*content.Page
	var removed []string
	for f, was := range s.pending {
		if was != nil {
			old[f] = was
		}
		if p, ok := s.pages[f]; ok {
			changedPages = append(changedPages, p)
		} else if was != nil {
			removed = append(removed, was.URL)
		}
	}
	sort.Slice(changedPages, func(i, j int) bool { return changedPages[i].File < changedPages[j].File })
	sort.Strings(removed)
	u, err := s.rebuild(ctx, start, &change{old: old, changed: changedPages}, false)
	if u != nil {
		u.ChangedPages, u.Removed = changedPages, removed
	}
	return u, err
}

func (s *Session) allPages() []*content.Page {
	pages := make([]*content.Page, 0, len(s.pages))
	for _, p := range s.pages {
		pages = append(pages, p)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].File < pages[j].File })
	return pages
}

// rebuild runs the steps again after the page set changed, through the
// plan the change allows (plans.go): model, check, render.
func (s *Session) rebuild(ctx context.Context, start time.Time, c *change, full bool) (*Update, error) {
	pl := s.choosePlan(c, full)
	ns, pages, problems := pl.model(s)
	if len(problems) > 0 {
		return s.failed(start, problems), nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all, findings, problems, err := s.lint(ns, pages, c, full)
	if err != nil {
		return s.failed(start, asProblems(err)), nil
	}
	if len(problems) > 0 {
		u := s.failed(start, problems)
		u.Findings = all
		s.findings = findings // so the next change re-lints against these
		return u, nil
	}

	shell := shellOf(ns)
	if s.r == nil || shell != s.shell {
		pl = fullPlan{} // what every page shows changed
	}
	if s.r == nil {
		r, err := NewRenderer(ns, s.theme)
		if err != nil {
			return s.failed(start, asProblems(err)), nil
		}
		s.r = r
	} else {
		s.r.Site = ns
	}
	out, err := pl.render(ctx, s, ns)
	if err != nil {
		// Stopping kb serve stops the rendering; the session keeps the
		// last good site, as after a failed rebuild.
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return s.failed(start, asProblems(err)), nil
	}
	_, isFull := pl.(fullPlan)
	u := &Update{Files: out.files, Redirects: out.redirects, Changed: out.changed, Findings: all,
		Rendered: out.rendered, Full: isFull, Site: ns}
	for _, p := range u.Changed {
		if strings.HasSuffix(p, "index.html") {
			u.Pages = append(u.Pages, "/"+strings.TrimSuffix(p, "index.html"))
		} else if strings.HasSuffix(p, ".html") {
			u.Pages = append(u.Pages, "/"+p)
		}
	}
	s.site, s.shell, s.out, s.findings, s.entries, s.redirects = ns, shell, out.files, findings, out.entries, out.redirects
	s.pending = map[string]*content.Page{}
	s.next = s.rules.Next(s.allPages()).At
	u.Elapsed = time.Since(start)
	return u, nil
}

// lint checks what a change can affect: everything on a full build, else
// the changed files and their neighbours. The index kept from the last
// check takes the changed pages when it can (lint.Index.Replace); when
// only their bodies and links changed since that check, the changed pages
// alone are re-checked (lint adds the pages whose orphan state their links
// changed). Otherwise the site is indexed again — and checked whole if the
// last check failed, since its findings may concern versions of pages no
// longer known. It returns every finding of the site, those by file, and
// the errors among them as problems.
func (s *Session) lint(ns *model.Site, pages []*content.Page, c *change, full bool) (all []lint.Finding, byFile map[string][]lint.Finding, errs diag.List, err error) {
	old, changed := c.old, c.changed
	lopts := lintOptions(s.rules)
	relint := map[string]bool{}
	idx := s.lintIdx
	s.lintIdx = nil // until it is known to match the pages again
	if full || s.findings == nil || len(changed) != len(old) {
		idx = nil
	}
	narrow := true
	var prevs []*content.Page // the changed pages as lint last saw them
	for _, p := range changed {
		if idx == nil {
			break
		}
		prev := idx.Page(p.File)
		if prev == nil || !idx.Replace(p) {
			idx = nil
			break
		}
		prevs = append(prevs, prev)
		narrow = narrow && listing(prev) == listing(p)
	}
	whole := full || s.findings == nil || idx == nil && s.lintFailed
	if !whole {
		for _, p := range changed {
			relint[p.File] = true
		}
		lopts.Report = func(f string) bool { return relint[f] }
	}
	if !whole && (idx == nil || !narrow) {
		// Besides the changed pages: the pages linking to them (anchors,
		// titles), those they link to (orphans), and those sharing their
		// titles, now or as lint or the last render saw them.
		for f := range old {
			relint[f] = true
		}
		for _, site := range []*model.Site{s.site, ns} {
			if site == nil {
				continue
			}
			for _, p := range append(append([]*content.Page{}, changed...), values(old)...) {
				q := site.ByURL[p.URL]
				if q == nil {
					continue
				}
				for _, b := range site.Backlinks[q] {
					relint[b.File] = true
				}
				for _, t := range site.Targets(q) {
					relint[t.File] = true
				}
			}
		}
		titles := map[string]bool{}
		for _, list := range [][]*content.Page{changed, values(old), prevs} {
			for _, p := range list {
				titles[lint.TitleKey(p)] = true
			}
		}
		for _, p := range s.pages {
			if titles[lint.TitleKey(p)] {
				relint[p.File] = true
			}
		}
	}
	if idx == nil {
		if pages == nil {
			pages = s.allPages()
		}
		idx = lint.NewIndex(lintInput(s.cfg, pages, nil, s.theme), lopts)
	}
	lres, err := idx.Check(lopts)
	if err != nil {
		return nil, nil, nil, err
	}
	s.lintIdx = idx
	defer func() { s.lintFailed = len(errs) > 0 }()
	byFile = map[string][]lint.Finding{}
	if lopts.Report != nil {
		for _, f := range lres.Checked {
			relint[f] = true
		}
		for f, list := range s.findings {
			if !relint[f] {
				byFile[f] = list
			}
		}
	}
	for _, f := range lres.Findings {
		byFile[f.File] = append(byFile[f.File], f)
	}
	for _, list := range byFile {
		all = append(all, list...)
	}
	lint.SortFindings(all)
	for i := range all {
		if all[i].Level == lint.Error {
			errs = append(errs, &all[i])
		}
	}
	return all, byFile, errs, nil
}

func values(m map[string]*content.Page) []*content.Page {
	out := make([]*content.Page, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	return out
}

// Snapshot returns the session's current content: every loaded page (drafts
// included), the published site of the last good build and the lint
// findings. Callers must not modify them.
func (s *Session) Snapshot() (pages []*content.Page, site *model.Site, findings []lint.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, list := range s.findings {
		findings = append(findings, list...)
	}
	lint.SortFindings(findings)
	return s.allPages(), s.site, findings
}
