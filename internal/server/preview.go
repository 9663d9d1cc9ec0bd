package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/report"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/search/api"
	"github.com/octoacme/kb/internal/site"
)

// preview is a served site: the session that builds it, the handler that
// serves it, the tabs listening (watch mode) and the search index.
type preview struct {
	opts   Options
	sess   *site.Session
	h      *Handler
	live   *Live // nil in production
	search *searchIndex
	// collect takes feedback and records searches (feedback.go).
	collect *collector
	// rebuilt hears of each rebuild: the next scheduled change may have
	// moved (schedule).
	rebuilt chan struct{}
}

// schedule rebuilds the site when its next scheduled change comes (a
// page's publish_date or a release's date, an expiry_date), in the
// preview and in production alike, until ctx is done: a scheduled page
// goes live, with no one saving a file, at its time.
func (p *preview) schedule(ctx context.Context) {
	var tried time.Time // a change whose rebuild failed waits for an edit
	for {
		at, in := p.sess.NextChange()
		if !at.IsZero() && in <= 0 && !at.Equal(tried) {
			tried = at
			p.rebuild(ctx, nil)
			select {
			case <-p.rebuilt: // this rebuild's own news
			default:
			}
			continue
		}
		var fire <-chan time.Time
		var t *time.Timer
		if !at.IsZero() && in > 0 {
			t = time.NewTimer(in)
			fire = t.C
		}
		select {
		case <-ctx.Done():
		case <-p.rebuilt:
			tried = time.Time{}
		case <-fire:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// watch starts the watch → rebuild → swap → reload → reindex loop, which
// runs until ctx is done.
func (p *preview) watch(ctx context.Context) error {
	wt := &Watcher{Dir: p.opts.Dir, Errors: func(err error) { fmt.Fprintf(p.opts.Stderr, "kb: watch: %v\n", err) }}
	batches, err := wt.Start(ctx)
	if err != nil {
		return err
	}
	go func() {
		for batch := range batches {
			p.rebuild(ctx, batch)
		}
	}()
	return nil
}

// rebuild runs the session on a batch of changed paths and, when the site
// built, serves the new snapshot; the tabs hear of it first, the search
// index catches up after.
func (p *preview) rebuild(ctx context.Context, batch []string) {
	u, err := p.sess.Apply(ctx, batch)
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(p.opts.Stderr, "kb: rebuild failed: %v\n", err)
		}
		return
	}
	select {
	case p.rebuilt <- struct{}{}:
	default:
	}
	prev := p.h.Snapshot()
	if len(u.Problems) == 0 && u.Full {
		p.h.SetScriptHashes(p.scriptHashes()) // a layout may have changed
	}
	if len(u.Problems) == 0 {
		p.h.SetSnapshot(NewSnapshot(u.Files, u.Redirects, prev, time.Now()))
		if p.collect != nil && u.Site != nil {
			p.collect.setSite(u.Site) // the pages answers may name, who may post
		}
	}
	if p.live != nil {
		p.live.Publish(event(batch, u), status(u))
	}
	fmt.Fprintln(p.opts.Stdout, rebuildLine(batch, u))
	if len(u.Problems) == 0 && p.search != nil {
		if err := p.search.update(ctx, u); err != nil {
			fmt.Fprintf(p.opts.Stderr, "kb: search index: %v\n", err)
		}
	}
}

// event picks what the browser does: nothing but refresh the overlay when
// no output changed (a save of the same text, a comment in site.yaml);
// swap the stylesheet when only CSS changed; else reload the tabs whose
// page changed, or that loaded a file that changed (an image, a script).
func event(batch []string, u *site.Update) Event {
	if len(u.Problems) > 0 || len(u.Changed) == 0 {
		return Event{Kind: "status"}
	}
	cssOnly := len(batch) > 0
	for _, p := range batch {
		if !strings.HasPrefix(p, "static/") || !strings.HasSuffix(p, ".css") {
			cssOnly = false
		}
	}
	if cssOnly {
		for _, p := range u.Changed {
			if strings.HasPrefix(p, "css/") && strings.HasSuffix(p, ".css") {
				if _, ok := u.Files[p]; ok {
					return Event{Kind: "css", CSS: "/" + p}
				}
			}
		}
	}
	ev := Event{Kind: "reload", Pages: u.Pages}
	for _, p := range u.Changed {
		if !strings.HasSuffix(p, ".html") {
			ev.Assets = append(ev.Assets, "/"+p)
		}
	}
	return ev
}

// status turns an Update's problems and findings into the overlay's
// state, their positions and rules taken from the diagnostics.
func status(u *site.Update) Status {
	var st Status
	for _, p := range u.Problems {
		st.Errors = append(st.Errors, Problem{File: p.File, Line: p.Line, Col: p.Col, Rule: p.Rule, Level: "error", Message: p.Message})
	}
	urls := map[string]string{}
	if u.Site != nil {
		for _, p := range u.Site.Pages {
			urls[p.File] = strings.TrimSuffix(u.Site.Config.BasePath(), "/") + p.URL
		}
	}
	for _, f := range u.Findings {
		if f.Level == diag.Error {
			continue // already among the problems
		}
		st.Warnings = append(st.Warnings, Problem{File: f.File, Line: f.Line, Col: f.Col, Rule: f.Rule, Level: f.Level.String(), Message: f.Message, URL: urls[f.File]})
	}
	return st
}

// rebuildLine is the terminal's line for a rebuild.
func rebuildLine(batch []string, u *site.Update) string {
	what := strings.Join(batch, ", ")
	if len(batch) == 0 {
		what = "scheduled change"
	}
	if len(batch) > 3 {
		what = fmt.Sprintf("%s and %d more", strings.Join(batch[:3], ", "), len(batch)-3)
	}
	errs, warns := diag.Count(u.Findings, diag.Error), diag.Count(u.Findings, diag.Warning)
	if len(u.Problems) > 0 {
		first := u.Problems[0].Error()
		return fmt.Sprintf("%s: %d %s, still serving the last good build (%s): %s", what, len(u.Problems), plural(len(u.Problems), "problem", "problems"), roundMS(u.Elapsed), first)
	}
	kind := fmt.Sprintf("%d of %d files rendered", u.Rendered, len(u.Files))
	if u.Full {
		kind = fmt.Sprintf("full rebuild, %d files", len(u.Files))
	}
	return fmt.Sprintf("%s: %s, %d changed, in %s; lint: %d errors, %d warnings", what, kind, len(u.Changed), roundMS(u.Elapsed), errs, warns)
}

// IndexGrace is how long a search index replaced by a full rebuild stays
// open, for the searches still running on it. (A variable for tests.)
var IndexGrace = 5 * time.Second

// searchIndex is the in-memory search index /api/search answers from: a
// full rebuild replaces it, an edit updates it page by page.
type searchIndex struct {
	api   *api.Handler
	grace time.Duration // read once: the rebuilds may outlive Run
	// mem is the index in use; the rebuilds replace it (and close the old
	// one), and Run closes the last one, once (closing the first again
	// panicked in bleve).
	mem atomic.Pointer[search.Memory]
}

// openSearch indexes the site of the first build and makes the API
// handler.
func openSearch(ctx context.Context, u *site.Update, dir string) (*searchIndex, error) {
	mem, err := search.OpenMemory(ctx, u.Site.Pages, u.Site.Config)
	if err != nil {
		return nil, err
	}
	x := &searchIndex{api: api.NewHandler(mem.Index), grace: IndexGrace}
	x.mem.Store(mem)
	return x, nil
}

// index is the index in use.
func (x *searchIndex) index() *search.Index { return x.mem.Load().Index }

// update brings the index up to a rebuild: a new index after a full one,
// the changed pages otherwise.
func (x *searchIndex) update(ctx context.Context, u *site.Update) error {
	if !u.Full {
		return x.mem.Load().Update(ctx, u.ChangedPages, u.Removed)
	}
	next, err := search.OpenMemory(ctx, u.Site.Pages, u.Site.Config)
	if err != nil {
		return err
	}
	x.api.SetIndex(next.Index)
	old := x.mem.Swap(next)
	go func() {
		time.Sleep(x.grace)
		old.Close()
		debug.FreeOSMemory()
	}()
	return nil
}

// close closes the index in use.
func (x *searchIndex) close() { x.mem.Load().Close() }

// kbPages serves the preview's pages under /_kb/ (besides live reload's):
// /_kb/ready/VERSION and /_kb/report.
func (p *preview) kbPages() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/_kb/ready/", readyHandler(p.sess))
	if p.collect != nil {
		mux.Handle("/_kb/report", reportHandler(p.sess, p.collect.store))
	}
	return mux
}

