// Package tickets reads a help desk's ticket export (CSV) for kb report's
// support metrics: volume, time to resolution, escalations, satisfaction
// and the top categories.
//
// The first row holds the headers. Each field kb reads (config.TicketFields)
// is found by the header site.yaml's report.tickets.columns gives it, or
// else by the headers the common help desks export (Headers: Zendesk,
// Freshdesk, Jira Service Management, Help Scout and the like; compared
// without case, punctuation or a Jira "Custom field (…)" wrapper). Only the
// creation time is required. Jira's repeated columns (Labels, Labels, …)
// are read together.
//
// Dates: ISO 8601 (2026-11-17, 2026-11-17 10:30, 2026-11-17T10:30:00Z, with
// or without seconds and zone), Jira's 17/Nov/26 10:30 AM, 17 Nov 2026,
// Nov 17, 2026, 17.11.2026, and numeric dates with slashes, whose order
// (day or month first) is report.tickets.date_order or else guessed from
// the file: a first number over 12 means day-first, a second one month-first;
// a file where nothing tells is refused rather than read wrong. A time
// without a zone is UTC.
//
// A ticket is escalated when its escalated column says so (yes, true, 1, x,
// escalated), or, without such a column, when its status or a tag contains
// "escalat". Satisfaction counts good (good, satisfied, happy, positive, or 4
// and 5 of 5) against all rated tickets (adding bad, dissatisfied, unhappy,
// negative, neutral, 1 to 3); other values (offered, unoffered, empty) are
// not rated.
//
// Every bad row (a date that does not parse, a resolution before the
// creation, a wrong number of fields, a yes/no that is neither) is an error
// with its line; Read returns them all in an *Error and no tickets, so no
// metric silently leaves rows out.
package tickets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/octoacme/kb/internal/config"
)

// Ticket is one row of the export.
type Ticket struct {
	Line         int
	ID           string
	Created      time.Time
	Resolved     time.Time // zero when not resolved
	Status       string
	Category     string
	Priority     string
	Escalated    bool
	Satisfaction Rating
	Tags         []string
}

// Rating is a ticket's satisfaction rating.
type Rating int

// The ratings.
const (
	NotRated Rating = iota
	Good
	NotGood // bad or neutral
)

// Export is a read ticket export.
type Export struct {
	File    string
	Tickets []Ticket
	// Columns maps each field found to the header it was read from.
	Columns map[string]string
	// EscalationFrom says how escalations were told: "the X column", "status
	// and tags", or "" when the export cannot tell.
	EscalationFrom string
}

// Options configure Read: site.yaml's report.tickets.
type Options struct {
	Columns   map[string]string
	DateOrder string // "", "day-first" or "month-first"
}

// Problem is a bad row.
type Problem struct {
	Line int
	Msg  string
}

// Error lists the problems of an export.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Msg)
	}
	return b.String()
}

// Headers are the headers recognised for each field, in order of
// preference, normalised (see normHeader).
var Headers = map[string][]string{
	"id": {"id", "ticket id", "ticket", "ticket number", "ticket no", "number", "issue key", "key", "issue id",
		"conversation id", "conversation number", "request id", "case number", "case id"},
	"created": {"created", "created at", "created time", "created date", "created on", "creation date", "date created",
		"ticket created", "request date", "opened", "opened at", "opened date", "submitted", "submitted at"},
	"resolved": {"resolved", "resolved at", "resolved time", "resolved date", "resolved on", "resolution date", "date resolved",
		"ticket resolved", "solved", "solved at", "solved date", "solved time", "ticket solved", "closed", "closed at",
		"closed time", "closed date", "closed on", "date closed"},
	"status":    {"status", "ticket status", "state", "resolution status"},
	"category":  {"category", "ticket category", "request type", "customer request type", "topic", "type", "ticket type", "issue type"},
	"priority":  {"priority", "ticket priority", "urgency"},
	"escalated": {"escalated", "is escalated", "escalation", "escalated ticket", "escalation status"},
	"satisfaction": {"satisfaction", "satisfaction score", "satisfaction rating", "customer satisfaction", "csat",
		"csat score", "survey result", "survey results", "rating", "happiness rating"},
	"tags": {"tags", "ticket tags", "labels", "label"},
}

var jiraCustom = regexp.MustCompile(`^custom field \((.*)\)$`)

// normHeader lowercases a header, keeps letters, digits and single spaces,
// and unwraps Jira's "Custom field (Name)".
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if m := jiraCustom.FindStringSubmatch(h); m != nil {
		h = m[1]
	}
	var b strings.Builder
	space := false
	for _, r := range h {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '#' && b.Len() == 0:
			b.WriteString("number")
		default:
			space = true
		}
	}
	return b.String()
}

type row struct {
	line   int
	fields []string
}

