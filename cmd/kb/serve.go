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
	"syscall"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/server"
	"github.com/octoacme/kb/internal/site"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [flags]", `
Build the site in memory and serve it, with the search API at /api/search.

By default kb serve is a writer's preview: it includes drafts, watches
site.yaml, content/, layouts/ and static/, rebuilds only what a change
touches, and reloads the browser. A build error or lint errors show as an
overlay in the page (the last good version stays served); lint warnings for
the page show in a small panel. The terminal prints one line per rebuild.

With --no-watch it serves the built site as it is, for production behind a
proxy: no live reload, no drafts unless --drafts, and it refuses to start
when the site has problems.`, stdout)
	dir := siteFlag(fs)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on (host:port)")
	drafts := fs.Bool("drafts", true, "include pages marked draft: true (default true; false with --no-watch unless set)")
	noWatch := fs.Bool("no-watch", false, "serve without watching or live reload (production)")
	open := fs.Bool("open", false, "open the site in a browser")
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
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(stderr, "kb: warning: listening on %s, which other machines can reach; the preview serves drafts and unpublished work\n", ln.Addr())
		}
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

	h := &server.Handler{Log: log.New(stderr, "", log.LstdFlags)}
	var live *server.Live
	if !*noWatch {
		live = server.NewLive()
		live.Extra = readyHandler(sess)
		h.Live = live
	}
	var mem *search.Memory
	var api *search.Handler
	if u.Site != nil {
		if mem, err = search.OpenMemory(ctx, u.Site.Pages, u.Site.Config); err != nil {
			return err
		}
		defer mem.Close()
		api = search.NewHandler(mem.Index, search.LogPath(absDir, u.Site.Config))
		h.API = api
		h.FormAction = formOrigins(u.Site.Config.Feedback.Endpoint)
		h.FrameSrc = markdown.EmbedOrigins(u.Site.Config.Markdown.Embeds)
	}
	// The theme's inline scripts (embedded, and the site's own layouts) are
	// the only inline scripts the Content-Security-Policy lets run.
	themes := func() []string { return server.ScriptHashes(kb.Theme, os.DirFS(absDir)) }
	h.SetScriptHashes(themes())
	h.SetSite(server.NewSite(u.Files, u.Redirects, nil, time.Now()))
	defer servingMemory()()
	go debug.FreeOSMemory() // what the first build needed and no longer does
	if live != nil {
		live.Publish(server.Event{Kind: "status"}, status(u))
	}

	srv := newHTTPServer(h)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

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
				prev := h.Site()
				if len(u.Problems) == 0 && u.Full {
					h.SetScriptHashes(themes()) // a layout may have changed
				}
				if len(u.Problems) == 0 {
					h.SetSite(server.NewSite(u.Files, u.Redirects, prev, time.Now()))
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
								go func() {
									time.Sleep(5 * time.Second)
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
// after 5 s), headers limited to 64 KB, and every request (OPTIONS * too)
// given to h, so that every response it can shape carries its headers.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:                      h,
		DisableGeneralOptionsHandler: true,
		ReadHeaderTimeout:            5 * time.Second,
		ReadTimeout:                  15 * time.Second,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  120 * time.Second,
		MaxHeaderBytes:               64 << 10,
		ErrorLog:                     log.New(io.Discard, "", 0),
	}
}

// event picks what the browser does: swap the stylesheet when only CSS
// changed, else reload the pages whose HTML changed.
func event(batch []string, u *site.Update) server.Event {
	if len(u.Problems) > 0 {
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
	if u.Full {
		return server.Event{Kind: "reload"}
	}
	return server.Event{Kind: "reload", Pages: u.Pages}
}

// status turns an Update's problems and findings into the overlay's state.
func status(u *site.Update) server.Status {
	var st server.Status
	for _, p := range u.Problems {
		st.Errors = append(st.Errors, problem(p.Error()))
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

// problem splits "file:line:col: level: rule: message" and "file:line: message".
func problem(s string) server.Problem {
	p := server.Problem{Level: "error", Message: s}
	parts := strings.SplitN(s, ": ", 2)
	if len(parts) < 2 {
		return p
	}
	loc := strings.Split(parts[0], ":")
	p.File = loc[0]
	if len(loc) > 1 {
		fmt.Sscan(loc[1], &p.Line)
	}
	if len(loc) > 2 {
		fmt.Sscan(loc[2], &p.Col)
	}
	msg := parts[1]
	if rest, ok := strings.CutPrefix(msg, "error: "); ok {
		if rule, m, ok := strings.Cut(rest, ": "); ok && !strings.Contains(rule, " ") {
			p.Rule, msg = rule, m
		} else {
			msg = rest
		}
	}
	p.Message = msg
	return p
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
