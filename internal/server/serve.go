package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/report"
	"github.com/octoacme/kb/internal/site"
	"github.com/octoacme/kb/internal/sitefs"
)

// Options configure Run.
type Options struct {
	// Dir is the site folder (absolute); Theme the embedded default theme.
	Dir   string
	Theme fs.FS
	// Addr is the address the listener was asked for (--addr): its host
	// is one the preview answers for.
	Addr string
	// Drafts serves pages marked draft: true; Future, pages scheduled for
	// later.
	Drafts, Future bool
	// Watch is the writer's preview; without it the site is served as
	// built, for production (see the package doc).
	Watch bool
	// AllowedHosts are the comma-separated host names to answer for
	// besides localhost and Addr's host (--allowed-hosts).
	AllowedHosts string
	// MaxConns caps the open connections; 0 means DefaultMaxConns, lowered
	// to fit the open-file limit.
	MaxConns int
	// DB is the feedback database (--db): postgres://… or the path of an
	// SQLite file; "" means database.url in site.yaml, else .kb/kb.db.
	DB string
	// Open, when set, is called with the site's URL once it is served.
	Open func(url string)
	// Stdout gets the serving line, a line per rebuild and the problems;
	// Stderr warnings and the server's log.
	Stdout, Stderr io.Writer
}

// UsageError is a kb serve that cannot run as asked (a connection cap the
// open-file limit cannot hold, a site with problems in production); what
// to change is in the message. The CLI exits with status 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Run serves the site in opts.Dir on ln until ctx is done: the first build,
// then, in the preview, a rebuild for every batch of changes.
func Run(ctx context.Context, ln net.Listener, opts Options) error {
	limit, err := ConnCap(opts.MaxConns)
	if err != nil {
		return err
	}
	lim := LimitConns(ln, limit)
	if w := exposedWarning(ln.Addr(), opts.Watch, opts.Drafts, opts.Future); w != "" {
		fmt.Fprintln(opts.Stderr, w)
	}

	sess := &site.Session{Dir: opts.Dir, Theme: opts.Theme, Drafts: opts.Drafts, Future: opts.Future, FeedbackEndpoint: FeedbackPath}
	start := time.Now()
	u, err := sess.Full(ctx)
	if err != nil {
		return err
	}
	if !opts.Watch && len(u.Problems) > 0 {
		for _, p := range u.Problems {
			fmt.Fprintln(opts.Stderr, p)
		}
		return &UsageError{Msg: fmt.Sprintf("serve: the site has %d %s; fix them (kb lint, kb build show them too) before serving it in production", len(u.Problems), plural(len(u.Problems), "problem", "problems"))}
	}

	p := &preview{opts: opts, sess: sess, h: &Handler{Log: log.New(opts.Stderr, "", log.LstdFlags), Hosts: hostsFor(opts)},
		rebuilt: make(chan struct{}, 1)}
	if opts.Watch {
		p.live = NewLive()
		p.h.Live = p.live
	}
	if u.Site != nil {
		if p.search, err = openSearch(ctx, u, opts.Dir); err != nil {
			return err
		}
		defer p.search.close()
		p.h.HandleAPI("/api/search", p.search.api)
		p.collect = &collector{log: p.h.Log, search: p.search.index}
		p.collect.setSite(u.Site)
		store, err := openStore(ctx, opts, u.Site.Config, p.collect.knownPage)
		if err != nil {
			return err
		}
		defer store.Close()
		p.collect.start(store)
		defer closeWriter(p.collect, opts.Stderr)
		p.search.api.Recorder = p.collect
		p.h.HandleAPI(FeedbackPath, http.HandlerFunc(p.collect.ServeFeedback), http.MethodPost, http.MethodOptions)
		p.h.HandleAPI(ClickPath, http.HandlerFunc(p.collect.ServeClick), http.MethodPost)
		p.h.FormAction = formOrigins(u.Site.Config.Feedback.Endpoint)
		p.h.ConnectSrc = p.h.FormAction
		p.h.FrameSrc = markdown.EmbedOrigins(u.Site.Config.Markdown.Embeds)
	}
	if p.live != nil {
		p.live.Extra = p.kbPages()
	}
	p.h.SetScriptHashes(p.scriptHashes())
	p.h.SetSnapshot(NewSnapshot(u.Files, u.Redirects, nil, time.Now()))
	defer servingMemory()()
	go debug.FreeOSMemory() // what the first build needed and no longer does
	if p.live != nil {
		p.live.Publish(Event{Kind: "status"}, status(u))
	}

	// Watch first: kb serve says it is serving only once nothing is left
	// that could still fail to start, and an edit saved the moment the
	// line appears is not lost.
	if opts.Watch {
		if err := p.watch(ctx); err != nil {
			return fmt.Errorf("cannot watch the site folder for changes: %w (kb serve --no-watch serves without watching)", err)
		}
	}
	srv := NewHTTPServer(lim.Handler(p.h))
	srv.ConnState = lim.ConnState
	if p.live != nil {
		srv.RegisterOnShutdown(p.live.Close)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(lim) }()

	siteURL := "http://" + ln.Addr().String() + "/"
	mode := "watching for changes"
	if !opts.Watch {
		mode = "not watching"
	}
	fmt.Fprintf(opts.Stdout, "kb: serving %s at %s (%d files, built in %s); %s. Press Ctrl+C to stop.\n",
		opts.Dir, siteURL, len(u.Files), roundMS(time.Since(start)), mode)
	printProblems(opts.Stdout, u)
	if opts.Open != nil {
		opts.Open(siteURL)
	}
	go p.schedule(ctx)

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	fmt.Fprintln(opts.Stdout, "kb: stopped")
	return nil
}

