package main

import (
	"context"
	"io"
)

func runReady(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ready", "ready VERSION [flags]", `
Check a release against the support readiness process's pre-release
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
require it. kb serve shows the same report at /_kb/ready/VERSION.`, stdout)
	dir := siteFlag(fs)
	product := fs.String("product", "", "the `product` of the release, when several products share the version")
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("ready: want one release version, like: kb ready 3.7.0")
	}
	switch *format {
	case "text", "markdown", "json":
	default:
		return usageError("ready: unknown --format %q (want text, markdown or json)", *format)
	}
	rel, err := loadRelease(*dir, fs.Arg(0), *product, stderr)
	if err != nil {
		return err
	}
	rep, err := rel.Ready()
	if err != nil {
		return reportBuildError(err, stderr)
	}
	if err := rep.Write(stdout, *format); err != nil {
		return err
	}
	if !rep.Ready {
		return silentExit(exitFindings)
	}
	return nil
}
