package api

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// getFrom sends a search from a client address and fails on anything but 200.
func getFrom(t *testing.T, h *Handler, remote, rawQuery string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/search?"+rawQuery, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%s: status %d: %s", rawQuery, rec.Code, rec.Body)
	}
}

func logLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// TestZeroResultLogPerClientRate: one client sending queries with no
// results as fast as it can logs a burst of them, not the whole log; the
// next client's query is still logged.
func TestZeroResultLogPerClientRate(t *testing.T) {
	h, logPath := newTestHandler(t) // a clock that stands still
	for i := range 1000 {
		getFrom(t, h, "203.0.113.7:40000", "q=zqxjv+"+strings.Repeat("w", i%50+1))
	}
	if n := len(logLines(t, logPath)); n != logBurst {
		t.Errorf("one client logged %d queries in an instant, want the burst of %d", n, logBurst)
	}
	// Another port of the same address, and another address of the same
	// IPv6 /64, are the same client.
	getFrom(t, h, "203.0.113.7:40001", "q=quokka+one")
	for i := range 30 {
		getFrom(t, h, "[2001:db8:1:2::"+string(rune('a'+i%6))+"]:5000", "q=quokka+six")
	}
	getFrom(t, h, "[2001:db8:1:2:ffff::1]:5000", "q=quokka+seven")
	getFrom(t, h, "198.51.100.9:1234", "q=wombat+ferret")
	lines := logLines(t, logPath)
	if got := strings.Count(strings.Join(lines, "\n"), "quokka one"); got != 0 {
		t.Errorf("the first client logged past its burst through another port")
	}
	if got := strings.Count(strings.Join(lines, "\n"), "quokka s"); got != logBurst {
		t.Errorf("the IPv6 /64 logged %d queries, want %d", got, logBurst)
	}
	if !strings.Contains(lines[len(lines)-1], "wombat ferret") {
		t.Errorf("another client's query was not logged: last line %q", lines[len(lines)-1])
	}
	// Tokens come back with time.
	now := h.Now()
	h.Now = func() time.Time { return now.Add(3 * logEvery) }
	getFrom(t, h, "203.0.113.7:40000", "q=zqxjv+wobblex")
	if last := logLines(t, logPath); !strings.Contains(last[len(last)-1], "zqxjv wobblex") {
		t.Errorf("the first client is not logged again after a pause: %q", last[len(last)-1])
	}
}

// TestZeroResultLogShare: a client that keeps under the rate all day
// still writes at most its share of the log's cap, so the log has room
// for everyone else; the share is counted again the next day.
func TestZeroResultLogShare(t *testing.T) {
	h, logPath := newTestHandler(t)
	h.MaxLog = 64 << 10 // a share of 1 KB a day
	start := h.Now()
	now := start
	h.Now = func() time.Time { return now }
	for range 800 { // 86 KB of lines: the whole log, unlimited
		now = now.Add(logEvery) // never over the rate
		getFrom(t, h, "203.0.113.7:40000", "q=zqxjv+wobble+"+strings.Repeat("y", 30))
	}
	st, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if share := h.MaxLog / logShare; st.Size() > share || st.Size() < share-200 {
		t.Errorf("one client wrote %d bytes in a day, its share is %d", st.Size(), share)
	}
	getFrom(t, h, "198.51.100.9:1234", "q=wombat+ferret+"+strings.Repeat("z", 60)) // longer than the others
	lines := logLines(t, logPath)
	if !strings.Contains(lines[len(lines)-1], "wombat ferret") {
		t.Errorf("another client's query was not logged: %q", lines[len(lines)-1])
	}
	now = start.Add(24 * time.Hour)
	getFrom(t, h, "203.0.113.7:40000", "q=zqxjv+tomorrow")
	lines = logLines(t, logPath)
	if !strings.Contains(lines[len(lines)-1], "zqxjv tomorrow") {
		t.Errorf("the client is not logged the next day: %q", lines[len(lines)-1])
	}
}

// TestZeroResultLogLines: the log is not HTML-escaped (a "<" is one byte,
// not six), and long queries and products are cut, so a line stays short
// whatever is searched.
func TestZeroResultLogLines(t *testing.T) {
	h, logPath := newTestHandler(t)
	worst := []string{strings.Repeat("<", 250), strings.Repeat("\x01", 249) + "z", strings.Repeat("\u2028", 249) + "z",
		strings.Repeat("\"", 249) + "z", strings.Repeat("𝔷", 250), "a<b> & \"c\" " + strings.Repeat("é", 200)}
	for i, q := range worst {
		v := url.Values{"q": {"zqxjv " + q}, "product": {strings.Repeat("<", 100)}, "type": {"troubleshooting"}}
		getFrom(t, h, "192.0.2."+string(rune('1'+i))+":1", v.Encode())
	}
	lines := logLines(t, logPath)
	if len(lines) != len(worst) {
		t.Fatalf("%d lines logged, want %d", len(lines), len(worst))
	}
	for i, line := range lines {
		if len(line) >= 400 {
			t.Errorf("line %d is %d bytes: %s", i, len(line), line)
		}
		if strings.Contains(line, `\u003c`) || strings.Contains(line, `\u0026`) {
			t.Errorf("line %d is HTML-escaped: %s", i, line)
		}
		var e logEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil || !utf8.ValidString(e.Query) {
			t.Fatalf("line %d: %v: %s", i, err, line)
		}
		if !strings.HasPrefix(e.Query, "zqxjv ") || !strings.HasSuffix(e.Query, "…") || !strings.HasSuffix(e.Filters["product"], "…") {
			t.Errorf("line %d: query %q, product %q: not cut", i, e.Query, e.Filters["product"])
		}
	}
	if e := lines[len(lines)-1]; !strings.Contains(e, `a<b> & \"c\"`) {
		t.Errorf("the query is not kept as typed: %s", e)
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven …"},
		{"ééééé", 10, "ééééé"},
		{"éééééé", 10, "ééé…"},
		{"\x01\x01\x01", 12, "\x01…"},
		{"", 0, ""},
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
