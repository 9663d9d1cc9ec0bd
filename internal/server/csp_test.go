package server

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestScriptHashes(t *testing.T) {
	theme := fstest.MapFS{
		"layouts/baseof.html":     {Data: []byte(`<head><script>document.documentElement.classList.add("js")</script><script src="/js/kb.js"></script>`)},
		"layouts/partials/x.html": {Data: []byte(`<SCRIPT>a()</SCRIPT><script>var t = {{.Title}}</script><script type="application/ld+json">{}</script>`)},
		"layouts/notes.txt":       {Data: []byte(`<script>not a layout</script>`)},
		"content/articles/x.md":   {Data: []byte(`<script>content()</script>`)},
	}
	site := fstest.MapFS{"layouts/home.html": {Data: []byte("<script>a()</script>")}}
	got := ScriptHashes(theme, site, nil)
	want := []string{Hash([]byte("a()")), Hash([]byte(`document.documentElement.classList.add("js")`))}
	if strings.Join(got, " ") != strings.Join(sortedCopy(want), " ") {
		t.Errorf("ScriptHashes = %q, want %q", got, want)
	}
	// echo -n 'a()' | openssl dgst -sha256 -binary | base64
	if h := Hash([]byte("a()")); h != "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='" {
		t.Errorf("Hash = %s", h)
	}
	h := &Handler{}
	h.SetScriptHashes(got)
	h.SetSnapshot(testSite())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' "+strings.Join(got, " ")+";") {
		t.Errorf("CSP %q", csp)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestFrameSrc: frames only from the site and markdown.embeds hosts, and
// no frame-src at all without them (default-src 'self' then applies).
func TestFrameSrc(t *testing.T) {
	csp := func(h *Handler) string {
		h.SetSnapshot(testSite())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		return rec.Header().Get("Content-Security-Policy")
	}
	if got := csp(&Handler{}); strings.Contains(got, "frame-src") || !strings.Contains(got, "default-src 'self';") {
		t.Errorf("without embeds: %q", got)
	}
	got := csp(&Handler{FrameSrc: []string{"https://www.youtube-nocookie.com", "https://player.vimeo.com"}})
	if !strings.Contains(got, "; frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; ") || !strings.Contains(got, "frame-ancestors 'none'") {
		t.Errorf("with embeds: %q", got)
	}
}
