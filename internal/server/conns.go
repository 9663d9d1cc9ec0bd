package server

import (
	"container/list"
	"net"
	"net/http"
	"sync"
	"time"
)

// NewConnGrace is how long a connection may stay open without sending a
// request before the limiter may close it to make room: a browser sends
// its request as soon as the connection is up, so a connection silent
// for longer is one of a flood (or will be cut by the server's
// ReadHeaderTimeout anyway).
const NewConnGrace = 250 * time.Millisecond

// ConnLimit caps the connections a listener keeps open, without letting
// idle ones lock new clients out. A plain limit (x/net/netutil's
// LimitListener) stops accepting while the cap is reached, so a flood of
// idle keep-alive connections, or of connections that never send a
// request, shuts everyone else out until they time out. ConnLimit instead,
// when the cap is reached and a new connection waits, closes the
// connection idle the longest (between requests: any; never having sent a
// request: once older than NewConnGrace), and only waits when every
// connection is busy serving a request. From three quarters of the cap
// on, responses end their connection (Connection: close) instead of
// keeping it alive, so the cap is rarely reached by browsers' own
// keep-alive connections.
//
// Hook it into the server: Server.ConnState = l.ConnState and
// Server.Handler = l.Handler(h).
type ConnLimit struct {
	net.Listener
	max int

	mu        sync.Mutex
	open      int       // connections accepted and not closed, plus one being accepted
	accepting bool      // whether open counts a place held for Accept
	idle      list.List // *limitedConn between requests, idle the longest first
	fresh     list.List // *limitedConn that have not sent a request yet, oldest first
	freed     chan struct{}
	done      chan struct{}
	once      sync.Once
}

// LimitConns returns ln with at most n connections open at once (at
// least 1).
func LimitConns(ln net.Listener, n int) *ConnLimit {
	return &ConnLimit{Listener: ln, max: max(1, n), freed: make(chan struct{}, 1), done: make(chan struct{})}
}

// Max is the cap.
func (l *ConnLimit) Max() int { return l.max }

// Open counts the connections open now.
func (l *ConnLimit) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.openLocked()
}

func (l *ConnLimit) openLocked() int {
	if l.accepting {
		return l.open - 1
	}
	return l.open
}

// Busy reports whether three quarters of the cap are in use.
func (l *ConnLimit) Busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.openLocked()*4 >= l.max*3
}

type limitedConn struct {
	net.Conn
	l      *ConnLimit
	elem   *list.Element // in l.idle or l.fresh, or nil while serving; guarded by l.mu
	in     *list.List
	since  time.Time
	closed bool
	once   sync.Once
}

// Accept waits for a free place (closing an idle connection to make one
// if the cap is reached) and then for a connection.
func (l *ConnLimit) Accept() (net.Conn, error) {
	for {
		l.mu.Lock()
		if l.open < l.max {
			l.open++
			l.accepting = true
			l.mu.Unlock()
			break
		}
		wait := l.evictLocked(time.Now())
		l.mu.Unlock()
		if wait == 0 {
			continue // one was closed: its place is free
		}
		t := time.NewTimer(wait)
		select {
		case <-l.freed:
		case <-t.C:
		case <-l.done:
			t.Stop()
			return nil, net.ErrClosed
		}
		t.Stop()
	}
	c, err := l.Listener.Accept()
	l.mu.Lock()
	l.accepting = false
	if err != nil {
		l.open--
		l.mu.Unlock()
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l}
	lc.park(&l.fresh, time.Now())
	l.mu.Unlock()
	return lc, nil
}

// evictLocked closes the connection idle the longest and returns 0, or
// returns how long to wait before one may be closed.
func (l *ConnLimit) evictLocked(now time.Time) time.Duration {
	if e := l.idle.Front(); e != nil {
		e.Value.(*limitedConn).closeLocked()
		return 0
	}
	if e := l.fresh.Front(); e != nil {
		c := e.Value.(*limitedConn)
		if age := now.Sub(c.since); age < NewConnGrace {
			return NewConnGrace - age
		}
		c.closeLocked()
		return 0
	}
	return time.Second // all busy: wait for one to finish (freed wakes us sooner)
}

// park puts c at the back of list in (l.mu held).
func (c *limitedConn) park(in *list.List, now time.Time) {
	c.unpark()
	c.in, c.since = in, now
	c.elem = in.PushBack(c)
}

func (c *limitedConn) unpark() {
	if c.elem != nil {
		c.in.Remove(c.elem)
		c.elem, c.in = nil, nil
	}
}

func (l *ConnLimit) signal() {
	select {
	case l.freed <- struct{}{}:
	default:
	}
}

// ConnState follows the server's connections: set it as
// http.Server.ConnState.
func (l *ConnLimit) ConnState(c net.Conn, state http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok || lc.l != l {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch state {
	case http.StateIdle:
		if !lc.closed {
			lc.park(&l.idle, time.Now())
			l.signal()
		}
	case http.StateActive, http.StateHijacked, http.StateClosed:
		lc.unpark()
	}
}

// Close closes the connection and frees its place.
func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	return c.closeLocked()
}

func (c *limitedConn) closeLocked() error {
	err := error(nil)
	c.once.Do(func() {
		c.unpark()
		c.closed = true
		c.l.open--
		err = c.Conn.Close()
		c.l.signal()
	})
	return err
}

// Close stops Accept and closes the listener; open connections stay.
func (l *ConnLimit) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// Handler wraps h so that, from three quarters of the cap on, each
// response closes its connection instead of keeping it alive.
func (l *ConnLimit) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.Busy() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}
