package site

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/feed"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
)

// A plan is how a session rebuild brings the site up to date after some
// content files changed: how it makes the site model, and what it renders.
// choosePlan picks one:
//
//	fullPlan     everything: the first build, site.yaml, a layout or a
//	             static file changed, or what every page shows (the
//	             sections, whether there are known issues, the feeds)
//	remodelPlan  the model made again from every page (a page added,
//	             removed, moved, retagged); only the output files the
//	             change can alter are rendered (affected), the others kept
//	updatePlan   every changed page keeps its URL, type, section, tags,
//	             aliases and release data (model.Updatable): the model is
//	             updated in place and the output paths stay the same
//	patchPlan    an update whose pages other pages show as before (the
//	             same listing): only the pages themselves are rendered
//	             (and the home and 404 pages when their links changed)
//
// Whatever the plan, the result is byte-identical to a Build of the same
// files (TestSessionMatchesBuild).
type plan interface {
	// model makes the site model of the new page set, and returns every
	// page when it read them all (nil otherwise), or the problems that
	// stop the page set from being a site.
	model(s *Session) (ns *model.Site, pages []*content.Page, problems diag.List)
	// render renders what the plan needs of ns with s.r.
	render(ctx context.Context, s *Session, ns *model.Site) (*output, error)
}

// change is what a rebuild starts from: the content files changed since
// the last good render.
type change struct {
	// old holds the previous versions of the changed files that had a
	// page; changed the new versions, by file.
	old     map[string]*content.Page
	changed []*content.Page
}

// output is what a plan rendered: the new site, and what changed in it.
type output struct {
	files     map[string][]byte
	changed   []string // sorted output paths whose bytes changed
	rendered  int      // the files rendered
	entries   map[string]bool
	redirects map[string]string
}

type (
	fullPlan    struct{}
	remodelPlan struct{ c *change }
	updatePlan  struct {
		c    *change
		repl map[*content.Page]*content.Page // old → new versions
	}
	patchPlan struct{ updatePlan }
)

// choosePlan picks the plan of a rebuild: fullPlan when full is set, else
// the narrowest plan that gives the same site.
func (s *Session) choosePlan(c *change, full bool) plan {
	switch {
	case full:
		return fullPlan{}
	case s.site == nil || s.r == nil || s.out == nil || len(s.errs) > 0 || len(c.changed) == 0 || len(c.changed) != len(c.old):
		return remodelPlan{c}
	}
	u := updatePlan{c: c, repl: map[*content.Page]*content.Page{}}
	patch := true
	for _, p := range c.changed {
		o := c.old[p.File]
		if o == nil || !model.Updatable(o, p) {
			return remodelPlan{c}
		}
		u.repl[o] = p
		patch = patch && listing(o) == listing(p)
	}
	if patch {
		return patchPlan{u}
	}
	return u
}

// model makes the model of every page again (fullPlan, remodelPlan), or
// updates the last one in place (updatePlan, patchPlan).
func (fullPlan) model(s *Session) (*model.Site, []*content.Page, diag.List) {
	return s.remodel()
}

func (remodelPlan) model(s *Session) (*model.Site, []*content.Page, diag.List) {
	return s.remodel()
}

func (p updatePlan) model(s *Session) (*model.Site, []*content.Page, diag.List) {
	return s.site.Update(p.repl), nil, nil
}

// remodel is the model step on every page the session holds, once they
// load as a site: no file failed to load, no two pages clash.
func (s *Session) remodel() (*model.Site, []*content.Page, diag.List) {
	pages := s.allPages()
	var problems diag.List
	files := slices.Sorted(maps.Keys(s.errs))
	for _, f := range files {
		problems = append(problems, s.errs[f]...)
	}
	problems = append(problems, content.CheckSite(pages)...)
	if len(problems) > 0 {
		problems.Sort()
		return nil, nil, problems
	}
	ns, _ := Model(s.cfg, pages, s.rules)
	return ns, pages, nil
}

