// Package reporttest seeds a feedback database with the fixture that the
// tests of kb report read: a month of answers, searches and chosen results
// for the site in internal/report/testdata/site, around its release 2.0 of
// 10 November 2026. The golden reports in cmd/kb/testdata and
// internal/report/testdata are this fixture rendered.
package reporttest

import (
	"context"
	"fmt"
	"time"

	"github.com/octoacme/kb/internal/feedback"
)

// Period is the report period of the golden files, and Today their date.
const (
	Since = "2026-11-01"
	Until = "2026-11-21"
	Today = "2026-11-27"
)

func day(d string, i int) time.Time {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		panic(err)
	}
	return t.Add(9*time.Hour + time.Duration(i)*37*time.Minute)
}

// spread returns n times over days from first, one a day in turn.
func spread(first string, days, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = day(first, 0).AddDate(0, 0, i%days).Add(time.Duration(i/days) * 41 * time.Minute)
	}
	return out
}

// Seed writes the fixture into a store.
func Seed(ctx context.Context, s *feedback.Store) error {
	var errs []error
	fb := func(page, helpful, reason, comment string, at time.Time) {
		if err := s.RecordFeedback(ctx, feedback.Feedback{Page: page, Helpful: helpful, Reason: reason, Comment: comment, At: at}); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", page, helpful, err))
		}
	}
	votes := func(page, helpful, first string, days, n int) {
		for _, at := range spread(first, days, n) {
			fb(page, helpful, "", "", at)
		}
	}
	search := func(query string, results int, first string, days, n, chosen int, page string) {
		for i, at := range spread(first, days, n) {
			id, err := s.RecordSearch(ctx, feedback.Search{Query: query, Results: results, At: at})
			if err != nil {
				errs = append(errs, fmt.Errorf("search %q: %w", query, err))
				continue
			}
			if i < chosen {
				if err := s.RecordClick(ctx, feedback.Click{SearchID: id, Page: page, At: at.Add(time.Minute)}); err != nil {
					errs = append(errs, fmt.Errorf("click %q: %w", query, err))
				}
			}
		}
	}
	const (
		share  = "/articles/share-with-guests/"
		export = "/articles/export-invoices/"
		faq    = "/faq/sharing/"
		sync   = "/troubleshooting/sync-stalls/"
	)

	// The previous period, 11 to 31 October.
	votes(share, "yes", "2026-10-12", 14, 8)
	votes(share, "no", "2026-10-15", 5, 2)
	votes(faq, "yes", "2026-10-20", 3, 3)
	votes(sync, "yes", "2026-10-22", 4, 4)
	search("share folder", 3, "2026-10-11", 20, 10, 5, share)
	search("export invoices", 0, "2026-10-18", 10, 4, 0, "")

	// This period, 1 to 21 November; release 2.0 on the 10th.
	votes(share, "yes", "2026-11-03", 7, 5) // the week before
	votes(share, "no", "2026-11-06", 1, 1)
	votes(share, "yes", "2026-11-10", 7, 4) // the week after
	fb(share, "no", "outdated", "The Invite guest button moved in 2.0", day("2026-11-12", 0))
	fb(share, "no", "missing-steps", "Email me at sam@example.com, the steps skip the permissions screen", day("2026-11-14", 1))
	fb(share, "no", "outdated", "Call me on +1 425 882 8080", day("2026-11-15", 2))
	fb(share, "no", "outdated", "", day("2026-11-16", 3))
	fb(share, "no", "missing-steps", "", day("2026-11-16", 4))
	fb(faq, "yes", "", "", day("2026-11-11", 0))
	votes(sync, "yes", "2026-11-10", 11, 18)
	fb(sync, "no", "", "", day("2026-11-12", 5))
	fb(sync, "no", "not-solved", "Restarting did not help, SYNC-1 again", day("2026-11-13", 6))
	fb(export, "no", "not-solved", "", day("2026-11-02", 0))
	fb(export, "no", "not-solved", "I need CSV, not PDF", day("2026-11-04", 0))
	fb(export, "no", "unclear", "", day("2026-11-18", 0))
	fb(export, "no", "not-solved", "", day("2026-11-19", 0))
	fb("/articles/removed-page/", "no", "", "", day("2026-11-05", 0))

	search("export invoices", 0, "2026-11-02", 18, 6, 0, "")
	search("exprot invoices", 0, "2026-11-12", 2, 2, 0, "")
	search("How do I export invoice?", 0, "2026-11-15", 1, 1, 0, "")
	search("invoice export", 0, "2026-11-19", 1, 1, 0, "")
	search("sign in", 2, "2026-11-01", 20, 8, 5, faq)
	search("sign up", 0, "2026-11-03", 9, 3, 0, "")
	search("dark mode", 0, "2026-11-11", 4, 4, 0, "")
	search("share folder", 3, "2026-11-01", 21, 12, 6, share)
	search("sync", 1, "2026-11-10", 5, 5, 0, "")
	search("AUTH-401", 1, "2026-11-06", 2, 2, 1, sync)
	search("AUTH-403", 0, "2026-11-07", 1, 1, 0, "")
	if len(errs) > 0 {
		return fmt.Errorf("seeding: %v", errs)
	}
	return nil
}
