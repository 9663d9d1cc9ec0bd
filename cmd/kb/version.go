package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"
)

// Release and container builds may set these with
// -ldflags "-X main.version=v1.2.3 -X main.commit=… -X main.date=…";
// each one set overrides what the Go toolchain recorded in the binary.
// The Dockerfile sets all three, since its build context has no .git.
var (
	version = ""
	commit  = ""
	date    = ""
)

// buildVersion is what kb version prints: the module version and, when the
// binary knows it, the commit it was built from.
type buildVersion struct {
	Version string // v1.2.3, a pseudo-version, or "devel"
	Commit  string // the first 12 hex digits of the commit, or ""
	Date    string // the commit's time, RFC 3339 in UTC, or ""
	Dirty   bool   // built from a checkout with uncommitted changes
}

// String is the line kb version prints, e.g.
// "kb v1.2.3 (commit 0123456789ab, 2026-11-27T10:00:00Z)".
func (v buildVersion) String() string {
	s := "kb " + v.Version
	if v.Commit == "" {
		return s
	}
	c := v.Commit
	if v.Dirty {
		c += "+dirty"
	}
	s += " (commit " + c
	if v.Date != "" {
		s += ", " + v.Date
	}
	return s + ")"
}

// readVersion works out kb's version from the build information the Go
// toolchain puts in every binary:
//   - go install …@v1.2.3 records the module version; a pseudo-version
//     (go install …@main) also names the commit and its time;
//   - go build in a checkout records vcs.revision, vcs.time and
//     vcs.modified (with -buildvcs, the default unless GOFLAGS turns it off)
//     and, since Go 1.24, a version from the tags;
//   - go run and builds without VCS information record "(devel)".
//
// The ldflags variables, when set, win.
func readVersion(bi *debug.BuildInfo, ldVersion, ldCommit, ldDate string) buildVersion {
	var v buildVersion
	if bi != nil {
		v.Version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Dirty = s.Value == "true"
			}
		}
		if v.Commit == "" && module.IsPseudoVersion(v.Version) {
			if rev, err := module.PseudoVersionRev(v.Version); err == nil {
				v.Commit = rev
			}
			if t, err := module.PseudoVersionTime(v.Version); err == nil {
				v.Date = t.UTC().Format(time.RFC3339)
			}
		}
	}
	if ldVersion != "" {
		v.Version = ldVersion
	}
	if ldCommit != "" {
		v.Commit, v.Dirty = strings.TrimSuffix(ldCommit, "+dirty"), strings.HasSuffix(ldCommit, "+dirty")
	}
	if ldDate != "" {
		v.Date = ldDate
	}
	if v.Version == "" || v.Version == "(devel)" {
		v.Version = "devel"
	}
	if len(v.Commit) > 12 {
		v.Commit = v.Commit[:12]
	}
	if t, err := time.Parse(time.RFC3339, v.Date); err == nil {
		v.Date = t.UTC().Format(time.RFC3339)
	}
	return v
}

// currentVersion is the running binary's version.
func currentVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return readVersion(bi, version, commit, date)
}

// kbVersion is the version alone (v1.2.3, a pseudo-version or "devel"),
// as the JSON and SARIF lint reports name it.
func kbVersion() string {
	return currentVersion().Version
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print kb's version",
		Long: `Print kb's version: the module version and, when the binary records
it, the commit it was built from, its time, and "+dirty" for a build
from a checkout with uncommitted changes. kb --version prints the same.`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), currentVersion())
			return nil
		},
	}
}
