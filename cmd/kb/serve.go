package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/server"
	"github.com/octoacme/kb/internal/site"
)

// serveFlags are kb serve's flags; a new flag is a field here and a line
// in bind.
type serveFlags struct {
	dir, addr, allowed, db        string
	drafts, future, noWatch, open bool
	maxConns                      int
}

func (f *serveFlags) bind(fs *pflag.FlagSet) {
	fs.StringVarP(&f.dir, "source", "s", ".", "site `folder` (holding site.yaml and content/)")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:1313", "`address` to listen on (host:port)")
	fs.BoolVar(&f.drafts, "drafts", true, "include pages marked draft: true (false with --no-watch unless set)")
	fs.BoolVar(&f.future, "future", true, "include pages scheduled for later (false with --no-watch unless set)")
	fs.BoolVar(&f.noWatch, "no-watch", false, "serve without watching or live reload (production)")
	fs.BoolVar(&f.open, "open", false, "open the site in a browser")
	fs.IntVar(&f.maxConns, "max-conns", 0, "most `connections` open at once; idle ones are closed to make room (default: 4096, fewer when the open-file limit is lower)")
	fs.StringVar(&f.db, "db", "", "the feedback database: postgres://… or an SQLite file `URL` (default: database.url in site.yaml, else .kb/kb.db)")
	fs.StringVar(&f.allowed, "allowed-hosts", "", "comma-separated host `names` to answer for besides localhost and the --addr host (the preview refuses others; --no-watch answers any unless set)")
}

func serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "preview the site with live reload, or serve it in production",
		Long: `Build the site in memory and serve it, with the search API at /api/search
and the "Was this article helpful?" answers taken at /api/feedback. Answers
and searches go to the feedback database (--db, database.url in site.yaml,
else .kb/kb.db) that kb report reads.

By default kb serve is a writer's preview: it includes drafts and pages
scheduled for later (marked "Draft" and "Scheduled"), watches
site.yaml, content/, layouts/ and static/, rebuilds only what a change
touches, and reloads the browser. A build error or lint errors show as an
overlay in the page (the last good version stays served); lint warnings for
the page show in a small panel. The terminal prints one line per rebuild;
editors' swap, backup and temporary files are ignored.
The preview answers only requests for localhost, loopback addresses, the
--addr host and --allowed-hosts names, so that no web page can read it.

With --no-watch it serves the built site as it is, for production behind a
proxy: no live reload, no drafts unless --drafts, no scheduled pages
unless --future, any host name unless --allowed-hosts, and it refuses to
start when the site has problems. Either way a scheduled page is
published, and an expired one taken down, when its time comes.
Either way at most --max-conns connections stay open; idle ones are
closed to make room.`,
		Args: exactArgs(0, ""),
	}
	var f serveFlags
	f.bind(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if f.noWatch && !cmd.Flags().Changed("drafts") {
			f.drafts = false
		}
		if f.noWatch && !cmd.Flags().Changed("future") {
			f.future = false
		}
		return serve(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

func serve(ctx context.Context, f serveFlags, stdout, stderr io.Writer) error {
	if err := site.CheckIsSite(f.dir); err != nil {
		return commandError(err)
	}
	absDir, err := filepath.Abs(f.dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return usageError("serve: %s is already in use; stop the other server or pick another port, like --addr 127.0.0.1:1314", f.addr)
		}
		return usageError("serve: cannot listen on %s: %v", f.addr, err)
	}
	defer ln.Close()
	opts := server.Options{Dir: absDir, Theme: kb.Theme, Addr: f.addr, Drafts: f.drafts, Future: f.future, Watch: !f.noWatch,
		AllowedHosts: f.allowed, MaxConns: f.maxConns, DB: f.db, Stdout: stdout, Stderr: stderr}
	if f.open {
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
