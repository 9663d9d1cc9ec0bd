package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/search/api"
)

// The endpoints that write what customers tell the help center into the
// feedback database (package feedback), through its Writer:
//
//	POST /api/feedback      an answer to "Was this article helpful?"
//	POST /api/search/click  the result a customer chose after a search
//
// and the search API's Recorder, which queues every search it answers.
//
// Answers are acknowledged writes: 204 only once the row is committed.
// They come as a form (application/x-www-form-urlencoded: the theme's
// widget, with or without JavaScript) or as JSON, with the fields page (a
// path of the site, /articles/x/), helpful (yes or no), and with a No an
// optional reason (feedback.Reasons) and comment (at most 1,000
// characters). The body is capped (maxFeedbackBody). A script's request
// (Accept: application/json, or any request that is not a browser's
// page navigation) gets 204, or a JSON error: 400 for bad input (naming
// the field; nothing is stored), 403 for another site's page, 413, 415,
// 429 past a client's allowance, 503 when the database does not answer.
// A browser posting the form without JavaScript gets a small HTML page
// instead: thanks, the optional reason and comment after a No, and a link
// back to the page. No cookie is ever set.
//
// Cross-site requests are refused (http.CrossOriginProtection: the
// Sec-Fetch-Site header, or Origin against Host), so that another web
// site cannot post answers in its visitors' names, unless their origin is
// in feedback.allowed_origins: a copy of the site hosted elsewhere that
// posts to this server. Those origins, and only those, get CORS headers
// and an answer to the preflight (OPTIONS) of a JSON post.

// maxFeedbackBody caps a post: a comment of 1,000 characters of 4 bytes,
// each byte percent-encoded (3 bytes), with the other fields, fits.
const maxFeedbackBody = 16 << 10

// feedbackWait is how long an answer waits for its commit before the
// client is told to try again.
const feedbackWait = 10 * time.Second

// collector serves the feedback endpoints and records searches.
type collector struct {
	store *feedback.Store
	w     *feedback.Writer
	site  atomic.Pointer[collectorSite]
	// search answers the chosen-suggestion check (nil in tests without an index).
	search func() *search.Index
	log    *log.Logger
}

// collectorSite is what the endpoints need of the current build: the
// pages answers may name, and who may post.
type collectorSite struct {
	pages    map[string]bool
	basePath string // base_url's path without its final slash: "" or "/help"
	origins  map[string]bool
	guard    *http.CrossOriginProtection // same origin, or one of origins
	sameOnly *http.CrossOriginProtection // same origin only (search clicks)
}

// start opens the writer on the store (opened with knownPage).
func (c *collector) start(store *feedback.Store) {
	c.store = store
	c.w = store.NewWriter(feedback.WriterOptions{Log: func(format string, args ...any) {
		c.log.Printf("kb serve: "+format, args...)
	}})
}

// setSite takes the pages and settings of a new build.
func (c *collector) setSite(s *model.Site) {
	cs := &collectorSite{pages: map[string]bool{}, origins: map[string]bool{},
		guard: http.NewCrossOriginProtection(), sameOnly: http.NewCrossOriginProtection(),
		basePath: strings.TrimSuffix(s.Config.BasePath(), "/")}
	for _, p := range s.Pages {
		cs.pages[p.URL] = true
	}
	for _, o := range s.Config.Feedback.AllowedOrigins {
		if cs.guard.AddTrustedOrigin(o) == nil {
			cs.origins[o] = true
		}
	}
	c.site.Store(cs)
}

// knownPage is feedback.Options.KnownPage: the pages of the current build.
func (c *collector) knownPage(path string) bool {
	s := c.site.Load()
	return s != nil && s.pages[path]
}

// close writes what is queued and stops the writer.
func (c *collector) close(ctx context.Context) error { return c.w.Close(ctx) }

