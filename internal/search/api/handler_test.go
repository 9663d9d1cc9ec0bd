package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/octoacme/kb/internal/search"
)

func newTestHandler(t *testing.T) *Handler {
	t.Helper()
	return NewHandler(sampleIndex(t))
}

func get(t *testing.T, h http.Handler, rawQuery string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/search?"+rawQuery, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", rawQuery, ct)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: %v in %s", rawQuery, err, rec.Body.String())
	}
	return rec.Code, body
}

func hits(body map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := body["hits"].([]any)
	for _, h := range list {
		out = append(out, h.(map[string]any))
	}
	return out
}

func TestHandlerResults(t *testing.T) {
	h := newTestHandler(t)
	code, body := get(t, h, "q="+url.QueryEscape("cant sign in"))
	if code != 200 {
		t.Fatalf("status %d: %v", code, body)
	}
	hs := hits(body)
	if len(hs) == 0 || hs[0]["url"] != "/troubleshooting/cant-sign-in/" {
		t.Fatalf("first hit %v, want the sign-in troubleshooting guide", hs)
	}
	for _, k := range []string{"title", "url", "type", "product", "snippet", "score"} {
		if _, ok := hs[0][k]; !ok {
			t.Errorf("hit lacks %q: %v", k, hs[0])
		}
	}
	if s := hs[0]["snippet"].(string); !strings.Contains(s, "<mark>") {
		t.Errorf("snippet without <mark>: %q", s)
	}
	if body["query"] != "cant sign in" || body["total"].(float64) < 1 {
		t.Errorf("query/total: %v %v", body["query"], body["total"])
	}
}

func TestHandlerSnippetEscapes(t *testing.T) {
	h := newTestHandler(t)
	_, body := get(t, h, "q=apostrophe+cant")
	for _, hit := range hits(body) {
		s := hit["snippet"].(string)
		if strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s), "<") {
			t.Errorf("unescaped < in snippet %q", s)
		}
	}
}

func TestHandlerFiltersAndFacets(t *testing.T) {
	h := newTestHandler(t)
	_, all := get(t, h, "q=password")
	_, faq := get(t, h, "q=password&type=faq")
	if len(hits(faq)) == 0 {
		t.Fatal("no FAQ hits for password")
	}
	for _, hit := range hits(faq) {
		if hit["type"] != "faq" {
			t.Errorf("type filter let through %v", hit)
		}
	}
	// Filters select without changing scores.
	scores := map[string]float64{}
	for _, hit := range hits(all) {
		scores[hit["id"].(string)] = hit["score"].(float64)
	}
	for _, hit := range hits(faq) {
		if s, ok := scores[hit["id"].(string)]; ok && s != hit["score"].(float64) {
			t.Errorf("%s: score %v with the filter, %v without", hit["id"], hit["score"], s)
		}
	}
	// Type counts ignore the type filter, so the other types stay visible.
	tf := all["facets"].(map[string]any)["type"].(map[string]any)
	ff := faq["facets"].(map[string]any)["type"].(map[string]any)
	if len(tf) < 2 || len(ff) != len(tf) {
		t.Errorf("type facets %v with the filter, %v without", ff, tf)
	}
	var sum float64
	for _, n := range tf {
		sum += n.(float64)
	}
	if sum != all["total"].(float64) {
		t.Errorf("type facet counts add up to %v, total %v", sum, all["total"])
	}
	if faq["total"].(float64) != ff["faq"].(float64) {
		t.Errorf("total %v with type=faq, facet says %v", faq["total"], ff["faq"])
	}
	pf := all["facets"].(map[string]any)["product"].(map[string]any)
	if pf["OctoAcme"] == nil {
		t.Errorf("product facets %v", pf)
	}
	_, none := get(t, h, "q=password&product=Nope")
	if len(hits(none)) != 0 {
		t.Errorf("product filter let through %v", hits(none))
	}
}

func TestHandlerLimit(t *testing.T) {
	h := newTestHandler(t)
	_, body := get(t, h, "q=the+app&limit=2")
	if n := len(hits(body)); n != 2 {
		t.Errorf("limit=2 gave %d hits", n)
	}
	_, body = get(t, h, "q=app")
	if n := len(hits(body)); n != search.DefaultLimit {
		t.Errorf("default limit gave %d hits", n)
	}
}