// scriptHashes are the theme's inline scripts (embedded, and the site's
// own layouts): the only inline scripts the Content-Security-Policy lets
// run. The site's are read as the build reads them: a layout that is a
// link kb refuses is not the site's.
func (p *preview) scriptHashes() []string {
	site, err := sitefs.Open(p.opts.Dir)
	if err != nil {
		return ScriptHashes(p.opts.Theme)
	}
	return ScriptHashes(p.opts.Theme, site)
}

// servingGCPercent is the garbage collector's pace while kb serve runs.
// kb serve holds the whole site in memory for as long as it runs (pages,
// rendered files, search index: some 450 MB for 10,000 pages), and Go's
// default (GOGC=100) lets the heap grow to twice that. A writer's edit
// allocates a few megabytes, so at 1.5 times the collector still runs
// rarely, and the process stays under 800 MiB resident for 10,000 pages
// (docs/serve.md). The first build runs at Go's default pace, as kb build
// does, and the memory it used is handed back to the system once the site
// is served.
const servingGCPercent = 50

// servingMemory sets the collector's pace for serving, unless GOGC is set
// in the environment, and returns the function that restores it.
func servingMemory() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(servingGCPercent)
	return func() { debug.SetGCPercent(prev) }
}

// NewHTTPServer is kb serve's HTTP server: timeouts that cut slow and idle
// clients (a slow-loris client that never finishes its headers is cut
// after 5 s, a keep-alive connection idle for 30 s is closed), headers
// limited to 64 KB, and every request (OPTIONS * too) given to h, so that
// every response it can shape carries its headers. Run adds the
// connection cap (ConnLimit).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:                      h,
		DisableGeneralOptionsHandler: true,
		ReadHeaderTimeout:            5 * time.Second,
		ReadTimeout:                  15 * time.Second,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  idleTimeout,
		MaxHeaderBytes:               64 << 10,
		ErrorLog:                     log.New(io.Discard, "", 0),
	}
}

// idleTimeout closes keep-alive connections idle this long. Browsers
// reuse a connection within seconds or not at all; a longer timeout only
// lets idle connections pile up (and under the connection cap they are
// closed sooner, see ConnLimit).
const idleTimeout = 30 * time.Second

// DefaultMaxConns caps kb serve's open connections unless Options.MaxConns
// says otherwise: far more than a help center's visitors keep open at once
// (a browser opens up to six), and about 80 MB of buffers and goroutines
// when every one is held. reservedFiles are the open files kept for the
// rest of kb serve (the watcher, the search log, rebuilds' reads).
const (
	DefaultMaxConns = 4096
	reservedFiles   = 256
)

