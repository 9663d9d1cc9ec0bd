package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHostsAllowed(t *testing.T) {
	loopback := NewHosts("127.0.0.1")
	named := NewHosts("docs-box.lan", "Preview.Example.com")
	lan := NewHosts("192.168.1.20")
	every := NewHosts("0.0.0.0")
	empty := NewHosts("")
	for _, tc := range []struct {
		h     *Hosts
		host  string
		allow bool
	}{
		{loopback, "localhost", true},
		{loopback, "localhost:1313", true},
		{loopback, "LOCALHOST:1313", true},
		{loopback, "localhost.:1313", true},
		{loopback, "127.0.0.1:1313", true},
		{loopback, "127.0.0.2", true},
		{loopback, "[::1]:1313", true},
		{loopback, "[::1]", true},
		{loopback, "[::ffff:127.0.0.1]:1313", true},
		{loopback, "kb.localhost:1313", true},
		{loopback, "a.b.localhost", true},
		{loopback, "attacker.example", false},
		{loopback, "attacker.example:1313", false},
		{loopback, "localhost.attacker.example", false},
		{loopback, "attacker-localhost", false},
		{loopback, "127.0.0.1.nip.io:1313", false},
		{loopback, "2130706433", false},
		{loopback, "192.168.1.20:1313", false},
		{loopback, "", false},
		{named, "docs-box.lan:1313", true},
		{named, "preview.example.com", true},
		{named, "other.lan", false},
		{lan, "192.168.1.20:1313", true},
		{lan, "192.168.1.21:1313", false},
		{lan, "evil.example", false},
		{every, "192.168.1.21:1313", true},
		{every, "[fe80::1]:1313", true},
		{every, "evil.example", false},
		{empty, "10.0.0.7", true},
		{empty, "evil.example:1313", false},
	} {
		if got := tc.h.Allowed(tc.host); got != tc.allow {
			t.Errorf("%v: Allowed(%q) = %v, want %v", tc.h, tc.host, got, tc.allow)
		}
	}
}

// TestHandlerRefusesOtherHosts: with Hosts set, a request for another
// host (a page on attacker.example that made its name point at the
// preview) gets a 403 on every path, /_kb/ and the API included.
func TestHandlerRefusesOtherHosts(t *testing.T) {
	h := &Handler{Hosts: NewHosts("127.0.0.1"), Live: NewLive()}
	h.HandleAPI("/api/search", http.NotFoundHandler())
	h.SetSnapshot(testSite())
	for _, p := range []string{"/", "/articles/x/", "/_kb/status", "/_kb/live.js", "/_kb/events", "/api/search?q=x", "/nope/"} {
		req := httptest.NewRequest("GET", "http://attacker.example:1313"+p, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "DNS rebinding") || strings.Contains(rec.Body.String(), "home") {
			t.Errorf("%s for attacker.example: %d %q", p, rec.Code, rec.Body)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: a 403 without the security headers", p)
		}
	}
	req := httptest.NewRequest("GET", "http://localhost:1313/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "home") {
		t.Errorf("localhost: %d %q", rec.Code, rec.Body)
	}
	// No Hosts: any host (production behind a proxy sees the public name).
	h.Hosts = nil
	req = httptest.NewRequest("GET", "http://help.example.com/", nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("without Hosts, help.example.com: %d", rec.Code)
	}
}