func TestHandlerBadInput(t *testing.T) {
	h := newTestHandler(t)
	long := strings.Repeat("a", 257)
	many := strings.Repeat("word ", 33)
	for _, tc := range []struct {
		raw  string
		code int
	}{
		{"q=" + long, 400},
		{"q=" + url.QueryEscape(strings.Repeat("é", 257)), 400},
		{"q=" + url.QueryEscape(many), 400},
		{"q=x&limit=0", 400},
		{"q=x&limit=-1", 400},
		{"q=x&limit=51", 400},
		{"q=x&limit=ten", 400},
		{"q=x&type=blog", 400},
		{"q=x&prefix=maybe", 400},
		{"q=%ff%fe", 400},
		{"q=x&product=" + strings.Repeat("p", 101), 400},
		{"", 200},
		{"q=", 200},
		{"q=" + url.QueryEscape("?!… — ***"), 200},
		{"q=" + url.QueryEscape(`"unbalanced quote`), 200},
		{"q=" + url.QueryEscape("the of and"), 200},
		{"q=" + url.QueryEscape("sign\x00in\x1b[31m\r\n"), 200},
		{"q=" + url.QueryEscape("😀🎉 中文 ́"), 200},
		{"q=" + strings.Repeat("a", 256), 200},
	} {
		code, body := get(t, h, tc.raw)
		if code != tc.code {
			t.Errorf("%.60s: status %d, want %d (%v)", tc.raw, code, tc.code, body)
		}
		if code == 400 && body["error"] == "" {
			t.Errorf("%.60s: 400 without an error message", tc.raw)
		}
		if code == 200 && body["hits"] == nil {
			t.Errorf("%.60s: hits is null, want a list", tc.raw)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/search?q=x", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 405 {
		t.Errorf("POST: status %d", rec.Code)
	}
}

func TestHandlerNoIndex(t *testing.T) {
	h := NewHandler(nil)
	code, body := get(t, h, "q=x")
	if code != 503 || !strings.Contains(body["error"].(string), "kb build") {
		t.Errorf("status %d, %v", code, body)
	}
}

// recorder is a Recorder that keeps what it is handed.
type recorder struct {
	mu   sync.Mutex
	got  []Searched
	addr []string
}

func (rc *recorder) Record(r *http.Request, s Searched) string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, s)
	rc.addr = append(rc.addr, r.RemoteAddr)
	return fmt.Sprintf("id%d", len(rc.got))
}

// TestHandlerRecords: every search with words is recorded, with or without
// results, with its filters and total, and answered with the id it was
// recorded under; keystrokes of a query being typed are not.
func TestHandlerRecords(t *testing.T) {
	h := newTestHandler(t)
	rc := &recorder{}
	h.Recorder = rc
	_, body := get(t, h, "q=zqxjv+wobble&type=faq")
	if body["search_id"] != "id1" {
		t.Errorf("search_id %v, want the recorder's id", body["search_id"])
	}
	_, body = get(t, h, "q=password&limit=1") // has hits: recorded too
	if body["search_id"] != "id2" {
		t.Errorf("search_id %v", body["search_id"])
	}
	_, body = get(t, h, "q=zqxjvk&prefix=1") // still typing: not recorded
	if _, ok := body["search_id"]; ok {
		t.Errorf("a prefix search has a search_id: %v", body["search_id"])
	}
	get(t, h, "q=%3F%3F")                  // no words: not recorded
	get(t, h, "q=quokka+ferret&product=X") // recorded
	req := httptest.NewRequest(http.MethodHead, "/api/search?q=password", nil)
	h.ServeHTTP(httptest.NewRecorder(), req) // HEAD: not recorded
	want := []Searched{
		{Query: "zqxjv wobble", Type: "faq"},
		{Query: "password", Results: rc.got[1].Results},
		{Query: "quokka ferret", Product: "X"},
	}
	if d := cmp.Diff(want, rc.got); d != "" {
		t.Errorf("recorded (-want +got):\n%s", d)
	}
	if rc.got[1].Results < 2 {
		t.Errorf("password: %d results recorded, want the total, not the one returned", rc.got[1].Results)
	}
	if rc.addr[0] != "192.0.2.1:1234" {
		t.Errorf("the recorder got the request from %q", rc.addr[0])
	}
	// Without a recorder: no search_id.
	h.Recorder = nil
	if _, body := get(t, h, "q=password"); body["search_id"] != nil {
		t.Errorf("search_id without a recorder: %v", body["search_id"])
	}
}