// reportHandler serves /_kb/report[?since=DAY&until=DAY&release=V&product=P]:
// kb report --format html on the database kb serve writes, for the site
// as it is now.
func reportHandler(sess *site.Session, store *feedback.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages, s, _ := sess.Snapshot()
		if s == nil {
			http.Error(w, "the site has not built yet; fix the problems the page overlay shows", http.StatusServiceUnavailable)
			return
		}
		q := r.URL.Query()
		var days [2]time.Time
		for i, name := range []string{"since", "until"} {
			if v := q.Get(name); v != "" {
				d, err := time.Parse(time.DateOnly, v)
				if err != nil {
					http.Error(w, fmt.Sprintf("%s=%q is not a date (want YYYY-MM-DD)", name, v), http.StatusBadRequest)
					return
				}
				days[i] = d
			}
		}
		today, err := site.Today()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var buf bytes.Buffer
		err = report.Run(r.Context(), &buf, io.Discard, report.Request{Dir: sess.Dir, Config: s.Config, Pages: pages, Site: s,
			Version: q.Get("release"), Product: q.Get("product"), Since: days[0], Until: days[1], Today: today,
			Store: store, Format: "html"})
		var ue *report.UsageError
		switch {
		case errors.As(err, &ue):
			http.Error(w, ue.Msg, http.StatusBadRequest)
			return
		case err != nil:
			http.Error(w, "the report could not be made: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	})
}

// readyHandler serves /_kb/ready/VERSION[?product=P]: kb ready's report on
// the content as it is now, for writers preparing a release.
func readyHandler(sess *site.Session) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version, ok := strings.CutPrefix(r.URL.Path, "/_kb/ready/")
		version = strings.Trim(version, "/")
		if !ok || version == "" {
			http.Error(w, "usage: /_kb/ready/VERSION, like /_kb/ready/3.7.0", http.StatusNotFound)
			return
		}
		pages, s, findings := sess.Snapshot()
		if s == nil {
			http.Error(w, "the site has not built yet; fix the problems the page overlay shows", http.StatusServiceUnavailable)
			return
		}
		rel, err := release.Find(pages, version, r.URL.Query().Get("product"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		rep := release.Check(s, findings, rel, s.Config.Ready.WindowDays)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		rep.HTML(w)
	})
}
