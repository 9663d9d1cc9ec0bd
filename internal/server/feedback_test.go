package server

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/feedback/feedbacktest"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/search/api"
)

// feedbackServer is a Handler with the feedback endpoints on a fresh
// database, for a site of two pages at base_url's path /help/.
func feedbackServer(t *testing.T, dbURL string, origins ...string) (*Handler, *collector, *feedback.Store) {
	t.Helper()
	cfg := config.Default()
	cfg.BaseURL = "https://help.example.com/help/"
	cfg.Feedback.AllowedOrigins = origins
	s := &model.Site{Config: cfg, Pages: []*content.Page{{URL: "/articles/a/"}, {URL: "/faq/b/"}}}
	c := &collector{log: log.New(io.Discard, "", 0), search: nilIndex}
	c.setSite(s)
	store, err := feedback.Open(context.Background(), dbURL, feedback.Options{KnownPage: c.knownPage})
	if err != nil {
		t.Fatal(err)
	}
	c.start(store)
	t.Cleanup(func() {
		c.close(context.Background())
		store.Close()
	})
	h := &Handler{}
	h.HandleAPI(FeedbackPath, http.HandlerFunc(c.ServeFeedback), http.MethodPost, http.MethodOptions)
	h.HandleAPI(ClickPath, http.HandlerFunc(c.ServeClick), http.MethodPost)
	return h, c, store
}

// post sends a request to h from a client address, with headers.
func post(h http.Handler, method, path, ctype, body string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://kb.test"+path, strings.NewReader(body))
	req.RemoteAddr = "203.0.113.7:4000"
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const form = "application/x-www-form-urlencoded"

// rows is what the database holds: page, helpful, reason and comment of
// each answer.
func rows(t *testing.T, store *feedback.Store) []string {
	t.Helper()
	var out []string
	for _, page := range []string{"/articles/a/", "/faq/b/"} {
		comments, err := store.Comments(context.Background(), everything, page, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comments {
			out = append(out, c.Page+" "+string(c.Reason)+" "+c.Text)
		}
	}
	return out
}

func answers(t *testing.T, store *feedback.Store) (yes, no int) {
	t.Helper()
	votes, err := store.Votes(context.Background(), everything)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range votes {
		yes += v.Yes
		no += v.No
	}
	return yes, no
}

var everything = feedback.Period{To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}

// nilIndex is a collector's search index in tests without one.
func nilIndex() *search.Index { return nil }

func apiSearched(q string, results int) api.Searched { return api.Searched{Query: q, Results: results} }

// TestFeedbackEndpoint: what the API answers each kind of post, and that
// only the good ones are stored.
func TestFeedbackEndpoint(t *testing.T) {
	for _, b := range feedbacktest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h, _, store := feedbackServer(t, b.URL, "https://docs.example.com")
			json := map[string]string{"Accept": "application/json"}
			for _, tc := range []struct {
				name, method, ctype, body string
				hdr                       map[string]string
				status                    int
				field                     string
			}{
				{"yes", "POST", form, "page=/articles/a/&helpful=yes", json, 204, ""},
				{"JSON, no with a reason", "POST", "application/json", `{"page":"/faq/b/","helpful":"no","reason":"unclear","comment":"Mail jo@example.com"}`, nil, 204, ""},
				{"unknown page", "POST", form, "page=/articles/gone/&helpful=yes", json, 400, "page"},
				{"not a site path", "POST", form, "page=https://evil.example/&helpful=yes", json, 400, "page"},
				{"bad helpful", "POST", form, "page=/articles/a/&helpful=maybe", json, 400, "helpful"},
				{"unknown reason", "POST", form, "page=/articles/a/&helpful=no&reason=boring", json, 400, "reason"},
				{"comment too long", "POST", form, "page=/articles/a/&helpful=no&comment=" + strings.Repeat("x", 1001), json, 400, "comment"},
				{"field twice", "POST", form, "page=/articles/a/&helpful=yes&helpful=no", json, 400, "helpful"},
				{"malformed form", "POST", form, "page=%zz&helpful=yes", json, 400, ""},
				{"malformed JSON", "POST", "application/json", `{"page":`, nil, 400, ""},
				{"JSON of the wrong shape", "POST", "application/json", `{"page":["/articles/a/"],"helpful":"yes"}`, nil, 400, ""},
				{"huge body", "POST", form, "page=/articles/a/&helpful=yes&comment=" + strings.Repeat("x", 1<<20), json, 413, ""},
				{"text/plain", "POST", "text/plain", "page=/articles/a/&helpful=yes", json, 415, ""},
				{"multipart", "POST", "multipart/form-data; boundary=x", "--x--", json, 415, ""},
				{"GET", "GET", "", "", nil, 405, ""},
				{"another site's page", "POST", form, "page=/articles/a/&helpful=yes", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Accept": "application/json"}, 403, ""},
				{"another site, older browser", "POST", form, "page=/articles/a/&helpful=yes", map[string]string{"Origin": "https://evil.example", "Accept": "application/json"}, 403, ""},
				{"same-site but another origin", "POST", form, "page=/articles/a/&helpful=yes", map[string]string{"Origin": "https://www.kb.test", "Sec-Fetch-Site": "same-site"}, 403, ""},
				{"an allowed origin", "POST", form, "page=/articles/a/&helpful=yes", map[string]string{"Origin": "https://docs.example.com", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 204, ""},
			} {
				rec := post(h, tc.method, FeedbackPath, tc.ctype, tc.body, tc.hdr)
				if rec.Code != tc.status {
					t.Errorf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
					continue
				}
				if rec.Header().Get("Set-Cookie") != "" {
					t.Errorf("%s: sets a cookie", tc.name)
				}
				if tc.status >= 400 && tc.status != 405 {
					var body map[string]string
					if err := jsonDecode(rec.Body, &body); err != nil || body["error"] == "" || body["field"] != tc.field {
						t.Errorf("%s: body %q, want a JSON error naming %q", tc.name, rec.Body, tc.field)
					}
				}
			}
			// The good ones, one client's second answer about a page replacing its first.
			yes, no := answers(t, store)
			if yes != 1 || no != 1 {
				t.Errorf("stored %d yes and %d no, want 1 and 1", yes, no)
			}
			if got := rows(t, store); len(got) != 1 || got[0] != "/faq/b/ unclear Mail [email]" {
				t.Errorf("comments stored: %q", got)
			}
		})
	}
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// TestFeedbackCORS: only the allowed origins get CORS headers and a yes to
// their preflight.
func TestFeedbackCORS(t *testing.T) {
	h, _, _ := feedbackServer(t, feedbacktest.SQLite(t).URL, "https://docs.example.com")
	pre := func(origin string) *httptest.ResponseRecorder {
		return post(h, "OPTIONS", FeedbackPath, "", "", map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
	}
	rec := pre("https://docs.example.com")
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://docs.example.com" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Content-Type") || rec.Header().Get("Vary") != "Origin" {
		t.Errorf("preflight of an allowed origin: %d %v", rec.Code, rec.Header())
	}
	rec = pre("https://evil.example")
	if rec.Code != 403 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight of another origin: %d %v", rec.Code, rec.Header())
	}
	rec = post(h, "POST", FeedbackPath, "application/json", `{"page":"/faq/b/","helpful":"yes"}`,
		map[string]string{"Origin": "https://docs.example.com", "Sec-Fetch-Site": "cross-site"})
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://docs.example.com" || rec.Header().Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("post of an allowed origin: %d %v", rec.Code, rec.Header())
	}
	// Same origin: no CORS headers needed or sent.
	rec = post(h, "POST", FeedbackPath, form, "page=/articles/a/&helpful=yes", map[string]string{"Origin": "http://kb.test", "Sec-Fetch-Site": "same-origin"})
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("same-origin post: %d %v", rec.Code, rec.Header())
	}
}

