package feedback

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// flood is the Writer's first guard against one client's flood: a token
// bucket per client address, in memory, checked before a write is queued,
// so that a client sending as fast as it can is turned away without
// costing the database anything and without filling the queue others'
// writes go through. The buckets are looser than the hourly allowances of
// Options, which stay the rule (counted in the database, so shared by
// replicas); they only cut what is plainly not a person. The addresses
// are kept in memory only, for the day (UTC), and at most maxFloodClients
// of them: past that, new clients are turned away until the next day.
type flood struct {
	mu      sync.Mutex
	day     string
	burst   int
	every   time.Duration
	clients map[string]*rate.Limiter
}

const maxFloodClients = 100_000

func newFlood(burst int, every time.Duration) *flood {
	return &flood{burst: burst, every: every}
}

// allow reports whether the client at addr may write now, and counts it.
// A write without an address (a test, a tool) is not limited here.
func (f *flood) allow(addr string, now time.Time) bool {
	if addr == "" {
		return true
	}
	key := clientKey(addr)
	f.mu.Lock()
	defer f.mu.Unlock()
	if day := now.UTC().Format(time.DateOnly); day != f.day || f.clients == nil {
		f.day, f.clients = day, map[string]*rate.Limiter{}
	}
	l := f.clients[key]
	if l == nil {
		if len(f.clients) >= maxFloodClients {
			return false
		}
		l = rate.NewLimiter(rate.Every(f.every), f.burst)
		f.clients[key] = l
	}
	return l.AllowN(now, 1)
}
