// Command kb builds, checks, searches and serves a customer-support help center.
//
// main only sets up the process; run holds the logic so tests can call it.
// Each command lives in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/octoacme/kb/internal/site"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go onSignals(sigs, cancel, os.Stderr, os.Exit)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// onSignals stops the command at the first SIGINT or SIGTERM: its context
// is cancelled, and it stops at its next check (between pages, and in a
// layout at its next loop iteration), removes what it staged and exits
// with status 130. Should that take long, a second signal exits at once.
func onSignals(sigs <-chan os.Signal, cancel func(), stderr io.Writer, exit func(int)) {
	<-sigs
	cancel()
	hint := time.AfterFunc(time.Second, func() {
		fmt.Fprintln(stderr, "kb: stopping; press Ctrl+C again to stop at once")
	})
	<-sigs
	hint.Stop()
	fmt.Fprintln(stderr, "kb: stopped at once; an unfinished build may leave temporary folders (.public.tmp-…) beside the output and the search index")
	exit(exitInterrupted)
}

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1 // lint or readiness failures
	exitUsage    = 2 // usage, config or input errors
	// exitInterrupted is the status after SIGINT or SIGTERM (128 + SIGINT,
	// as shells report an interrupted command).
	exitInterrupted = 130
)

// exitError carries an exit status; its message, if any, was not printed yet.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError reports a usage problem (exit 2) with a hint.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// commandError turns what the pipeline's command functions say the user
// must change (a *site.UsageError) into a usage error; other errors pass.
func commandError(err error) error {
	var ue *site.UsageError
	if errors.As(err, &ue) {
		return usageError("%s", ue.Msg)
	}
	return err
}

// silentExit ends with a status after the command printed its own report.
func silentExit(code int) error { return &exitError{code: code} }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "kb: "+ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "kb: interrupted")
		return exitInterrupted
	}
	fmt.Fprintln(stderr, "kb: "+err.Error())
	return exitUsage
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"build", "build the site into public/", runBuild},
		{"lint", "check pages against the documentation checklist", runLint},
		{"serve", "preview the site with live reload, or serve it in production", runServe},
		{"new", "write a new page that follows the documentation checklist", runNew},
		{"import", "convert a Jekyll, Hugo, MkDocs or Docusaurus site into a kb site", runImport},
		{"search", "search the built site's index like a customer", runSearch},
		{"ready", "check a release against the pre-release checklist", runReady},
		{"brief", "write the support team briefing for a release", runBrief},
		{"announce", "write the customer announcement for a release", runAnnounce},
		{"report", "report customer feedback, searches and support metrics", runReport},
		{"version", "print kb's version", runVersion},
	}
}

const usageText = `kb builds a customer-support help center from a folder of Markdown.

Usage:
  kb <command> [flags]

Commands:
%s
Run "kb <command> --help" for a command's flags.
`

func usage(w io.Writer) {
	var list string
	for _, c := range commands() {
		list += fmt.Sprintf("  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, usageText, list)
}

// run is kb's entry point: it dispatches to a command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return silentExit(exitUsage)
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return nil
	case "-v", "--version":
		return runVersion(ctx, nil, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	return usageError("unknown command %q; run \"kb --help\" for the list", args[0])
}
