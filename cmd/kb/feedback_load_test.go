package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/feedback/feedbacktest"
)

// The feedback endpoint under load, kill -9, two replicas on one
// PostgreSQL database, and bad input, all through kb serve --no-watch over
// TCP. TestServeUnderLoad (robust_test.go) mixes answers into its load
// with the helpers here. docs/feedback.md has the figures.

// ackedAnswer is an answer kb serve acknowledged (204): its page and the
// comment that is its own.
type ackedAnswer struct {
	Page, Comment string
}

// loadAddrs says whether each test client can have a loopback address of
// its own: Linux routes all of 127.0.0.0/8 to the loopback interface.
// Elsewhere the clients share 127.0.0.1, one customer as far as the
// per-client allowances go, and the load test leaves answers out.
func loadAddrs() bool { return runtime.GOOS == "linux" }

// loadClient is client c of run: one connection at a time from its own
// address, 127.run.x.y, no redirects followed.
func loadClient(run, c int) (*http.Client, *http.Transport) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if loadAddrs() {
		d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, byte(run), byte(c/250), byte(c%250+1))}
	}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, tr
}

// articlePages are the pages of a section (/articles/x/, /faq/y/) among
// a site's paths: the pages answers may be about.
func articlePages(paths []string) []string {
	re := regexp.MustCompile(`^/[a-z0-9-]+/[^/]+/$`)
	var out []string
	for _, p := range paths {
		if re.MatchString(p) {
			out = append(out, p)
		}
	}
	return out
}

// pickUnanswered picks a page the client has not answered about yet, or "".
func pickUnanswered(rng *rand.Rand, pages []string, answered map[string]bool) string {
	if len(answered) >= len(pages) {
		return ""
	}
	for {
		if p := pages[rng.IntN(len(pages))]; !answered[p] {
			return p
		}
	}
}

