package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/octoacme/kb/internal/importer"
)

func importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import KIND SRC DIR",
		Short: "convert a Jekyll, Hugo, MkDocs or Docusaurus site into a kb site",
		Long: `Convert an existing help center into a kb site. KIND is the generator SRC
was made with: jekyll, hugo, mkdocs or docusaurus. SRC is the folder that
holds its configuration (_config.yml, hugo.toml, mkdocs.yml,
docusaurus.config.js); DIR must be new or empty.

kb import maps the front matter (title, description, dates, tags and
categories, drafts, redirects), converts the constructs of each
generator that kb has an equivalent for (callouts, tabs, figures, links
to other pages, code highlighting), rewrites links to kb URLs, copies
images and other files into static/, writes site.yaml, and takes a
page's updated date from SRC's git history when the page has none.

Every construct it cannot convert stays in the page as it was and is
listed in the import report, printed here and written to
DIR/import-report.md, as path:line: construct (what to do). The exit
status is 0 when the import worked, even with constructs left; run
kb lint in DIR next. docs/migrating.md has what each KIND maps.`,
		Args: exactArgs(3, fmt.Sprintf("want a kind, a source folder and a new folder, like: kb import mkdocs ./old-docs ./help (kinds: %s)",
			strings.Join(importer.Kinds, ", "))),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return importer.Kinds, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	}
	noGit := cmd.Flags().Bool("no-git", false, "do not read dates from SRC's git history")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		stdout := cmd.OutOrStdout()
		res, err := importer.Import(cmd.Context(), importer.Options{Kind: pos[0], Src: pos[1], Dir: pos[2], NoGit: *noGit})
		var ue *importer.UsageError
		if errors.As(err, &ue) {
			return usageError("import: %s", ue.Msg)
		}
		var ie *importer.InputError
		if errors.As(err, &ie) {
			d := *ie // named by its path as given, not in the source folder
			d.File = filepath.ToSlash(filepath.Join(pos[1], ie.File))
			return usageError("import: %s", d)
		}
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, res.Report.Text())
		fmt.Fprintf(stdout, "Wrote the kb site to %s and the report to %s.\n", pos[2],
			filepath.Join(pos[2], importer.ReportFile))
		return nil
	}
	return cmd
}