// Read reads an export; name is the file, for messages.
func Read(name string, r io.Reader, opts Options) (*Export, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheets write a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	fail := func(line int, format string, args ...any) error {
		return &Error{File: name, Problems: []Problem{{line, fmt.Sprintf(format, args...)}}}
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail(1, "the file is empty; want a CSV export with a header row")
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	e := &Export{File: name, Columns: map[string]string{}}
	cols, err := findColumns(header, opts.Columns)
	if err != nil {
		return nil, fail(1, "%v", err)
	}
	for f, idx := range cols {
		e.Columns[f] = strings.TrimSpace(header[idx[0]])
	}
	if _, ok := cols["created"]; !ok {
		return nil, fail(1, "no column for when a ticket was created (looked for %s); name it in site.yaml: report.tickets.columns.created",
			quoteList(Headers["created"][:4]))
	}
	switch {
	case cols["escalated"] != nil:
		e.EscalationFrom = "the " + e.Columns["escalated"] + " column"
	case cols["status"] != nil || cols["tags"] != nil:
		e.EscalationFrom = "status and tags"
	}

	var rows []row
	var problems []Problem
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problems = append(problems, Problem{pe.StartLine, "not valid CSV: " + pe.Err.Error()})
				return nil, &Error{File: name, Problems: problems} // the rest cannot be trusted
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			problems = append(problems, Problem{line, fmt.Sprintf("%d fields, but the header has %d", len(rec), len(header))})
			continue
		}
		rows = append(rows, row{line, rec})
	}

	var dates []string
	for _, r := range rows {
		for _, f := range []string{"created", "resolved"} {
			if idx := cols[f]; idx != nil {
				dates = append(dates, strings.TrimSpace(r.fields[idx[0]]))
			}
		}
	}
	order, err := dateOrder(opts.DateOrder, dates)
	if err != nil {
		return nil, fail(1, "%v", err)
	}
	get := func(rec []string, field string) string {
		idx := cols[field]
		if idx == nil {
			return ""
		}
		return strings.ToValidUTF8(strings.TrimSpace(rec[idx[0]]), "\uFFFD")
	}
	for _, r := range rows {
		bad := func(format string, args ...any) {
			problems = append(problems, Problem{r.line, fmt.Sprintf(format, args...)})
		}
		t := Ticket{Line: r.line, ID: get(r.fields, "id"), Status: get(r.fields, "status"),
			Category: get(r.fields, "category"), Priority: get(r.fields, "priority")}
		for _, i := range cols["tags"] {
			t.Tags = append(t.Tags, splitTags(r.fields[i])...)
		}
		created := get(r.fields, "created")
		if created == "" {
			bad("%s is empty; every ticket needs its creation time", e.Columns["created"])
			continue
		}
		if t.Created, err = parseTime(created, order); err != nil {
			bad("%s: %v", e.Columns["created"], err)
			continue
		}
		if s := get(r.fields, "resolved"); s != "" {
			if t.Resolved, err = parseTime(s, order); err != nil {
				bad("%s: %v", e.Columns["resolved"], err)
				continue
			}
			if t.Resolved.Before(t.Created) {
				bad("resolved %s, before it was created (%s)", s, created)
				continue
			}
		}
		if cols["escalated"] != nil {
			v, ok := yesNo(get(r.fields, "escalated"))
			if !ok {
				bad("%s: %q is neither yes nor no", e.Columns["escalated"], get(r.fields, "escalated"))
				continue
			}
			t.Escalated = v
		} else {
			t.Escalated = strings.Contains(strings.ToLower(t.Status), "escalat")
			for _, tag := range t.Tags {
				t.Escalated = t.Escalated || strings.Contains(strings.ToLower(tag), "escalat")
			}
		}
		t.Satisfaction = rating(get(r.fields, "satisfaction"))
		e.Tickets = append(e.Tickets, t)
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &Error{File: name, Problems: problems}
	}
	return e, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Problems: []Problem{{pe.StartLine, "not valid CSV: " + pe.Err.Error()}}}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// findColumns maps each field to the indexes of its columns (several only
// for tags).
func findColumns(header []string, mapped map[string]string) (map[string][]int, error) {
	byNorm := map[string][]int{}
	for i, h := range header {
		n := normHeader(h)
		byNorm[n] = append(byNorm[n], i)
	}
	cols := map[string][]int{}
	for _, f := range config.TicketFields {
		if want, ok := mapped[f]; ok {
			idx := byNorm[normHeader(want)]
			if idx == nil {
				return nil, fmt.Errorf("no column %q (site.yaml report.tickets.columns.%s); the headers are %s", want, f, quoteList(header))
			}
			cols[f] = idx
			continue
		}
		for _, h := range Headers[f] {
			if idx := byNorm[h]; idx != nil {
				cols[f] = idx
				break
			}
		}
	}
	for f, idx := range cols {
		if f != "tags" {
			cols[f] = idx[:1]
		}
	}
	return cols, nil
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '|' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1", "x", "escalated":
		return true, true
	case "no", "n", "false", "0", "", "-", "not escalated":
		return false, true
	}
	return false, false
}

func rating(s string) Rating {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "good", "satisfied", "very satisfied", "happy", "extremely happy", "very happy", "positive", "great", "awesome", "thumbs up":
		return Good
	case "bad", "dissatisfied", "very dissatisfied", "unhappy", "very unhappy", "extremely unhappy", "negative", "neutral", "okay", "ok", "not good", "thumbs down":
		return NotGood
	}
	if n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(s, "/5"), " of 5"), 64); err == nil && n >= 1 && n <= 5 {
		if n >= 4 {
			return Good
		}
		return NotGood
	}
	return NotRated
}
