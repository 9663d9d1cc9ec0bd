package main

import (
	"fmt"

	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

var pageTypes = []string{"article", "faq", "troubleshooting", "release"}

func newCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new TYPE \"Title\"",
		Short: "write a new page that follows the documentation checklist",
		Long: `Write a new draft page whose front matter and sections already follow the
documentation checklist: title, description, updated (today), draft: true,
prerequisites, a related-links placeholder that kb lint flags until you
fill it in, and the sections the type needs. TYPE is article, faq,
troubleshooting or release.

The page starts as a draft: kb serve shows it, kb build leaves it out.
Replace the scaffold's text with your own, then delete the draft: true
line to publish it; kb lint's placeholder rule finds scaffold text left
in a published page.

The file goes to content/<section>/<slug>.md, the slug made from the title;
an existing file is never overwritten. A site overrides the scaffold of a
type with its own layouts/new/<type>.md (a Go text/template that sees
.Title, .Slug, .Date, .Version and .Product); "kb theme eject
layouts/new/article.md" copies the default one to start from.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("new: want a type and a title, like: kb new article \"Reset your password\"")
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return pageTypes, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
	}
	dir := siteFlag(cmd)
	version := cmd.Flags().String("version", "", "release `version` (required for TYPE release)")
	product := productFlag(cmd, "`product` the page applies to")
	file := cmd.Flags().String("path", "", "write to this `file` under content/ instead (e.g. content/articles/billing/refunds.md)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		rel, err := site.NewPage(site.NewPageOptions{Dir: *dir, Theme: kb.Theme, Type: args[0], Title: args[1],
			Version: *version, Product: *product, Path: *file})
		if err != nil {
			return commandError(err)
		}
		fmt.Fprintln(cmd.OutOrStdout(), rel)
		return nil
	}
	return cmd
}
