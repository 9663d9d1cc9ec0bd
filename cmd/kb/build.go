package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build", "build [flags]", `
Build the help center in the site folder into the output folder: every page,
section and tag list, the home, search, known-issues and 404 pages, the
sitemap, robots.txt and redirects for aliases. Drafts are left out unless
--drafts is given, pages scheduled for later (publish_date, a release's
date) unless --future is, and expired pages (expiry_date) always. When a
scheduled change is coming, the last line says when: build again then. The
new site replaces the output folder only when the whole build succeeded.

kb replaces only an output folder it made (one holding its .kb-output
marker), an empty folder or a new one: a folder of other files is refused.
When --out is a symbolic link, the folder it leads to is built and the
link kept. Folders and files get the modes the umask gives (0755 and 0644
under umask 022). One kb build runs at a time in a site folder: another
waits a few seconds for it, then stops with status 2.`, stdout)
	dir := siteFlag(fs)
	out := fs.String("out", "", "output `folder` (default: public/ in the site folder)")
	drafts := fs.Bool("drafts", false, "include pages marked draft: true")
	future := fs.Bool("future", false, "include pages scheduled for later, marked \"Scheduled\"")
	quiet := fs.Bool("quiet", false, "print nothing on success")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("build takes no arguments, got %q (use --source to pick the site folder)", fs.Arg(0))
	}
	opts := site.Options{Dir: *dir, Out: *out, Drafts: *drafts, Future: *future, Theme: kb.Theme}
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) && !*quiet {
		opts.Progress = progress(f)
	}
	res, err := site.Build(ctx, opts)
	if err != nil {
		return reportBuildError(err, stderr)
	}
	if !*quiet {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "kb: warning:", w)
		}
		site.WriteFindings(stderr, res.Findings)
		fmt.Fprintln(stdout, res.Summary())
		if l := res.NextLine(); l != "" {
			fmt.Fprintln(stdout, l)
		}
	}
	return nil
}

// progress shows a bar on a terminal once a build has run for a second.
func progress(w io.Writer) func(done, total int) {
	start := time.Now()
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			if time.Since(start) < time.Second {
				return
			}
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription("rendering"), progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond))
		}
		_ = bar.Set(done)
	}
}

// reportBuildError prints a build failure, one problem a line, and picks the exit status.
func reportBuildError(err error, stderr io.Writer) error {
	var le *site.LintError
	if errors.As(err, &le) {
		n := site.WriteFindings(stderr, le.Findings)
		noun := "errors"
		if n == 1 {
			noun = "error"
		}
		fmt.Fprintf(stderr, "kb: build stopped: %d lint %s; nothing was published and the previous output was left untouched (run \"kb lint\" for every finding)\n", n, noun)
		return silentExit(exitFindings)
	}
	var be *site.BusyError
	if errors.As(err, &be) {
		return usageError("%v", be)
	}
	var ie *site.InputError
	if errors.As(err, &ie) {
		for _, e := range ie.Problems {
			fmt.Fprintln(stderr, e)
		}
		n := len(ie.Problems)
		noun := "problem"
		if n > 1 {
			noun = "problems"
		}
		fmt.Fprintf(stderr, "kb: build stopped: %d %s; the previous output was left untouched\n", n, noun)
		return silentExit(exitUsage)
	}
	return err
}
