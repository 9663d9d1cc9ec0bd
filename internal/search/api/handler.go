package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/search"
)

// Handler serves the JSON search API:
//
//	GET /api/search?q=...&type=...&product=...&limit=...&prefix=1&facets=0
//
// 200 → {"query", "total", "hits": [{"id", "title", "url", "type",
// "product", "section", "page", "snippet", "score"}], "facets": {"type":
// {...}, "product": {...}}, "corrected", "search_id"}; snippets are
// HTML-escaped text with <mark>. 400 → {"error": "..."} for a query over
// 256 characters or 32 words, an unknown type, a limit outside 1–50, a
// bad prefix value or a parameter that is not UTF-8. 503 when no index is
// loaded. prefix=1 treats the last word as unfinished (search as you
// type); facets=0 skips the facet counts (quick suggestions). A malformed
// query string (a bad %-escape, a ";") is a 400.
//
// With a Recorder, every search with words that is not a keystroke of a
// query still being typed (prefix=1) is handed to it once answered, and
// the id it is recorded under is the answer's search_id (see record.go).
type Handler struct {
	// Recorder, when set, records the searches answered. Set it before
	// serving.
	Recorder Recorder

	ix atomic.Pointer[search.Index]
}

// NewHandler returns the API handler for an index (nil: answers 503 until
// SetIndex).
func NewHandler(ix *search.Index) *Handler {
	h := &Handler{}
	h.ix.Store(ix)
	return h
}

// SetIndex switches to another index, after a rebuild; it does not close
// the old one.
func (h *Handler) SetIndex(ix *search.Index) { h.ix.Store(ix) }

// apiHit is a hit as the API returns it.
type apiHit struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	URL     string  `json:"url"`
	Type    string  `json:"type"`
	Product string  `json:"product"`
	Section string  `json:"section"`
	Page    string  `json:"page,omitempty"`
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

type apiResponse struct {
	Query     string        `json:"query"`
	Total     uint64        `json:"total"`
	Hits      []apiHit      `json:"hits"`
	Facets    search.Facets `json:"facets"`
	Corrected string        `json:"corrected"`
	SearchID  string        `json:"search_id,omitempty"`
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET"})
		return
	}
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil { // a bad %-escape or a ";": r.URL.Query() would drop the parameter
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the query string is malformed: " + err.Error()})
		return
	}
	for k, vs := range params {
		for _, v := range append(vs, k) {
			if !utf8.ValidString(v) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "parameters must be UTF-8 text"})
				return
			}
		}
	}
	req := search.Request{Q: params.Get("q"), Type: params.Get("type"), Product: params.Get("product")}
	if req.Type != "" && !knownType(req.Type) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unknown type " + strconv.Quote(req.Type) + ": want article, faq, troubleshooting or release"})
		return
	}
	if utf8.RuneCountInString(req.Product) > 100 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "product is too long"})
		return
	}
	if s := params.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > search.MaxLimit {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "limit must be a whole number from 1 to 50"})
			return
		}
		req.Limit = n
	}
	switch params.Get("prefix") {
	case "", "0", "false":
	case "1", "true":
		req.Prefix = true
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "prefix must be 1 or 0"})
		return
	}
	switch params.Get("facets") {
	case "", "1", "true":
	case "0", "false":
		req.NoFacets = true
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "facets must be 1 or 0"})
		return
	}
	ix := h.ix.Load()
	if ix == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the search index is not built yet; run kb build"})
		return
	}
	resp, err := ix.Search(r.Context(), req)
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": qe.Msg})
		return
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "search failed"})
		return
	}
	out := apiResponse{Query: req.Q, Total: resp.Total, Hits: make([]apiHit, 0, len(resp.Hits)),
		Facets: resp.Facets, Corrected: resp.Corrected}
	for _, hit := range resp.Hits {
		out.Hits = append(out.Hits, apiHit{ID: hit.ID, Title: hit.Title, URL: hit.URL, Type: hit.Type,
			Product: hit.Product, Section: hit.Section, Page: hit.Page, Snippet: hit.Snippet, Score: hit.Score})
	}
	out.SearchID = h.record(r, req, resp.Total)
	writeJSON(w, http.StatusOK, out)
}

func knownType(t string) bool {
	for _, x := range content.Types {
		if string(x) == t {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
