package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// limitedServer serves h on loopback behind a ConnLimit of n.
func limitedServer(t *testing.T, n int, h http.Handler) (*ConnLimit, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim := LimitConns(ln, n)
	srv := &http.Server{Handler: lim.Handler(h), ConnState: lim.ConnState, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(lim)
	t.Cleanup(func() { srv.Close() })
	return lim, ln.Addr().String()
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })

// idleConn makes one request and keeps the connection open, idle; it
// returns whether the server said it would close the connection.
func idleConn(t *testing.T, addr string) (closing bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.Close
}

// fetch GETs / on a new connection and says how long it took.
func fetch(addr string, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "hello" {
		return 0, err
	}
	return time.Since(start), nil
}

// TestConnLimitIdleFlood: connections that sit idle (after a request, or
// never sending one) fill the cap many times over; a new client is still
// served at once, and the cap holds. A plain limit listener would keep
// the new client waiting behind the flood until the server's timeouts cut it.
func TestConnLimitIdleFlood(t *testing.T) {
	const max = 16
	lim, addr := limitedServer(t, max, hello)
	for range max {
		idleConn(t, addr)
	}
	var silent []net.Conn
	for range 5 * max {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
	}
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()
	time.Sleep(2 * NewConnGrace) // the silent ones are now evictable
	for i := range 5 {
		// Served in milliseconds; behind a plain limit it waits for the
		// server's 5 s header timeout to cut a silent connection. 3 s is
		// for a loaded machine under -race.
		d, err := fetch(addr, 4*time.Second)
		if err != nil {
			t.Fatalf("client %d under the flood: %v", i, err)
		}
		if d > 3*time.Second {
			t.Errorf("client %d under the flood waited %v", i, d)
		}
		if n := lim.Open(); n > max {
			t.Errorf("%d connections open, cap %d", n, max)
		}
	}
}

// TestConnLimitBusy: connections busy serving a request are never closed
// to make room; a new client waits for one to finish.
func TestConnLimitBusy(t *testing.T) {
	const max = 4
	release := make(chan struct{})
	var started atomic.Int64
	lim, addr := limitedServer(t, max, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			started.Add(1)
			<-release
		}
		io.WriteString(w, "hello")
	}))
	var wg sync.WaitGroup
	errs := make(chan error, max)
	for range max {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/slow")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for started.Load() < max {
		time.Sleep(10 * time.Millisecond)
	}
	waited := make(chan error, 1)
	go func() { _, err := fetch(addr, 10*time.Second); waited <- err }()
	select {
	case err := <-waited:
		t.Fatalf("a client was served past the cap while every connection was busy (%v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a busy connection was cut: %v", err)
		}
	}
	if err := <-waited; err != nil {
		t.Errorf("the waiting client: %v", err)
	}
	if n := lim.Open(); n > max {
		t.Errorf("%d open, cap %d", n, max)
	}
}

// TestConnLimitCloseWhenBusy: from three quarters of the cap on,
// responses close their connection instead of keeping it alive.
func TestConnLimitCloseWhenBusy(t *testing.T) {
	_, addr := limitedServer(t, 8, hello)
	for i := 1; i <= 7; i++ {
		if closing := idleConn(t, addr); closing != (i >= 6) {
			t.Errorf("connection %d of at most 8: closing %v", i, closing)
		}
		time.Sleep(10 * time.Millisecond) // the server closes a closing one
	}
}

// TestConnCap: --max-conns 0 is the default lowered to fit the open-file
// limit; a negative cap, or one the limit cannot hold, is a *UsageError.
func TestConnCap(t *testing.T) {
	files, known := OpenFileLimit()
	if !known {
		t.Skip("no open-file limit here")
	}
	if n, err := ConnCap(0); err != nil || n != min(DefaultMaxConns, files-min(reservedFiles, files/2)) {
		t.Errorf("default cap %d (%v) with %d files", n, err, files)
	}
	if n, err := ConnCap(100); err != nil || n != 100 {
		t.Errorf("--max-conns 100: %d, %v", n, err)
	}
	for _, v := range []int{-1, 999999999} {
		var ue *UsageError
		if _, err := ConnCap(v); !errors.As(err, &ue) || !strings.Contains(ue.Msg, "--max-conns") {
			t.Errorf("--max-conns %d: %v, want a UsageError naming --max-conns", v, err)
		}
	}
}
