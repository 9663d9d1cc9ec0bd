package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/release"
	"github.com/octoacme/kb/internal/site"
)

func briefCmd() *cobra.Command {
	return messageCmd("brief", "write the support team briefing for a release", `
Write the internal support team briefing for a release, following the
support readiness process's "Internal Support Team Briefing": the subject
with the release name and date; new features with their benefit, support
docs and the questions customers are expected to ask (the FAQ questions
among the feature's docs); bug fixes; known issues with workaround and
expected fix; action items dated from the release date; signed with
site.yaml support.liaison.

A field the briefing needs but the release (or site.yaml) lacks is
reported with its file and line (exit status 1) instead of leaving a
placeholder in the text.`)
}

func announceCmd() *cobra.Command {
	return messageCmd("announce", "write the customer announcement for a release", `
Write the customer-facing release announcement, following the support
readiness process's "Customer-Facing Release Announcement": subject,
greeting, the value of the release (its description), what's new (each
feature's benefit), how to get started (the how-to guides), known issues
with their workarounds, and how to get help (site.yaml support_url and
support.email).

A field the announcement needs but the release (or site.yaml) lacks is
reported with its file and line (exit status 1) instead of leaving a
placeholder in the text.`)
}

var messageFormats = []string{"markdown", "text", "html"}

func messageCmd(name, short, long string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   name + " VERSION",
		Short: short,
		Long:  strings.TrimSpace(long),
		Args:  exactArgs(1, fmt.Sprintf("want one release version, like: kb %s 3.7.0", name)),
	}
	dir := siteFlag(cmd)
	product := productFlag(cmd, "the `product` of the release, when several products share the version")
	format := formatFlag(cmd, "markdown", "output `format`: markdown, text or html (a self-contained email body)", messageFormats...)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		stderr := cmd.ErrOrStderr()
		if err := checkFormat(cmd, *format, messageFormats); err != nil {
			return err
		}
		rel, err := loadRelease(name, *dir, args[0], *product, stderr)
		if err != nil {
			return err
		}
		msg, problems := release.Brief(rel.Site, rel.Page)
		if name == "announce" {
			msg, problems = release.Announce(rel.Site, rel.Page)
		}
		if len(problems) > 0 {
			var files []string
			for _, p := range problems {
				fmt.Fprintln(stderr, p)
				if !slices.Contains(files, p.File) {
					files = append(files, p.File)
				}
			}
			fmt.Fprintf(stderr, "kb: %s: %d missing %s; fix %s and run again\n", name, len(problems),
				plural(len(problems), "field", "fields"), orList(files))
			return silentExit(exitFindings)
		}
		return msg.Write(cmd.OutOrStdout(), *format)
	}
	return cmd
}

// loadRelease loads a site and finds a release by version, printing a
// load failure as kb build does.
func loadRelease(cmd, dir, version, product string, stderr io.Writer) (*site.Release, error) {
	rel, err := site.LoadRelease(dir, kb.Theme, version, product)
	var ue *release.UsageError
	switch {
	case errors.As(err, &ue):
		return nil, usageError("%s", ue.Msg)
	case err != nil:
		return nil, reportBuildError(cmd, err, stderr)
	}
	return rel, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
