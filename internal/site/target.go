package site

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/search"
)

// target is where a build goes, beside the pipeline: the output folder
// (checked, staged, swapped in: output.go), the site lock (lock.go), the
// build cache (cache.go) and the search index's place. Build opens one,
// asks it for the stage to render into, and commits it at the end.
type target struct {
	opts  Options // Out resolved
	shown string  // the output folder as given: a link to a deploy folder is kept
	lock  *SiteLock
	cache *buildCache
	// info is the output folder's when it exists; keepMode says the new
	// output takes its mode and group.
	info     fs.FileInfo
	keepMode bool

	stage     *stage
	out       *dirOutput
	committed bool
}

// openTarget checks the site and output folders, takes the site lock and
// reads the build cache. close releases what it holds.
func openTarget(ctx context.Context, opts Options) (*target, error) {
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Dir, "public")
	}
	if err := checkSiteDir(opts.Dir); err != nil {
		return nil, err // before the lock, which would make the folder
	}
	// A link to a deploy folder is kept: the build replaces the folder
	// it leads to, and the checks are of that folder.
	t := &target{shown: opts.Out}
	real, err := resolveOut(opts.Out)
	if err != nil {
		return nil, inputErr(err)
	}
	opts.Out = real
	if err := checkOutDir(opts.Dir, opts.Out); err != nil {
		return nil, inputErr(err)
	}
	t.opts = opts
	wait := opts.LockWait
	if wait == 0 {
		wait = DefaultLockWait
	}
	if t.lock, err = LockSite(ctx, opts.Dir, "kb build", wait); err != nil {
		return nil, err
	}
	t.cache = openBuildCache(opts)
	t.cache.removeStale()
	if t.info, t.keepMode, err = outOwner(t.shown, opts.Out, t.cache.builtBefore()); err != nil {
		t.lock.Unlock()
		return nil, inputErr(err)
	}
	return t, nil
}

// close removes the stage unless it was committed, and releases the lock.
func (t *target) close() {
	if t.stage != nil && !t.committed {
		t.stage.abort()
	}
	t.lock.Unlock()
}

// unchanged is the last build's Result when nothing changed since (see cache.go).
func (t *target) unchanged(start time.Time) *Result { return t.cache.unchanged(t.shown, start) }

// content is the content files the cache read, for Load, handed over once.
func (t *target) content() map[string][]byte {
	files := t.cache.content
	t.cache.content = nil // the pages hold what they need of it until lint is done
	return files
}

// index starts the Index step into the site's index path, unless the
// cache holds the index of these very inputs.
func (t *target) index(ctx context.Context, s *model.Site) (pendingIndex, error) {
	path := s.Config.IndexPath(t.opts.Dir)
	if err := search.CheckPath(path, t.opts.Out); err != nil {
		return nil, inputErr(s.Config.Errorf("search.index", "%v", err))
	}
	if st := t.cache.indexStats(); st != nil {
		return reusedIndex{path: path, stats: st}, nil
	}
	return Index(ctx, s, path), nil
}

// output makes the staging folder beside the output folder and returns
// the Output to render into: progress reports to opts.Progress, when
// set, how many of r's pages are written.
func (t *target) output(r *render.Renderer) (render.Output, error) {
	mode, gid := fs.FileMode(0), -1
	if t.info != nil && t.keepMode {
		mode, gid = t.info.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky), fileGroup(t.info)
	}
	st, err := newStage(t.opts.Out, t.cache.spare(), mode, gid)
	if err != nil {
		return nil, err
	}
	t.stage, t.out = st, newDirOutput(st.tmp, st.recycled)
	if t.opts.Progress == nil {
		return t.out, nil
	}
	return &progressOutput{Output: t.out, total: len(r.Jobs()), report: t.opts.Progress}, nil
}

// commit is the write step: the files the recycled output held that the
// build did not write go, the cache forgets the last build, the stage
// replaces the output folder, and the search index replaces the old one.
func (t *target) commit(idx pendingIndex) error {
	if err := t.out.prune(); err != nil {
		return err
	}
	if err := t.cache.forget(); err != nil {
		return err
	}
	if err := t.stage.commit(); err != nil {
		return err
	}
	t.committed = true
	return idx.Commit()
}

// result reports the build, and records it for the next (see cache.go).
func (t *target) result(in *Input, s *model.Site, findings []lint.Finding, stats *search.Stats, warning string, start time.Time) *Result {
	res := &Result{Config: in.Config, Out: t.shown, Pages: len(s.Pages), ByType: map[content.Type]int{},
		Files: t.out.files.Load(), Bytes: t.out.bytes.Load(), Elapsed: time.Since(start), Search: stats}
	for _, p := range s.Pages {
		res.ByType[p.Type]++
	}
	for _, p := range in.Content.Pages {
		if s.ByURL[p.URL] == p {
			continue
		}
		switch s.Rules.State(p) {
		case model.Expired:
			res.Expired++
		case model.Scheduled:
			res.Scheduled++
		default:
			res.Drafts++
		}
	}
	next := s.Rules.Next(in.Content.Pages)
	res.Next, res.NextWhat = next.At, next.What()
	res.Findings = findings
	if warning != "" {
		res.Warnings = append(res.Warnings, warning)
	}
	t.cache.save(res)
	return res
}

// progressOutput counts the HTML files written, for a progress bar.
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
