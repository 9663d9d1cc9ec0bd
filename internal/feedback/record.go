package feedback

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/content"
)

// Reason is why a page did not help: one of Reasons.
type Reason string

// The reasons a customer can pick after answering No.
const (
	Outdated     Reason = "outdated"
	Unclear      Reason = "unclear"
	MissingSteps Reason = "missing-steps"
	NotSolved    Reason = "not-solved"
	OtherReason  Reason = "other"
)

// Reasons lists the reasons in the order a form shows them.
var Reasons = []Reason{Outdated, Unclear, MissingSteps, NotSolved, OtherReason}

// Label is how a reason reads in a form or a report.
func (r Reason) Label() string {
	switch r {
	case Outdated:
		return "outdated"
	case Unclear:
		return "unclear"
	case MissingSteps:
		return "missing steps"
	case NotSolved:
		return "didn't solve my problem"
	case OtherReason:
		return "other"
	}
	return string(r)
}

// Limits of what a customer may send.
const (
	MaxComment = 1000 // characters of a comment
	MaxQuery   = 256  // characters of a search query (the search API's own limit)
	MaxPage    = 512  // bytes of a page path
	MaxProduct = 100  // characters of a product filter
	// MaxClicksPerSearch bounds the results recorded as chosen from one search.
	MaxClicksPerSearch = 20
)

// Feedback is one answer to "Was this article helpful?".
type Feedback struct {
	Page    string // a site path: /articles/reset-your-password/
	Helpful string // "yes" or "no"
	Reason  string // only with "no": one of Reasons, or empty
	Comment string // at most MaxComment characters; masked before it is stored
	Client  string // the client's address (host or host:port); hashed, never stored
	At      time.Time
}

// Search is one search a customer made.
type Search struct {
	Query   string // masked before it is stored
	Results int    // the number of results
	Type    string // the type filter, or empty
	Product string // the product filter, or empty
	// Chosen is the page the customer chose from the search's suggestions
	// (as they typed), recorded as its click; "" for none yet.
	Chosen string
	Client string
	At     time.Time
}

// Click is the result a customer chose after a search.
type Click struct {
	SearchID string // what RecordSearch returned
	Page     string // the chosen page's site path
	At       time.Time
}

// InputError is a request that cannot be stored as it is; nothing was
// stored. Field names the form field.
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// ErrRateLimited is a client over its hourly allowance; nothing was stored.
var ErrRateLimited = errors.New("too many requests from this client; try again later")

var errSalt = errors.New("kb_salts holds a salt that is not hex: delete the row")

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// checkText refuses text that is not UTF-8 or holds control characters
// other than tab and line ends (PostgreSQL refuses NUL in text anyway).
func checkText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return inputErr(field, "is not UTF-8 text")
	}
	for _, r := range s {
		if r == '\t' || multiline && (r == '\n' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return inputErr(field, "holds a control character (%U)", r)
		}
	}
	return nil
}

// checkPage validates a site path.
func (s *Store) checkPage(field, page string) error {
	switch {
	case page == "":
		return inputErr(field, "is missing; want the page's site path, like /articles/reset-your-password/")
	case len(page) > MaxPage:
		return inputErr(field, "is longer than %d bytes", MaxPage)
	}
	if err := checkText(field, page, false); err != nil {
		return err
	}
	switch {
	case !strings.HasPrefix(page, "/") || strings.HasPrefix(page, "//"):
		return inputErr(field, "%s is not a site path; want a path like /articles/reset-your-password/", strconv.Quote(page))
	case strings.ContainsAny(page, "?#\\ "):
		return inputErr(field, "%s is not a site path (no query, fragment, backslash or space)", strconv.Quote(page))
	}
	for _, seg := range strings.Split(page, "/") {
		if seg == ".." || seg == "." {
			return inputErr(field, "%s is not a site path (no . or .. segments)", strconv.Quote(page))
		}
	}
	if s.opts.KnownPage != nil && !s.opts.KnownPage(page) {
		return inputErr(field, "%s is not a page of this help center", strconv.Quote(page))
	}
	return nil
}