// render is the render step, as Build runs it.
func (fullPlan) render(ctx context.Context, s *Session, ns *model.Site) (*output, error) {
	mem := newMemOutput()
	if err := Render(ctx, s.r, mem); err != nil {
		return nil, err
	}
	return &output{files: mem.files, changed: changedFiles(s.out, mem.files), rendered: len(s.r.Jobs()),
		entries: feed.Entries(ns), redirects: redirects(ns)}, nil
}

// render renders the files the change affects and those the site did not
// have, and keeps the previous bytes of the others it still has.
func (p remodelPlan) render(ctx context.Context, s *Session, ns *model.Site) (*output, error) {
	jobs := s.r.Jobs()
	if err := s.r.CheckPaths(jobs); err != nil {
		return nil, err
	}
	affected := s.affected(ns, p.c)
	var run []render.Job
	for _, j := range jobs {
		if _, had := s.out[j.Path]; !had || affected[j.Path] {
			run = append(run, j)
		}
	}
	mem := newMemOutput()
	if err := render.RunJobs(ctx, run, mem); err != nil {
		return nil, err
	}
	entries := feed.Entries(ns) // dates may have changed
	if s.feedsChange(ns, entries, p.c) {
		if err := writeFeeds(ctx, s.r, mem); err != nil {
			return nil, err
		}
	}
	// The new site: the previous files, minus those no longer produced, plus what was rendered.
	keep := map[string]bool{}
	for _, j := range jobs {
		keep[j.Path] = true
	}
	statics, err := s.r.StaticFiles()
	if err != nil {
		return nil, err
	}
	for p := range statics {
		keep[p] = true
	}
	for _, f := range ns.Feeds {
		for _, u := range []string{f.RSS, f.Atom, f.JSON} {
			keep[strings.TrimPrefix(u, "/")] = true
		}
	}
	next := make(map[string][]byte, len(s.out)+len(mem.files))
	for p, data := range s.out {
		if keep[p] {
			next[p] = data
		}
	}
	maps.Copy(next, mem.files)
	return &output{files: next, changed: changedFiles(s.out, next), rendered: len(run), entries: entries, redirects: redirects(ns)}, nil
}

// render renders the output paths the change affects; the paths stay as
// they were.
func (p updatePlan) render(ctx context.Context, s *Session, ns *model.Site) (*output, error) {
	return s.renderPaths(ctx, ns, s.affected(ns, p.c), feed.Entries(ns), p.c)
}

// render renders the changed pages, and the home and 404 pages when the
// pages' links changed (they rank pages by the links to them).
func (p patchPlan) render(ctx context.Context, s *Session, ns *model.Site) (*output, error) {
	paths := map[string]bool{}
	for o, q := range p.repl {
		paths[pagePath(q.URL)] = true
		if !slices.Equal(s.site.Targets(o), ns.Targets(q)) {
			paths["index.html"], paths["404.html"] = true, true
		}
	}
	return s.renderPaths(ctx, ns, paths, s.entries, p.c)
}

// renderPaths renders some output paths of a site whose paths are those
// of the last render, and the feeds when the change shows in them
// (entries are the feeds' pages after it). Nothing but what it renders
// can differ.
func (s *Session) renderPaths(ctx context.Context, ns *model.Site, paths, entries map[string]bool, c *change) (*output, error) {
	run := s.r.JobsFor(paths)
	mem := newMemOutput()
	if err := render.RunJobs(ctx, run, mem); err != nil {
		return nil, err
	}
	if s.feedsChange(ns, entries, c) {
		if err := writeFeeds(ctx, s.r, mem); err != nil {
			return nil, err
		}
	}
	next := maps.Clone(s.out)
	var changed []string
	for p, data := range mem.files {
		if string(s.out[p]) != string(data) {
			changed = append(changed, p)
		}
		next[p] = data
	}
	sort.Strings(changed)
	return &output{files: next, changed: changed, rendered: len(run), entries: entries, redirects: s.redirects}, nil
}

// changedFiles lists the paths whose bytes differ between two sites,
// sorted: added, changed and removed.
func changedFiles(prev, next map[string][]byte) []string {
	var out []string
	for p, data := range next {
		if old, ok := prev[p]; !ok || string(old) != string(data) {
			out = append(out, p)
		}
	}
	for p := range prev {
		if _, ok := next[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
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
