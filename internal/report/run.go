package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/tickets"
)

// Request is a kb report run: the site, as loaded, and the command's
// choices.
type Request struct {
	// Dir is the site folder; Config its site.yaml.
	Dir    string
	Config *config.Config
	// Pages are every page of the site, drafts too (--release may name a
	// draft, to say so); Site is the published model.
	Pages []*content.Page
	Site  *model.Site
	// Version and Product are --release and --product.
	Version, Product string
	// Since and Until are the period's first and last days; zero for the
	// defaults (the 30 days up to today; with --release alone, the week
	// before the release and the week after).
	Since, Until time.Time
	// Today is the date staleness is measured from.
	Today time.Time
	// Tickets is a help desk's ticket export (--tickets), "" for none.
	Tickets string
	// DB is the feedback database (--db); "" for site.yaml's database.url.
	DB string
	// Store, when set, is the feedback database already open (kb serve's
	// /_kb/report): DB is not opened and no old search log is imported.
	Store *feedback.Store
	// Format is one of Formats.
	Format string
}

// UsageError is a kb report request that cannot be answered as it is (a
// bad period or release, a ticket export with bad rows, a database that
// cannot be opened): what to change is in the message. The CLI exits with
// status 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usage(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

// Run is kb report: it reads the ticket export, opens the feedback
// database (moving a search log from before the database into it on the
// first run), computes the report and writes it to w in req.Format.
// Warnings, and each bad row of a ticket export, go to stderr.
func Run(ctx context.Context, w, stderr io.Writer, req Request) error {
	cfg := req.Config
	first, last := req.Since, req.Until
	var rel *content.Page
	if req.Version != "" {
		var err error
		rel, err = release.Find(req.Pages, req.Version, req.Product)
		if err != nil {
			var ue *release.UsageError
			if errors.As(err, &ue) {
				return usage("%s", ue.Msg)
			}
			return err
		}
		if rel.Release.Date.IsZero() {
			return usage("%s has no date: kb report --release compares the weeks around it", rel.File)
		}
	} else if req.Product != "" {
		return usage("report: --product goes with --release")
	}

	switch {
	case first.IsZero() && last.IsZero() && rel != nil:
		first, last = rel.Release.Date.AddDate(0, 0, -7), rel.Release.Date.AddDate(0, 0, 6)
	case last.IsZero():
		last = req.Today
	}
	if first.IsZero() {
		first = last.AddDate(0, 0, -29)
	}
	if first.After(last) {
		return usage("report: --since %s is after --until %s", first.Format(time.DateOnly), last.Format(time.DateOnly))
	}

	export, err := readTickets(req.Tickets, cfg, stderr)
	if err != nil {
		return err
	}

	store := req.Store
	if store == nil {
		url := req.DB
		if url == "" {
			url = cfg.DatabaseURL(req.Dir)
		}
		store, err = feedback.Open(ctx, url, feedback.Options{})
		if err != nil {
			return usage("%v", err)
		}
		defer store.Close()
		if err := ImportLog(ctx, store, cfg.SearchLogPath(req.Dir), stderr); err != nil {
			return err
		}
	}

	rep, err := Build(ctx, Options{Config: cfg, Site: req.Site, Store: store,
		Since: first, Until: last, Today: req.Today, Release: rel, Tickets: export})
	if err != nil {
		return err
	}
	return rep.Write(w, req.Format)
}

// ImportLog moves the search log of kb versions before the database into
// it (feedback.Store.ImportSearchLog), saying so on w, with a warning for
// each line it skipped. No log is no work.
func ImportLog(ctx context.Context, store *feedback.Store, logPath string, w io.Writer) error {
	imp, err := store.ImportSearchLog(ctx, logPath)
	for _, p := range imp.Problems {
		fmt.Fprintln(w, "kb: warning:", p)
	}
	if err != nil {
		return err
	}
	if imp.MovedTo != "" {
		fmt.Fprintf(w, "kb: moved %s from %s into the database; the log is now %s\n",
			plural(imp.Imported, "search", "searches"), logPath, imp.MovedTo)
	}
	return nil
}

// readTickets reads a ticket export ("" for none). Its bad rows go to
// stderr, the first 20 of them, each with its line.
func readTickets(name string, cfg *config.Config, stderr io.Writer) (*tickets.Export, error) {
	if name == "" {
		return nil, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, usage("report: --tickets: %v", errors.Unwrap(err))
	}
	export, err := tickets.Read(name, f, tickets.Options{Columns: cfg.Report.Tickets.Columns, DateOrder: cfg.Report.Tickets.DateOrder})
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
		return nil, usage("report: %s: %s; fix the export, or name its columns in site.yaml (report.tickets.columns)",
			name, plural(len(te.Problems), "problem", "problems"))
	}
	if err != nil {
		return nil, usage("report: --tickets: %v", err)
	}
	return export, nil
}