// validate checks an answer and returns it cleaned: helpful as 1 or 0, the
// comment trimmed and masked.
func (s *Store) validateFeedback(f Feedback) (helpful int, comment string, err error) {
	if err := s.checkPage("page", f.Page); err != nil {
		return 0, "", err
	}
	switch f.Helpful {
	case "yes":
		helpful = 1
	case "no":
	default:
		return 0, "", inputErr("helpful", "want yes or no, not %s", strconv.Quote(clip(f.Helpful, 20)))
	}
	if f.Reason != "" {
		if !knownReason(f.Reason) {
			return 0, "", inputErr("reason", "%s is not one of %s", strconv.Quote(clip(f.Reason, 40)), reasonList())
		}
		if helpful == 1 {
			return 0, "", inputErr("reason", "a reason goes only with helpful=no")
		}
	}
	comment = strings.TrimSpace(f.Comment)
	if err := checkText("comment", comment, true); err != nil {
		return 0, "", err
	}
	if n := utf8.RuneCountInString(comment); n > MaxComment {
		return 0, "", inputErr("comment", "is %d characters; at most %d", n, MaxComment)
	}
	return helpful, Mask(comment), nil
}

func knownReason(r string) bool {
	for _, k := range Reasons {
		if string(k) == r {
			return true
		}
	}
	return false
}

func reasonList() string {
	var names []string
	for _, r := range Reasons {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// newID returns a random 128-bit id: unguessable, so a click names only a
// search its client was told about, and unique across replicas.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func (s *Store) at(t time.Time) int64 {
	if t.IsZero() {
		return millis(s.now())
	}
	return millis(t)
}

// querier is what a write runs on: the database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// overLimit counts a client's rows of the last hour in table.
func (s *Store) overLimit(ctx context.Context, q querier, table, client string, limit int) (bool, error) {
	if client == "" {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE client = $1 AND created >= $2`,
		client, millis(s.now().Add(-time.Hour))).Scan(&n)
	return n >= limit, err
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// inTx runs f in a transaction on the write connection and commits it.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// answer is an answer checked and cleaned, ready to store: what
// RecordFeedback and the Writer store.
type answer struct {
	page, reason, comment string
	helpful               int
	addr                  string // the client's address, hashed into client before the write
	client                string
	at                    int64
}

func (s *Store) checkFeedback(f Feedback) (answer, error) {
	helpful, comment, err := s.validateFeedback(f)
	if err != nil {
		return answer{}, err
	}
	return answer{page: f.Page, reason: f.Reason, comment: comment, helpful: helpful, addr: f.Client, at: s.at(f.At)}, nil
}

// writeFeedback stores an answer: refused past the client's hourly
// allowance, replacing the client's earlier answer about the page today.
func (s *Store) writeFeedback(ctx context.Context, q querier, a answer) error {
	if over, err := s.overLimit(ctx, q, "kb_feedback", a.client, s.opts.FeedbackPerHour); err != nil || over {
		if err == nil {
			err = ErrRateLimited
		}
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO kb_feedback (id, created, page, helpful, reason, comment, client)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (page, client) WHERE client IS NOT NULL DO UPDATE SET
			created = excluded.created, helpful = excluded.helpful,
			reason = excluded.reason, comment = excluded.comment`,
		id, a.at, a.page, a.helpful, a.reason, a.comment, nullable(a.client))
	return err
}

// RecordFeedback validates and stores an answer. A second answer from the
// same client about the same page on the same day replaces the first.
func (s *Store) RecordFeedback(ctx context.Context, f Feedback) error {
	a, err := s.checkFeedback(f)
	if err != nil {
		return err
	}
	if a.client, err = s.hashClient(ctx, a.addr); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.writeFeedback(ctx, tx, a) })
}

// validateSearch checks a search and returns its query trimmed and masked.
func validateSearch(q Search) (string, error) {
	query := strings.TrimSpace(q.Query)
	if query == "" {
		return "", inputErr("query", "is empty")
	}
	if err := checkText("query", query, false); err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(query); n > MaxQuery {
		return "", inputErr("query", "is %d characters; at most %d", n, MaxQuery)
	}
	if q.Results < 0 {
		return "", inputErr("results", "must not be negative")
	}
	if q.Type != "" && !knownType(q.Type) {
		return "", inputErr("type", "%s is not a content type (article, faq, troubleshooting or release)", strconv.Quote(clip(q.Type, 40)))
	}
	if err := checkText("product", q.Product, false); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(q.Product) > MaxProduct {
		return "", inputErr("product", "is longer than %d characters", MaxProduct)
	}
	return Mask(query), nil
}

