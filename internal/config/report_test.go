package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFeedbackKeys(t *testing.T) {
	c, err := Parse("site.yaml", []byte(`feedback:
  endpoint: https://kb.example.com/api/feedback
  allowed_origins: [https://Help.Example.com, "http://docs.example.com:80/", "https://staging.example.com:8443"]
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://help.example.com", "http://docs.example.com", "https://staging.example.com:8443"}
	if d := cmp.Diff(want, c.Feedback.AllowedOrigins); d != "" {
		t.Errorf("allowed_origins as browsers send them (-want +got):\n%s", d)
	}
	for _, ok := range []string{"/api/feedback", "http://localhost:1313/api/feedback"} {
		if _, err := Parse("site.yaml", []byte("feedback:\n  endpoint: "+ok+"\n")); err != nil {
			t.Errorf("endpoint %s: %v", ok, err)
		}
	}
	for _, tc := range []struct{ src, err string }{
		{"feedback:\n  endpoint: javascript:alert(1)\n", "site.yaml:2: feedback.endpoint: \"javascript:alert(1)\" is not an http(s) URL or a path"},
		{"feedback:\n  endpoint: //evil.example/x\n", "site.yaml:2: feedback.endpoint: \"//evil.example/x\" is not an http(s) URL"},
		{"feedback:\n  endpoint: api/feedback\n", "site.yaml:2: feedback.endpoint: \"api/feedback\" is not an http(s) URL"},
		{"feedback:\n  endpoint: https://u:p@kb.example.com/\n", "site.yaml:2: feedback.endpoint:"},
		{"feedback:\n  allowed_origins: [https://help.example.com/docs/]\n", "site.yaml:2: feedback.allowed_origins: \"https://help.example.com/docs/\" is not an origin"},
		{"feedback:\n  allowed_origins: [\"*\"]\n", "site.yaml:2: feedback.allowed_origins: \"*\" is not an origin"},
		{"feedback:\n  allowed_origins: [help.example.com]\n", "site.yaml:2: feedback.allowed_origins: \"help.example.com\" is not an origin"},
	} {
		_, err := Parse("site.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.err)
		}
	}
}

func TestDatabaseAndReportKeys(t *testing.T) {
	c, err := Parse("site.yaml", []byte(`database:
  url: postgres://kb@db.internal:5432/help?sslmode=require
report:
  tickets:
    date_order: day-first
    columns:
      created: Opened on
      category: Topic
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.URL != "postgres://kb@db.internal:5432/help?sslmode=require" || c.Report.Tickets.DateOrder != "day-first" {
		t.Errorf("parsed %+v %+v", c.Database, c.Report)
	}
	if d := cmp.Diff(map[string]string{"created": "Opened on", "category": "Topic"}, c.Report.Tickets.Columns); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}

	for _, tc := range []struct{ src, err string }{
		{"database:\n  url: mysql://x@y/z\n", "site.yaml:2: database.url: mysql:// is not a database kb knows"},
		{"database:\n  url: postgres://kb:hunter2@db/help\n", "site.yaml:2: database.url: holds a password"},
		{"database:\n  url: \" data/kb.db\"\n", "site.yaml:2: database.url: remove the spaces"},
		{"report:\n  tickets:\n    columns:\n      opened: Created\n", "site.yaml:4: report.tickets.columns: unknown field \"opened\""},
		{"report:\n  tickets:\n    columns:\n      created: \"\"\n", "site.yaml:4: report.tickets.columns.created: want the header"},
		{"report:\n  tickets:\n    date_order: ymd\n", "site.yaml:3: report.tickets.date_order: want day-first"},
		{"report:\n  ticket: {}\n", "site.yaml:2: unknown key \"report.ticket\"; did you mean \"report.tickets\"?"},
	} {
		_, err := Parse("site.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.err)
		}
	}

	dir := filepath.FromSlash("/srv/help")
	for in, want := range map[string]string{
		"":                    filepath.Join(dir, ".kb", "kb.db"),
		"data/kb.db":          filepath.Join(dir, "data", "kb.db"),
		"/var/lib/kb/kb.db":   "/var/lib/kb/kb.db",
		"postgres://kb@db/kb": "postgres://kb@db/kb",
	} {
		c := Default()
		c.Database.URL = in
		if got := c.DatabaseURL(dir); got != want {
			t.Errorf("DatabaseURL with database.url %q = %q, want %q", in, got, want)
		}
	}
}
