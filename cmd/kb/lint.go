package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/site"
)

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lint", "lint [flags] [PATH...]", `
Check the site's pages against the documentation checklist: titles,
prerequisites, last-updated dates, related links, broken links and images,
alt text, screenshots, troubleshooting sections, readability, jargon,
single-topic pages, FAQ questions, release docs and known-issue workarounds. Run
"kb lint --list-rules" for the rules and their levels; site.yaml's
lint.rules changes levels, and <!-- kb-lint-disable rule --> comments or
front matter lint: {disable: [rule]} suppress findings.

With PATHs (files or folders), only findings in those files are reported;
links are still resolved against the whole site. Nothing touches the
network. SOURCE_DATE_EPOCH, when set, is "today" for last-updated.

To adopt the checklist on existing docs without fixing every finding
first, record today's findings with --write-baseline FILE, then pass
--baseline FILE (or set lint.baseline in site.yaml, which kb build and
kb serve honour too): only findings the baseline does not hold count.

Exit status: 0 without errors (warnings allowed), 1 with errors or with more
warnings than --max-warnings, 2 for usage, site.yaml or other input
failures. The format never changes the status.`, stdout)
	dir := siteFlag(fs)
	format := fs.String("format", "text", "output `format`: text, json, github (workflow commands; also a table in $GITHUB_STEP_SUMMARY) or sarif")
	maxWarnings := fs.Int("max-warnings", -1, "exit with status 1 when there are more than `N` warnings (-1: no limit)")
	listRules := fs.Bool("list-rules", false, "list the rules with their levels and checklist items, and exit")
	drafts := fs.Bool("drafts", false, "treat drafts as published, as kb build --drafts does")
	baseline := fs.String("baseline", "", "report only findings the baseline `FILE` does not hold (default: site.yaml's lint.baseline; \"\" for none)")
	writeBaseline := fs.String("write-baseline", "", "record every finding in the baseline `FILE` and exit 0 (with PATHs, only those files' entries change)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	baselineSet := false
	fs.Visit(func(f *flag.Flag) { baselineSet = baselineSet || f.Name == "baseline" })
	if !slices.Contains(lint.Formats, *format) {
		return usageError("lint: unknown --format %q (want %s)", *format, strings.Join(lint.Formats, ", "))
	}
	if *listRules {
		return printRules(*dir, *format, stdout)
	}

	defer site.BatchMemory()()
	l, err := site.LoadText(*dir, kb.Theme)
	if err != nil {
		return reportBuildError(err, stderr)
	}
	report, err := pathFilter(*dir, paths)
	if err != nil {
		return err
	}
	today, err := lint.Today()
	if err != nil {
		return usageError("%v", err)
	}
	opts := lint.Options{Today: today, Drafts: *drafts, Report: report}
	switch {
	case *writeBaseline != "":
		opts.NoBaseline = true // record every finding
	case baselineSet && *baseline == "":
		opts.NoBaseline = true
	case *baseline != "":
		if opts.Baseline, err = lint.ReadBaseline(*baseline); err != nil {
			return inputError(err, stderr)
		}
	}
	res, err := lint.Check(&lint.Input{Config: l.Config, Pages: l.Content.Pages, Errors: l.Content.Errors, Static: l.Theme.Static}, opts)
	if err != nil {
		return inputError(err, stderr)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if *writeBaseline != "" {
		return recordBaseline(*dir, *writeBaseline, res, report, stderr)
	}

	findings := res.Findings
	display := displayPath(*dir)
	for i := range findings {
		findings[i].File = display(findings[i].File)
	}
	for i := range res.Baselined {
		res.Baselined[i].File = display(res.Baselined[i].File)
	}
	levels, _ := lint.LevelsFor(l.Config)
	ro := lint.ReportOptions{Format: *format, Files: res.Files, ToolVersion: kbVersion(), Levels: levels}
	if res.Baseline != nil {
		ro.Baseline, ro.Baselined, ro.Fixed = res.Baseline.Path, res.Baselined, res.Fixed
	}
	if err := lint.Write(stdout, findings, ro); err != nil {
		return err
	}
	if *format == "github" {
		if p := os.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
			if err := appendStepSummary(p, findings, ro); err != nil {
				// The summary is a convenience; the status must not depend on it.
				fmt.Fprintf(stderr, "kb: lint: cannot write the step summary: %v\n", err)
			}
		}
	}

	errs, warns := res.Count(lint.Error), res.Count(lint.Warning)
	switch {
	case errs > 0:
		return silentExit(exitFindings)
	case *maxWarnings >= 0 && warns > *maxWarnings:
		fmt.Fprintf(stderr, "kb: lint: %d warnings, more than --max-warnings %d\n", warns, *maxWarnings)
		return silentExit(exitFindings)
	}
	return nil
}

// parseInterspersed parses flags that may come after arguments
// (kb lint content/x.md --format json) and returns the arguments. After
// "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// pathFilter turns PATH arguments into a filter on site-relative files
// (content/articles/x.md). Paths are relative to the working folder, as a
// shell completes them. Each must exist inside the site folder.
func pathFilter(dir string, paths []string) (func(string) bool, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var files, folders []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, usageError("lint: %s: no such file or folder", p)
		}
		rel, err := filepath.Rel(absDir, abs)
		if err != nil || !filepath.IsLocal(rel) && rel != "." {
			return nil, usageError("lint: %s is outside the site folder %s", p, dir)
		}
		rel = filepath.ToSlash(rel)
		if st.IsDir() {
			if rel == "." {
				return nil, nil // the whole site
			}
			folders = append(folders, strings.TrimSuffix(rel, "/")+"/")
		} else {
			files = append(files, rel)
		}
	}
	return func(f string) bool {
		if slices.Contains(files, f) {
			return true
		}
		for _, d := range folders {
			if strings.HasPrefix(f, d) {
				return true
			}
		}
		return false
	}, nil
}

// displayPath maps a site-relative path to one relative to the working
// folder, the path CI annotations and editors need.
func displayPath(dir string) func(string) string {
	clean := filepath.Clean(dir)
	if clean == "." {
		return func(f string) string { return f }
	}
	base := clean
	if filepath.IsAbs(clean) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, clean); err == nil && filepath.IsLocal(rel) {
				base = rel
			}
		}
	}
	return func(f string) string { return filepath.ToSlash(filepath.Join(base, filepath.FromSlash(f))) }
}

// recordBaseline writes kb lint --write-baseline's file: every finding of
// the check, with the paths of the site; with PATHs, the file's entries of
// other files are kept.
func recordBaseline(dir, path string, res *lint.Result, report func(string) bool, stderr io.Writer) error {
	b := lint.NewBaseline(res.Findings)
	if _, err := os.Stat(path); report != nil && err == nil {
		old, err := lint.ReadBaseline(path)
		if err != nil {
			return inputError(err, stderr)
		}
		b = old.Merge(b, func(f string) bool { return !report(f) })
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return inputError(fmt.Errorf("cannot write the baseline: %w", err), stderr)
	}
	// site.yaml's lint.baseline is relative to the site folder.
	inSite := filepath.ToSlash(path)
	if a, err := filepath.Abs(path); err == nil {
		if d, err := filepath.Abs(dir); err == nil {
			if rel, err := filepath.Rel(d, a); err == nil && filepath.IsLocal(rel) {
				inSite = filepath.ToSlash(rel)
			}
		}
	}
	count := func(n int, noun string) string { return fmt.Sprintf("%d %s", n, plural(n, noun, noun+"s")) }
	fmt.Fprintf(stderr, "kb: lint: recorded %s (%s, %s, %s) in %s; kb lint --baseline %s, or lint.baseline: %s in site.yaml, now reports only new ones\n",
		count(len(res.Findings), "finding"), count(res.Count(lint.Error), "error"), count(res.Count(lint.Warning), "warning"), count(res.Count(lint.Note), "note"), path, path, inSite)
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

// printRules lists the rules, with the levels of the site's site.yaml when
// it has one.
func printRules(dir, format string, stdout io.Writer) error {
	var levels lint.Levels
	if cfg, err := config.Load(dir); err == nil {
		if lv, err := lint.LevelsFor(cfg); err == nil {
			levels = lv
		}
	}
	if format == "json" {
		return lint.WriteRulesJSON(stdout, levels)
	}
	return lint.WriteRules(stdout, levels)
}

// inputError prints a site.yaml or environment problem and exits with status 2.
func inputError(err error, stderr io.Writer) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ce *diag.Diagnostic
		if errors.As(e, &ce) {
			fmt.Fprintln(stderr, ce)
			continue
		}
		fmt.Fprintln(stderr, "kb: "+e.Error())
	}
	return silentExit(exitUsage)
}
