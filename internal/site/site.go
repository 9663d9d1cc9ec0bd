// Package site builds a kb site: the pipeline from a site folder to a
// published help center, as straight-line code.
//
//	site.yaml  ──config.Load──▶ Config
//	content/   ──content.Load─▶ pages (front matter + one Markdown parse each)
//	pages      ──render───────▶ HTML, lists, tags, 404, sitemap, robots, aliases
//
// Build writes into a temporary folder beside the output and swaps it in
// only when everything succeeded, so a failed build leaves the previous
// site untouched.
package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/feed"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/sitefs"
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

// InputError lists problems in the site's input: content, configuration,
// templates, the site or output folder. The CLI exits with status 2 for
// it. Each problem is a diagnostic (one without a file when it concerns
// no file of the site); errors.As finds them.
type InputError struct {
	Problems diag.List
}

func (e *InputError) Error() string { return e.Problems.Error() }

// Unwrap returns the problems.
func (e *InputError) Unwrap() error { return e.Problems }

// NewInputError returns an *InputError of errors (see inputErr).
func NewInputError(errs ...error) error { return inputErr(errs...) }

// inputErr makes an *InputError of errors: diagnostics as they are (a
// diag.List as its diagnostics), a link sitefs refuses as a diagnostic of
// the link, any other error as a diagnostic of its message alone.
func inputErr(errs ...error) error {
	ie := &InputError{}
	for _, err := range errs {
		ie.Problems = append(ie.Problems, asProblems(err)...)
	}
	return ie
}

func asProblems(err error) diag.List {
	switch e := err.(type) {
	case *diag.Diagnostic:
		return diag.List{e}
	case diag.List:
		return e
	case *InputError:
		return e.Problems
	case *sitefs.LinkError:
		return diag.List{{File: e.Link, Level: diag.Error, Message: e.Msg}}
	}
	return diag.List{{Level: diag.Error, Message: err.Error()}}
}

// Input is a site read from disk: its config, theme and parsed content.
type Input struct {
	Config  *config.Config
	Theme   *render.Theme
	Content *content.Set
}

// Load reads the configuration and every content file of a site folder.
// Content errors are in Input.Content.Errors; a configuration error is returned.
func Load(dir string, theme fs.FS) (*Input, error) {
	return load(dir, theme, false)
}

// LoadText is Load without rendering the pages' HTML, for commands that
// only read the content: kb lint, kb ready, kb brief, kb announce.
func LoadText(dir string, theme fs.FS) (*Input, error) {
	return load(dir, theme, true)
}

func load(dir string, theme fs.FS, skipHTML bool) (*Input, error) {
	return loadFiles(dir, theme, skipHTML, nil)
}

// loadFiles is load, taking the content files in files (by slash path from
// the site folder) as already read.
func loadFiles(dir string, theme fs.FS, skipHTML bool, files map[string][]byte) (*Input, error) {
	if err := checkSiteDir(dir); err != nil {
		return nil, err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, inputErr(err)
	}
	siteFS, err := sitefs.Open(dir)
	if err != nil {
		return nil, inputErr(fmt.Errorf("site folder %s: %w", dir, errors.Unwrap(err)))
	}
	th := render.NewTheme(siteFS, theme)
	if err := th.Check(); err != nil {
		return nil, inputErr(err) // a symbolic link in static/ or layouts/ that kb refuses
	}
	conv := markdown.New(markdown.Options{HTML: cfg.Markdown.HTML, Embeds: cfg.Markdown.Embeds, ImageSize: th.ImageSizer(), BasePath: cfg.BasePath()})
	cs := content.Load(siteFS, content.Options{Markdown: conv, MaxFileBytes: cfg.Limits.MaxFileBytes, SkipHTML: skipHTML, Files: files})
	return &Input{Config: cfg, Theme: th, Content: cs}, nil
}

// checkSiteDir refuses a site folder that is missing or a file.
func checkSiteDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return inputErr(fmt.Errorf("site folder %s: %w", dir, errors.Unwrap(err)))
	}
	if !st.IsDir() {
		return inputErr(fmt.Errorf("site folder %s is not a folder", dir))
	}
	return nil
}

// Published returns the pages a build publishes: all but drafts, unless drafts is set.
func Published(pages []*content.Page, drafts bool) []*content.Page {
	out := make([]*content.Page, 0, len(pages))
	for _, p := range pages {
		if !p.Draft || drafts {
			out = append(out, p)
		}
	}
	return out
}

