package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as the kb command, main and all,
// inside scripts and for the tests that run kb as a process: it is on
// the PATH of the tests as kb.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"kb": main})
}

// TestScripts runs the CLI scripts in testdata/script: each carries its own
// small site and the commands and output expected from it.
// Run with -update to rewrite the expected output in the scripts.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27
			return nil
		},
	})
}
