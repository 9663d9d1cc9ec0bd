package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/server"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The tests of kb serve --no-watch, the production mode, under load and
// under attack. docs/reliability.md has their figures.

// copySampleSite copies the sample OctoAcme site's content, static files
// and site.yaml (its layouts are the embedded theme) to a test folder,
// so that the search log kb serve writes stays out of the repository.
func copySampleSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	root := "../.."
	for _, sub := range []string{"content", "static"} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
			return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644)
	return dir
}

// sitePages lists the page paths of a served site from its sitemap, and the
// theme's assets from the home page.
func sitePages(t testing.TB, base string) []string {
	t.Helper()
	body := get(t, base+"sitemap.xml")
	var pages []string
	for _, m := range regexp.MustCompile(`<loc>https?://[^/]+(/[^<]*)</loc>`).FindAllStringSubmatch(body, -1) {
		pages = append(pages, m[1])
	}
	home := get(t, base)
	for _, m := range regexp.MustCompile(`(?:href|src|content)="(/(?:css|js)/[^"]+)"`).FindAllStringSubmatch(home, -1) {
		pages = append(pages, m[1])
	}
	if len(pages) < 20 {
		t.Fatalf("only %d pages found", len(pages))
	}
	return pages
}

func get(t testing.TB, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// loadQueries are the evaluation set's queries, as typed (prefix) and as sent.
func loadQueries(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile("../../internal/search/testdata/eval.json")
	if err != nil {
		t.Fatal(err)
	}
	var eval []struct{ Q string }
	if err := json.Unmarshal(data, &eval); err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, e := range eval {
		v := url_(e.Q)
		qs = append(qs, "q="+v, "q="+v+"&facets=1&limit=20", "q="+url_(e.Q[:max(1, len(e.Q)/2)])+"&prefix=1&facets=0&limit=6")
	}
	return qs
}

func url_(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "%", "%25"), " ", "+") }

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// heapBytes is the Go heap in use by objects, from runtime/metrics.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestServeUnderLoad drives kb serve --no-watch on the sample site with
// 200 concurrent clients, each a customer who opens a page, searches (as
// the search box sends them, as typed and whole) or answers "Was this
// article helpful?" (45%, 45%, 10%) and reads for a moment before the next
// request: 0–1 s, 0.5 s on average, so about 400 requests a second;
// customers arrive over the first second. Each client has its own
// loopback address (127.R.x.y), as customers have theirs, so that the
// per-client allowances apply to each, not to the crowd; it answers about
// a page at most once (a second answer would replace its first) and each
// answer carries a comment of its own. It runs for KB_LOAD_SECONDS
// (default 5; .ci/run runs 30, docs/feedback.md has the figures);
// KB_LOAD_THINK_MS sets the average pause (0: every client as fast as it
// can, to find the server's limit, without the latency check). Zero
// errors, every acknowledged answer (204) in the database afterwards, a
// heap that stays flat, no goroutine left behind, and, with
// KB_LOAD_STRICT=1, p99 under 50 ms for the mix of searches, pages and
// answers after the first second. Latency is only meaningful on a machine doing
// nothing else: go test ./... runs other packages' tests beside this one,
// so .ci/run runs it again alone with KB_LOAD_STRICT=1, and a run over the
// bound is repeated, twice at most, in case something else woke up.
func TestServeUnderLoad(t *testing.T) {
	o := loadOptions{seconds: 5, clients: 200, think: 500}
	if v := os.Getenv("KB_LOAD_SECONDS"); v != "" {
		o.seconds, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("KB_LOAD_THINK_MS"); v != "" {
		o.think, _ = strconv.Atoi(v)
	}
	if raceEnabled {
		o.seconds, o.clients = 2, 50 // the race detector slows everything ~10×: look for races, not speed
	}
	dir := copySampleSite(t)
	base := startServe(t, "-s", dir, "--no-watch")
	pages := sitePages(t, base)
	queries := loadQueries(t)
	if loadAddrs() {
		o.answer = articlePages(pages)
	}
	db := openDB(t, filepath.Join(dir, ".kb", "kb.db"))
	for attempt := 1; ; attempt++ {
		o.run = attempt
		r := loadRun(t, base, pages, queries, o)
		t.Logf("run %d: %s", attempt, r)
		if len(r.errs) > 0 {
			t.Fatalf("%d errors, like: %s", len(r.errs), r.errs[0])
		}
		if o.answer != nil && len(r.acked) == 0 {
			t.Fatal("no answer was acknowledged")
		}
		if missing := missingAnswers(t, db, r.acked); len(missing) > 0 {
			t.Fatalf("%d of %d acknowledged answers are not in the database, like %v", len(missing), len(r.acked), missing[0])
		}
		if r.lateHeap > r.earlyHeap+r.earlyHeap/3+16<<20 {
			t.Errorf("heap grew from %d MB to %d MB under steady load", r.earlyHeap>>20, r.lateHeap>>20)
		}
		if r.goroutinesAfter > r.goroutinesBefore+20 {
			t.Errorf("%d goroutines after the run, %d before: a leak", r.goroutinesAfter, r.goroutinesBefore)
		}
		// The bound is on the mix, as customers meet it: every request's
		// latency together. Each kind's own p99 is in the log line above
		// (answers wait for the disk: docs/feedback.md).
		all := append(append(append([]time.Duration(nil), r.search...), r.pages...), r.answers...)
		p99 := percentile(all, .99)
		t.Logf("run %d: p99 of all %d requests after the first second: %v", attempt, len(all), p99)
		if raceEnabled || o.think == 0 || os.Getenv("KB_LOAD_STRICT") == "" || p99 <= 50*time.Millisecond {
			return
		}
		if attempt == 3 {
			t.Fatalf("p99 %v of the mix of searches, pages and answers, want under 50 ms", p99)
		}
	}
}

type loadOptions struct {
	seconds, clients, think int
	run                     int      // the run's number: the second byte of its clients' addresses
	answer                  []string // the pages clients answer about; none: no answers
}

type loadResult struct {
	o                                 loadOptions
	total, warmups                    int
	search, pages, answers            []time.Duration
	acked                             []ackedAnswer
	errs                              []string
	earlyHeap, lateHeap, maxHeap      uint64
	goroutinesBefore, goroutinesAfter int
}

func (r *loadResult) String() string {
	return fmt.Sprintf("%d clients, %d s, pauses of %d ms on average: %d requests (%.0f/s), %d errors, %d answers acknowledged; after the first second, "+
		"search %d: p50 %v p99 %v max %v; pages %d: p50 %v p99 %v max %v; answers %d: p50 %v p99 %v max %v; "+
		"heap %d MB after warm-up, %d MB at the end, %d MB at most; goroutines %d → %d",
		r.o.clients, r.o.seconds, r.o.think, r.total, float64(r.total)/float64(r.o.seconds), len(r.errs), len(r.acked),
		len(r.search), percentile(r.search, .5), percentile(r.search, .99), percentile(r.search, 1),
		len(r.pages), percentile(r.pages, .5), percentile(r.pages, .99), percentile(r.pages, 1),
		len(r.answers), percentile(r.answers, .5), percentile(r.answers, .99), percentile(r.answers, 1),
		r.earlyHeap>>20, r.lateHeap>>20, r.maxHeap>>20, r.goroutinesBefore, r.goroutinesAfter)
}

// loadRun is one run of TestServeUnderLoad.
func loadRun(t *testing.T, base string, pages, queries []string, o loadOptions) *loadResult {
	type result struct {
		kind    int // 0 page, 1 search, 2 answer
		latency time.Duration
		err     string
		warm    bool         // in the first second: connections and caches are new
		acked   *ackedAnswer // an answer the server acknowledged
	}
	results := make(chan []result, o.clients)
	var heap []uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(250 * time.Millisecond):
				heap = append(heap, heapBytes())
			}
		}
	}()
	res := &loadResult{o: o, goroutinesBefore: runtime.NumGoroutine()}
	warm := time.Now().Add(time.Second)
	deadline := time.Now().Add(time.Duration(o.seconds) * time.Second)
	var wg sync.WaitGroup
	transports := make([]*http.Transport, o.clients)
	for c := range o.clients {
		client, tr := loadClient(o.run, c)
		transports[c] = tr
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), uint64(time.Now().UnixNano())))
			answered := map[string]bool{}
			var out []result
			time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond) // customers do not arrive at once
			for time.Now().Before(deadline) {
				var r result
				switch n := rng.IntN(20); {
				case n < 9:
				case n < 18:
					r.kind = 1
				default:
					r.kind = 2
				}
				var ans ackedAnswer
				if r.kind == 2 {
					ans.Page = pickUnanswered(rng, o.answer, answered)
					if ans.Page == "" {
						r.kind = 0
					}
				}
				u := base + strings.TrimPrefix(pages[rng.IntN(len(pages))], "/")
				var req *http.Request
				switch r.kind {
				case 0:
					req, _ = http.NewRequest("GET", u, nil)
				case 1:
					u = base + "api/search?" + queries[rng.IntN(len(queries))]
					req, _ = http.NewRequest("GET", u, nil)
				case 2:
					answered[ans.Page] = true
					ans.Comment = fmt.Sprintf("load r%dc%dn%d", o.run, c, len(answered))
					helpful := []string{"yes", "no"}[rng.IntN(2)]
					u = base + "api/feedback"
					req, _ = http.NewRequest("POST", u, strings.NewReader(url.Values{"page": {ans.Page}, "helpful": {helpful}, "comment": {ans.Comment}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Accept", "application/json")
				}
				if r.kind != 2 && rng.IntN(2) == 0 {
					req.Header.Set("Accept-Encoding", "gzip") // set by hand: the body stays compressed
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					var body []byte
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					switch {
					case err != nil:
					case r.kind == 2 && resp.StatusCode != 204:
						err = fmt.Errorf("POST %s: status %d: %.200s", u, resp.StatusCode, body)
					case r.kind == 2:
						r.acked = &ans
					case resp.StatusCode != 200:
						err = fmt.Errorf("%s: status %d", u, resp.StatusCode)
					case r.kind == 1 && resp.Header.Get("Content-Encoding") == "" && !json.Valid(body):
						err = fmt.Errorf("%s: not JSON", u)
					}
				}
				r.latency = time.Since(start)
				r.warm = start.Before(warm)
				if err != nil {
					r.err = err.Error()
				}
				out = append(out, r)
				if o.think > 0 {
					time.Sleep(time.Duration(rng.IntN(2*o.think)) * time.Millisecond)
				}
			}
			results <- out
		}()
	}
	wg.Wait()
	close(stop)
	sampler.Wait()
	close(results)
	for rs := range results {
		for _, r := range rs {
			res.total++
			if r.acked != nil {
				res.acked = append(res.acked, *r.acked)
			}
			switch {
			case r.err != "":
				res.errs = append(res.errs, r.err)
			case r.warm:
				res.warmups++
			case r.kind == 1:
				res.search = append(res.search, r.latency)
			case r.kind == 2:
				res.answers = append(res.answers, r.latency)
			default:
				res.pages = append(res.pages, r.latency)
			}
		}
	}
	// Steady memory: the heap of the last quarter of the run against that
	// of the second quarter, after warm-up.
	if n := len(heap); n >= 8 {
		avg := func(s []uint64) uint64 {
			var sum uint64
			for _, v := range s {
				sum += v
			}
			return sum / uint64(len(s))
		}
		res.earlyHeap, res.lateHeap, res.maxHeap = avg(heap[n/4:n/2]), avg(heap[3*n/4:]), slices.Max(heap)
	}
	for _, tr := range transports {
		tr.CloseIdleConnections()
	}
	time.Sleep(200 * time.Millisecond)
	res.goroutinesAfter = runtime.NumGoroutine()
	return res
}

