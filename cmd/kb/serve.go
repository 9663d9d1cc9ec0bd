package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/server"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [flags]", `
Build the site in memory and serve it, with the search API at /api/search.

By default kb serve is a writer's preview: it includes drafts and pages
scheduled for later (marked "Draft" and "Scheduled"), watches
site.yaml, content/, layouts/ and static/, rebuilds only what a change
touches, and reloads the browser. A build error or lint errors show as an
overlay in the page (the last good version stays served); lint warnings for
the page show in a small panel. The terminal prints one line per rebuild.
The preview answers only requests for localhost, loopback addresses, the
--addr host and --allowed-hosts names, so that no web page can read it.

With --no-watch it serves the built site as it is, for production behind a
proxy: no live reload, no drafts unless --drafts, no scheduled pages
unless --future, any host name unless --allowed-hosts, and it refuses to
start when the site has problems. Either way a scheduled page is
published, and an expired one taken down, when its time comes.
Either way at most --max-conns connections stay open; idle ones are
closed to make room.`, stdout)
	dir := siteFlag(fs)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on (host:port)")
	drafts := fs.Bool("drafts", true, "include pages marked draft: true (default true; false with --no-watch unless set)")
	future := fs.Bool("future", true, "include pages scheduled for later (default true; false with --no-watch unless set)")
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *noWatch && !set["drafts"] {
		*drafts = false
	}
	if *noWatch && !set["future"] {
		*future = false
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
	opts := server.Options{Dir: absDir, Theme: kb.Theme, Addr: *addr, Drafts: *drafts, Future: *future, Watch: !*noWatch,
		AllowedHosts: *allowed, MaxConns: *maxConns, Stdout: stdout, Stderr: stderr}
	if *open {
		opts.Open = openBrowser
	}
	err = server.Run(ctx, ln, opts)
	var ue *server.UsageError
	if errors.As(err, &ue) {
		return usageError("%s", ue.Msg)
	}
	return err
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
