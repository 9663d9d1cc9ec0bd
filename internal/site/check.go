package site

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
)

// Check is the check step, the one place lint runs on a site: kb lint's
// checks on the loaded pages, reusing the parse Load made (the problems
// loading files are front-matter findings). kb build and kb ready check
// what a build publishes (opts.PublishedOnly); the session keeps lint's
// index between edits (see Session.lint) but makes it of the same input.
// A bad lint.rules or lint.baseline in site.yaml, or a bad
// SOURCE_DATE_EPOCH, is an *InputError.
func Check(in *Input, opts lint.Options) (*lint.Result, error) {
	res, err := lint.Check(lintInput(in.Config, in.Content.Pages, in.Content.Errors, in.Theme), opts)
	if err != nil {
		return nil, inputErr(err)
	}
	return res, nil
}

// lintOptions check what a build under the rules publishes.
func lintOptions(r model.Rules) lint.Options {
	return lint.Options{Now: r.Now, Drafts: r.Drafts, Future: r.Future, PublishedOnly: true}
}

// lintInput is what lint reads of a site: its configuration, every page
// (drafts too), the problems loading files, the static files and kb new's
// scaffolds.
func lintInput(cfg *config.Config, pages []*content.Page, errs []*diag.Diagnostic, theme *render.Theme) *lint.Input {
	return &lint.Input{Config: cfg, Pages: pages, Errors: errs, Static: theme.Static, Scaffolds: scaffolds(theme)}
}

// scaffolds reads kb new's page templates, layouts/new/*.md, by path:
// the site's own where it has one, else the default theme's. One that
// cannot be read (a link kb refuses) is left out; kb new reports it.
func scaffolds(theme *render.Theme) map[string][]byte {
	out := map[string][]byte{}
	matches, _ := fs.Glob(theme.Layouts, "new/*.md")
	for _, m := range matches {
		if data, err := fs.ReadFile(theme.Layouts, m); err == nil {
			out[theme.LayoutDir+"/"+m] = data
		}
	}
	return out
}

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

// checkBuild is Check for a build: the pages the rules publish. Error
// findings stop the build with a *LintError; the others are returned for
// the Result.
func checkBuild(in *Input, rules model.Rules) ([]lint.Finding, error) {
	res, err := Check(in, lintOptions(rules))
	if err != nil {
		return nil, err
	}
	if res.Count(lint.Error) > 0 {
		return nil, &LintError{Findings: res.Findings}
	}
	return res.Findings, nil
}