// ConnCap is the connection cap for a --max-conns value: the value, or
// for 0 the default lowered to fit the open-file limit. A cap the limit
// cannot hold is a *UsageError: past the limit, the server could not
// accept anyone.
func ConnCap(maxConns int) (int, error) {
	files, known := OpenFileLimit()
	reserve := min(reservedFiles, files/2)
	switch {
	case maxConns < 0:
		return 0, &UsageError{Msg: fmt.Sprintf("serve: --max-conns must be a positive number of connections (or 0 for the default, %d)", DefaultMaxConns)}
	case maxConns == 0:
		if known && files-reserve < DefaultMaxConns {
			return max(1, files-reserve), nil
		}
		return DefaultMaxConns, nil
	case known && maxConns > files-reserve:
		return 0, &UsageError{Msg: fmt.Sprintf("serve: --max-conns %d is more than the open-file limit allows (%d files, %d of them kept for kb itself); raise the limit (ulimit -n) or lower --max-conns to %d at most",
			maxConns, files, reserve, max(1, files-reserve))}
	}
	return maxConns, nil
}

// hostsFor is the Host header check: the preview answers only for
// loopback names, its own address and AllowedHosts, so that a web page
// cannot read it through DNS rebinding. Production answers any host
// (behind a proxy it sees the public name), unless AllowedHosts is set.
func hostsFor(opts Options) *Hosts {
	var names []string
	for _, n := range strings.Split(opts.AllowedHosts, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if !opts.Watch && len(names) == 0 {
		return nil
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		host = opts.Addr
	}
	return NewHosts(host, names...)
}

// exposedWarning is the warning for a server other machines can reach:
// the preview serves drafts and unpublished work; production serves what
// is published, and drafts only with --drafts.
func exposedWarning(addr net.Addr, watch, drafts, future bool) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	switch {
	case watch:
		return fmt.Sprintf("kb: warning: listening on %s, which other machines can reach; the preview serves drafts and unpublished work to them (use --no-watch to serve only what is published)", addr)
	case drafts:
		return fmt.Sprintf("kb: warning: listening on %s, which other machines can reach, with --drafts: pages marked draft: true are served to them", addr)
	case future:
		return fmt.Sprintf("kb: warning: listening on %s, which other machines can reach, with --future: pages scheduled for later are served to them before their time", addr)
	}
	return ""
}

// The feedback endpoints kb serve answers (feedback.go).
const (
	FeedbackPath = "/api/feedback"
	ClickPath    = "/api/search/click"
)

// openStore opens the feedback database (--db, database.url, or
// .kb/kb.db), and moves the search log of kb versions before it in.
func openStore(ctx context.Context, opts Options, cfg *config.Config, known func(string) bool) (*feedback.Store, error) {
	url := opts.DB
	if url == "" {
		url = cfg.DatabaseURL(opts.Dir)
	}
	store, err := feedback.Open(ctx, url, feedback.Options{KnownPage: known})
	if err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("serve: feedback %v; fix database.url in site.yaml, or give another with --db", err)}
	}
	if err := report.ImportLog(ctx, store, cfg.SearchLogPath(opts.Dir), opts.Stderr); err != nil {
		fmt.Fprintf(opts.Stderr, "kb: warning: %v\n", err)
	}
	return store, nil
}

// closeWriter writes what is queued before the store closes.
func closeWriter(c *collector, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.close(ctx); err != nil {
		fmt.Fprintf(stderr, "kb: feedback: searches still queued when stopping were not stored: %v\n", err)
	}
}

// formOrigins is the origin the feedback form posts to, for the CSP.
func formOrigins(endpoint string) []string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

func printProblems(w io.Writer, u *site.Update) {
	for _, p := range u.Problems {
		fmt.Fprintln(w, p)
	}
	if len(u.Problems) > 0 {
		fmt.Fprintf(w, "kb: %d %s; the page shows them until they are fixed\n", len(u.Problems), plural(len(u.Problems), "problem", "problems"))
	}
}

func roundMS(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