// Build builds the site in opts.Dir into opts.Out.
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Dir, "public")
	}
	if err := checkSiteDir(opts.Dir); err != nil {
		return nil, err // before the lock, which would make the folder
	}
	// A link to a deploy folder is kept: the build replaces the folder
	// it leads to, and the checks are of that folder.
	shown := opts.Out
	real, err := resolveOut(opts.Out)
	if err != nil {
		return nil, inputErr(err)
	}
	opts.Out = real
	if err := checkOutDir(opts.Dir, opts.Out); err != nil {
		return nil, inputErr(err)
	}
	wait := opts.LockWait
	if wait == 0 {
		wait = DefaultLockWait
	}
	lock, err := LockSite(ctx, opts.Dir, "kb build", wait)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	cache := openBuildCache(opts)
	cache.removeStale()
	outInfo, keepMode, err := outOwner(shown, opts.Out, cache.builtBefore())
	if err != nil {
		return nil, inputErr(err)
	}
	if res := cache.unchanged(shown, start); res != nil {
		return res, nil
	}
	defer limitMemory()()
	l, err := loadFiles(opts.Dir, opts.Theme, false, cache.content)
	cache.content = nil // the pages hold what they need of it until lint is done
	if err != nil {
		return nil, err
	}
	if err := l.ContentErr(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	findings, err := checkLint(l, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range l.Content.Pages {
		p.Compact() // what only lint reads
	}
	pages := Published(l.Content.Pages, opts.Drafts)
	s := model.New(l.Config, pages)
	feedWarning := s.PlanFeeds()
	r, err := render.New(s, l.Theme)
	if err != nil {
		return nil, inputErr(err)
	}

	// The search index builds in the background while pages render, into
	// its own staging folder, and is swapped in after the site.
	indexPath := search.IndexPath(opts.Dir, l.Config)
	if err := search.CheckPath(indexPath, opts.Out); err != nil {
		return nil, inputErr(l.Config.Errorf("search.index", "%v", err))
	}
	var index pendingIndex = reusedIndex{cache.indexStats()}
	if cache.indexStats() == nil {
		index = search.StageAsync(ctx, s.Pages, l.Config, indexPath)
	}
	defer index.Abort()

	mode, gid := fs.FileMode(0), -1
	if outInfo != nil && keepMode {
		mode, gid = outInfo.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky), fileGroup(outInfo)
	}
	st, err := newStage(opts.Out, cache.spare(), mode, gid)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			st.abort()
		}
	}()
	out := newDirOutput(st.tmp, st.recycled)
	var o render.Output = out
	if opts.Progress != nil {
		o = &progressOutput{Output: out, total: len(r.Jobs()), report: opts.Progress}
	}
	if err := r.RenderAll(ctx, o); err != nil {
		return nil, renderErr(ctx, err)
	}
	owners, err := r.Owners()
	if err != nil {
		return nil, renderErr(ctx, err)
	}
	if err := feed.Write(ctx, o, s, r.ContentHTML, owners); err != nil {
		return nil, renderErr(ctx, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	indexStats, err := index.Wait()
	if err != nil {
		return nil, err
	}
	if _, err := exportSearch(ctx, index, indexPath, o); err != nil {
		return nil, err
	}
	if err := out.prune(); err != nil {
		return nil, err
	}
	if err := cache.forget(); err != nil {
		return nil, err
	}
	if err := st.commit(); err != nil {
		return nil, err
	}
	committed = true
	if err := index.Commit(); err != nil {
		return nil, err
	}

	res := &Result{Config: l.Config, Out: shown, Pages: len(pages), ByType: map[content.Type]int{},
		Files: out.files.Load(), Bytes: out.bytes.Load(), Elapsed: time.Since(start), Search: indexStats}
	for _, p := range pages {
		res.ByType[p.Type]++
	}
	res.Drafts = len(l.Content.Pages) - len(pages)
	res.Findings = findings
	if feedWarning != "" {
		res.Warnings = append(res.Warnings, feedWarning)
	}
	cache.save(res)
	return res, nil
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

type progressOutput struct {
	render.Output
	done   atomic.Int64
	total  int
	report func(done, total int)
}

func (p *progressOutput) Transient() {} // it wraps a dirOutput

func (p *progressOutput) WriteFile(name string, data []byte) error {
	err := p.Output.WriteFile(name, data)
	if strings.HasSuffix(name, ".html") {
		p.report(int(p.done.Add(1)), p.total)
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

var _ io.Writer = (*os.File)(nil)
