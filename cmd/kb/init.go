package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/octoacme/kb/internal/site"
)

func initCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "start a new help center in an empty folder",
		Long: `Start a new help center in DIR (default: the current folder), which must
be new or empty (a .git folder is allowed): a site.yaml that sets the title
and the sections and shows every other key commented out at its default,
an example page of each type (a how-to guide, an FAQ page, a troubleshooting
guide and a release announcement) that pass kb lint and link each other,
and a .gitignore for what kb writes. --empty leaves the examples out.

Then preview it with kb serve, write pages with kb new, and publish with
kb build.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError("init: want at most one folder, like: kb init my-help-center")
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	}
	empty := cmd.Flags().Bool("empty", false, "write site.yaml and content/ only, without the example pages")
	title := cmd.Flags().String("title", "", "the help center's `name` (default: Help Center)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		dir := "."
		if len(args) == 1 {
			dir = args[0]
		}
		files, err := site.Init(site.InitOptions{Dir: dir, Title: *title, Empty: *empty})
		if err != nil {
			return commandError(err)
		}
		out := cmd.OutOrStdout()
		where := "this folder"
		next := "kb serve"
		if filepath.Clean(dir) != "." {
			where = dir
			next = "cd " + dir + " && kb serve"
		}
		fmt.Fprintf(out, "Started a help center in %s:\n", where)
		for _, f := range files {
			fmt.Fprintln(out, "  "+f)
		}
		fmt.Fprintf(out, "Next: %s to preview it, kb new article \"Title\" to write a page, kb build to publish.\n", next)
		return nil
	}
	return cmd
}
