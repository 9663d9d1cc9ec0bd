package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"testing"
)

// TestReadVersion checks the line kb version prints for each way a
// binary is built, from the build information each one records.
func TestReadVersion(t *testing.T) {
	vcs := func(rev, at, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: at},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "be8c624f0e1d2c3b4a5968778695a4b3c2d1e0f9"
	tests := []struct {
		name                 string
		bi                   *debug.BuildInfo
		ldVer, ldRev, ldDate string
		want                 string
	}{{
		name: "go install @v1.2.3 (no VCS information)",
		bi:   &debug.BuildInfo{Main: debug.Module{Path: "github.com/octoacme/kb", Version: "v1.2.3"}},
		want: "kb v1.2.3",
	}, {
		name: "go install @main: the commit and time come from the pseudo-version",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261127103000-be8c624f0e1d"}},
		want: "kb v0.0.0-20261127103000-be8c624f0e1d (commit be8c624f0e1d, 2026-11-27T10:30:00Z)",
	}, {
		name: "pseudo-version after a tag",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20261127103000-be8c624f0e1d"}},
		want: "kb v1.2.4-0.20261127103000-be8c624f0e1d (commit be8c624f0e1d, 2026-11-27T10:30:00Z)",
	}, {
		name: "go build in a clean checkout at a tag",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: vcs(rev, "2026-11-27T10:30:00Z", "false")},
		want: "kb v1.2.3 (commit be8c624f0e1d, 2026-11-27T10:30:00Z)",
	}, {
		name: "go build in a checkout with changes",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261127103000-be8c624f0e1d+dirty"}, Settings: vcs(rev, "2026-11-27T10:30:00Z", "true")},
		want: "kb v0.0.0-20261127103000-be8c624f0e1d+dirty (commit be8c624f0e1d+dirty, 2026-11-27T10:30:00Z)",
	}, {
		name: "(devel) with VCS information (older Go, or no tags)",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-27T11:30:00+01:00", "true")},
		want: "kb devel (commit be8c624f0e1d+dirty, 2026-11-27T10:30:00Z)",
	}, {
		name: "go run, or -buildvcs=false",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
		want: "kb devel",
	}, {
		name: "no build information at all",
		want: "kb devel",
	}, {
		name:  "release build: -X main.version, commit from VCS",
		bi:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-27T10:30:00Z", "false")},
		ldVer: "v1.3.0",
		want:  "kb v1.3.0 (commit be8c624f0e1d, 2026-11-27T10:30:00Z)",
	}, {
		name:  "container build: everything from -X",
		bi:    &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
		ldVer: "v1.3.0", ldRev: rev + "+dirty", ldDate: "2026-11-27T10:30:00Z",
		want: "kb v1.3.0 (commit be8c624f0e1d+dirty, 2026-11-27T10:30:00Z)",
	}, {
		name: "a malformed date is shown as it is",
		bi:   &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, ldRev: "abc", ldDate: "yesterday",
		want: "kb v1.2.3 (commit abc, yesterday)",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readVersion(tt.bi, tt.ldVer, tt.ldRev, tt.ldDate).String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestVersionCommand checks that kb version prints one line and rejects
// arguments (the test binary has no VCS information: "kb devel").
func TestVersionCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), currentVersion().String()+"\n"; got != want {
		t.Errorf("kb version printed %q, want %q", got, want)
	}
	if err := run(context.Background(), []string{"version", "extra"}, &out, &errb); exitCode(err, &errb) != exitUsage {
		t.Errorf("kb version extra: %v, want a usage error", err)
	}
}
