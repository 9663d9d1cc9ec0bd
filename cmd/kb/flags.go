package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
)

// newFlags returns a flag set that prints its usage to stdout on --help and
// turns parse errors into usage errors.
func newFlags(name, synopsis, about string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package calls Usage itself on -h and on errors; kb prints
	// help only for -h, once, from parse.
	fs.Usage = func() {}
	helpers.Store(fs, func() {
		fmt.Fprintf(stdout, "Usage: kb %s\n\n%s\n", synopsis, strings.TrimSpace(about))
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(stdout, "\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	})
	return fs
}

// helpers holds each flag set's help printer (commands may run
// concurrently in tests, so it is a sync.Map).
var helpers sync.Map

// parse parses args; --help prints usage and ends the command with status 0.
func parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	h, _ := helpers.LoadAndDelete(fs)
	if errors.Is(err, flag.ErrHelp) {
		if h != nil {
			h.(func())()
		}
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
