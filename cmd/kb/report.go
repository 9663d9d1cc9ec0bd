package main

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/report"
	"github.com/octoacme/kb/internal/site"
)

func reportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "report customer feedback, searches and support metrics",
		Long: `Report what customers said about the help center and searched for in it,
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
export with bad rows (each named with its line) or an unreachable database.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("report: unexpected argument %q (run \"kb report --help\")", args[0])
			}
			return nil
		},
	}
	dir := siteFlag(cmd)
	since := cmd.Flags().String("since", "", "first `day` of the period, YYYY-MM-DD")
	until := cmd.Flags().String("until", "", "last `day` of the period, YYYY-MM-DD (default: today)")
	version := cmd.Flags().String("release", "", "compare the week before and after this release `version`")
	product := productFlag(cmd, "the `product` of --release, when several products share the version")
	ticketsFile := cmd.Flags().String("tickets", "", "a help desk's ticket export, `FILE.csv`, for support metrics")
	format := formatFlag(cmd, "text", "output `format`: text, markdown, html or json", report.Formats...)
	db := cmd.Flags().String("db", "", "the feedback database: postgres://… or an SQLite file `URL` (default: database.url in site.yaml, else .kb/kb.db)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, stdout, stderr := cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr()
		if !slices.Contains(report.Formats, *format) {
			return usageError("report: unknown --format %q (want %s)", *format, orList(report.Formats))
		}
		first, err := parseDay("since", *since)
		if err != nil {
			return err
		}
		last, err := parseDay("until", *until)
		if err != nil {
			return err
		}
		today, err := site.Today()
		if err != nil {
			return usageError("%v", err)
		}
		in, err := site.LoadText(*dir, kb.Theme)
		if err == nil {
			err = in.ContentErr()
		}
		if err != nil {
			return reportBuildError("report", err, stderr)
		}
		rules, err := site.Rules(in.Config, time.Time{}, false, false)
		if err != nil {
			return reportBuildError("report", err, stderr)
		}
		s, _ := site.Model(in.Config, in.Content.Pages, rules)
		err = report.Run(ctx, stdout, stderr, report.Request{Dir: *dir, Config: in.Config, Pages: in.Content.Pages, Site: s,
			Version: *version, Product: *product, Since: first, Until: last, Today: today,
			Tickets: *ticketsFile, DB: *db, Format: *format})
		var ue *report.UsageError
		if errors.As(err, &ue) {
			return usageError("%s", ue.Msg)
		}
		return err
	}
	return cmd
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
