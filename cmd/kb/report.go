package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/report"
	"github.com/octoacme/kb/internal/site"
	"github.com/octoacme/kb/internal/tickets"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report [flags]", `
Report what customers said about the help center and searched for in it,
from the feedback database (.kb/kb.db, database.url in site.yaml, or --db):
helpfulness per page with the least helpful pages' reasons and comments,
searches with the content gaps (queries that found nothing, grouped) and
results never chosen, stale pages and pages a release links but that were
not updated for it, the trend against the previous period, the impact of a
release (--release: the week before against the week after), and support
metrics from a help desk's ticket export (--tickets).

The period is --since to --until, both days included (default: the 30 days
up to today; with --release alone, the week before the release and the
week after it). --format markdown follows the support readiness process's
Customer Feedback Summary template; html is a self-contained page with
charts; json is for other tools (docs/feedback.md).

A search log from before the database (search.log in site.yaml) is moved
into the database on the first run. Exit status 2 for bad dates, a ticket
export with bad rows (each named with its line) or an unreachable database.`, stdout)
	dir := siteFlag(fs)
	since := fs.String("since", "", "first `day` of the period, YYYY-MM-DD")
	until := fs.String("until", "", "last `day` of the period, YYYY-MM-DD (default today)")
	version := fs.String("release", "", "compare the week before and after this release `version`")
	product := fs.String("product", "", "the `product` of --release, when several products share the version")
	ticketsFile := fs.String("tickets", "", "a help desk's ticket export, `FILE.csv`, for support metrics")
	format := fs.String("format", "text", "output `format`: text, markdown, html or json")
	db := fs.String("db", "", "the feedback database: postgres://… or an SQLite file `URL` (default: database.url in site.yaml, else .kb/kb.db)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("report: unexpected argument %q (run \"kb report --help\")", fs.Arg(0))
	}
	if !slices.Contains(report.Formats, *format) {
		return usageError("report: unknown --format %q (want text, markdown, html or json)", *format)
	}
	first, err := parseDay("since", *since)
	if err != nil {
		return err
	}
	last, err := parseDay("until", *until)
	if err != nil {
		return err
	}
	today, err := lint.Today()
	if err != nil {
		return usageError("%v", err)
	}

	l, err := site.LoadText(*dir, kb.Theme)
	if err == nil {
		err = l.ContentErr()
	}
	if err != nil {
		return reportBuildError(err, stderr)
	}
	cfg := l.Config
	published := site.Published(l.Content.Pages, false)
	var rel *content.Page
	if *version != "" {
		rel, err = release.Find(l.Content.Pages, *version, *product)
		if err != nil {
			var ue *release.UsageError
			if errors.As(err, &ue) {
				return usageError("%s", ue.Msg)
			}
			return err
		}
		if rel.Release.Date.IsZero() {
			return usageError("%s has no date: kb report --release compares the weeks around it", rel.File)
		}
	} else if *product != "" {
		return usageError("report: --product goes with --release")
	}

	switch {
	case first.IsZero() && last.IsZero() && rel != nil:
		first, last = rel.Release.Date.AddDate(0, 0, -7), rel.Release.Date.AddDate(0, 0, 6)
	case last.IsZero():
		last = today
	}
	if first.IsZero() {
		first = last.AddDate(0, 0, -29)
	}
	if first.After(last) {
		return usageError("report: --since %s is after --until %s", first.Format(time.DateOnly), last.Format(time.DateOnly))
	}

	var export *tickets.Export
	if *ticketsFile != "" {
		f, err := os.Open(*ticketsFile)
		if err != nil {
			return usageError("report: --tickets: %v", errors.Unwrap(err))
		}
		export, err = tickets.Read(*ticketsFile, f, tickets.Options{Columns: cfg.Report.Tickets.Columns, DateOrder: cfg.Report.Tickets.DateOrder})
		f.Close()
		var te *tickets.Error
		if errors.As(err, &te) {
			for i, p := range te.Problems {
				if i == 20 {
					fmt.Fprintf(stderr, "… and %d more\n", len(te.Problems)-20)
					break
				}
				fmt.Fprintf(stderr, "%s:%d: %s\n", te.File, p.Line, p.Msg)
			}
			return usageError("report: %s: %d %s; fix the export, or name its columns in site.yaml (report.tickets.columns)",
				*ticketsFile, len(te.Problems), plural(len(te.Problems), "problem", "problems"))
		}
		if err != nil {
			return usageError("report: --tickets: %v", err)
		}
	}

	url := *db
	if url == "" {
		url = cfg.DatabaseURL(*dir)
	}
	store, err := feedback.Open(ctx, url, feedback.Options{})
	if err != nil {
		return usageError("%v", err)
	}
	defer store.Close()
	logPath := cfg.Search.Log
	if !filepath.IsAbs(logPath) {
		logPath = filepath.Join(*dir, logPath)
	}
	imp, err := store.ImportSearchLog(ctx, logPath)
	for _, p := range imp.Problems {
		fmt.Fprintln(stderr, "kb: warning:", p)
	}
	if err != nil {
		return err
	}
	if imp.MovedTo != "" {
		fmt.Fprintf(stderr, "kb: moved %d %s from %s into the database; the log is now %s\n",
			imp.Imported, plural(imp.Imported, "search", "searches"), logPath, imp.MovedTo)
	}

	rep, err := report.Build(ctx, report.Options{Config: cfg, Site: model.New(cfg, published), Store: store,
		Since: first, Until: last, Today: today, Release: rel, Tickets: export})
	if err != nil {
		return err
	}
	return rep.Write(stdout, *format)
}

// parseDay reads a --since or --until date; "" is the zero time.
func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, usageError("report: --%s %q is not a date (want YYYY-MM-DD)", flag, s)
	}
	return t, nil
}
