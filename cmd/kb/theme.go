package main

import (
	"fmt"

	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/site"
)

func themeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "theme",
		Short: "list the default theme's files, or copy one into the site to change it",
		Long: `The default theme is built into kb: its templates (layouts/), stylesheet
(static/css/kb.css), scripts (static/js/) and icon (static/favicon.svg).
A site's own file at the same path replaces the default one, file by file.

  kb theme list          lists the theme's files, marking those the site overrides
  kb theme eject PATH    copies one into the site, to change it there`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError("theme: want list or eject, like: kb theme list (run \"kb theme --help\")")
			}
			return unknownCommand(cmd, args[0])
		},
		RunE: func(cmd *cobra.Command, args []string) error { return nil },
	}
	cmd.AddCommand(themeListCmd(), themeEjectCmd())
	return cmd
}

func themeListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the default theme's files",
		Long: `List the default theme's files, one a line; those the site has its own
file for are marked "(overridden)".`,
		Args: exactArgs(0, ""),
	}
	dir := siteFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		files, err := site.ThemeFiles(*dir, kb.Theme)
		if err != nil {
			return err
		}
		for _, f := range files {
			if f.Overridden {
				fmt.Fprintf(cmd.OutOrStdout(), "%s (overridden)\n", f.Path)
			} else {
				fmt.Fprintln(cmd.OutOrStdout(), f.Path)
			}
		}
		return nil
	}
	return cmd
}

func themeEjectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eject PATH",
		Short: "copy a default theme file into the site to change it",
		Long: `Copy a file of the default theme into the site folder, at the path where
it overrides the default: kb theme eject layouts/article.html writes
layouts/article.html. PATH is as kb theme list prints it, or the end of
one (article.html, partials/toc.html). A file the site already has is
never replaced without --force.

The copy no longer follows kb's own theme when kb is updated: eject only
the files you change.`,
		Args: exactArgs(1, "want the theme file to copy, like: kb theme eject layouts/article.html (kb theme list lists them)"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			files, _ := site.ThemeFiles(".", kb.Theme)
			var paths []string
			for _, f := range files {
				paths = append(paths, f.Path)
			}
			return paths, cobra.ShellCompDirectiveNoFileComp
		},
	}
	dir := siteFlag(cmd)
	force := cmd.Flags().Bool("force", false, "replace the site's own file with the default")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		p, err := site.Eject(site.EjectOptions{Dir: *dir, Theme: kb.Theme, Path: args[0], Force: *force})
		if err != nil {
			return commandError(err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s; the site uses it instead of the default.\n", p)
		return nil
	}
	return cmd
}
