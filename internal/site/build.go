package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/search"
)

// Options configure a build.
type Options struct {
	// Dir is the site folder (holding site.yaml, content/, layouts/, static/).
	Dir string
	// Out is the output folder; empty means Dir/public.
	Out string
	// Drafts includes pages marked draft: true; Future, pages scheduled
	// for later (model.Rules).
	Drafts, Future bool
	// Now is the moment the build publishes at; zero means model.Now
	// (SOURCE_DATE_EPOCH, else the clock).
	Now time.Time
	// Theme is the embedded default theme (layouts/ and static/).
	Theme fs.FS
	// Progress, when set, is told how far rendering has got.
	Progress func(done, total int)
	// LockWait is how long the build waits for another kb process to
	// release the site lock (see lock.go); 0 means DefaultLockWait.
	LockWait time.Duration
}

// Result describes a finished build.
type Result struct {
	Config *config.Config
	Out    string
	Pages  int
	ByType map[content.Type]int
	// Drafts, Scheduled and Expired count the pages left out, and why.
	Drafts, Scheduled, Expired int
	Files                      int64
	Bytes                      int64
	Elapsed                    time.Duration
	// Warnings are problems that did not stop the build, one sentence each.
	Warnings []string
	// Search describes the search index written beside the site.
	Search *search.Stats
	// Findings are kb lint's warnings and notes on the published pages (an
	// error stops the build with a *LintError).
	Findings []lint.Finding
	// Unchanged says the inputs and the output were as the last build left
	// them, so nothing was built or written (see cache.go).
	Unchanged bool
	// Next is when what the build published changes next (a scheduled
	// page is published, a page expires; zero for never), and NextWhat
	// what happens then: a build should run again at that moment.
	Next     time.Time
	NextWhat string
}

// Build builds the site in opts.Dir into opts.Out: the pipeline's steps
// in order, into a staged output folder that replaces the old one only
// when everything succeeded (target.go).
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		now, err := model.Now()
		if err != nil {
			return nil, inputErr(err)
		}
		opts.Now = now
	}
	t, err := openTarget(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer t.close()
	if res := t.unchanged(start); res != nil {
		return res, nil
	}
	defer limitMemory()()
	in, err := loadFiles(t.opts.Dir, opts.Theme, false, t.content())
	if err == nil {
		err = in.ContentErr()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	rules := model.NewRules(in.Config, opts.Now, opts.Drafts, opts.Future)
	findings, err := checkBuild(in, rules)
	if err != nil {
		return nil, err
	}
	for _, p := range in.Content.Pages {
		p.Compact() // what only lint reads
	}
	s, feedWarning := Model(in.Config, in.Content.Pages, rules)
	r, err := NewRenderer(s, in.Theme)
	if err != nil {
		return nil, err
	}
	// The search index builds in the background while pages render, into
	// its own staging folder, and is swapped in after the site.
	index, err := t.index(ctx, s)
	if err != nil {
		return nil, err
	}
	defer index.Abort()
	out, err := t.output(r)
	if err != nil {
		return nil, err
	}
	if err := Render(ctx, r, out); err != nil {
		return nil, renderErr(ctx, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stats, err := index.Wait()
	if err == nil {
		_, err = index.Export(ctx, out)
	}
	if err == nil {
		err = t.commit(index)
	}
	if err != nil {
		return nil, err
	}
	return t.result(in, s, findings, stats, feedWarning, start), nil
}

// renderErr is an error of rendering: an input error when a layout or a
// page is at fault, the context's error when the build was stopped.
func renderErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var d *diag.Diagnostic
	if errors.As(err, &d) {
		return inputErr(err)
	}
	return err
}

// Summary is the one-line report of a build.
func (r *Result) Summary() string {
	var parts []string
	names := map[content.Type][2]string{
		content.Article:         {"how-to guide", "how-to guides"},
		content.FAQ:             {"FAQ page", "FAQ pages"},
		content.Troubleshooting: {"troubleshooting guide", "troubleshooting guides"},
		content.Release:         {"release note", "release notes"},
	}
	types := make([]content.Type, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return typeOrder(types[i]) < typeOrder(types[j]) })
	for _, t := range types {
		n := r.ByType[t]
		name := names[t]
		w := name[1]
		if n == 1 {
			w = name[0]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, w))
	}
	var out []string
	for _, n := range []struct {
		n         int
		one, many string
	}{{r.Drafts, "draft", "drafts"}, {r.Scheduled, "scheduled page", "scheduled pages"}, {r.Expired, "expired page", "expired pages"}} {
		if n.n == 1 {
			out = append(out, "1 "+n.one)
		} else if n.n > 1 {
			out = append(out, fmt.Sprintf("%d %s", n.n, n.many))
		}
	}
	drafts := ""
	if len(out) > 0 {
		drafts = "; " + strings.Join(out, ", ") + " left out"
	}
	verb := "Built %d pages (%s%s): %d files, %s, in %s → %s"
	if r.Unchanged {
		verb = "Up to date: %d pages (%s%s): %d files, %s, checked in %s → %s"
	}
	return fmt.Sprintf(verb,
		r.Pages, strings.Join(parts, ", "), drafts, r.Files, humanBytes(r.Bytes), roundDuration(r.Elapsed), r.Out)
}

// NextLine is the line kb build prints after the summary when a change is
// scheduled, for CI to build again then: "Next scheduled change:
// 2026-12-10T00:00:00+01:00 (content/releases/3-8-0.md is published); build
// again then". Empty when nothing is scheduled.
func (r *Result) NextLine() string {
	if r.Next.IsZero() {
		return ""
	}
	return fmt.Sprintf("Next scheduled change: %s (%s); build again then", r.Next.Format(time.RFC3339), r.NextWhat)
}

func typeOrder(t content.Type) int {
	for i, x := range content.Types {
		if x == t {
			return i
		}
	}
	return len(content.Types)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return d.String()
}
