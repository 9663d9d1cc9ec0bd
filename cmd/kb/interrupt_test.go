package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// interruptLayouts are article layouts that would render for hours: a
// loop that writes nothing, and a template calling itself 2^60 times.
var interruptLayouts = map[string]string{
	"empty loop": `{{define "main"}}{{range 1000000000}}{{range 1000000000}}{{end}}{{end}}{{end}}`,
	"recursion":  `{{define "main"}}{{template "f" 0}}{{end}}{{define "f"}}{{if lt . 60}}{{template "f" (add . 1)}}{{template "f" (add . 1)}}{{end}}{{end}}`,
}

// interruptLatency is how soon kb must exit after SIGINT or SIGTERM.
const interruptLatency = 2 * time.Second

// kbProcess is kb (this test binary, as TestMain makes it) running.
type kbProcess struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{} // closed when it exited
	err            error
}

// startKB starts kb in dir; the test kills it if it still runs at the end.
func startKB(t *testing.T, dir string, args ...string) *kbProcess {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	p := &kbProcess{cmd: exec.Command("kb", args...), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *kbProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and returns how long kb took to exit, and its status.
func (p *kbProcess) stop(t *testing.T, sig os.Signal) (time.Duration, int) {
	t.Helper()
	sent := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		var ee *exec.ExitError
		if p.err != nil && !errors.As(p.err, &ee) {
			t.Fatal(p.err)
		}
		return time.Since(sent), p.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatalf("kb still running 30 s after %v", sig)
		return 0, 0
	}
}

// TestInterruptBuild sends SIGINT and SIGTERM to kb build processes whose
// layout loops: each exits within interruptLatency with status 130,
// leaving no output and no staging folder. docs/reliability.md has the
// latency measured.
func TestInterruptBuild(t *testing.T) {
	for name, layout := range interruptLayouts {
		for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
			t.Run(name+"/"+sig.String(), func(t *testing.T) {
				dir := writeSite(t, map[string]string{"layouts/article.html": layout,
					"site.yaml": "title: Interrupt\nlimits:\n  template_timeout: 1h\n"})
				kb := startKB(t, dir, "build")
				// Rendering begins once the staging folder is there.
				for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
					if m, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*")); len(m) > 0 {
						break
					}
					if kb.exited() {
						t.Fatalf("kb build ended before rendering: %v\n%s", kb.err, kb.stderr.String())
					}
					if time.Now().After(deadline) {
						t.Fatalf("kb build did not begin rendering: %s", kb.stderr.String())
					}
				}
				time.Sleep(300 * time.Millisecond)
				latency, code := kb.stop(t, sig)
				t.Logf("kb build exited %v after %v", code, latency)
				if latency > interruptLatency || code != 130 || !strings.Contains(kb.stderr.String(), "kb: interrupted") {
					t.Errorf("kb build exited %d after %v (want 130 within %v); stderr:\n%s", code, latency, interruptLatency, kb.stderr.String())
				}
				for _, pattern := range []string{"public", ".public.tmp-*"} {
					if m, _ := filepath.Glob(filepath.Join(dir, pattern)); len(m) > 0 {
						t.Errorf("the interrupted build left %v", m)
					}
				}
			})
		}
	}
}

// TestInterruptServe sends SIGINT to kb serve while its first build
// renders a looping layout: it exits within interruptLatency.
func TestInterruptServe(t *testing.T) {
	dir := writeSite(t, map[string]string{"layouts/article.html": interruptLayouts["empty loop"],
		"site.yaml": "title: Interrupt\nlimits:\n  template_timeout: 1h\n"})
	kb := startKB(t, dir, "serve", "--addr", "127.0.0.1:0")
	time.Sleep(time.Second)
	if kb.exited() {
		t.Fatalf("kb serve ended: %v\n%s", kb.err, kb.stderr.String())
	}
	latency, code := kb.stop(t, os.Interrupt)
	t.Logf("kb serve exited %v after %v", code, latency)
	if latency > interruptLatency || code != 130 {
		t.Errorf("kb serve exited %d after %v (want 130 within %v); stderr:\n%s", code, latency, interruptLatency, kb.stderr.String())
	}
}

// TestSecondSignal: the first signal cancels the command and lets it
// finish; should it not, the second exits at once with status 130.
func TestSecondSignal(t *testing.T) {
	sigs := make(chan os.Signal)
	var cancelled atomic.Bool
	exited := make(chan int, 1)
	var stderr syncBuffer
	go onSignals(sigs, func() { cancelled.Store(true) }, &stderr, func(code int) { exited <- code })
	sigs <- os.Interrupt
	// onSignals has the signal (the channel is unbuffered); it cancels next.
	for deadline := time.Now().Add(10 * time.Second); !cancelled.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first signal did not cancel the command")
		}
	}
	select {
	case code := <-exited:
		t.Fatalf("the first signal exited with %d", code)
	default:
	}
	sigs <- syscall.SIGTERM
	select {
	case code := <-exited:
		if code != 130 {
			t.Errorf("the second signal exited with %d, want 130", code)
		}
	case <-time.After(time.Second):
		t.Fatal("the second signal did not exit")
	}
	if !strings.Contains(stderr.String(), "kb: stopped at once") {
		t.Errorf("stderr %q", stderr.String())
	}
}
