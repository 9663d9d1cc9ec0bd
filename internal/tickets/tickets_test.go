package tickets

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readFile(t *testing.T, name string, opts Options) *Export {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := Read(name, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func day(d int, hm ...int) time.Time {
	h, m := 0, 0
	if len(hm) == 2 {
		h, m = hm[0], hm[1]
	}
	return time.Date(2026, 11, d, h, m, 0, 0, time.UTC)
}

// TestHelpDeskExports reads the headers and dates of the common help desks'
// exports without any configuration.
func TestHelpDeskExports(t *testing.T) {
	for _, tc := range []struct {
		file       string
		columns    map[string]string
		escalation string
		first      Ticket
		metrics    Metrics
	}{
		{"zendesk.csv",
			map[string]string{"id": "Id", "created": "Created at", "resolved": "Solved at", "status": "Status", "category": "Ticket type",
				"priority": "Priority", "satisfaction": "Satisfaction Score", "tags": "Tags"},
			"status and tags",
			Ticket{Line: 2, ID: "101", Created: day(10, 9, 0), Resolved: day(10, 12, 0), Status: "Solved", Category: "Question",
				Priority: "Normal", Satisfaction: Good, Tags: []string{"billing", "export"}},
			Metrics{Tickets: 4, Resolved: 3, Median: 3 * time.Hour, Mean: (3 + 24 + 1) * time.Hour / 3, Escalated: 1, Rated: 2, Good: 1,
				Categories: []Count{{"Question", 2}, {"Incident", 1}, {"Problem", 1}}}},
		{"freshdesk.csv",
			map[string]string{"id": "Ticket ID", "created": "Created time", "resolved": "Resolved time", "status": "Status", "category": "Type",
				"priority": "Priority", "satisfaction": "Survey results", "tags": "Tags"},
			"status and tags",
			Ticket{Line: 2, ID: "1", Created: day(10, 9, 0), Resolved: day(10, 10, 0), Status: "Closed", Category: "Incident",
				Priority: "Medium", Satisfaction: Good},
			Metrics{Tickets: 3, Resolved: 2, Median: 4*time.Hour + 30*time.Minute, Mean: 4*time.Hour + 30*time.Minute, Escalated: 1, Rated: 2, Good: 1,
				Categories: []Count{{"Incident", 2}, {"Feature Request", 1}}}},
		{"jira.csv",
			map[string]string{"id": "Issue key", "created": "Created", "resolved": "Resolved", "status": "Status", "category": "Custom field (Request Type)",
				"priority": "Priority", "satisfaction": "Custom field (Satisfaction rating)", "tags": "Labels"},
			"status and tags",
			Ticket{Line: 2, ID: "HELP-7", Created: day(17, 9, 15), Resolved: day(17, 15, 15), Status: "Done", Category: "Technical support",
				Priority: "High", Escalated: true, Satisfaction: Good, Tags: []string{"sso", "escalated"}},
			Metrics{Tickets: 3, Resolved: 2, Median: 15 * time.Hour, Mean: 15 * time.Hour, Escalated: 1, Rated: 2, Good: 1,
				Categories: []Count{{"Billing question", 2}, {"Technical support", 1}}}},
		{"helpscout.csv",
			map[string]string{"id": "Number", "created": "Created At", "resolved": "Closed At", "status": "Status", "category": "Type",
				"satisfaction": "Rating", "tags": "Tags"},
			"status and tags",
			Ticket{Line: 2, ID: "77", Created: day(16, 7, 0), Resolved: day(16, 7, 45), Status: "closed", Category: "email",
				Satisfaction: Good, Tags: []string{"account", "email"}},
			Metrics{Tickets: 2, Resolved: 1, Median: 45 * time.Minute, Mean: 45 * time.Minute, Escalated: 1, Rated: 1, Good: 1,
				Categories: []Count{{"email", 2}}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e := readFile(t, tc.file, Options{})
			if d := cmp.Diff(tc.columns, e.Columns); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
			if e.EscalationFrom != tc.escalation {
				t.Errorf("escalations from %q, want %q", e.EscalationFrom, tc.escalation)
			}
			if d := cmp.Diff(tc.first, e.Tickets[0]); d != "" {
				t.Errorf("first ticket (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.metrics, e.Metrics(day(1), day(30))); d != "" {
				t.Errorf("metrics (-want +got):\n%s", d)
			}
		})
	}
	// A quoted field over two lines: the next row's line is still right.
	e := readFile(t, "zendesk.csv", Options{})
	if got := e.Tickets[3]; got.Line != 5 || got.Created != day(18, 13, 0) {
		t.Errorf("the row after a two-line field: line %d, created %v", got.Line, got.Created)
	}
	// A period takes the tickets created in it.
	if m := e.Metrics(day(18), day(19)); m.Tickets != 2 || m.Resolved != 1 || m.Median != time.Hour {
		t.Errorf("18 November: %+v", m)
	}
}

func read(src string, opts Options) (*Export, error) {
	return Read("tickets.csv", strings.NewReader(src), opts)
}

func TestBadRows(t *testing.T) {
	src := "ID,Created,Resolved,Escalated\n" +
		"1,2026-11-10 09:00,2026-11-10 10:00,no\n" +
		"2,2026-13-10 09:00,,no\n" +
		"3,2026-11-10 09:00,2026-11-09 09:00,no\n" +
		"4,2026-11-10 09:00,,maybe\n" +
		"5,2026-11-10 09:00\n" +
		"6,,,no\n" +
		"\n" +
		"7,2026-11-10,,yes\n"
	_, err := read(src, Options{})
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	want := `tickets.csv:3: Created: "2026-13-10 09:00" is not a date kb reads (want 2026-11-17 10:30, or see docs/feedback.md)
tickets.csv:4: resolved 2026-11-09 09:00, before it was created (2026-11-10 09:00)
tickets.csv:5: Escalated: "maybe" is neither yes nor no
tickets.csv:6: 2 fields, but the header has 4
tickets.csv:7: Created is empty; every ticket needs its creation time`
	if d := cmp.Diff(want, err.Error()); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}

	for _, tc := range []struct{ src, err string }{
		{"", "tickets.csv:1: the file is empty"},
		{"ID,Subject\n1,x\n", `tickets.csv:1: no column for when a ticket was created (looked for "created", "created at", "created time", "created date"); name it in site.yaml: report.tickets.columns.created`},
		{"ID,Created\n1,\"2026-11-10\n", "tickets.csv:2: not valid CSV: extraneous or missing \" in quoted-field"},
		{"ID,Created\n1,03/04/2026\n2,05/06/2026\n", "tickets.csv:1: dates like 03/04/2026 could be day-first or month-first and none in the file tells; set report.tickets.date_order"},
		{"ID,Created\n1,13/04/2026\n2,05/16/2026\n", "tickets.csv:1: the export mixes day-first dates (13/04/2026) and month-first dates (05/16/2026)"},
	} {
		_, err := read(tc.src, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.err)
		}
	}
	if _, err := read("Ticket,Opened on\n1,2026-11-10\n", Options{Columns: map[string]string{"created": "Opened"}}); err == nil ||
		!strings.Contains(err.Error(), `tickets.csv:1: no column "Opened" (site.yaml report.tickets.columns.created); the headers are "Ticket", "Opened on"`) {
		t.Errorf("a mapped column that is missing: %v", err)
	}
}

func TestDatesAndMapping(t *testing.T) {
	// Mapped headers; day-first guessed from 13/04; a 12-hour clock.
	e, err := read("Ref,Opened on,Done on,Area\nA,13/04/2026 9:05 PM,14/04/2026 09:05,Billing\nB,03/04/2026,,\n",
		Options{Columns: map[string]string{"id": "ref", "created": "Opened on", "resolved": "Done on", "category": "Area"}})
	if err != nil {
		t.Fatal(err)
	}
	if e.EscalationFrom != "" {
		t.Errorf("escalations told from %q in an export without escalated, status or tags", e.EscalationFrom)
	}
	want := []time.Time{time.Date(2026, 4, 13, 21, 5, 0, 0, time.UTC), time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC)}
	if e.Tickets[0].Created != want[0] || e.Tickets[1].Created != want[1] || e.Tickets[0].ID != "A" {
		t.Errorf("tickets %+v", e.Tickets)
	}
	// The configured order wins; month-first makes 03/04 the 4th of March.
	e, err = read("ID,Created\n1,03/04/2026\n", Options{DateOrder: "month-first"})
	if err != nil || e.Tickets[0].Created != time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC) {
		t.Errorf("month-first: %v %v", e, err)
	}
	for in, want := range map[string]time.Time{
		"2026-11-17T10:30:00+02:00": time.Date(2026, 11, 17, 8, 30, 0, 0, time.UTC),
		"2026-11-17T10:30:00.123Z":  time.Date(2026, 11, 17, 10, 30, 0, 123e6, time.UTC),
		"17/Nov/26 12:05 AM":        time.Date(2026, 11, 17, 0, 5, 0, 0, time.UTC),
		"Nov 17, 2026":              time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC),
		"17 November 2026":          time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC),
		"17.11.2026 10:30":          time.Date(2026, 11, 17, 10, 30, 0, 0, time.UTC),
		"17-11-2026  10:30":         time.Date(2026, 11, 17, 10, 30, 0, 0, time.UTC),
	} {
		got, err := parseTime(in, "day-first")
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseTime("31/02/2026", "day-first"); err == nil {
		t.Error("31 February parsed")
	}
}

// FuzzRead reads any bytes as an export: tickets, or problems that each
// name a line of the file.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"zendesk.csv", "freshdesk.csv", "jira.csv", "helpscout.csv"} {
		data, _ := os.ReadFile("testdata/" + name)
		f.Add(string(data))
	}
	f.Add("ID,Created\n1,03/04/2026\n")
	f.Add("Created,Resolved,Escalated\n2026-11-10,2026-11-09,maybe\n")
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Count(src, "\n") + 1
		e, err := read(src, Options{})
		if err == nil {
			for _, tk := range e.Tickets {
				if tk.Created.IsZero() || !tk.Resolved.IsZero() && tk.Resolved.Before(tk.Created) || tk.Line < 2 || tk.Line > lines {
					t.Fatalf("bad ticket %+v", tk)
				}
			}
			e.Metrics(time.Time{}, time.Now().AddDate(100, 0, 0))
			return
		}
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("error %v is not an *Error", err)
		}
		for _, p := range te.Problems {
			if p.Line < 1 || p.Line > lines || p.Msg == "" {
				t.Fatalf("problem %+v of a %d-line file", p, lines)
			}
		}
	})
}
