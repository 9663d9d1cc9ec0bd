package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/server"
	"github.com/octoacme/kb/internal/site"
	"github.com/octoacme/kb/internal/sitefs"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [flags]", `
Build the site in memory and serve it, with the search API at /api/search.

By default kb serve is a writer's preview: it includes drafts, watches
site.yaml, content/, layouts/ and static/, rebuilds only what a change
touches, and reloads the browser. A build error or lint errors show as an
overlay in the page (the last good version stays served); lint warnings for
the page show in a small panel. The terminal prints one line per rebuild.
The preview answers only requests for localhost, loopback addresses, the
--addr host and --allowed-hosts names, so that no web page can read it.

With --no-watch it serves the built site as it is, for production behind a
proxy: no live reload, no drafts unless --drafts, any host name unless
--allowed-hosts, and it refuses to start when the site has problems.
Either way at most --max-conns connections stay open; idle ones are
closed to make room.`, stdout)
	dir := siteFlag(fs)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on (host:port)")
	drafts := fs.Bool("drafts", true, "include pages marked draft: true (default true; false with --no-watch unless set)")
	noWatch := fs.Bool("no-watch", false, "serve without watching or live reload (production)")
	open := fs.Bool("open", false, "open the site in a browser")
	maxConns := fs.Int("max-conns", 0, "most `connections` open at once (default 4096, fewer when the open-file limit is lower); idle ones are closed to make room")
	allowed := fs.String("allowed-hosts", "", "comma-separated host `names` to answer for besides localhost and the --addr host (the preview refuses others; --no-watch answers any unless set)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("serve takes no arguments, got %q (use --source to pick the site folder)", fs.Arg(0))
	}
	draftsSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "drafts" {
			draftsSet = true
		}
	})
	if *noWatch && !draftsSet {
		*drafts = false
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return usageError("serve: %s is already in use; stop the other server or pick another port, like --addr 127.0.0.1:1314", *addr)
		}
		return usageError("serve: cannot listen on %s: %v", *addr, err)
	}
	defer ln.Close()
	limit, err := connLimit(*maxConns)
	if err != nil {
		return err
	}
	lim := server.LimitConns(ln, limit)
	if w := exposedWarning(ln.Addr(), *noWatch, *drafts); w != "" {
		fmt.Fprintln(stderr, w)
	}

	sess := &site.Session{Dir: absDir, Theme: kb.Theme, Drafts: *drafts}
	start := time.Now()
	u, err := sess.Full(ctx)
	if err != nil {
		return err
	}
	if *noWatch && len(u.Problems) > 0 {
		for _, p := range u.Problems {
			fmt.Fprintln(stderr, p)
		}
		return usageError("serve: the site has %d %s; fix them (kb lint, kb build show them too) before serving it in production", len(u.Problems), plural(len(u.Problems), "problem", "problems"))
	}

	h := &server.Handler{Log: log.New(stderr, "", log.LstdFlags), Hosts: hosts(*addr, *allowed, *noWatch)}
	var live *server.Live
	if !*noWatch {
		live = server.NewLive()
		live.Extra = readyHandler(sess)
		h.Live = live
	}
	var mem *search.Memory
	var swapMem func(*search.Memory)
	grace := oldIndexGrace // read once: the rebuilds may outlive runServe
	var api *search.Handler
	if u.Site != nil {
		if mem, err = search.OpenMemory(ctx, u.Site.Pages, u.Site.Config); err != nil {
			return err
		}
		// The rebuilds replace mem (and close the old one): close the one in
		// use at the end, once. Closing the first again panicked in bleve.
		var current atomic.Pointer[search.Memory]
		current.Store(mem)
		defer func() { current.Load().Close() }()
		swapMem = func(next *search.Memory) { current.Store(next) }
		api = search.NewHandler(mem.Index, search.LogPath(absDir, u.Site.Config))
		// The log is kb serve's only write in .kb/; it takes the site lock
		// that kb build holds, for each line, never for the server's life.
		api.SetLogLock(site.NewLogLock(absDir))
		h.API = api
		h.FormAction = formOrigins(u.Site.Config.Feedback.Endpoint)
		h.FrameSrc = markdown.EmbedOrigins(u.Site.Config.Markdown.Embeds)
	}
	// The theme's inline scripts (embedded, and the site's own layouts) are
	// the only inline scripts the Content-Security-Policy lets run. The
	// site's are read as the build reads them: a layout that is a link kb
	// refuses is not the site's.
	themes := func() []string {
		site, err := sitefs.Open(absDir)
		if err != nil {
			return server.ScriptHashes(kb.Theme)
		}
		return server.ScriptHashes(kb.Theme, site)
	}
	h.SetScriptHashes(themes())
	h.SetSnapshot(server.NewSnapshot(u.Files, u.Redirects, nil, time.Now()))
	defer servingMemory()()
	go debug.FreeOSMemory() // what the first build needed and no longer does
	if live != nil {
		live.Publish(server.Event{Kind: "status"}, status(u))
	}

	srv := newHTTPServer(lim.Handler(h))
	srv.ConnState = lim.ConnState
	if live != nil {
		srv.RegisterOnShutdown(live.Close)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(lim) }()

	siteURL := "http://" + ln.Addr().String() + "/"
	mode := "watching for changes"
	if *noWatch {
		mode = "not watching"
	}
	fmt.Fprintf(stdout, "kb: serving %s at %s (%d files, built in %s); %s. Press Ctrl+C to stop.\n",
		absDir, siteURL, len(u.Files), roundMS(time.Since(start)), mode)
	printProblems(stdout, u)
	if *open {
		openBrowser(siteURL)
	}

	if !*noWatch {
		wt := &server.Watcher{Dir: absDir, Errors: func(err error) { fmt.Fprintf(stderr, "kb: watch: %v\n", err) }}
		batches, err := wt.Start(ctx)
		if err != nil {
			return err
		}
		go func() {
			for batch := range batches {
				u, err := sess.Apply(ctx, batch)
				if err != nil {
					if ctx.Err() == nil {
						fmt.Fprintf(stderr, "kb: rebuild failed: %v\n", err)
					}
					continue
				}
				prev := h.Snapshot()
				if len(u.Problems) == 0 && u.Full {
					h.SetScriptHashes(themes()) // a layout may have changed
				}
				if len(u.Problems) == 0 {
					h.SetSnapshot(server.NewSnapshot(u.Files, u.Redirects, prev, time.Now()))
				}
				// The browser reloads first; the search index catches up after.
				live.Publish(event(batch, u), status(u))
				fmt.Fprintln(stdout, rebuildLine(batch, u))
				if len(u.Problems) == 0 {
					if mem != nil {
						var err error
						if u.Full {
							var next *search.Memory
							if next, err = search.OpenMemory(ctx, u.Site.Pages, u.Site.Config); err == nil {
								api.SetIndex(next.Index)
								old := mem
								mem = next
								swapMem(next)
								go func() {
									time.Sleep(grace)
									old.Close()
									debug.FreeOSMemory()
								}()
							}
						} else {
							err = mem.Update(ctx, u.ChangedPages, u.Removed)
						}
						if err != nil {
							fmt.Fprintf(stderr, "kb: search index: %v\n", err)
						}
					}
				}
			}
		}()
	}

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
	fmt.Fprintln(stdout, "kb: stopped")
	return nil
}

// oldIndexGrace is how long a search index replaced by a full rebuild
// stays open, for the searches still running on it.
var oldIndexGrace = 5 * time.Second

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

// newHTTPServer is kb serve's HTTP server: timeouts that cut slow and idle
// clients (a slow-loris client that never finishes its headers is cut
// after 5 s, a keep-alive connection idle for 30 s is closed), headers
// limited to 64 KB, and every request (OPTIONS * too) given to h, so that
// every response it can shape carries its headers. runServe adds the
// connection cap (server.ConnLimit).
func newHTTPServer(h http.Handler) *http.Server {
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
// closed sooner, see server.ConnLimit).
const idleTimeout = 30 * time.Second

// defaultMaxConns caps kb serve's open connections unless --max-conns says
// otherwise: far more than a help center's visitors keep open at once (a
// browser opens up to six), and about 80 MB of buffers and goroutines
// when every one is held. reservedFiles are the open files kept for the
// rest of kb serve (the watcher, the search log, rebuilds' reads).
const (
	defaultMaxConns = 4096
	reservedFiles   = 256
)

// connLimit is the connection cap: --max-conns, or the default lowered to
// fit the open-file limit. A cap the limit cannot hold is an error: past
// the limit, the server could not accept anyone.
func connLimit(flagValue int) (int, error) {
	files, known := openFileLimit()
	reserve := min(reservedFiles, files/2)
	switch {
	case flagValue < 0:
		return 0, usageError("serve: --max-conns must be a positive number of connections (or 0 for the default, %d)", defaultMaxConns)
	case flagValue == 0:
		if known && files-reserve < defaultMaxConns {
			return max(1, files-reserve), nil
		}
		return defaultMaxConns, nil
	case known && flagValue > files-reserve:
		return 0, usageError("serve: --max-conns %d is more than the open-file limit allows (%d files, %d of them kept for kb itself); raise the limit (ulimit -n) or lower --max-conns to %d at most",
			flagValue, files, reserve, max(1, files-reserve))
	}
	return flagValue, nil
}

// hosts is the Host header check: the preview answers only for loopback
// names, its own address and --allowed-hosts, so that a web page cannot
// read it through DNS rebinding. --no-watch answers any host (behind a
// proxy it sees the public name), unless --allowed-hosts is set.
func hosts(addr, allowed string, noWatch bool) *server.Hosts {
	var names []string
	for _, n := range strings.Split(allowed, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if noWatch && len(names) == 0 {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return server.NewHosts(host, names...)
}

// exposedWarning is the warning for a server other machines can reach:
// the preview serves drafts and unpublished work; production serves what
// is published, and drafts only with --drafts.
func exposedWarning(addr net.Addr, noWatch, drafts bool) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	switch {
	case !noWatch:
		return fmt.Sprintf("kb: warning: listening on %s, which other machines can reach; the preview serves drafts and unpublished work to them (use --no-watch to serve only what is published)", addr)
	case drafts:
		return fmt.Sprintf("kb: warning: listening on %s, which other machines can reach, with --drafts: pages marked draft: true are served to them", addr)
	}
	return ""
}

// event picks what the browser does: nothing but refresh the overlay when
// no output changed (a save of the same text, a comment in site.yaml);
// swap the stylesheet when only CSS changed; else reload the tabs whose
// page changed, or that loaded a file that changed (an image, a script).
func event(batch []string, u *site.Update) server.Event {
	if len(u.Problems) > 0 || len(u.Changed) == 0 {
		return server.Event{Kind: "status"}
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
					return server.Event{Kind: "css", CSS: "/" + p}
				}
			}
		}
	}
	ev := server.Event{Kind: "reload", Pages: u.Pages}
	for _, p := range u.Changed {
		if !strings.HasSuffix(p, ".html") {
			ev.Assets = append(ev.Assets, "/"+p)
		}
	}
	return ev
}

// status turns an Update's problems and findings into the overlay's state.
func status(u *site.Update) server.Status {
	var st server.Status
	for _, p := range u.Problems {
		st.Errors = append(st.Errors, server.Problem{File: p.File, Line: p.Line, Col: p.Col, Rule: p.Rule, Level: "error", Message: p.Message})
	}
	urls := map[string]string{}
	if u.Site != nil {
		for _, p := range u.Site.Pages {
			urls[p.File] = strings.TrimSuffix(u.Site.Config.BasePath(), "/") + p.URL
		}
	}
	for _, f := range u.Findings {
		if f.Level == lint.Error {
			continue // already among the problems
		}
		st.Warnings = append(st.Warnings, server.Problem{File: f.File, Line: f.Line, Col: f.Col, Rule: f.Rule, Level: string(f.Level), Message: f.Message, URL: urls[f.File]})
	}
	return st
}

func rebuildLine(batch []string, u *site.Update) string {
	what := strings.Join(batch, ", ")
	if len(batch) > 3 {
		what = fmt.Sprintf("%s and %d more", strings.Join(batch[:3], ", "), len(batch)-3)
	}
	errs, warns := 0, 0
	for _, f := range u.Findings {
		switch f.Level {
		case lint.Error:
			errs++
		case lint.Warning:
			warns++
		}
	}
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

// formOrigins is the origin the feedback form posts to, for the CSP.
func formOrigins(endpoint string) []string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

func openBrowser(u string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	_ = cmd.Start()
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
