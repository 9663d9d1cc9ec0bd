package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

//go:embed live.js
var liveJS []byte

// Event is what the browser hears after a rebuild.
type Event struct {
	// Kind is "reload" (output changed), "css" (only the stylesheet) or
	// "status" (nothing was published: errors, or no output changed; the
	// overlay is refreshed, no page reloaded).
	Kind string `json:"kind"`
	// Pages are the URL paths whose HTML changed: a tab showing one of
	// them reloads.
	Pages []string `json:"pages,omitempty"`
	// Assets are the URL paths of the other files that changed: a tab
	// that loaded one of them (an image, a script) reloads.
	Assets []string `json:"assets,omitempty"`
	// CSS is the new stylesheet URL for a "css" event.
	CSS string `json:"css,omitempty"`
	Seq int64  `json:"seq"`
}

// Problem is an error or lint finding shown in the page overlay.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Level   string `json:"level"` // error, warning, note
	Message string `json:"message"`
	// URL is the page the problem is on, when known.
	URL string `json:"url,omitempty"`
}

// Status is the state the overlay shows: a failed build's errors, lint
// errors that block publishing, and warnings by page.
type Status struct {
	// Errors stop the build: the browser keeps showing the last good site
	// under an overlay that lists them.
	Errors []Problem `json:"errors"`
	// Warnings are lint warnings and notes, shown in a small panel on the page they concern.
	Warnings []Problem `json:"warnings"`
	Seq      int64     `json:"seq"`
}

// Live holds the watch-mode state: the overlay status and the browsers
// listening for rebuilds over Server-Sent Events.
type Live struct {
	mu     sync.Mutex
	status Status
	seq    int64
	subs   map[chan Event]struct{}
	// Extra serves other /_kb/ paths (e.g. /_kb/ready/…) when set.
	Extra  http.Handler
	done   chan struct{}
	closed sync.Once
}

// NewLive returns an empty Live.
func NewLive() *Live { return &Live{subs: map[chan Event]struct{}{}, done: make(chan struct{})} }

// Close ends every event stream, so that the server can shut down at once
// (http.Server.Shutdown waits for them otherwise: they never finish).
// Register it with http.Server.RegisterOnShutdown.
func (l *Live) Close() { l.closed.Do(func() { close(l.done) }) }

// Publish records the status and tells every browser about the change.
func (l *Live) Publish(ev Event, st Status) {
	l.mu.Lock()
	l.seq++
	ev.Seq, st.Seq = l.seq, l.seq
	if st.Errors == nil {
		st.Errors = []Problem{}
	}
	if st.Warnings == nil {
		st.Warnings = []Problem{}
	}
	l.status = st
	for ch := range l.subs {
		select {
		case ch <- ev:
		default: // a slow browser misses an event; it catches up on the next
		}
	}
	l.mu.Unlock()
}

// Subscribers counts the connected browsers.
func (l *Live) Subscribers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.subs)
}

func (l *Live) subscribe() chan Event {
	ch := make(chan Event, 8)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	return ch
}

func (l *Live) unsubscribe(ch chan Event) {
	l.mu.Lock()
	delete(l.subs, ch)
	l.mu.Unlock()
}

// ServeHTTP serves /_kb/events, /_kb/status and /_kb/live.js.
func (l *Live) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_kb/live.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(liveJS)
	case "/_kb/status":
		l.mu.Lock()
		st := l.status
		l.mu.Unlock()
		if st.Errors == nil {
			st.Errors = []Problem{}
		}
		if st.Warnings == nil {
			st.Warnings = []Problem{}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(st)
	case "/_kb/events":
		l.events(w, r)
	default:
		if l.Extra != nil {
			l.Extra.ServeHTTP(w, r)
			return
		}
		http.Error(w, "not found", http.StatusNotFound)
	}
}

func (l *Live) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// An event stream outlives the server's write timeout.
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	ch := l.subscribe()
	defer l.unsubscribe(ch)
	l.mu.Lock()
	seq := l.seq
	l.mu.Unlock()
	fmt.Fprintf(w, "retry: 1000\nevent: hello\ndata: {\"seq\":%d}\n\n", seq)
	if err := rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		case ev := <-ch:
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", b)
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

var liveTag = []byte(`<script src="/_kb/live.js" defer></script>`)

// inject adds the live-reload script to an HTML page.
func (l *Live) inject(page []byte) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(append([]byte(nil), page...), liveTag...)
	}
	out := make([]byte, 0, len(page)+len(liveTag))
	out = append(out, page[:i]...)
	out = append(out, liveTag...)
	return append(out, page[i:]...)
}
