package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

func lintCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "check pages against the documentation checklist",
		Long: `Check the site's pages against the documentation checklist: titles,
prerequisites, last-updated dates, related links, broken links and images,
alt text, screenshots, troubleshooting sections, readability, jargon,
single-topic pages, FAQ questions, release docs, known-issue workarounds and
scaffold text left in published pages. Run "kb lint --list-rules" for the
rules and their levels; site.yaml's lint.rules changes levels, and
<!-- kb-lint-disable rule --> comments or front matter lint: {disable: [rule]}
suppress findings.

With PATHs (files or folders), only findings in those files are reported;
links are still resolved against the whole site. Nothing touches the
network. SOURCE_DATE_EPOCH, when set, is "today" for last-updated.

To adopt the checklist on existing docs without fixing every finding
first, record today's findings with --write-baseline FILE, then pass
--baseline FILE (or set lint.baseline in site.yaml, which kb build and
kb serve honour too): only findings the baseline does not hold count.

Exit status: 0 without errors (warnings allowed), 1 with errors or with more
warnings than --max-warnings, 2 for usage, site.yaml or other input
failures. The format never changes the status.`,
	}
	dir := siteFlag(cmd)
	format := formatFlag(cmd, "text", "output `format`: text, json, github (workflow commands; also a table in $GITHUB_STEP_SUMMARY) or sarif", site.LintFormats...)
	maxWarnings := cmd.Flags().Int("max-warnings", -1, "exit with status 1 when there are more than `N` warnings (-1: no limit)")
	listRules := cmd.Flags().Bool("list-rules", false, "list the rules with their levels and checklist items, and exit")
	drafts := cmd.Flags().Bool("drafts", false, "treat drafts as published, as kb build --drafts does")
	future := cmd.Flags().Bool("future", false, "treat pages scheduled for later as published, as kb build --future does")
	baseline := cmd.Flags().String("baseline", "", "report only findings the baseline `FILE` does not hold (default: site.yaml's lint.baseline; \"\" for none)")
	writeBaseline := cmd.Flags().String("write-baseline", "", "record every finding in the baseline `FILE` and exit 0 (with PATHs, only those files' entries change)")
	cmd.RunE = func(cmd *cobra.Command, paths []string) error {
		ctx, stdout, stderr := cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr()
		if err := checkFormat(cmd, *format, site.LintFormats); err != nil {
			return err
		}
		if *listRules {
			return site.WriteLintRules(stdout, *dir, *format)
		}

		defer site.BatchMemory()()
		in, err := site.LoadText(*dir, kb.Theme)
		if err != nil {
			return reportBuildError("lint", err, stderr)
		}
		report, err := pathFilter(*dir, paths)
		if err != nil {
			return err
		}
		n, err := site.Lint(ctx, in, stdout, stderr, site.LintOptions{Dir: *dir, Format: *format, Drafts: *drafts, Future: *future, Report: report,
			Display: displayPath(*dir), Baseline: *baseline, NoBaseline: cmd.Flags().Changed("baseline") && *baseline == "",
			WriteBaseline: *writeBaseline, ToolVersion: kbVersion(), StepSummary: os.Getenv("GITHUB_STEP_SUMMARY")})
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return inputError(err, stderr)
		case *writeBaseline != "":
			return nil
		case n.Errors > 0:
			return silentExit(exitFindings)
		case *maxWarnings >= 0 && n.Warnings > *maxWarnings:
			fmt.Fprintf(stderr, "kb: lint: %d warnings, more than --max-warnings %d\n", n.Warnings, *maxWarnings)
			return silentExit(exitFindings)
		}
		return nil
	}
	return cmd
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

// inputError prints a site.yaml, baseline or environment problem and
// exits with status 2: a problem at a place as it is, any other after kb:.
func inputError(err error, stderr io.Writer) error {
	var ie *site.InputError
	if !errors.As(err, &ie) {
		fmt.Fprintln(stderr, "kb: "+err.Error())
		return silentExit(exitUsage)
	}
	for _, p := range ie.Problems {
		if p.File != "" {
			fmt.Fprintln(stderr, p)
		} else {
			fmt.Fprintln(stderr, "kb: "+p.Message)
		}
	}
	return silentExit(exitUsage)
}
