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
	"github.com/octoacme/kb/internal/search"
)

// Options configure a build.
type Options struct {
	// Dir is the site folder (holding site.yaml, content/, layouts/, static/).
	Dir string
	// Out is the output folder; empty means Dir/public.
	Out string
	// Drafts includes pages marked draft: true.
	Drafts bool
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
	Config  *config.Config
	Out     string
	Pages   int
	ByType  map[content.Type]int
	Drafts  int
	Files   int64
	Bytes   int64
	Elapsed time.Duration
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
}

// Build builds the site in opts.Dir into opts.Out: the pipeline's steps
// in order, into a staged output folder that replaces the old one only
// when everything succeeded (target.go).
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
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
	findings, err := checkBuild(in, opts.Drafts)
	if err != nil {
		return nil, err
	}
	for _, p := range in.Content.Pages {
		p.Compact() // what only lint reads
	}
	s, feedWarning := Model(in.Config, in.Content.Pages, opts.Drafts)
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
	drafts := ""
	if r.Drafts > 0 {
		drafts = fmt.Sprintf("; %d draft left out", r.Drafts)
		if r.Drafts > 1 {
			drafts = fmt.Sprintf("; %d drafts left out", r.Drafts)
		}
	}
	verb := "Built %d pages (%s%s): %d files, %s, in %s → %s"
	if r.Unchanged {
		verb = "Up to date: %d pages (%s%s): %d files, %s, checked in %s → %s"
	}
	return fmt.Sprintf(verb,
		r.Pages, strings.Join(parts, ", "), drafts, r.Files, humanBytes(r.Bytes), roundDuration(r.Elapsed), r.Out)
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