// TestFeedbackWithoutJavaScript: the form posted by a browser without
// script gets pages, never JSON: thanks, after a No the reason and comment
// (whose post replaces the No), an error in words, and the link back to the
// page under the site's base path.
func TestFeedbackWithoutJavaScript(t *testing.T) {
	h, _, store := feedbackServer(t, feedbacktest.SQLite(t).URL, "https://docs.example.com")
	nav := map[string]string{"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "same-origin", "Accept": "text/html,*/*;q=0.8"}
	rec := post(h, "POST", FeedbackPath, form, "page=/articles/a/&helpful=no", nav)
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(page, "Thanks for your feedback") {
		t.Fatalf("No without script: %d %s", rec.Code, page)
	}
	second := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		second.Set(m[1], m[2])
	}
	var reasons []string
	for _, m := range regexp.MustCompile(`name="reason" value="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		reasons = append(reasons, m[1])
	}
	if second.Get("page") != "/articles/a/" || second.Get("helpful") != "no" || len(reasons) != len(feedback.Reasons) ||
		!strings.Contains(page, `name="comment"`) || !strings.Contains(page, `href="/help/articles/a/"`) {
		t.Fatalf("the page after a No does not ask for the reason and link back:\n%s", page)
	}
	browsertest.ValidateHTML(t, "the answer page", page)
	second.Set("reason", reasons[2])
	second.Set("comment", "Step 4 is gone")
	rec = post(h, "POST", FeedbackPath, form, second.Encode(), nav)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), `name="reason"`) || !strings.Contains(rec.Body.String(), "Thanks") {
		t.Errorf("the reason's post: %d %s", rec.Code, rec.Body)
	}
	if got := rows(t, store); len(got) != 1 || got[0] != "/articles/a/ missing-steps Step 4 is gone" {
		t.Errorf("stored %q: want the No once, with its reason", got)
	}
	// A Yes: thanks, nothing to ask.
	rec = post(h, "POST", FeedbackPath, form, "page=/faq/b/&helpful=yes", map[string]string{"Accept": "text/html"})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "<form") {
		t.Errorf("Yes without script: %d %s", rec.Code, rec.Body)
	}
	// An error in words, with a way back.
	rec = post(h, "POST", FeedbackPath, form, "page=/articles/a/&helpful=no&comment="+strings.Repeat("x", 1001), nav)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "comment: is 1001 characters; at most 1000") || strings.Contains(rec.Body.String(), `{"error"`) {
		t.Errorf("a bad post without script: %d %s", rec.Code, rec.Body)
	}
	browsertest.ValidateHTML(t, "the answer page", rec.Body.String())
	// From a copy of the site hosted elsewhere: back to that site, through
	// the second step too.
	cross := map[string]string{"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "cross-site", "Origin": "https://docs.example.com"}
	rec = post(h, "POST", FeedbackPath, form, "page=/faq/b/&helpful=no", cross)
	if !strings.Contains(rec.Body.String(), `href="https://docs.example.com/help/faq/b/"`) || !strings.Contains(rec.Body.String(), `name="from" value="https://docs.example.com"`) {
		t.Errorf("no-script post from an allowed origin:\n%s", rec.Body)
	}
	rec = post(h, "POST", FeedbackPath, form, "page=/faq/b/&helpful=no&reason=other&from=https://docs.example.com", nav)
	if !strings.Contains(rec.Body.String(), `href="https://docs.example.com/help/faq/b/"`) {
		t.Errorf("second step from an allowed origin:\n%s", rec.Body)
	}
	rec = post(h, "POST", FeedbackPath, form, "page=/faq/b/&helpful=no&reason=other&from=https://evil.example", nav)
	if strings.Contains(rec.Body.String(), "evil.example") {
		t.Errorf("a from that is not an allowed origin is linked:\n%s", rec.Body)
	}
}

// TestFeedbackFlood: one client posting as fast as it can gets 429 once
// past its allowance; what was refused is not stored.
func TestFeedbackFlood(t *testing.T) {
	h, _, store := feedbackServer(t, feedbacktest.SQLite(t).URL)
	ok, limited := 0, 0
	for i := range 100 {
		page := []string{"/articles/a/", "/faq/b/"}[i%2]
		rec := post(h, "POST", FeedbackPath, form, "page="+page+"&helpful=yes", map[string]string{"Accept": "application/json"})
		switch rec.Code {
		case 204:
			ok++
		case 429:
			limited++
			if rec.Header().Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	if limited == 0 || ok > 30 {
		t.Errorf("100 answers at once from one client: %d taken, %d refused", ok, limited)
	}
	// One client, two pages, one day: two answers kept (each replaces its
	// page's earlier one); none of the refused.
	if yes, _ := answers(t, store); yes != 2 {
		t.Errorf("%d answers stored", yes)
	}
}

// TestSearchClick: the beacon of a chosen result is stored with its search;
// bad ones are refused, and another site cannot send them.
func TestSearchClick(t *testing.T) {
	for _, b := range feedbacktest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			h, c, store := feedbackServer(t, b.URL)
			req := httptest.NewRequest("GET", "/api/search?q=reset", nil)
			req.RemoteAddr = "203.0.113.9:1"
			id := c.Record(req, apiSearched("reset password", 3))
			if id == "" {
				t.Fatal("the search was not recorded")
			}
			for _, tc := range []struct {
				body   string
				hdr    map[string]string
				status int
			}{
				{"search=" + id + "&page=/articles/a/", nil, 204},
				{"search=" + id + "&page=/articles/gone/", nil, 400},
				{"search=nope&page=/articles/a/", nil, 400},
				{"page=/articles/a/", nil, 400},
				{"search=" + id + "&page=/faq/b/", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
				{"search=" + id + "&page=/faq/b/&x=" + strings.Repeat("y", 8<<10), nil, 413},
			} {
				if rec := post(h, "POST", ClickPath, form, tc.body, tc.hdr); rec.Code != tc.status {
					t.Errorf("%.60s: status %d, want %d: %s", tc.body, rec.Code, tc.status, rec.Body)
				}
			}
			c.close(context.Background())
			qs, err := store.Queries(context.Background(), everything)
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != 1 || qs[0].Query != "reset password" || qs[0].Clicked != 1 {
				t.Errorf("stored %+v, want the search with its one click", qs)
			}
		})
	}
}
