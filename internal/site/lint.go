package site

import (
	"fmt"
	"strings"

	"github.com/octoacme/kb/internal/lint"
)

// LintError stops a build whose pages break the documentation checklist:
// kb lint's checks found errors. Nothing is published. Findings holds every
// finding of the published pages (errors, warnings and notes), sorted; the
// CLI exits with status 1 for it.
type LintError struct {
	Findings []lint.Finding
}

func (e *LintError) Error() string {
	var b strings.Builder
	n := 0
	for _, f := range e.Findings {
		if f.Level == lint.Error {
			n++
			fmt.Fprintln(&b, f)
		}
	}
	fmt.Fprintf(&b, "%d lint errors", n)
	return b.String()
}

// checkLint runs kb lint's checks on the pages a build publishes, reusing
// the parse content.Load made. Error findings stop the build; the others
// are returned for the Result.
func checkLint(l *Input, opts Options) ([]lint.Finding, error) {
	res, err := lint.Check(&lint.Input{Config: l.Config, Pages: l.Content.Pages, Errors: l.Content.Errors, Static: l.Theme.Static},
		lint.Options{Drafts: opts.Drafts, PublishedOnly: true})
	if err != nil {
		return nil, inputErr(err) // site.yaml's lint.rules, or SOURCE_DATE_EPOCH
	}
	if res.Count(lint.Error) > 0 {
		return nil, &LintError{Findings: res.Findings}
	}
	return res.Findings, nil
}
