package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMalformedQueryString: r.URL.Query() drops a parameter it cannot
// decode, so q=%zz searched for nothing and answered 200; a malformed
// query string is a 400.
func TestMalformedQueryString(t *testing.T) {
	h := newTestHandler(t)
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

// FuzzHandler sends arbitrary query strings to the JSON API: 200 with hits
// or 400 with an error, always JSON, never a 500.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"q=reset+password", "q=%zz", "q=a;b", "q=sign+in&prefix=1&facets=0&limit=6", "q=x&type=faq&product=Desktop",
		"limit=0", "q=" + strings.Repeat("a+", 40), "q=%ff", "q=&&&", "q=\"unbalanced", "type=%3Cscript%3E"} {
		f.Add(s)
	}
	h := NewHandler(sampleIndex(f))
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
