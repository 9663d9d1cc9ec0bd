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

// run is kb's entry point: it runs the command args name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRoot(stdout, stderr)
	root.SetArgs(normalizeArgs(root, args))
	return root.ExecuteContext(ctx)
}
