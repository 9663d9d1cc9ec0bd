package api

import (
	"net"
	"net/netip"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// How much of the zero-result log one client may write. kb serve may face
// the internet, and one client sending queries with no results as fast as
// it can filled the 16 MB log in under a second, after which nobody's
// queries were logged. A client (an IPv4 address, or an IPv6 /64, which
// one subscriber usually holds whole) may log logBurst queries at once,
// then one every logEvery, and at most 1/logShare of the log's cap in a
// day (UTC): 256 KB, some 2,000 queries, so one client alone would need
// two months to fill the log. A person searching a help center logs a few
// queries a day. Behind a reverse proxy every client has the proxy's
// address, so these limits apply to all of them together.
const (
	logBurst      = 20
	logEvery      = 5 * time.Second
	logShare      = 64
	maxLogClients = 100_000 // clients tracked a day; past that, new ones are not logged that day
)

// Longest query and product written to the log, in bytes as encoded in
// JSON; longer ones are cut and end in "…". A line stays under 400 bytes.
const (
	maxLogQuery   = 200
	maxLogProduct = 64
)

// logLimiter counts what each client logged today.
type logLimiter struct {
	mu      sync.Mutex
	day     string
	clients map[string]*logClient
}

type logClient struct {
	bucket *rate.Limiter
	bytes  int64
}

// allow reports whether client may log a line of n bytes now, given the
// log's cap, and counts it.
func (l *logLimiter) allow(client string, now time.Time, n int, capBytes int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if day := now.UTC().Format(time.DateOnly); day != l.day || l.clients == nil {
		l.day, l.clients = day, map[string]*logClient{}
	}
	c := l.clients[client]
	if c == nil {
		if len(l.clients) >= maxLogClients {
			return false
		}
		c = &logClient{bucket: rate.NewLimiter(rate.Every(logEvery), logBurst)}
		l.clients[client] = c
	}
	if c.bytes+int64(n) > capBytes/logShare || !c.bucket.AllowN(now, 1) {
		return false
	}
	c.bytes += int64(n)
	return true
}

// clientKey names the client of a request by its remote address: the
// IPv4 address, or the /64 prefix of an IPv6 one.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// clip cuts s to at most n bytes as encoded in a JSON string (control
// characters take six, quotes and backslashes two), on a character
// boundary, ending in "…" when cut.
func clip(s string, n int) string {
	width := func(r rune) int {
		switch {
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			return 6
		case r == '"' || r == '\\':
			return 2
		}
		return utf8.RuneLen(r)
	}
	total := 0
	for _, r := range s {
		total += width(r)
	}
	if total <= n {
		return s
	}
	used := 0
	for i, r := range s {
		if used+width(r) > n-len("…") {
			return s[:i] + "…"
		}
		used += width(r)
	}
	return s
}