// rawRequest sends bytes on a new connection and returns the response's
// status line, headers and body (or an error).
func rawRequest(t *testing.T, addr, req string) (*http.Response, string, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body), nil
}

// securityHeaders are the headers every response of kb serve carries.
var securityHeaders = map[string]*regexp.Regexp{
	"Content-Security-Policy": regexp.MustCompile(`script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*;.*object-src 'none';.*frame-ancestors 'none'`),
	"X-Content-Type-Options":  regexp.MustCompile(`^nosniff$`),
	"Referrer-Policy":         regexp.MustCompile(`^strict-origin-when-cross-origin$`),
	"X-Frame-Options":         regexp.MustCompile(`^DENY$`),
}

// leak says whether a response shows what must stay on the server.
var leak = regexp.MustCompile(`goroutine \d|panic|\.go:\d|root:x:0|SECRET|/etc/passwd`)

// TestServeAttacks sends kb serve --no-watch what an attacker would: path
// traversal in every spelling, oversized and flooded headers, malformed
// requests and queries, other methods. Each gets a 4xx (or a redirect
// inside the site) without a stack trace, with the security headers on
// every response the handler writes; the server answers normally after.
func TestServeAttacks(t *testing.T) {
	dir := copySampleSite(t)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "SECRET"), []byte("SECRET"), 0o600)
	base := startServe(t, "-s", dir, "--no-watch")
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")

	traversal := []string{
		"/../SECRET", "/../../../../etc/passwd", "/%2e%2e/SECRET", "/%2E%2E/%2E%2E/etc/passwd", "/..%2fSECRET", "/..%2F..%2Fetc%2Fpasswd",
		"/%252e%252e/SECRET", "/..%5cSECRET", "/..\\SECRET", "/%c0%ae%c0%ae/SECRET", "/%c0%af../SECRET", "/.%2e/SECRET", "/%2e./SECRET",
		"//etc/passwd", "/./../SECRET", "/articles/../../SECRET", "/articles/%2e%2e/%2e%2e/SECRET", "/%00../SECRET", "/..%00/SECRET",
		"/articles/reset-your-password/..;/..;/SECRET", "/%u002e%u002e/SECRET", "/..%u2215SECRET", "/css/../../SECRET", "/static/../site.yaml",
		"/site.yaml", "/content/articles/reset-your-password.md", "/.kb/search-log.jsonl", "/layouts/baseof.html",
	}
	for _, p := range traversal {
		resp, body, err := rawRequest(t, addr, "GET "+p+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if err != nil {
			t.Errorf("GET %s: %v", p, err)
			continue
		}
		if resp.StatusCode < 300 || resp.StatusCode >= 500 {
			t.Errorf("GET %s: status %d, want a 3xx or 4xx", p, resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "" && (strings.Contains(loc, "..") || strings.HasPrefix(loc, "//")) {
			t.Errorf("GET %s: redirect to %s", p, loc)
		}
		if leak.MatchString(body) {
			t.Errorf("GET %s: body shows %q", p, leak.FindString(body))
		}
	}

	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"header of 100 KB", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 100<<10) + "\r\n\r\n", 431},
		{"URL of 100 KB", "GET /" + strings.Repeat("a", 100<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
		{"10,000 headers", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-A: b\r\n", 10000) + "\r\n", 431},
		{"query of 100 KB", "GET /api/search?q=" + strings.Repeat("a+", 30000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"query of 257 characters", "GET /api/search?q=" + strings.Repeat("b", 257) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"query of 40 words", "GET /api/search?q=" + strings.Repeat("a+", 40) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"query not UTF-8", "GET /api/search?q=%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"bad percent escape", "GET /api/search?q=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"bad limit", "GET /api/search?q=a&limit=1e9 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"negative limit", "GET /api/search?q=a&limit=-1 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"unknown type", "GET /api/search?q=a&type=%3Cscript%3E HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"bad prefix", "GET /api/search?q=a&prefix=2 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"product of 10 KB", "GET /api/search?q=a&product=" + strings.Repeat("p", 10000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"semicolons", "GET /api/search?q=a;b;c HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"other API", "GET /api/../api/search HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"unknown API", "GET /api/admin HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"live-reload endpoints in production", "GET /_kb/events HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"POST", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405},
		{"POST to the API", "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nq=a", 405},
		{"PUT", "PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405},
		{"DELETE", "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405},
		{"TRACE", "TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", 405},
		{"OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 405},
		{"body of 10 MB on GET", "GET /nope/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + strings.Repeat("a", 1000), 404},
		{"chunked body on GET", "GET /nope/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 404},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"bad request line", "GET\r\n\r\n", 400},
		{"bad version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505},
		{"NUL in path", "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 404},
		{"control characters in header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400},
		{"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n", 400},
		{"absolute URL elsewhere", "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"CONNECT", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n", 405},
	} {
		resp, body, err := rawRequest(t, addr, tc.req)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		if leak.MatchString(body) {
			t.Errorf("%s: body shows %q", tc.name, leak.FindString(body))
		}
		// net/http answers what it refuses before the handler runs (431, a
		// malformed request's 400, 505) itself, in plain text, and closes
		// the connection: no headers of ours, and nothing to protect.
		byNetHTTP := resp.Close && resp.Header.Get("Content-Type") == "text/plain; charset=utf-8" && resp.Header.Get("Content-Security-Policy") == ""
		if (resp.StatusCode == 400 || resp.StatusCode == 431 || resp.StatusCode == 505) && !byNetHTTP && resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: a %d from neither net/http nor kb", tc.name, resp.StatusCode)
		}
		if !byNetHTTP {
			for h, re := range securityHeaders {
				if !re.MatchString(resp.Header.Get(h)) {
					t.Errorf("%s: %s: %q", tc.name, h, resp.Header.Get(h))
				}
			}
		}
	}

	// Every kind of response the handler writes carries the headers.
	for _, c := range []struct {
		method, path string
		hdr          map[string]string
		status       int
	}{
		{"GET", "/", nil, 200}, {"HEAD", "/", nil, 200}, {"GET", "/articles/reset-your-password", nil, 301},
		{"GET", "/nope/", nil, 404}, {"GET", "/api/search?q=password", nil, 200}, {"GET", "/api/search?limit=x", nil, 400},
		{"GET", "/sitemap.xml", nil, 200}, {"GET", "/", map[string]string{"If-Modified-Since": "Mon, 02 Jan 2040 15:04:05 GMT"}, 304},
		{"GET", "/", map[string]string{"Accept-Encoding": "gzip"}, 200}, {"DELETE", "/", nil, 405},
	} {
		req, _ := http.NewRequest(c.method, base+strings.TrimPrefix(c.path, "/"), nil)
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := (&http.Transport{}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		for h, re := range securityHeaders {
			if !re.MatchString(resp.Header.Get(h)) {
				t.Errorf("%s %s: %s: %q", c.method, c.path, h, resp.Header.Get(h))
			}
		}
	}
	if body := get(t, base); !strings.Contains(body, "OctoAcme") {
		t.Errorf("the server does not answer normally after the attacks: %.200s", body)
	}
}

// TestServeSlowClients: a client that sends its headers a byte at a time
// (slow loris) is cut by ReadHeaderTimeout, and idle connections of the
// flood do not stop others from being served.
func TestServeSlowClients(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s header timeout")
	}
	base := startServe(t, "-s", writeFiles(t, map[string]string{"site.yaml": "title: x\n"}), "--no-watch")
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	const loris = 100
	cut := make(chan time.Duration, loris)
	for range loris {
		go func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				cut <- -1
				return
			}
			defer conn.Close()
			start := time.Now()
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n")
			for time.Since(start) < 20*time.Second {
				if _, err := io.WriteString(conn, "X-Slow: a\r\n"); err != nil {
					break
				}
				conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
				var b [512]byte
				if _, err := conn.Read(b[:]); err != nil && !os.IsTimeout(err) {
					break // closed: the server cut us (maybe after a 408)
				}
			}
			cut <- time.Since(start)
		}()
	}
	// Meanwhile, others are served.
	time.Sleep(500 * time.Millisecond)
	for range 20 {
		if body := get(t, base); !strings.Contains(body, "<html") {
			t.Fatalf("not served while slow clients hold connections: %.100s", body)
		}
	}
	var worst time.Duration
	for range loris {
		d := <-cut
		if d < 0 {
			t.Fatal("could not connect")
		}
		worst = max(worst, d)
	}
	t.Logf("%d slow-loris connections cut after at most %v", loris, worst.Round(100*time.Millisecond))
	if worst > 8*time.Second {
		t.Errorf("a slow-loris connection lived %v; ReadHeaderTimeout is 5 s", worst)
	}
}

// TestServePanicRecovered serves a handler that panics through kb serve's
// own HTTP server and Handler: the client gets a plain 500, the panic and
// its stack go to the log, and the server goes on serving.
func TestServePanicRecovered(t *testing.T) {
	var logBuf syncBuffer
	h := &server.Handler{Log: log.New(&logBuf, "", 0)}
	var calls atomic.Int64
	h.HandleAPI("/api/search", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("q") == "boom" {
			var m map[string]int
			m["nil map"]++ // a real runtime panic
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	h.SetSnapshot(server.NewSnapshot(map[string][]byte{"index.html": []byte("<html>home</html>")}, nil, nil, time.Now()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewHTTPServer(h)
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/"
	for i := range 50 {
		q := "fine"
		if i%2 == 0 {
			q = "boom"
		}
		resp, err := http.Get(base + "api/search?q=" + q)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if q == "boom" && (resp.StatusCode != 500 || strings.TrimSpace(string(body)) != "internal server error") ||
			q == "fine" && resp.StatusCode != 200 {
			t.Errorf("q=%s: %d %q", q, resp.StatusCode, body)
		}
		if leak.MatchString(string(body)) {
			t.Errorf("the client sees %q", body)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("a 500 without the security headers")
		}
	}
	if calls.Load() != 50 {
		t.Errorf("%d calls", calls.Load())
	}
	logged := logBuf.String()
	if strings.Count(logged, "kb serve: panic serving /api/search: assignment to entry in nil map") != 25 || !strings.Contains(logged, "goroutine ") {
		t.Errorf("log:\n%.1000s", logged)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeCSPInBrowser opens pages of kb serve --no-watch in Chromium and
// records every Content-Security-Policy violation: the theme must run
// under the policy kb serve sends (its inline script allowed by hash), and
// on the hostile site no script from content may run (no dialog opens).
func TestServeCSPInBrowser(t *testing.T) {
	b := browsertest.New(t, 120*time.Second)
	var dialogs atomic.Int64
	// Any dialog (alert, confirm, prompt) is script from content running.
	if _, err := chromedp.Call(b.Ctx, page.Enable, page.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range chromedp.Events(b.Ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			dialogs.Add(1)
			t.Errorf("a dialog opened: %q", ev.Message)
			chromedp.Call(b.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	// Record violations from the first byte of every page.
	_, err := chromedp.Call(b.Ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));`})
	if err != nil {
		t.Fatal(err)
	}
	visit := func(base string, paths []string) {
		for _, p := range paths {
			err := chromedp.Do(b.Ctx, chromedp.Navigate(base+strings.TrimPrefix(p, "/")), chromedp.Sleep(150*time.Millisecond))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			violations, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`window.__csp`))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			js, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.documentElement.classList.contains("js")`))
			if len(violations) > 0 {
				t.Errorf("%s: CSP violations: %q", p, violations)
			}
			if !js && strings.HasSuffix(p, "/") {
				t.Errorf("%s: the theme's inline script did not run", p)
			}
		}
	}
	sample := startServe(t, "-s", copySampleSite(t), "--no-watch")
	visit(sample, []string{"/", "/articles/reset-your-password/", "/faq/", "/search/?q=password", "/releases/", "/known-issues/", "/nope/"})
	// The search box's suggestions (search.js, the API) under the policy.
	err = chromedp.Do(b.Ctx, chromedp.Navigate(sample+"search/?q=sign+in"), chromedp.Sleep(time.Second))
	n, err2 := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("main a[href*='/articles/'], main a[href*='/faq/'], main a[href*='/troubleshooting/']").length`))
	if err != nil || err2 != nil || n == 0 {
		t.Errorf("no search results under the policy (%v)", err)
	}

	hostile := startServe(t, "-s", copyHostileSite(t), "--no-watch")
	var paths []string
	for _, m := range regexp.MustCompile(`<loc>https?://[^/]+(/[^<]*)</loc>`).FindAllStringSubmatch(get(t, hostile+"sitemap.xml"), -1) {
		paths = append(paths, m[1])
	}
	visit(hostile, paths)
	// The search page shows titles and snippets of hostile pages.
	for _, q := range []string{"alert", "script", "onerror", "javascript", "title"} {
		if err := chromedp.Do(b.Ctx, chromedp.Navigate(hostile+"search/?q="+q), chromedp.Sleep(600*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		n, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("main mark").length`))
		violations, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`window.__csp`))
		if len(violations) > 0 {
			t.Errorf("search %q: CSP violations %q", q, violations)
		}
		if q == "alert" && n == 0 {
			t.Errorf("search %q: no highlighted results shown", q)
		}
	}
	if dialogs.Load() > 0 {
		t.Errorf("%d dialogs: script from content ran", dialogs.Load())
	}
	b.CheckNoExceptions(t)
}

// copyHostileSite copies the site of the hostile corpus (see
// internal/site/hostile_test.go).
func copyHostileSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := "../../internal/site/testdata/hostile/site"
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSearchAPIEscapes: the search API on the hostile site returns
// snippets that are text with <mark> and <code> (the code the page quotes),
// without attributes, and nothing else, whatever markup the pages hold.
func TestSearchAPIEscapes(t *testing.T) {
	base := startServe(t, "-s", copyHostileSite(t), "--no-watch")
	hits := 0
	for _, q := range []string{"alert", "script", "onerror", "javascript", "svg onload", "img", "title", "caf", "payment"} {
		body := get(t, base+"api/search?q="+url_(q))
		var resp struct {
			Hits []struct{ Title, URL, Snippet string }
		}
		if err := json.Unmarshal([]byte(body), &resp); err != nil {
			t.Fatalf("%q: %v: %s", q, err, body)
		}
		for _, h := range resp.Hits {
			hits++
			doc, err := html.ParseFragment(strings.NewReader(h.Snippet), &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P})
			if err != nil {
				t.Fatal(err)
			}
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode && (n.Data != "mark" && n.Data != "code" || len(n.Attr) > 0) {
					t.Errorf("%q: %s: snippet has <%s %v>: %q", q, h.URL, n.Data, n.Attr, h.Snippet)
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			for _, n := range doc {
				walk(n)
			}
			if !strings.HasPrefix(h.URL, "/") || strings.HasPrefix(h.URL, "//") {
				t.Errorf("%q: hit URL %q", q, h.URL)
			}
		}
	}
	if hits < 5 {
		t.Errorf("only %d hits: the hostile pages are not in the index", hits)
	}
}

// TestThemeScriptsAllowed: every inline script of the built default theme
// is one the policy allows by hash.
func TestThemeScriptsAllowed(t *testing.T) {
	hashes := server.ScriptHashes(kb.Theme)
	if len(hashes) == 0 {
		t.Fatal("no inline script found in the theme's layouts")
	}
	base := startServe(t, "-s", copySampleSite(t), "--no-watch")
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, m := range regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllSubmatch(body, -1) {
		if h := server.Hash(m[1]); !strings.Contains(csp, h) {
			t.Errorf("inline script %q (%s) not allowed by %q", m[1], h, csp)
		}
	}
}

// TestThemeScriptsRefusedLink: kb serve allows the inline scripts of the
// site's layouts, read as the build reads them: a layout that is a link
// to a file outside layouts/ is not the site's, and its script is not
// allowed (it was, when the layouts were read through os.DirFS).
func TestThemeScriptsRefusedLink(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"site.yaml":                "title: x\n",
		"notes/evil.html":          "<script>alert('evil')</script>",
		"layouts/partials/ok.html": "<script>alert('ok')</script>",
	})
	if err := os.Symlink("../../notes/evil.html", filepath.Join(dir, "layouts/partials/evil.html")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	base := startServe(t, "-s", dir) // the preview serves, showing the problem
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, server.Hash([]byte("alert('ok')"))) {
		t.Errorf("the site's own layout script is not allowed: %q", csp)
	}
	if strings.Contains(csp, server.Hash([]byte("alert('evil')"))) {
		t.Errorf("the script of a layout that is a refused link is allowed: %q", csp)
	}
}

// TestHostileBuildExitStatus runs kb build on hostile content: the site of
// the hostile corpus builds (exit 0); input that must stop the build exits
// 2 with a message naming the file (and line), and no stack trace.
func TestHostileBuildExitStatus(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	if code, _, stderr := runKB(t, "build", "-s", copyHostileSite(t), "--quiet"); code != 0 {
		t.Errorf("the hostile site: exit %d\n%s", code, stderr)
	}
	laughs := "---\ntitle: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for c := 'b'; c <= 'i'; c++ {
		laughs += string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+string(c-1)+", ", 10), ", ") + "]\n"
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		link  [2]string // target, link path
		want  string
	}{
		{"billion laughs", map[string]string{"content/articles/laughs.md": laughs + "---\n"}, [2]string{}, "content/articles/laughs.md:2: front matter expands to more than 100000 values"},
		{"too big", map[string]string{"site.yaml": "limits: {max_file_bytes: 1000}\n", "content/articles/big.md": strings.Repeat("word ", 1000)}, [2]string{},
			"content/articles/big.md: is 5000 bytes, more than limits.max_file_bytes (1000)"},
		{"link out of static/", nil, [2]string{"/etc/hostname", "static/leak.txt"}, "static/leak.txt: is a symbolic link to /etc/hostname, which kb would not publish from static/ (it is an absolute path"},
		{"link to .env", map[string]string{".env": "SECRET"}, [2]string{"../.env", "static/env.txt"}, "static/env.txt: is a symbolic link to ../.env, which kb would not publish from static/ (it is outside static/, and .env is hidden); copy the file in instead or remove the link\n"},
		{"folder without letters", map[string]string{"content/--/x.md": "---\ntitle: X\n---\n"}, [2]string{}, `content/--/x.md:1: the folder "--" has no letters or digits`},
		{"links never closed", map[string]string{"content/articles/links.md": "---\ntitle: Links\n---\n" + strings.Repeat("[a](<b", 100000)}, [2]string{},
			"content/articles/links.md:4: this paragraph's brackets, links or emphasis would take minutes to parse"},
	} {
		dir := writeFiles(t, map[string]string{"site.yaml": "title: x\n"})
		for name, data := range tc.files {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
			os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
		}
		if tc.link[0] != "" {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(tc.link[1])), 0o755)
			if err := os.Symlink(tc.link[0], filepath.Join(dir, tc.link[1])); err != nil {
				t.Fatal(err)
			}
		}
		code, _, stderr := runKB(t, "build", "-s", dir)
		if code != exitUsage || !strings.HasPrefix(stderr, tc.want) || !strings.Contains(stderr, "kb: build stopped") || leak.MatchString(stderr) {
			t.Errorf("%s: exit %d, stderr:\n%s", tc.name, code, stderr)
		}
	}
}
