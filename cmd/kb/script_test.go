package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/octoacme/kb/internal/site"
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
//
// The scripts run kb with the umask 022 and $PORT a free port, and have
// commands of their own: "holdlock" takes the site lock of the work folder
// in the test process, as another kb build would ("unlock" releases it),
// "perm MODE PATH..." checks the permissions of files, "status N cmd…"
// wants an exit status, "edit FILE OLD NEW" changes a file, and
// "waithttp URL PATTERN" waits for a kb serve to answer.
func TestScripts(t *testing.T) {
	defer setUmask(0o022)()
	var mu sync.Mutex
	locks := map[*testscript.TestScript]*site.SiteLock{}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27
			// PORT is a free port for a kb serve the script starts.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
			return ln.Close()
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"holdlock": func(ts *testscript.TestScript, neg bool, args []string) {
				l, err := site.LockSite(context.Background(), ts.MkAbs("."), "kb build", 5*time.Second)
				ts.Check(err)
				mu.Lock()
				locks[ts] = l
				mu.Unlock()
			},
			"unlock": func(ts *testscript.TestScript, neg bool, args []string) {
				mu.Lock()
				defer mu.Unlock()
				locks[ts].Unlock()
				delete(locks, ts)
			},
			"perm": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: perm MODE PATH...")
				}
				want, err := strconv.ParseUint(args[0], 8, 32)
				ts.Check(err)
				for _, p := range args[1:] {
					st, err := os.Stat(ts.MkAbs(p))
					ts.Check(err)
					if got := uint64(st.Mode().Perm()); (got == want) == neg {
						ts.Fatalf("%s is %#o, want %s%#o", p, got, map[bool]string{true: "not "}[neg], want)
					}
				}
			},
			// edit FILE OLD NEW replaces the first OLD in FILE by NEW, as
			// a writer would in an editor; both take Go escapes (\n).
			"edit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: edit FILE OLD NEW")
				}
				unq := func(s string) string {
					u, err := strconv.Unquote(`"` + s + `"`)
					ts.Check(err)
					return u
				}
				old, repl := unq(args[1]), unq(args[2])
				data := ts.ReadFile(args[0])
				if !strings.Contains(data, old) {
					ts.Fatalf("%s has no %q", args[0], old)
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Replace(data, old, repl, 1)), 0o644))
			},
			// waithttp URL PATTERN waits up to 60s for URL to answer 200
			// with a body that matches PATTERN (a kb serve started with &).
			"waithttp": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: waithttp URL PATTERN")
				}
				re := regexp.MustCompile(args[1])
				deadline := time.Now().Add(60 * time.Second)
				var last string
				for time.Now().Before(deadline) {
					resp, err := http.Get(args[0])
					if err == nil {
						body, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK && re.Match(body) {
							return
						}
						last = fmt.Sprintf("status %d", resp.StatusCode)
					} else {
						last = err.Error()
					}
					time.Sleep(100 * time.Millisecond)
				}
				ts.Fatalf("%s did not answer with %q within 60s (last: %s)", args[0], args[1], last)
			},
			// status N command [args...] runs the command, as exec does,
			// and wants exit status N.
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: status N command [args...]")
				}
				err := ts.Exec(args[1], args[2:]...)
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("%v", err)
				}
				if strconv.Itoa(code) != args[0] {
					ts.Fatalf("%s exited with status %d, want %s", args[1], code, args[0])
				}
			},
		},
	})
}
