package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/octoacme/kb/internal/importer"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", "import KIND SRC DIR [flags]", `
Convert an existing help center into a kb site. KIND is the generator SRC
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
kb lint in DIR next. docs/migrating.md has what each KIND maps.`, stdout)
	noGit := fs.Bool("no-git", false, "do not read dates from SRC's git history")
	// Only boolean flags: they may come anywhere among the arguments.
	var flags, pos []string
	for i, a := range args {
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
		} else {
			pos = append(pos, a)
		}
	}
	if err := parse(fs, flags); err != nil {
		return err
	}
	if len(pos) != 3 {
		return usageError("import: want a kind, a source folder and a new folder, like: kb import mkdocs ./old-docs ./help (kinds: %s)",
			strings.Join(importer.Kinds, ", "))
	}
	res, err := importer.Import(ctx, importer.Options{Kind: pos[0], Src: pos[1], Dir: pos[2], NoGit: *noGit})
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
