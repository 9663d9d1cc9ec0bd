package site

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/lint"
)

// What kb lint needs of the pipeline: the Check step on a loaded site and
// its reports (package lint's reporters).

// LintFormats are kb lint's output formats.
var LintFormats = lint.Formats

// LintOptions are a kb lint run's.
type LintOptions struct {
	// Dir is the site folder, for the baseline path site.yaml names.
	Dir string
	// Format is one of LintFormats.
	Format string
	// Drafts and Future treat drafts and scheduled pages as published, as
	// kb build --drafts and --future do.
	Drafts, Future bool
	// Report, when set, limits the findings to the files it accepts
	// (content/articles/x.md); the whole site is still read.
	Report func(file string) bool
	// Display maps a site file to the path printed for it (the path from
	// the working folder CI annotations and editors need).
	Display func(file string) string
	// Baseline is a baseline file to apply instead of site.yaml's
	// lint.baseline; NoBaseline applies none.
	Baseline   string
	NoBaseline bool
	// WriteBaseline, when set, records every finding there instead of
	// reporting them (with Report, the file's entries of other files stay).
	WriteBaseline string
	// ToolVersion is kb's version, for the JSON and SARIF reports.
	ToolVersion string
	// StepSummary is $GITHUB_STEP_SUMMARY: the github format appends a
	// table of the findings to it when set.
	StepSummary string
}

// LintCounts are the findings of a kb lint run by level.
type LintCounts struct {
	Errors, Warnings, Notes int
}

// Lint is kb lint on a loaded site: the Check step as kb lint runs it
// (every page, drafts too, SOURCE_DATE_EPOCH as today), then the findings
// in opts.Format to w; or, with opts.WriteBaseline, the baseline recorded
// and a line saying so on stderr. A bad SOURCE_DATE_EPOCH, baseline or
// lint.rules is an error for the CLI to print with status 2 (an
// *InputError when site.yaml is at fault).
func Lint(ctx context.Context, in *Input, w, stderr io.Writer, opts LintOptions) (*LintCounts, error) {
	today, err := lint.Today()
	if err != nil {
		return nil, err
	}
	lo := lint.Options{Today: today, Drafts: opts.Drafts, Future: opts.Future, Report: opts.Report, NoBaseline: opts.NoBaseline || opts.WriteBaseline != ""}
	if opts.Baseline != "" && !lo.NoBaseline {
		if lo.Baseline, err = lint.ReadBaseline(opts.Baseline); err != nil {
			return nil, err
		}
	}
	res, err := Check(in, lo)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	counts := &LintCounts{Errors: res.Count(lint.Error), Warnings: res.Count(lint.Warning), Notes: res.Count(lint.Note)}
	if opts.WriteBaseline != "" {
		return counts, recordBaseline(opts, res, stderr)
	}

	findings := res.Findings
	for i := range findings {
		findings[i].File = opts.Display(findings[i].File)
	}
	for i := range res.Baselined {
		res.Baselined[i].File = opts.Display(res.Baselined[i].File)
	}
	levels, _ := lint.LevelsFor(in.Config)
	ro := lint.ReportOptions{Format: opts.Format, Files: res.Files, ToolVersion: opts.ToolVersion, Levels: levels}
	if res.Baseline != nil {
		ro.Baseline, ro.Baselined, ro.Fixed = res.Baseline.Path, res.Baselined, res.Fixed
	}
	if err := lint.Write(w, findings, ro); err != nil {
		return nil, err
	}
	if opts.Format == "github" && opts.StepSummary != "" {
		if err := appendStepSummary(opts.StepSummary, findings, ro); err != nil {
			// The summary is a convenience; the status must not depend on it.
			fmt.Fprintf(stderr, "kb: lint: cannot write the step summary: %v\n", err)
		}
	}
	return counts, nil
}

// recordBaseline writes kb lint --write-baseline's file: every finding of
// the check, with the paths of the site; with PATHs, the file's entries of
// other files are kept.
func recordBaseline(opts LintOptions, res *lint.Result, stderr io.Writer) error {
	path := opts.WriteBaseline
	b := lint.NewBaseline(res.Findings)
	merged := false
	if _, err := os.Stat(path); opts.Report != nil && err == nil {
		old, err := lint.ReadBaseline(path)
		if err != nil {
			return err
		}
		b = old.Merge(b, func(f string) bool { return !opts.Report(f) })
		merged = true
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write the baseline: %w", err)
	}
	// site.yaml's lint.baseline is relative to the site folder.
	inSite := filepath.ToSlash(path)
	if a, err := filepath.Abs(path); err == nil {
		if d, err := filepath.Abs(opts.Dir); err == nil {
			if rel, err := filepath.Rel(d, a); err == nil && filepath.IsLocal(rel) {
				inSite = filepath.ToSlash(rel)
			}
		}
	}
	count := func(n int, noun string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, noun)
		}
		return fmt.Sprintf("%d %ss", n, noun)
	}
	where := "in " + path
	if merged {
		// Only the given files' entries were replaced: say what the file
		// holds now, so 21 recorded is not read as a baseline of 21.
		n := len(b.Entries)
		entries := "entries"
		if n == 1 {
			entries = "entry"
		}
		where = fmt.Sprintf("of the given files in %s, which keeps the entries of the other files: %d %s in all", path, n, entries)
	}
	fmt.Fprintf(stderr, "kb: lint: recorded %s (%s, %s, %s) %s; kb lint --baseline %s, or lint.baseline: %s in site.yaml, now reports only new ones\n",
		count(len(res.Findings), "finding"), count(res.Count(lint.Error), "error"), count(res.Count(lint.Warning), "warning"), count(res.Count(lint.Note), "note"), where, path, inSite)
	return nil
}

func appendStepSummary(path string, findings []lint.Finding, o lint.ReportOptions) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := lint.WriteStepSummary(f, findings, o); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteLintRules lists kb lint's rules to w in format (json, or text for
// any other), with the levels of the site.yaml in dir when it has one.
func WriteLintRules(w io.Writer, dir, format string) error {
	var levels lint.Levels
	if cfg, err := config.Load(dir); err == nil {
		if lv, err := lint.LevelsFor(cfg); err == nil {
			levels = lv
		}
	}
	if format == "json" {
		return lint.WriteRulesJSON(w, levels)
	}
	return lint.WriteRules(w, levels)
}

// WriteFindings prints lint's errors and warnings to w, one a line, as kb
// build and kb serve show them (notes are for kb lint), and returns the
// number of errors.
func WriteFindings(w io.Writer, findings []lint.Finding) int {
	n := 0
	for _, f := range findings {
		if f.Level == lint.Error {
			n++
		}
		if f.Level >= lint.Warning {
			fmt.Fprintln(w, f)
		}
	}
	return n
}

// Today is the date lint and kb report take as today: SOURCE_DATE_EPOCH
// when set (a malformed one is an error), else the local date.
func Today() (time.Time, error) { return lint.Today() }