func knownType(t string) bool {
	for _, k := range content.Types {
		if string(k) == t {
			return true
		}
	}
	return false
}

// query is a search checked and cleaned, with its new id, ready to store.
type query struct {
	id, query, typ, product string
	results                 int
	chosen                  string // the page chosen from its suggestions, or ""
	addr, client            string
	at                      int64
}

func (s *Store) checkSearch(q Search) (query, error) {
	text, err := validateSearch(q)
	if err != nil {
		return query{}, err
	}
	if q.Chosen != "" {
		if err := s.checkPage("page", q.Chosen); err != nil {
			return query{}, err
		}
	}
	id, err := newID()
	if err != nil {
		return query{}, err
	}
	return query{id: id, query: text, typ: q.Type, product: strings.TrimSpace(q.Product), results: q.Results,
		chosen: q.Chosen, addr: q.Client, at: s.at(q.At)}, nil
}

// writeSearch stores a search (and the page chosen from it, if known),
// unless its client is past the hourly allowance.
func (s *Store) writeSearch(ctx context.Context, q querier, r query) error {
	if over, err := s.overLimit(ctx, q, "kb_searches", r.client, s.opts.SearchesPerHour); err != nil || over {
		if err == nil {
			err = ErrRateLimited
		}
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO kb_searches (id, created, query, results, filter_type, filter_product, client)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.id, r.at, r.query, r.results, r.typ, r.product, nullable(r.client))
	if err != nil || r.chosen == "" {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO kb_clicks (search_id, page, created) VALUES ($1, $2, $3)`, r.id, r.chosen, r.at)
	return err
}

// RecordSearch validates and stores a search and returns its id, which the
// search API hands to the client so that RecordClick can name the search.
// A client over Options.SearchesPerHour gets ErrRateLimited and no id.
func (s *Store) RecordSearch(ctx context.Context, q Search) (string, error) {
	r, err := s.checkSearch(q)
	if err != nil {
		return "", err
	}
	if r.client, err = s.hashClient(ctx, r.addr); err != nil {
		return "", err
	}
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.writeSearch(ctx, tx, r) }); err != nil {
		return "", err
	}
	return r.id, nil
}

// choice is a click checked, ready to store.
type choice struct {
	search, page string
	at           int64
}

func (s *Store) checkClick(c Click) (choice, error) {
	if !validID(c.SearchID) {
		return choice{}, inputErr("search", "want the id the search API returned")
	}
	if err := s.checkPage("page", c.Page); err != nil {
		return choice{}, err
	}
	return choice{search: c.SearchID, page: c.Page, at: s.at(c.At)}, nil
}

// writeClick stores a click on a search that exists; the same page chosen
// twice from one search counts once.
func (s *Store) writeClick(ctx context.Context, q querier, c choice) error {
	var clicks int
	err := q.QueryRowContext(ctx, `SELECT COUNT(c.page) FROM kb_searches s LEFT JOIN kb_clicks c ON c.search_id = s.id
		WHERE s.id = $1 GROUP BY s.id`, c.search).Scan(&clicks)
	if errors.Is(err, sql.ErrNoRows) {
		return inputErr("search", "no search has this id")
	}
	if err != nil {
		return err
	}
	if clicks >= MaxClicksPerSearch {
		return ErrRateLimited
	}
	_, err = q.ExecContext(ctx, `INSERT INTO kb_clicks (search_id, page, created) VALUES ($1, $2, $3)
		ON CONFLICT (search_id, page) DO NOTHING`, c.search, c.page, c.at)
	return err
}

// RecordClick stores the result a customer chose after a search. The same
// page chosen twice from one search counts once; past MaxClicksPerSearch
// pages, ErrRateLimited.
func (s *Store) RecordClick(ctx context.Context, c Click) error {
	ch, err := s.checkClick(c)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.writeClick(ctx, tx, ch) })
}

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}
