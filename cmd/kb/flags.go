package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a flag set that prints its usage to stdout on --help and
// turns parse errors into usage errors.
func newFlags(name, synopsis, about string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: kb %s\n\n%s\n", synopsis, strings.TrimSpace(about))
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(stdout, "\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// parse parses args; --help prints usage and ends the command with status 0.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return usageError("%s: %v (run \"kb %s --help\")", fs.Name(), err, fs.Name())
	}
	return nil
}

// errHelp ends a command after printing its help.
var errHelp = &exitError{code: exitOK}

// siteFlag adds -s/--source.
func siteFlag(fs *flag.FlagSet) *string {
	dir := new(string)
	fs.StringVar(dir, "source", ".", "site `folder` (holding site.yaml and content/)")
	fs.StringVar(dir, "s", ".", "shorthand for --source")
	return dir
}
