package main

import (
	"github.com/spf13/cobra"
)

var readyFormats = []string{"text", "markdown", "json"}

func readyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ready VERSION",
		Short: "check a release against the pre-release checklist",
		Long: `Check a release against the support readiness process's pre-release
checklist and print it, one line per item: ✓ passed, ✗ failed, ! warning,
– manual (no tool can check it).

Blocking items: the release announcement exists and passes kb lint; every
feature links at least one how-to guide; every linked page exists, is
published, passes kb lint and was updated on or after the release date
minus ready.window_days (site.yaml, default 30); every known issue has a
workaround and links a troubleshooting guide; the briefing and the
announcement can be written with no missing field. A feature without an
FAQ entry among its docs is a warning.

Exit status 1 when a blocking item fails, so a release branch's CI can
require it. kb serve shows the same report at /_kb/ready/VERSION.`,
		Args: exactArgs(1, "want one release version, like: kb ready 3.7.0"),
	}
	dir := siteFlag(cmd)
	product := productFlag(cmd, "the `product` of the release, when several products share the version")
	format := formatFlag(cmd, "text", "output `format`: text, markdown or json", readyFormats...)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := checkFormat(cmd, *format, readyFormats); err != nil {
			return err
		}
		rel, err := loadRelease("ready", *dir, args[0], *product, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		rep, err := rel.Ready()
		if err != nil {
			return reportBuildError("ready", err, cmd.ErrOrStderr())
		}
		if err := rep.Write(cmd.OutOrStdout(), *format); err != nil {
			return err
		}
		if !rep.Ready {
			return silentExit(exitFindings)
		}
		return nil
	}
	return cmd
}
