package api

import (
	"net/http"

	"github.com/octoacme/kb/internal/search"
)

// Recorder records the searches the API answers (kb serve: in the
// feedback database, internal/feedback). Record is called on the
// request's goroutine once the results are known, so it must not wait for
// a disk: it queues the search and returns the id it will be recorded
// under, which the customer's browser sends back with the result chosen,
// or "" when the search is not recorded (a client over its allowance, a
// busy database).
type Recorder interface {
	Record(r *http.Request, s Searched) (id string)
}

// Searched is a search as the API answered it.
type Searched struct {
	Query   string // as the customer typed it
	Type    string // the type filter, or ""
	Product string // the product filter, or ""
	Results int    // the number of results (all of them, not only those returned)
}

// record hands a search to the Recorder, unless it has no words, is a
// keystroke of a query still being typed (prefix=1: "res", "reset pa"
// would bury the query the customer meant) or a HEAD request.
func (h *Handler) record(r *http.Request, req search.Request, total uint64) string {
	if h.Recorder == nil || req.Prefix || r.Method != http.MethodGet || !search.HasWords(req.Q) {
		return ""
	}
	return h.Recorder.Record(r, Searched{Query: req.Q, Type: req.Type, Product: req.Product, Results: int(total)})
}
