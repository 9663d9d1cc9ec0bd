package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// version is set by -ldflags "-X main.version=…" in release builds.
var version = ""

func kbVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", "Print kb's version.", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kb %s\n", kbVersion())
	return nil
}
