package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testSite() *Snapshot {
	return NewSnapshot(map[string][]byte{
		"index.html":                  []byte("<html><body>home</body></html>"),
		"404.html":                    []byte("<html><body>not found page</body></html>"),
		"articles/x/index.html":       []byte("<html><body>" + strings.Repeat("article x ", 100) + "</body></html>"),
		"css/kb.0123abcd.css":         []byte("body{}"),
		"sitemap.xml":                 []byte("<urlset/>"),
		"images/a.png":                []byte("\x89PNG"),
		"articles/x/secret/../../etc": []byte("never"),
	}, map[string]string{"/old/x/": "/articles/x/"}, nil, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
}

func get(h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://kb.test/", nil)
	req.URL.Path = target
	req.URL.RawPath = ""
	req.RequestURI = target
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServe(t *testing.T) {
	h := &Handler{}
	h.SetSnapshot(testSite())
	for _, tc := range []struct {
		path     string
		status   int
		body     string
		location string
		ctype    string
	}{
		{"/", 200, "home", "", "text/html; charset=utf-8"},
		{"/articles/x/", 200, "article x", "", "text/html; charset=utf-8"},
		{"/articles/x", 301, "", "/articles/x/", ""},
		{"/articles/x/index.html", 200, "article x", "", ""},
		{"/old/x/", 301, "", "/articles/x/", ""},
		{"/old/x", 301, "", "/articles/x/", ""},
		{"/css/kb.0123abcd.css", 200, "body{}", "", "text/css; charset=utf-8"},
		{"/sitemap.xml", 200, "<urlset/>", "", "application/xml; charset=utf-8"},
		{"/nope/", 404, "not found page", "", "text/html; charset=utf-8"},
		{"/articles/", 404, "not found page", "", ""},
		// Traversal in every spelling ends in a 404, never outside the site.
		{"/../etc/passwd", 404, "not found page", "", ""},
		{"/articles/x/secret/../../etc", 404, "not found page", "", ""},
		{"/articles/./x/", 404, "not found page", "", ""},
		{"//etc/passwd", 404, "not found page", "", ""},
		{"/articles\\x", 404, "not found page", "", ""},
		{"/a\x00b", 404, "not found page", "", ""},
	} {
		rec := get(h, "GET", tc.path, nil)
		if rec.Code != tc.status {
			t.Errorf("GET %q: status %d, want %d", tc.path, rec.Code, tc.status)
			continue
		}
		if tc.body != "" && !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("GET %q: body %q, want %q", tc.path, rec.Body.String(), tc.body)
		}
		if tc.location != "" && rec.Header().Get("Location") != tc.location {
			t.Errorf("GET %q: Location %q, want %q", tc.path, rec.Header().Get("Location"), tc.location)
		}
		if tc.ctype != "" && rec.Header().Get("Content-Type") != tc.ctype {
			t.Errorf("GET %q: Content-Type %q, want %q", tc.path, rec.Header().Get("Content-Type"), tc.ctype)
		}
		for _, hd := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if rec.Header().Get(hd) == "" {
				t.Errorf("GET %q: no %s header", tc.path, hd)
			}
		}
	}
}

// TestTraversalOverHTTP sends raw, encoded traversal attempts through a real
// server, so that Go's own URL handling is part of the test.
func TestTraversalOverHTTP(t *testing.T) {
	h := &Handler{}
	h.SetSnapshot(testSite())
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/articles/%2e%2e/%2e%2e/etc", "/%252e%252e/etc",
		"/articles/x/..%5c..%5cetc", "/%c0%ae%c0%ae/etc/passwd"} {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		req.URL.Opaque = p // send the path exactly as written
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: status %d, want 404 or 400", p, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("root:")) || bytes.Contains(body, []byte("never")) {
			t.Errorf("GET %s: leaked a file", p)
		}
	}
}

