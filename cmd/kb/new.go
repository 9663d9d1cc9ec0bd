package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("new", "new TYPE \"Title\" [flags]", `
Write a new page whose front matter and sections already follow the
documentation checklist: title, description, updated (today), prerequisites,
a related-links placeholder that kb lint flags until you fill it in, and the
sections the type needs. TYPE is article, faq, troubleshooting or release.

The file goes to content/<section>/<slug>.md, the slug made from the title;
an existing file is never overwritten. A site overrides the scaffold of a
type with its own layouts/new/<type>.md (a Go text/template that sees
.Title, .Slug, .Date, .Version and .Product).`, stdout)
	dir := siteFlag(fs)
	version := fs.String("version", "", "release `version` (required for TYPE release)")
	product := fs.String("product", "", "`product` the page applies to")
	file := fs.String("path", "", "write to this `file` under content/ instead (e.g. content/articles/billing/refunds.md)")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("new: want a type and a title, like: kb new article \"Reset your password\"")
	}
	rel, err := site.NewPage(site.NewPageOptions{Dir: *dir, Theme: kb.Theme, Type: fs.Arg(0), Title: fs.Arg(1),
		Version: *version, Product: *product, Path: *file})
	if err != nil {
		return commandError(err)
	}
	fmt.Fprintln(stdout, rel)
	return nil
}

// reorder moves flags after the positional arguments to the front, so that
// `kb new article "Title" --product X` works like `kb new --product X article "Title"`.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && takesValue(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func takesValue(flag string) bool {
	switch strings.TrimLeft(flag, "-") {
	case "h", "help", "drafts", "quiet", "json", "explain", "list-rules", "open", "no-watch":
		return false
	}
	return true
}