// Record is the search API's Recorder: it queues the search and returns
// its id, or "" when it is not recorded (the client is over its
// allowance, or the queue is full).
func (c *collector) Record(r *http.Request, s api.Searched) string {
	id, err := c.w.Search(feedback.Search{Query: s.Query, Type: s.Type, Product: s.Product, Results: s.Results, Client: r.RemoteAddr})
	if err != nil {
		return ""
	}
	return id
}

// feedbackForm is an answer as posted.
type feedbackForm struct {
	Page    string `json:"page"`
	Helpful string `json:"helpful"`
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
	From    string `json:"-"` // the no-JS second step: the origin the customer came from
}

// httpError is a refusal with its status.
type httpError struct {
	status int
	field  string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// ServeFeedback serves POST and OPTIONS /api/feedback.
func (c *collector) ServeFeedback(w http.ResponseWriter, r *http.Request) {
	s := c.site.Load()
	origin := r.Header.Get("Origin")
	cors := origin != "" && s.origins[origin]
	if cors {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		c.preflight(w, r, origin, cors)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	page := wantsPage(r)
	if err := s.guard.Check(r); err != nil {
		c.refuse(w, page, s, nil, &httpError{status: http.StatusForbidden,
			msg: "answers are taken from this help center's own pages only (feedback.allowed_origins in site.yaml lists other sites that may post)"})
		return
	}
	f, err := readFeedback(w, r)
	if err != nil {
		c.refuse(w, page, s, f, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), feedbackWait)
	defer cancel()
	err = c.w.Feedback(ctx, feedback.Feedback{Page: f.Page, Helpful: f.Helpful, Reason: f.Reason, Comment: f.Comment, Client: r.RemoteAddr})
	var ie *feedback.InputError
	switch {
	case errors.As(err, &ie):
		c.refuse(w, page, s, f, &httpError{status: http.StatusBadRequest, field: ie.Field, msg: ie.Error()})
	case errors.Is(err, feedback.ErrRateLimited):
		w.Header().Set("Retry-After", "60")
		c.refuse(w, page, s, f, &httpError{status: http.StatusTooManyRequests, msg: "too many answers from your address; try again in a while"})
	case err != nil:
		if r.Context().Err() == nil {
			c.log.Printf("kb serve: feedback: %v", err)
		}
		w.Header().Set("Retry-After", "10")
		c.refuse(w, page, s, f, &httpError{status: http.StatusServiceUnavailable, msg: "your answer could not be saved just now; try again in a moment"})
	case page:
		if cors {
			f.From = origin // the link back goes to the site the customer came from
		}
		c.thanks(w, s, f, http.StatusOK, "")
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// preflight answers the CORS preflight of a cross-origin post: yes for
// the allowed origins, no for the rest.
func (c *collector) preflight(w http.ResponseWriter, r *http.Request, origin string, cors bool) {
	h := w.Header()
	switch {
	case origin == "":
		h.Set("Allow", "POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	case !cors:
		http.Error(w, "this origin may not post feedback here (feedback.allowed_origins in site.yaml)", http.StatusForbidden)
	default:
		h.Set("Access-Control-Allow-Methods", "POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Accept")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	}
}

// wantsPage says whether to answer with an HTML page: a browser's form
// post navigates (Sec-Fetch-Mode: navigate); without that header, a client
// asking for HTML rather than JSON.
func wantsPage(r *http.Request) bool {
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" {
		return m == "navigate"
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "application/json")
}

// readFeedback reads a post's fields: a form or JSON, within the cap,
// each field once.
func readFeedback(w http.ResponseWriter, r *http.Request) (*feedbackForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFeedbackBody)
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		return nil, &httpError{status: http.StatusUnsupportedMediaType, msg: "send the answer as a form (application/x-www-form-urlencoded) or as JSON"}
	}
	body, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("the answer is larger than %d KB", maxFeedbackBody>>10)}
	}
	if err != nil {
		return nil, &httpError{status: http.StatusBadRequest, msg: "the answer could not be read"}
	}
	f := &feedbackForm{}
	switch ct {
	case "application/x-www-form-urlencoded", "":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &httpError{status: http.StatusBadRequest, msg: "the form is malformed: " + err.Error()}
		}
		for _, fld := range []struct {
			name string
			to   *string
		}{{"page", &f.Page}, {"helpful", &f.Helpful}, {"reason", &f.Reason}, {"comment", &f.Comment}, {"from", &f.From}} {
			switch v := vals[fld.name]; len(v) {
			case 0:
			case 1:
				*fld.to = v[0]
			default:
				return nil, &httpError{status: http.StatusBadRequest, field: fld.name, msg: fld.name + ": given more than once"}
			}
		}
	case "application/json":
		dec := json.NewDecoder(strings.NewReader(string(body)))
		if err := dec.Decode(f); err != nil {
			return nil, &httpError{status: http.StatusBadRequest, msg: "the JSON is malformed: want {\"page\": \"/articles/x/\", \"helpful\": \"yes\"}"}
		}
		if dec.More() {
			return nil, &httpError{status: http.StatusBadRequest, msg: "the JSON holds more than one value"}
		}
	default:
		return nil, &httpError{status: http.StatusUnsupportedMediaType, msg: "send the answer as a form (application/x-www-form-urlencoded) or as JSON, not " + ct}
	}
	return f, nil
}

