package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/site"
)

func runBrief(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runMessage("brief", `
Write the internal support team briefing for a release, following the
support readiness process's "Internal Support Team Briefing": the subject
with the release name and date; new features with their benefit, support
docs and the questions customers are expected to ask (the FAQ questions
among the feature's docs); bug fixes; known issues with workaround and
expected fix; action items dated from the release date; signed with
site.yaml support.liaison.

A field the briefing needs but the release lacks is reported with its file
and line (exit status 1) instead of leaving a placeholder in the text.`, args, stdout, stderr)
}

func runAnnounce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runMessage("announce", `
Write the customer-facing release announcement, following the support
readiness process's "Customer-Facing Release Announcement": subject,
greeting, the value of the release (its description), what's new (each
feature's benefit), how to get started (the how-to guides), known issues
with their workarounds, and how to get help (site.yaml support_url and
support.email).

A field the announcement needs but the release lacks is reported with its
file and line (exit status 1) instead of leaving a placeholder in the text.`, args, stdout, stderr)
}

func runMessage(name, about string, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(name, name+" VERSION [flags]", about, stdout)
	dir := siteFlag(fs)
	product := fs.String("product", "", "the `product` of the release, when several products share the version")
	format := fs.String("format", "markdown", "output `format`: markdown, text or html (a self-contained email body)")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("%s: want one release version, like: kb %s 3.7.0", name, name)
	}
	switch *format {
	case "markdown", "text", "html":
	default:
		return usageError("%s: unknown --format %q (want markdown, text or html)", name, *format)
	}
	rel, err := loadRelease(*dir, fs.Arg(0), *product, stderr)
	if err != nil {
		return err
	}
	msg, problems := release.Brief(rel.Site, rel.Page)
	if name == "announce" {
		msg, problems = release.Announce(rel.Site, rel.Page)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		fmt.Fprintf(stderr, "kb: %s: %d missing %s; fix the release announcement and run again\n", name, len(problems), plural(len(problems), "field", "fields"))
		return silentExit(exitFindings)
	}
	return msg.Write(stdout, *format)
}

// loadRelease loads a site and finds a release by version, printing a
// load failure as kb build does.
func loadRelease(dir, version, product string, stderr io.Writer) (*site.Release, error) {
	rel, err := site.LoadRelease(dir, kb.Theme, version, product)
	var ue *release.UsageError
	switch {
	case errors.As(err, &ue):
		return nil, usageError("%s", ue.Msg)
	case err != nil:
		return nil, reportBuildError(err, stderr)
	}
	return rel, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
