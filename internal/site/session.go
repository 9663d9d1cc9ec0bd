package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/feed"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/sitefs"
)

// Session keeps a site in memory between builds: kb serve's first build is
// a Full build, and each batch of changed files after it is Applied
// incrementally — only the changed Markdown files are parsed again, and
// only the output files that show them are rendered again:
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
	Dir    string
	Theme  fs.FS
	Drafts bool

	mu       sync.Mutex
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

func (s *Session) full(ctx context.Context) (*Update, error) {
	start := time.Now()
	l, err := Load(s.Dir, s.Theme)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return s.failed(start, ie.Problems), nil
		}
		return nil, err
	}
	s.cfg, s.theme = l.Config, l.Theme
	s.opts = content.Options{
		Markdown:     markdown.New(markdown.Options{HTML: l.Config.Markdown.HTML, Embeds: l.Config.Markdown.Embeds, ImageSize: l.Theme.ImageSizer(), BasePath: l.Config.BasePath()}),
		MaxFileBytes: l.Config.Limits.MaxFileBytes,
	}
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
	return s.rebuild(ctx, start, nil, nil, true)
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
// the site folder) changed on disk.
func (s *Session) Apply(ctx context.Context, changed []string) (*Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	if s.pages == nil || s.cfg == nil {
		return s.full(ctx)
	}
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
	u, err := s.rebuild(ctx, start, old, changedPages, false)
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

// rebuild lints and renders after the page set changed. old holds the
// previous versions of the changed files (nil entries for new files); a nil
// old map with full set renders everything.
func (s *Session) rebuild(ctx context.Context, start time.Time, old map[string]*content.Page, changed []*content.Page, full bool) (*Update, error) {
	// An update is a writer editing pages: every file changed since the
	// last good render is a page whose URL, section, tags, aliases and
	// release data are as they were (model.Updatable). The site model and
	// lint's index are then updated, not made again, and the output paths
	// stay the same. A patch is an update whose pages the other pages show
	// as before (the same listing): only the pages themselves are rendered.
	repl := map[*content.Page]*content.Page{}
	update := !full && s.site != nil && s.r != nil && s.out != nil && len(s.errs) == 0 &&
		len(changed) > 0 && len(changed) == len(old)
	patch := update
	for _, p := range changed {
		if !update {
			break
		}
		o := old[p.File]
		if update = o != nil && model.Updatable(o, p); update {
			repl[o] = p
			patch = patch && listing(o) == listing(p)
		}
	}
	patch = patch && update
	var pages []*content.Page // every page, drafts too; not needed by an update
	if !update {
		pages = s.allPages()
		var problems diag.List
		files := make([]string, 0, len(s.errs))
		for f := range s.errs {
			files = append(files, f)
		}
		sort.Strings(files)
		for _, f := range files {
			problems = append(problems, s.errs[f]...)
		}
		problems = append(problems, content.CheckSite(pages)...)
		problems.Sort()
		if len(problems) > 0 {
			return s.failed(start, problems), nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var ns *model.Site
	if update {
		ns = s.site.Update(repl)
	} else {
		ns = model.New(s.cfg, Published(pages, s.Drafts))
	}
	all, findings, problems, err := s.lint(ns, pages, old, changed, full)
	if err != nil {
		return s.failed(start, asProblems(err)), nil
	}
	if len(problems) > 0 {
		u := s.failed(start, problems)
		u.Findings = all
		s.findings = findings // so the next change re-lints against these
		return u, nil
	}

	// Render.
	if !update {
		ns.PlanFeeds() // an update keeps the feeds: the same products, sections, dated pages
	}
	shell := shellOf(ns)
	if s.r == nil || shell != s.shell {
		full, update, patch = true, false, false
	}
	if s.r == nil {
		r, err := render.New(ns, s.theme)
		if err != nil {
			return s.failed(start, asProblems(err)), nil
		}
		s.r = r
	} else {
		s.r.Site = ns
	}
	entries := s.entries
	if !patch {
		entries = feed.Entries(ns) // dates may have changed
	}
	mem := &memOutput{files: map[string][]byte{}}
	var jobs, run []render.Job
	switch {
	case patch:
		// The output paths stay as they were: render the pages, and the
		// home and 404 pages when the pages' links changed (they rank
		// pages by the links to them).
		paths := map[string]bool{}
		for o, p := range repl {
			paths[pagePath(p.URL)] = true
			if !slices.Equal(s.site.Targets(o), ns.Targets(p)) {
				paths["index.html"], paths["404.html"] = true, true
			}
		}
		run = s.r.JobsFor(paths)
	case update:
		run = s.r.JobsFor(s.affected(ns, old, changed))
	default:
		jobs = s.r.Jobs()
		if err := s.r.CheckPaths(jobs); err != nil {
			return s.failed(start, asProblems(err)), nil
		}
		if full {
			run = jobs
			if err := s.r.WriteStatic(ctx, mem); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return s.failed(start, asProblems(err)), nil
			}
		} else {
			affected := s.affected(ns, old, changed)
			for _, j := range jobs {
				if _, had := s.out[j.Path]; !had || affected[j.Path] {
					run = append(run, j)
				}
			}
		}
	}
	// Stopping kb serve stops the rendering; the session keeps the last
	// good site, as after a failed rebuild.
	if err := render.RunJobs(ctx, run, mem); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return s.failed(start, asProblems(err)), nil
	}
	if full || s.feedsChange(ns, entries, old, changed) {
		owners, err := s.r.Owners()
		if err == nil {
			err = feed.Write(ctx, mem, ns, s.r.ContentHTML, owners)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return s.failed(start, asProblems(err)), nil
		}
	}

	// The new site: the previous files, minus those no longer produced, plus what was rendered.
	next := make(map[string][]byte, len(s.out)+len(mem.files))
	switch {
	case update:
		maps.Copy(next, s.out)
	case !full:
		keep := map[string]bool{}
		for _, j := range jobs {
			keep[j.Path] = true
		}
		statics, err := s.r.StaticFiles()
		if err != nil {
			return s.failed(start, asProblems(err)), nil
		}
		for p := range statics {
			keep[p] = true
		}
		for _, f := range ns.Feeds {
			for _, u := range []string{f.RSS, f.Atom, f.JSON} {
				keep[strings.TrimPrefix(u, "/")] = true
			}
		}
		for p, data := range s.out {
			if keep[p] {
				next[p] = data
			}
		}
	}
	for p, data := range mem.files {
		next[p] = data
	}
	redirs := s.redirects
	if !update {
		redirs = redirects(ns)
	}
	u := &Update{Files: next, Redirects: redirs, Findings: all, Rendered: len(run), Full: full, Site: ns}
	if update {
		for p, data := range mem.files { // nothing else can differ
			if string(s.out[p]) != string(data) {
				u.Changed = append(u.Changed, p)
			}
		}
	} else {
		for p, data := range next {
			if prev, ok := s.out[p]; !ok || string(prev) != string(data) {
				u.Changed = append(u.Changed, p)
			}
		}
		for p := range s.out {
			if _, ok := next[p]; !ok {
				u.Changed = append(u.Changed, p)
			}
		}
	}
	sort.Strings(u.Changed)
	for _, p := range u.Changed {
		if strings.HasSuffix(p, "index.html") {
			u.Pages = append(u.Pages, "/"+strings.TrimSuffix(p, "index.html"))
		} else if strings.HasSuffix(p, ".html") {
			u.Pages = append(u.Pages, "/"+p)
		}
	}
	s.site, s.shell, s.out, s.findings, s.entries, s.redirects = ns, shell, next, findings, entries, redirs
	s.pending = map[string]*content.Page{}
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
func (s *Session) lint(ns *model.Site, pages []*content.Page, old map[string]*content.Page, changed []*content.Page, full bool) (all []lint.Finding, byFile map[string][]lint.Finding, errs diag.List, err error) {
	lopts := lint.Options{Drafts: s.Drafts, PublishedOnly: true}
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
		idx = lint.NewIndex(&lint.Input{Config: s.cfg, Pages: pages, Static: s.theme.Static}, lopts)
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

// shellOf describes what every page shows of the whole site: its sections,
// whether there are known issues, the feeds. When it changes, every page
// is rendered again.
func shellOf(s *model.Site) string {
	var b strings.Builder
	for _, sec := range s.Sections {
		fmt.Fprintf(&b, "%s\x00%s\x00%s\n", sec.Name, sec.Title, sec.URL)
	}
	fmt.Fprintf(&b, "ki=%v\n", len(s.KnownIssues) > 0)
	for _, f := range s.Feeds {
		fmt.Fprintf(&b, "%+v\n", f)
	}
	return b.String()
}

// affected lists the output paths a change to some pages can alter.
func (s *Session) affected(ns *model.Site, old map[string]*content.Page, changed []*content.Page) map[string]bool {
	// The home, 404 and search pages show popular pages and the first
	// pages of a section, by title and by the links to them.
	out := map[string]bool{"index.html": true, "404.html": true, "search/index.html": true}
	addPage := func(p *content.Page) {
		if p == nil {
			return
		}
		out[pagePath(p.URL)] = true
		for _, a := range p.Aliases {
			if a = strings.Trim(a, "/"); a != "" {
				out[a+"/index.html"] = true
			}
		}
	}
	// A section's list pages that show other pages than before, or the
	// pages in another order: all of them when the number of pages changed
	// (each shows the count and the pager).
	sectionDone := map[string]bool{}
	addSection := func(name string) {
		if sectionDone[name] {
			return
		}
		sectionDone[name] = true
		var before, after []*content.Page
		var url string
		if sec := s.site.Section(name); sec != nil {
			before, url = sec.Pages, sec.URL
		}
		if sec := ns.Section(name); sec != nil {
			after, url = sec.Pages, sec.URL
		}
		n := max(1, (max(len(before), len(after))+model.PageSize-1)/model.PageSize)
		for i := 1; i <= n; i++ {
			lo, hi := (i-1)*model.PageSize, i*model.PageSize
			if len(before) != len(after) || !slices.Equal(before[min(lo, len(before)):min(hi, len(before))], after[min(lo, len(after)):min(hi, len(after))]) {
				if i == 1 {
					out[pagePath(url)] = true
				} else {
					out[pagePath(fmt.Sprintf("%spage/%d/", url, i))] = true
				}
			}
		}
	}
	releaseTouched, releaseLinked := false, false
	touch := func(site *model.Site, p *content.Page) {
		if site == nil || p == nil {
			return
		}
		q := site.ByURL[p.URL]
		addPage(p)
		if p.Section != "" {
			addSection(p.Section)
		}
		for _, t := range p.Tags {
			out["tags/"+content.TagSlug(t)+"/index.html"] = true
		}
		if q == nil {
			return
		}
		addPage(q)
		for _, b := range site.Backlinks[q] {
			addPage(b)
			releaseLinked = releaseLinked || b.Type == content.Release
		}
		if q.Type == content.Release {
			releaseTouched = true
			for _, l := range model.Links(q) {
				if t, _ := site.Resolve(l); t != nil {
					addPage(t)
				}
			}
		}
	}
	// The sitemap shows the pages' URLs and dates, the tags page the tags
	// and how many pages carry each.
	sitemap, tags := false, false
	for _, p := range changed {
		o := old[p.File]
		if o != nil && listing(o) == listing(p) {
			// Only the body or the page's own links changed: no other
			// page shows anything of it that changed.
			addPage(p)
			continue
		}
		sitemap = sitemap || o == nil || o.URL != p.URL || !o.Date().Equal(p.Date()) || o.Draft != p.Draft
		tags = tags || o == nil || o.Draft != p.Draft || !slices.Equal(o.Tags, p.Tags)
		touch(s.site, p)
		touch(ns, p)
		if o != nil {
			touch(s.site, o)
			touch(ns, o)
		}
	}
	for f, o := range old {
		if _, still := s.pages[f]; !still {
			sitemap, tags = true, true
			touch(s.site, o)
			touch(ns, o)
		}
	}
	if sitemap {
		out["sitemap.xml"] = true
	}
	if tags {
		out["tags/index.html"] = true
	}
	if releaseTouched || releaseLinked {
		// The known issues show their releases and the titles of their docs.
		out["known-issues/index.html"] = true
	}
	if releaseTouched {
		// Latest badges, "a newer release", fixed known issues: every release page.
		for _, site := range []*model.Site{s.site, ns} {
			for _, r := range site.Releases {
				addPage(r)
			}
		}
		if sec := ns.Section("releases"); sec != nil {
			for i := 1; i <= max(1, (len(sec.Pages)+model.PageSize-1)/model.PageSize); i++ {
				if i == 1 {
					out[pagePath(sec.URL)] = true
				} else {
					out[pagePath(fmt.Sprintf("%spage/%d/", sec.URL, i))] = true
				}
			}
		}
	}
	return out
}

// feedsChange reports whether an edit can change a feed: a changed page
// is an entry of a feed, before or after (feeds carry the body), or a
// feed's release notes show its title (a release of the feed links to it
// and its listing changed); a page is new or gone. entries are the feeds'
// pages after the edit, ns the site.
func (s *Session) feedsChange(ns *model.Site, entries map[string]bool, old map[string]*content.Page, changed []*content.Page) bool {
	inFeed := func(url string) bool { return s.entries[url] || entries[url] }
	for _, p := range changed {
		o := old[p.File]
		if o == nil || inFeed(p.URL) || inFeed(o.URL) {
			return true
		}
		if listing(o) == listing(p) {
			continue
		}
		for _, site := range []*model.Site{s.site, ns} {
			if site == nil {
				return true
			}
			for _, b := range site.Backlinks[site.ByURL[p.URL]] {
				if inFeed(b.URL) {
					return true
				}
			}
		}
	}
	for f, o := range old {
		if _, still := s.pages[f]; !still || inFeed(o.URL) {
			return true
		}
	}
	return false
}

// listing is what other pages show of a page: in lists, related links,
// release notes, badges and feeds. Two versions of a page with the same
// listing differ only in what the page itself shows.
func listing(p *content.Page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%v\x00%q\x00%q\x00%s\x00%v\x00%v\n",
		p.URL, p.Title, p.LinkTitle(), p.Description, p.Date(), p.Type, p.Product, p.Draft, p.Tags, p.Aliases, p.Section, p.Updated, p.Params)
	if p.Doc != nil {
		for _, h := range p.Doc.Headings {
			fmt.Fprintf(&b, "%s\x00%s\n", h.ID, h.Text)
		}
	}
	if p.Release != nil {
		fmt.Fprintf(&b, "%+v\n", *p.Release)
	}
	return b.String()
}

// pagePath is the output path of a page's URL.
func pagePath(url string) string { return strings.TrimPrefix(url, "/") + "index.html" }

// redirects maps alias paths to the URLs of their pages.
func redirects(s *model.Site) map[string]string {
	m := map[string]string{}
	if s == nil {
		return m
	}
	for _, p := range s.Pages {
		for _, a := range p.Aliases {
			a = "/" + strings.Trim(a, "/") + "/"
			if a != "//" {
				m[a] = strings.TrimSuffix(s.Config.BasePath(), "/") + p.URL
			}
		}
	}
	return m
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
