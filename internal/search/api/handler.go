package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
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
// {...}, "product": {...}}, "corrected"}; snippets are HTML-escaped text
// with <mark>. 400 → {"error": "..."} for a query over 256 characters or
// 32 words, an unknown type, a limit outside 1–50, a bad prefix value or a
// parameter that is not UTF-8. 503 when no index is loaded. prefix=1 treats
// the last word as unfinished (search as you type); facets=0 skips the
// facet counts (quick suggestions).
//
// Every query with words and no hits is appended to the log (JSON lines:
// time, query, filters, hits), unless prefix=1: those are keystrokes of a
// query still being typed. The log stops growing at MaxLog; each client
// may log only so much of it (see logBurst), and long queries and
// products are cut (maxLogQuery). A malformed query string (a bad
// %-escape, a ";") is a 400.
type Handler struct {
	// Now is the clock of the log; tests replace it.
	Now func() time.Time
	// MaxLog caps the log, in bytes (MaxLogBytes by default).
	MaxLog int64

	ix      atomic.Pointer[search.Index]
	logPath string
	mu      sync.Mutex // serialises log appends
	limits  logLimiter
	lock    LogLocker
	pending [][]byte // lines waiting for the lock
}

// LogLocker guards the appends to the log against other processes that
// write the site's .kb/ folder: kb serve gives the handler the site lock
// (site.LogLock), so that it never writes there while a kb build holds
// it. A request never waits for it: while another process holds it, the
// lines wait in memory (up to maxPending) and one goroutine writes them
// when it is released.
type LogLocker interface {
	TryLock() bool // takes the lock if it is free
	Lock()         // waits for it
	Unlock()
}

// maxPending bounds the lines kept while another process holds the lock.
const maxPending = 1000

// SetLogLock makes every append to the log take l.
func (h *Handler) SetLogLock(l LogLocker) {
	h.mu.Lock()
	h.lock = l
	h.mu.Unlock()
}

// NewHandler returns the API handler for an index (nil: answers 503 until
// SetIndex). logPath is the zero-result log; "" logs nothing.
func NewHandler(ix *search.Index, logPath string) *Handler {
	h := &Handler{Now: time.Now, MaxLog: MaxLogBytes, logPath: logPath}
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
}

// logEntry is one line of the zero-result log.
type logEntry struct {
	Time    string            `json:"time"`
	Query   string            `json:"query"`
	Filters map[string]string `json:"filters"`
	Hits    uint64            `json:"hits"`
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
	if resp.Total == 0 && !req.Prefix && search.HasWords(req.Q) {
		h.logZero(req, clientKey(r.RemoteAddr))
	}
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

// logZero appends a zero-result query of a client to the log, within the
// client's share. A failure to log never fails the search.
func (h *Handler) logZero(req search.Request, client string) {
	if h.logPath == "" {
		return
	}
	filters := map[string]string{}
	if req.Type != "" {
		filters["type"] = req.Type
	}
	if req.Product != "" {
		filters["product"] = clip(req.Product, maxLogProduct)
	}
	now := h.Now()
	// Without HTML escaping: "<" is one byte in the log, not six.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(logEntry{Time: now.UTC().Format(time.RFC3339), Query: clip(req.Q, maxLogQuery), Filters: filters}); err != nil {
		return
	}
	line := buf.Bytes() // ends in a newline
	if !h.limits.allow(client, now, len(line), h.MaxLog) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.lock == nil:
		h.appendLog(line)
	case h.pending != nil:
		// another process holds the lock; the waiting goroutine writes it
		if len(h.pending) < maxPending {
			h.pending = append(h.pending, line)
		}
	case h.lock.TryLock():
		h.appendLog(line)
		h.lock.Unlock()
	default:
		h.pending = [][]byte{line}
		go h.appendWhenUnlocked()
	}
}

// appendWhenUnlocked waits for the lock, then appends the pending lines.
func (h *Handler) appendWhenUnlocked() {
	h.lock.Lock()
	defer h.lock.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, line := range h.pending {
		h.appendLog(line)
	}
	h.pending = nil
}

// appendLog appends one line to the log, if it is kb's and not full. The
// caller holds h.mu.
func (h *Handler) appendLog(line []byte) {
	if err := os.MkdirAll(filepath.Dir(h.logPath), 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(h.logPath, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size()+int64(len(line)) > h.MaxLog {
		return
	}
	if st.Size() > 0 {
		// Append only to a log kb wrote: search.log naming another file
		// (~/.bashrc) must not let queries from the internet write into it.
		head := make([]byte, len(logStart))
		if _, err := f.ReadAt(head, 0); err != nil || string(head) != logStart {
			return
		}
	}
	_, _ = f.Write(line)
}

// logStart is how every line of the log begins.
const logStart = `{"time":`

// MaxLogBytes caps the zero-result log: kb serve may face the internet,
// and every query with no hits would otherwise grow it until the disk is
// full. Past the cap, queries are not logged until the log is rotated
// (moved away or emptied); each client may write only a share of it a
// day (logShare).
const MaxLogBytes = 16 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