// refuse answers an error: JSON for a script, a page for a browser.
func (c *collector) refuse(w http.ResponseWriter, page bool, s *collectorSite, f *feedbackForm, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = &httpError{status: http.StatusBadRequest, msg: err.Error()}
	}
	if page {
		if f == nil {
			f = &feedbackForm{}
		}
		c.thanks(w, s, f, he.status, he.msg)
		return
	}
	body := map[string]string{"error": he.msg}
	if he.field != "" {
		body["field"] = he.field
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(he.status)
	_ = json.NewEncoder(w).Encode(body)
}

// thanksData is what the no-JS page shows.
type thanksData struct {
	Error   string
	Page    string // the answer's page
	Back    string // the link back to it
	From    string
	AskMore bool // a No without a reason or comment yet: ask for them
	Reasons []feedback.Reason
}

// thanks writes the page a browser gets after posting the form without
// JavaScript: thanks (or what went wrong), after a No the optional reason
// and comment, posting here again (the same client's second answer about
// the page replaces the first), and a link back to the page.
func (c *collector) thanks(w http.ResponseWriter, s *collectorSite, f *feedbackForm, status int, errMsg string) {
	d := thanksData{Error: errMsg, Page: f.Page, Reasons: feedback.Reasons}
	if errMsg == "" && f.Helpful == "no" && f.Reason == "" && strings.TrimSpace(f.Comment) == "" {
		d.AskMore = true
	}
	back := "/"
	if s.pages[f.Page] {
		back = f.Page
	}
	d.Back = s.basePath + back
	if f.From != "" && s.origins[f.From] {
		d.From = f.From
		d.Back = f.From + d.Back
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = thanksPage.Execute(w, d)
}

var thanksPage = template.Must(template.New("thanks").Funcs(template.FuncMap{
	"label": func(r feedback.Reason) string { return reasonLabels[r] },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .Error}}Your answer was not sent{{else}}Thank you{{end}}</title>
<style>
body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}
fieldset{border:0;padding:0;margin:1rem 0}label{display:block;padding:.25rem 0}
textarea{display:block;width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #6b6b6b;border-radius:4px}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:0 1.125rem;margin-top:.75rem;border:1px solid #6b6b6b;border-radius:4px;background:#fff;cursor:pointer}
a{color:#0b57d0}.error{color:#a1000f}
@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}button,textarea{background:#1e1e1e;color:#eee;border-color:#999}a{color:#8ab4f8}.error{color:#ff8a80}}
</style>
</head>
<body>
<main>
{{- if .Error}}
<h1>Your answer was not sent</h1>
<p class="error">{{.Error}}</p>
{{- else}}
<h1>Thanks for your feedback</h1>
{{- if .AskMore}}
<form method="post">
<input type="hidden" name="page" value="{{.Page}}">
<input type="hidden" name="helpful" value="no">
{{- with .From}}
<input type="hidden" name="from" value="{{.}}">{{end}}
<fieldset>
<legend>What was wrong with the page? (optional)</legend>
{{- range .Reasons}}
<label><input type="radio" name="reason" value="{{.}}"> {{label .}}</label>
{{- end}}
</fieldset>
<label for="comment">Anything else? Please leave out personal details.</label>
<textarea id="comment" name="comment" rows="4" maxlength="1000"></textarea>
<button type="submit">Send</button>
</form>
{{- end}}
{{- end}}
<p><a href="{{.Back}}">Back to the page</a></p>
</main>
</body>
</html>
`))

// reasonLabels are the reasons as the theme's form words them.
var reasonLabels = map[feedback.Reason]string{
	feedback.Outdated:     "It is out of date",
	feedback.Unclear:      "It is hard to understand",
	feedback.MissingSteps: "Steps are missing",
	feedback.NotSolved:    "It didn't solve my problem",
	feedback.OtherReason:  "Something else",
}

// ServeClick serves POST /api/search/click, the beacon the search page
// sends when a customer opens a result: search (the search_id of the API's
// answer) and page. A suggestion chosen as the customer typed has no
// recorded search yet (keystrokes are not recorded): the beacon sends the
// query (q, type, product) with the page instead, and the search is
// recorded with it, once the page is found among the query's results.
// Same-origin only; 204 once queued.
func (c *collector) ServeClick(w http.ResponseWriter, r *http.Request) {
	s := c.site.Load()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.sameOnly.Check(r); err != nil {
		c.refuse(w, false, s, nil, &httpError{status: http.StatusForbidden, msg: "clicks are taken from this help center's own pages only"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		status := http.StatusBadRequest
		if errors.As(err, &mbe) {
			status = http.StatusRequestEntityTooLarge
		}
		c.refuse(w, false, s, nil, &httpError{status: status, msg: "the form is malformed: " + err.Error()})
		return
	}
	form := r.PostForm
	page := form.Get("page")
	var err error
	if id := form.Get("search"); id != "" || form.Get("q") == "" {
		err = c.w.Click(feedback.Click{SearchID: id, Page: page})
	} else {
		err = c.suggestion(r, feedback.Search{Query: form.Get("q"), Type: form.Get("type"), Product: form.Get("product"),
			Chosen: page, Client: r.RemoteAddr})
	}
	var ie *feedback.InputError
	switch {
	case errors.As(err, &ie):
		c.refuse(w, false, s, nil, &httpError{status: http.StatusBadRequest, field: ie.Field, msg: ie.Error()})
	case errors.Is(err, feedback.ErrRateLimited):
		c.refuse(w, false, s, nil, &httpError{status: http.StatusTooManyRequests, msg: "too many searches from your address"})
	case err != nil:
		c.refuse(w, false, s, nil, &httpError{status: http.StatusServiceUnavailable, msg: "busy; not recorded"})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// suggestion records a search whose suggestion the customer chose: the
// query is run again as the box ran it (prefix), and the chosen page must
// be among its results, so that a beacon cannot record made-up choices.
func (c *collector) suggestion(r *http.Request, q feedback.Search) error {
	ix := c.search()
	if ix == nil {
		return feedback.ErrQueueFull
	}
	resp, err := ix.Search(r.Context(), search.Request{Q: q.Query, Type: q.Type, Product: q.Product, Prefix: true, Limit: search.MaxLimit, NoFacets: true})
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return &feedback.InputError{Field: "q", Msg: qe.Msg}
	}
	if err != nil {
		return err
	}
	found := false
	for _, h := range resp.Hits {
		id, _, _ := strings.Cut(h.ID, "#")
		found = found || id == q.Chosen
	}
	if !found {
		return &feedback.InputError{Field: "page", Msg: "is not among the query's results"}
	}
	q.Results = int(resp.Total)
	_, err = c.w.Search(q)
	return err
}
