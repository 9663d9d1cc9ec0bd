package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMalformedQueryString: r.URL.Query() drops a parameter it cannot
// decode, so q=%zz searched for nothing and answered 200; a malformed
// query string is a 400.
func TestMalformedQueryString(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, raw := range []string{"q=%zz", "q=%", "q=a%2", "q=a;b", "q=password&limit=%", "%zz=1&q=password"} {
		code, body := get(t, h, raw)
		if code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "malformed") {
			t.Errorf("%s: %d %v", raw, code, body)
		}
	}
	if code, _ := get(t, h, "q=reset+password"); code != 200 {
		t.Errorf("a good query: %d", code)
	}
}

// TestZeroResultLogCapped: every query without hits is logged, and kb
// serve may face the internet; the log stops at MaxLogBytes instead of
// filling the disk.
func TestZeroResultLogCapped(t *testing.T) {
	h, logPath := newTestHandler(t)
	os.MkdirAll(filepath.Dir(logPath), 0o755)
	line := `{"time":"2026-11-20T09:30:00Z","query":"` + strings.Repeat("x", 80) + `","filters":{},"hits":0}` + "\n"
	if err := os.WriteFile(logPath, []byte(strings.Repeat(line, MaxLogBytes/len(line))), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if code, _ := get(t, h, "q=zzqx+"+strings.Repeat("y", 200)); code != 200 {
			t.Fatal(code)
		}
	}
	if st, err := os.Stat(logPath); err != nil || st.Size() > MaxLogBytes || st.Size() < MaxLogBytes-300 {
		t.Errorf("log of %d bytes, cap %d (%v)", st.Size(), MaxLogBytes, err)
	}
}

// TestZeroResultLogOnlyInItsOwnFile: search.log naming a file kb did not
// write (a shell profile) must not let queries from the internet append
// to it; an empty or new file is fine.
func TestZeroResultLogOnlyInItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, ".bashrc")
	os.WriteFile(rc, []byte("export PATH=/usr/bin\n"), 0o644)
	h := NewHandler(sampleIndex(t), rc)
	if code, _ := get(t, h, "q=zzqx+qqzzx+$(xqzq)"); code != 200 {
		t.Fatal(code)
	}
	if data, _ := os.ReadFile(rc); string(data) != "export PATH=/usr/bin\n" {
		t.Errorf("a query was written into another file: %q", data)
	}
	h = NewHandler(sampleIndex(t), filepath.Join(dir, "log.jsonl"))
	get(t, h, "q=zzqx+qqzzx")
	get(t, h, "q=qqzzx+zzqx")
	if data, _ := os.ReadFile(filepath.Join(dir, "log.jsonl")); strings.Count(string(data), `{"time":`) != 2 {
		t.Errorf("log: %q", data)
	}
}

// FuzzHandler sends arbitrary query strings to the JSON API: 200 with hits
// or 400 with an error, always JSON, never a 500.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"q=reset+password", "q=%zz", "q=a;b", "q=sign+in&prefix=1&facets=0&limit=6", "q=x&type=faq&product=Desktop",
		"limit=0", "q=" + strings.Repeat("a+", 40), "q=%ff", "q=&&&", "q=\"unbalanced", "type=%3Cscript%3E"} {
		f.Add(s)
	}
	h := NewHandler(sampleIndex(f), "")
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/search", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%q: %d, not JSON: %q", raw, rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case 200:
			if _, ok := body["hits"].([]any); !ok {
				t.Fatalf("%q: 200 without hits: %v", raw, body)
			}
		case 400:
			if msg, _ := body["error"].(string); msg == "" {
				t.Fatalf("%q: 400 without error: %v", raw, body)
			}
		default:
			t.Fatalf("%q: status %d: %v", raw, rec.Code, body)
		}
	})
}