func TestConditionalAndGzip(t *testing.T) {
	h := &Handler{}
	h.SetSnapshot(testSite())
	first := get(h, "GET", "/articles/x/", nil)
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Last-Modified") != "Sun, 01 Nov 2026 00:00:00 GMT" {
		t.Fatalf("ETag %q Last-Modified %q", etag, first.Header().Get("Last-Modified"))
	}
	if rec := get(h, "GET", "/articles/x/", map[string]string{"If-None-Match": etag}); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match: status %d", rec.Code)
	}
	if rec := get(h, "GET", "/articles/x/", map[string]string{"If-Modified-Since": "Mon, 02 Nov 2026 00:00:00 GMT"}); rec.Code != 304 {
		t.Errorf("If-Modified-Since: status %d", rec.Code)
	}
	if rec := get(h, "GET", "/articles/x/", map[string]string{"If-None-Match": `"other"`}); rec.Code != 200 {
		t.Errorf("stale ETag: status %d", rec.Code)
	}
	rec := get(h, "GET", "/articles/x/", map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("no gzip: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Contains(plain, []byte("article x")) {
		t.Errorf("gzip body = %q", plain)
	}
	if rec := get(h, "GET", "/articles/x/", map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although q=0")
	}
	if rec := get(h, "GET", "/images/a.png", map[string]string{"Accept-Encoding": "gzip"}); rec.Header().Get("Content-Encoding") != "" {
		t.Error("a PNG was gzipped")
	}
	if cc := get(h, "GET", "/css/kb.0123abcd.css", nil).Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("hashed asset Cache-Control %q", cc)
	}
	// A rebuild that does not change a file keeps its Last-Modified.
	next := NewSnapshot(map[string][]byte{"articles/x/index.html": testSite().Files["articles/x/index.html"].Data}, nil, h.Snapshot(), time.Now())
	if !next.Files["articles/x/index.html"].ModTime.Equal(h.Snapshot().Files["articles/x/index.html"].ModTime) {
		t.Error("unchanged file got a new modification time")
	}
}

func TestMethodsAndPanics(t *testing.T) {
	h := &Handler{}
	h.HandleAPI("/api/search", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	h.SetSnapshot(testSite())
	h.Log = nil
	if rec := get(h, "POST", "/", nil); rec.Code != 405 {
		t.Errorf("POST: %d", rec.Code)
	}
	if rec := get(h, "HEAD", "/", nil); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	var logged bytes.Buffer
	h.Log = newTestLogger(&logged)
	rec := get(h, "GET", "/api/search", nil)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("panic: status %d body %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logged.String(), "boom") {
		t.Error("panic not logged")
	}
	if rec := get(h, "GET", "/", nil); rec.Code != 200 {
		t.Error("server did not survive the panic")
	}
}

func TestLiveInjection(t *testing.T) {
	h := &Handler{Live: NewLive()}
	h.SetSnapshot(testSite())
	rec := get(h, "GET", "/", nil)
	if !strings.Contains(rec.Body.String(), `<script src="/_kb/live.js" defer></script></body>`) {
		t.Errorf("live script not injected: %s", rec.Body.String())
	}
	if rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("watch mode Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	if rec := get(h, "GET", "/_kb/live.js", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "EventSource") {
		t.Errorf("live.js: %d", rec.Code)
	}
	h.Live.Publish(Event{Kind: "status"}, Status{Errors: []Problem{{File: "content/a.md", Line: 3, Level: "error", Message: "bad"}}})
	if rec := get(h, "GET", "/_kb/status", nil); !strings.Contains(rec.Body.String(), `"file":"content/a.md"`) {
		t.Errorf("status: %s", rec.Body.String())
	}
	noLive := &Handler{}
	noLive.SetSnapshot(testSite())
	if rec := get(noLive, "GET", "/_kb/status", nil); rec.Code != 404 {
		t.Errorf("/_kb/ served without watch mode: %d", rec.Code)
	}
}

// TestHandleAPIMethods: an API endpoint answers the methods it is
// registered for (a POST endpoint, as POST /api/feedback will be), others
// get 405 with its Allow header; unknown API paths are 404 for GET and
// HEAD, 405 otherwise, as before endpoints could choose their methods.
func TestHandleAPIMethods(t *testing.T) {
	h := &Handler{}
	h.SetSnapshot(testSite())
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.Method)) })
	h.HandleAPI("/api/search", ok)
	h.HandleAPI("/api/feedback", ok, http.MethodPost)
	for _, tc := range []struct {
		method, path string
		code         int
		allow        string
	}{
		{"GET", "/api/search", 200, ""},
		{"HEAD", "/api/search", 200, ""},
		{"POST", "/api/search", 405, "GET, HEAD"},
		{"POST", "/api/feedback", 200, ""},
		{"GET", "/api/feedback", 405, "POST"},
		{"GET", "/api/nope", 404, ""},
		{"POST", "/api/nope", 405, "GET, HEAD"},
		{"POST", "/", 405, "GET, HEAD"},
	} {
		rec := get(h, tc.method, tc.path, nil)
		if rec.Code != tc.code || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, %q", tc.method, tc.path, rec.Code, rec.Header().Get("Allow"), tc.code, tc.allow)
		}
	}
}
