package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

func buildCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "build",
		Short: "build the site into public/",
		Long: `Build the help center in the site folder into the output folder: every page,
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
waits a few seconds for it, then stops with status 2.

Exit status: 0 built, 1 lint errors (nothing published), 2 a usage,
site.yaml or content problem.`,
		Args: exactArgs(0, ""),
	}
	dir := siteFlag(cmd)
	out := cmd.Flags().String("out", "", "output `folder` (default: public/ in the site folder)")
	drafts := cmd.Flags().Bool("drafts", false, "include pages marked draft: true")
	future := cmd.Flags().Bool("future", false, "include pages scheduled for later, marked \"Scheduled\"")
	quiet := cmd.Flags().Bool("quiet", false, "print nothing on success")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		if err := site.CheckIsSite(*dir); err != nil {
			return commandError(err)
		}
		opts := site.Options{Dir: *dir, Out: *out, Drafts: *drafts, Future: *future, Theme: kb.Theme}
		var bar *progressBar
		if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) && !*quiet {
			bar = newProgress(f)
			opts.Progress = bar.set
		}
		res, err := site.Build(cmd.Context(), opts)
		bar.clear()
		if err != nil {
			return reportBuildError("build", err, stderr)
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
	return cmd
}

// progressBar shows a bar on a terminal once a build has run for a
// second; clear takes it off the line before anything else is printed,
// however the build ended (a build that stops early never finishes it).
type progressBar struct {
	w     io.Writer
	start time.Time
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	done  bool
}

func newProgress(w io.Writer) *progressBar { return &progressBar{w: w, start: time.Now()} }

func (p *progressBar) set(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	if p.bar == nil {
		if time.Since(p.start) < time.Second {
			return
		}
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("rendering"), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond))
	}
	_ = p.bar.Set(done)
}

// clear removes the bar (nil-safe: a build without a bar has nothing to clear).
func (p *progressBar) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

// reportBuildError prints a build failure, one problem a line, and picks the exit status.
// cmd names the command in the closing line: "kb build: stopped…",
// "kb lint: …".
func reportBuildError(cmd string, err error, stderr io.Writer) error {
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
		if cmd == "build" {
			fmt.Fprintf(stderr, "kb: build stopped: %d %s; the previous output was left untouched\n", n, noun)
		} else {
			fmt.Fprintf(stderr, "kb: %s: %d %s in the site; fix %s and run it again\n", cmd, n, noun, plural(n, "it", "them"))
		}
		return silentExit(exitUsage)
	}
	return err
}