// postAnswer posts an answer as the widget's script does and returns the status.
func postAnswer(client *http.Client, base string, a ackedAnswer, helpful string) (int, error) {
	body := url.Values{"page": {a.Page}, "helpful": {helpful}, "comment": {a.Comment}}.Encode()
	req, _ := http.NewRequest("POST", base+"api/feedback", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// missingAnswers returns the acknowledged answers the database lacks.
func missingAnswers(t testing.TB, db *feedback.Store, acked []ackedAnswer) []ackedAnswer {
	t.Helper()
	stored := map[ackedAnswer]bool{}
	seen := map[string]bool{}
	for _, a := range acked {
		if seen[a.Page] {
			continue
		}
		seen[a.Page] = true
		comments, err := db.Comments(context.Background(), allTime, a.Page, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comments {
			stored[ackedAnswer{Page: c.Page, Comment: c.Text}] = true
		}
	}
	var missing []ackedAnswer
	for _, a := range acked {
		if !stored[a] {
			missing = append(missing, a)
		}
	}
	return missing
}

// serveProcess starts kb serve --no-watch as a process of its own (this
// test binary, as TestMain makes it) on a free port, and returns it and
// its URL.
func serveProcess(t *testing.T, dir string, args ...string) (*kbProcess, string) {
	t.Helper()
	p := startServeProcess(t, dir, args...)
	return p, p.url(t)
}

// startServeProcess starts kb serve --no-watch without waiting for it.
func startServeProcess(t *testing.T, dir string, args ...string) *kbProcess {
	t.Helper()
	return startKB(t, dir, append([]string{"serve", "--no-watch", "--addr", "127.0.0.1:0", "-s", dir}, args...)...)
}

// url waits for kb serve to print its URL.
func (p *kbProcess) url(t *testing.T) string {
	t.Helper()
	urlRE := regexp.MustCompile(`at (http://\S+:\d+/)`)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(p.stdout.String()); m != nil {
			return m[1]
		}
		if p.exited() {
			t.Fatalf("kb serve ended: %v\n%s", p.err, p.stderr.String())
		}
	}
	t.Fatalf("kb serve did not print its URL within 60 s:\n%s", p.stderr.String())
	return ""
}

// TestServeKillDuringLoad kills kb serve --no-watch with SIGKILL while 32
// clients post answers (each from its own address, each answer with a
// comment of its own) and 8 others search, then opens the database: every
// answer the server acknowledged with 204 is there. The kill comes once
// 150 answers are acknowledged, with requests in flight.
func TestServeKillDuringLoad(t *testing.T) {
	if !loadAddrs() {
		t.Skip("needs a loopback address per client (Linux): the per-client allowances would refuse most answers")
	}
	dir := copySampleSite(t)
	kb, base := serveProcess(t, dir)
	pages := articlePages(sitePages(t, base))
	queries := loadQueries(t)

	var (
		mu       sync.Mutex
		acked    []ackedAnswer
		refused  []string
		cut      atomic.Int64 // requests the kill cut off
		nAcked   atomic.Int64
		killed   = make(chan struct{})
		clients  sync.WaitGroup
		searches sync.WaitGroup
	)
	for c := range 32 {
		client, tr := loadClient(100, c)
		defer tr.CloseIdleConnections()
		clients.Add(1)
		go func() {
			defer clients.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 1))
			answered := map[string]bool{}
			// At most 15 answers a client: within its allowance (a burst of 20).
			for n := 1; n <= 15; n++ {
				a := ackedAnswer{Page: pickUnanswered(rng, pages, answered), Comment: fmt.Sprintf("kill c%dn%d", c, n)}
				if a.Page == "" {
					return
				}
				answered[a.Page] = true
				status, err := postAnswer(client, base, a, []string{"yes", "no"}[n%2])
				switch {
				case err != nil:
					select {
					case <-killed:
						cut.Add(1)
					default:
						mu.Lock()
						refused = append(refused, err.Error())
						mu.Unlock()
					}
					return
				case status == 204:
					mu.Lock()
					acked = append(acked, a)
					mu.Unlock()
					nAcked.Add(1)
				default:
					mu.Lock()
					refused = append(refused, fmt.Sprintf("%s: status %d", a.Page, status))
					mu.Unlock()
				}
			}
		}()
	}
	for c := range 8 {
		client, tr := loadClient(101, c)
		defer tr.CloseIdleConnections()
		searches.Add(1)
		go func() {
			defer searches.Done()
			for i := 0; ; i++ {
				resp, err := client.Get(base + "api/search?" + queries[(c*31+i)%len(queries)])
				if err != nil {
					return // killed
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for deadline := time.Now().Add(60 * time.Second); nAcked.Load() < 150; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d answers acknowledged in 60 s", nAcked.Load())
		}
	}
	close(killed)
	if err := kb.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-kb.done
	clients.Wait()
	searches.Wait()
	if len(refused) > 0 {
		t.Fatalf("%d answers refused before the kill, like: %s", len(refused), refused[0])
	}
	if cut.Load() == 0 {
		t.Error("no request was in flight when kb serve was killed: the kill did not come mid-load")
	}
	db := openDB(t, filepath.Join(dir, ".kb", "kb.db"))
	missing := missingAnswers(t, db, acked)
	t.Logf("killed after %d answers acknowledged (%d by the time every client stopped), %d requests cut; %d missing", 150, len(acked), cut.Load(), len(missing))
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged answers lost by kill -9, like %+v", len(missing), len(acked), missing[0])
	}
}

// TestServeTwoReplicasPostgres runs two kb serve --no-watch processes,
// each on its own copy of the site as replicas behind a load balancer
// are, on one PostgreSQL database, started at the same moment (both apply
// the migrations: one does, the other finds them done). 16 clients on
// each post answers and search at once; every answer either acknowledged
// is in the database, and each replica's searches are recorded.
func TestServeTwoReplicasPostgres(t *testing.T) {
	if !loadAddrs() {
		t.Skip("needs a loopback address per client (Linux)")
	}
	pg, ok := feedbacktest.Postgres(t)
	if !ok {
		t.Skip(feedbacktest.EnvPostgres + " is not set")
	}
	type replica struct {
		p     *kbProcess
		base  string
		acked []ackedAnswer
		errs  []string
	}
	reps := make([]*replica, 2)
	for i := range reps {
		reps[i] = &replica{p: startServeProcess(t, copySampleSite(t), "--db", pg.URL)}
	}
	for _, r := range reps {
		r.base = r.p.url(t)
	}
	pages := articlePages(sitePages(t, reps[0].base))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, r := range reps {
		for c := range 16 {
			client, tr := loadClient(110+i, c)
			defer tr.CloseIdleConnections()
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(i), uint64(c)))
				answered := map[string]bool{}
				for n := 1; n <= 10; n++ {
					a := ackedAnswer{Page: pickUnanswered(rng, pages, answered), Comment: fmt.Sprintf("replica%d c%dn%d", i, c, n)}
					if a.Page == "" {
						return
					}
					answered[a.Page] = true
					status, err := postAnswer(client, r.base, a, []string{"yes", "no"}[n%2])
					mu.Lock()
					switch {
					case err != nil:
						r.errs = append(r.errs, err.Error())
					case status != 204:
						r.errs = append(r.errs, fmt.Sprintf("%s: status %d", a.Page, status))
					default:
						r.acked = append(r.acked, a)
					}
					mu.Unlock()
					// A search that finds nothing, named for its replica.
					resp, err := client.Get(r.base + "api/search?q=" + url.QueryEscape(fmt.Sprintf("zzreplica%d c%dn%d", i, c, n)))
					if err != nil {
						mu.Lock()
						r.errs = append(r.errs, err.Error())
						mu.Unlock()
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
	}
	wg.Wait()
	// Stopped as a deployment stops them: SIGTERM, which writes the
	// searches still queued.
	for _, r := range reps {
		if _, code := r.p.stop(t, syscall.SIGTERM); code != 0 {
			t.Errorf("kb serve exited %d after SIGTERM:\n%s", code, r.p.stderr.String())
		}
	}
	db := openDB(t, pg.URL)
	qs, err := db.Queries(context.Background(), allTime)
	if err != nil {
		t.Fatal(err)
	}
	searched := [2]int{}
	for _, q := range qs {
		if m := regexp.MustCompile(`^zzreplica(\d) `).FindStringSubmatch(q.Query); m != nil {
			searched[m[1][0]-'0'] += q.Searches
		}
	}
	for i, r := range reps {
		if len(r.errs) > 0 {
			t.Errorf("replica %d: %d errors, like: %s", i, len(r.errs), r.errs[0])
		}
		missing := missingAnswers(t, db, r.acked)
		t.Logf("replica %d: %d answers acknowledged, %d missing; %d of 160 searches recorded", i, len(r.acked), len(missing), searched[i])
		if len(r.acked) == 0 || len(missing) > 0 {
			t.Errorf("replica %d: %d answers acknowledged, %d of them not in the database", i, len(r.acked), len(missing))
		}
		if searched[i] != 160 {
			t.Errorf("replica %d: %d of its 160 searches recorded", i, searched[i])
		}
	}
}

// rawExchange sends req on a new connection from the client address ip
// while reading the answer, so that a server that answers before reading
// a huge body is heard, and returns the status.
func rawExchange(t *testing.T, addr string, ip net.IP, req string) (int, error) {
	t.Helper()
	d := &net.Dialer{Timeout: 5 * time.Second}
	if ip != nil {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	go io.WriteString(conn, req) // fails once the server closes; the answer came first
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestServeFeedbackBadInput sends kb serve --no-watch, over TCP, the
// answers, clicks and searches an attacker or a broken client would:
// malformed forms and JSON, bodies of 100 KB and 10 MB (with a length
// and chunked), unknown pages, bad values, other content types, another
// site's page, bad clicks and searches. Each gets its 4xx, and the
// database holds none of it. Then one address floods answers about a
// page: past its allowance it gets 429, and the answer stored is the last
// one acknowledged, not one refused after it.
func TestServeFeedbackBadInput(t *testing.T) {
	dir := copySampleSite(t)
	base := startServe(t, "-s", dir, "--no-watch")
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	pages := articlePages(sitePages(t, base))
	page := pages[0]
	post := func(ctype, body string, extra ...string) string {
		h := "POST /api/feedback HTTP/1.1\r\nHost: " + addr + "\r\nAccept: application/json\r\nConnection: close\r\n"
		if ctype != "" {
			h += "Content-Type: " + ctype + "\r\n"
		}
		for _, e := range extra {
			h += e + "\r\n"
		}
		if !strings.Contains(h, "Transfer-Encoding") {
			h += fmt.Sprintf("Content-Length: %d\r\n", len(body))
		}
		return h + "\r\n" + body
	}
	const form = "application/x-www-form-urlencoded"
	chunked := func(body string) string {
		return fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	}
	huge := "page=" + page + "&helpful=no&comment=" + strings.Repeat("x", 10<<20)
	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"malformed form", post(form, "page="+page+"&helpful=yes&comment=%zz"), 400},
		{"field twice", post(form, "page="+page+"&helpful=yes&helpful=no"), 400},
		{"no fields", post(form, ""), 400},
		{"unknown page", post(form, "page=/articles/no-such-page/&helpful=yes&comment=bad1"), 400},
		{"not a site path", post(form, "page=https://evil.example/&helpful=yes&comment=bad2"), 400},
		{"path with ..", post(form, "page=/articles/../faq/&helpful=yes&comment=bad3"), 400},
		{"bad helpful", post(form, "page="+page+"&helpful=maybe&comment=bad4"), 400},
		{"unknown reason", post(form, "page="+page+"&helpful=no&reason=boring&comment=bad5"), 400},
		{"reason with a yes", post(form, "page="+page+"&helpful=yes&reason=unclear&comment=bad6"), 400},
		{"comment of 1,001 characters", post(form, "page="+page+"&helpful=no&comment="+strings.Repeat("y", 1001)), 400},
		{"comment not UTF-8", post(form, "page="+page+"&helpful=no&comment=%ff%fe"), 400},
		{"control characters", post(form, "page="+page+"&helpful=no&comment=a%00b"), 400},
		{"malformed JSON", post("application/json", `{"page":"`+page+`","helpful":`), 400},
		{"two JSON values", post("application/json", `{"page":"`+page+`","helpful":"yes"}{}`), 400},
		{"JSON of the wrong shape", post("application/json", `{"page":1,"helpful":true}`), 400},
		{"body of 100 KB", post(form, huge[:100<<10]), 413},
		{"body of 10 MB", post(form, huge), 413},
		{"chunked body of 10 MB", post(form, chunked(huge), "Transfer-Encoding: chunked"), 413},
		{"text/plain", post("text/plain", "page="+page+"&helpful=yes&comment=bad7"), 415},
		{"multipart", post("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"page\"\r\n\r\n"+page+"\r\n--x--\r\n"), 415},
		{"bad content type", post("a/b/c;;", "page="+page+"&helpful=yes&comment=bad8"), 415},
		{"another site's page", post(form, "page="+page+"&helpful=yes&comment=bad9", "Origin: https://evil.example", "Sec-Fetch-Site: cross-site"), 403},
		{"another site, older browser", post(form, "page="+page+"&helpful=yes&comment=bad10", "Origin: https://evil.example"), 403},
		{"GET", "GET /api/feedback?page=" + page + "&helpful=yes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405},
		{"PUT", "PUT /api/feedback HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 405},
		{"click for no search", "POST /api/search/click HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + form + "\r\nContent-Length: 32\r\n\r\nsearch=nope&page=/articles/none/", 400},
		{"click of 10 MB", "POST /api/search/click HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + form + "\r\nContent-Length: " + fmt.Sprint(len(huge)) + "\r\n\r\n" + huge, 413},
		{"search too long", "GET /api/search?q=" + strings.Repeat("b", 257) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400},
		{"search with a bad limit", "GET /api/search?q=zzbad&limit=-1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400},
		{"search of an unknown type", "GET /api/search?q=zzbad&type=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400},
	} {
		status, err := rawExchange(t, addr, nil, tc.req)
		if err != nil || status != tc.status {
			t.Errorf("%s: status %d (%v), want %d", tc.name, status, err, tc.status)
		}
	}

	// A flood from one address about one page.
	var flood net.IP
	if loadAddrs() {
		flood = net.IPv4(127, 120, 0, 1)
	}
	lastAcked, ok, limited := "", 0, 0
	for n := range 100 {
		comment := fmt.Sprintf("flood%d", n)
		status, err := rawExchange(t, addr, flood, post(form, "page="+page+"&helpful=yes&comment="+comment))
		switch {
		case err != nil:
			t.Fatalf("flood: %v", err)
		case status == 204:
			lastAcked = comment
			ok++
		case status == 429:
			limited++
		default:
			t.Fatalf("flood: status %d", status)
		}
	}
	t.Logf("100 answers at once from one address: %d taken, %d refused", ok, limited)
	if limited == 0 || ok > 60 {
		t.Errorf("100 answers at once from one address: %d taken, %d refused", ok, limited)
	}

	// Nothing stored but the flood's last acknowledged answer. The writer
	// queues searches without waiting for them: a good one, sent last and
	// waited for, shows that the bad ones before it were not queued.
	db := openDB(t, filepath.Join(dir, ".kb", "kb.db"))
	get(t, base+"api/search?q=zzsentinel")
	var qs []feedback.QueryStats
	waitFor(t, "the sentinel search is recorded", func() string {
		var err error
		if qs, err = db.Queries(context.Background(), allTime); err != nil {
			return err.Error()
		}
		if len(qs) == 0 {
			return "no search recorded"
		}
		return ""
	})
	if len(qs) != 1 || qs[0].Query != "zzsentinel" {
		t.Errorf("searches stored: %+v, want the sentinel alone", qs)
	}
	votes, err := db.Votes(context.Background(), allTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(votes) != 1 || votes[0].Page != page || votes[0].Yes != 1 || votes[0].No != 0 {
		t.Errorf("answers stored: %+v, want the flood's one yes about %s", votes, page)
	}
	comments, err := db.Comments(context.Background(), allTime, page, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1 || comments[0].Text != lastAcked {
		t.Errorf("comments stored: %+v, want the last acknowledged, %q", comments, lastAcked)
	}
	clicks, err := db.Clicks(context.Background(), allTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(clicks) != 0 {
		t.Errorf("clicks stored: %+v", clicks)
	}
}
