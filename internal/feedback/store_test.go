package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/octoacme/kb/internal/feedback/feedbacktest"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var day0 = time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)

// each runs f against every backend (SQLite, and PostgreSQL when configured).
func each(t *testing.T, f func(t *testing.T, url string)) {
	for _, b := range feedbacktest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, b.URL) })
	}
}

func open(t *testing.T, url string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecordAndRead(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clk := &clock{t: day0}
		s := open(t, url, Options{Now: clk.Now})
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes"}))
		must(s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Reason: "outdated", Comment: "  Mail me at jo@example.com  "}))
		must(s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Reason: "outdated", At: day0.Add(-time.Hour)}))
		must(s.RecordFeedback(ctx, Feedback{Page: "/faq/b/", Helpful: "no", Reason: "missing-steps", Comment: "Step 3 is gone", At: day0.Add(24 * time.Hour)}))
		id1, err := s.RecordSearch(ctx, Search{Query: "reset password", Results: 4})
		must(err)
		_, err = s.RecordSearch(ctx, Search{Query: "reset password", Results: 4, Type: "article", Product: "OctoAcme"})
		must(err)
		_, err = s.RecordSearch(ctx, Search{Query: "exprot invoices", Results: 0})
		must(err)
		must(s.RecordClick(ctx, Click{SearchID: id1, Page: "/articles/a/"}))
		must(s.RecordClick(ctx, Click{SearchID: id1, Page: "/articles/a/"})) // counted once
		must(s.RecordClick(ctx, Click{SearchID: id1, Page: "/faq/b/"}))

		day := Period{From: day0.Truncate(24 * time.Hour), To: day0.Truncate(24 * time.Hour).Add(24 * time.Hour)}
		votes, err := s.Votes(ctx, day)
		must(err)
		want := []PageVotes{{Page: "/articles/a/", Yes: 1, No: 2, Reasons: map[Reason]int{Outdated: 2}}}
		if d := cmp.Diff(want, votes); d != "" {
			t.Errorf("Votes (-want +got):\n%s", d)
		}
		comments, err := s.Comments(ctx, day, "/articles/a/", 5)
		must(err)
		wantC := []Comment{{Page: "/articles/a/", Reason: Outdated, Text: "Mail me at [email]", At: day0}}
		if d := cmp.Diff(wantC, comments); d != "" {
			t.Errorf("Comments (-want +got):\n%s", d)
		}
		queries, err := s.Queries(ctx, day)
		must(err)
		wantQ := []QueryStats{{Query: "exprot invoices", Searches: 1, ZeroResults: 1}, {Query: "reset password", Searches: 2, Clicked: 1}}
		if d := cmp.Diff(wantQ, queries); d != "" {
			t.Errorf("Queries (-want +got):\n%s", d)
		}
		clicks, err := s.Clicks(ctx, day)
		must(err)
		if d := cmp.Diff([]PageClicks{{"/articles/a/", 1}, {"/faq/b/", 1}}, clicks); d != "" {
			t.Errorf("Clicks (-want +got):\n%s", d)
		}
		two := Period{From: day.From, To: day.To.Add(24 * time.Hour)}
		daily, err := s.Daily(ctx, two)
		must(err)
		wantD := []Day{{Day: day.From, Yes: 1, No: 2, Searches: 3, ZeroResults: 1}, {Day: day.To, No: 1}}
		if d := cmp.Diff(wantD, daily); d != "" {
			t.Errorf("Daily (-want +got):\n%s", d)
		}
	})
}

func TestBadInputStoresNothing(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		known := func(p string) bool { return p != "/articles/gone/" }
		s := open(t, url, Options{KnownPage: known})
		long := strings.Repeat("é", MaxComment+1)
		for _, c := range []struct {
			f     Feedback
			field string
		}{
			{Feedback{Page: "", Helpful: "yes"}, "page"},
			{Feedback{Page: "articles/a/", Helpful: "yes"}, "page"},
			{Feedback{Page: "https://evil.example/", Helpful: "yes"}, "page"},
			{Feedback{Page: "//evil.example/", Helpful: "yes"}, "page"},
			{Feedback{Page: "/articles/a/?x=1", Helpful: "yes"}, "page"},
			{Feedback{Page: "/articles/../etc/", Helpful: "yes"}, "page"},
			{Feedback{Page: "/articles/gone/", Helpful: "yes"}, "page"},
			{Feedback{Page: "/a\x00/", Helpful: "yes"}, "page"},
			{Feedback{Page: "/" + strings.Repeat("a", MaxPage), Helpful: "yes"}, "page"},
			{Feedback{Page: "/articles/a/", Helpful: "maybe"}, "helpful"},
			{Feedback{Page: "/articles/a/", Helpful: ""}, "helpful"},
			{Feedback{Page: "/articles/a/", Helpful: "no", Reason: "boring"}, "reason"},
			{Feedback{Page: "/articles/a/", Helpful: "yes", Reason: "outdated"}, "reason"},
			{Feedback{Page: "/articles/a/", Helpful: "no", Comment: long}, "comment"},
			{Feedback{Page: "/articles/a/", Helpful: "no", Comment: "bad \xff byte"}, "comment"},
			{Feedback{Page: "/articles/a/", Helpful: "no", Comment: "nul \x00"}, "comment"},
		} {
			err := s.RecordFeedback(ctx, c.f)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != c.field {
				t.Errorf("RecordFeedback(%+v) = %v, want an InputError on %s", c.f, err, c.field)
			}
		}
		// Exactly MaxComment characters is fine.
		if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Comment: long[len("é"):]}); err != nil {
			t.Errorf("a comment of %d characters: %v", MaxComment, err)
		}
		for _, c := range []struct {
			q     Search
			field string
		}{
			{Search{Query: "   "}, "query"},
			{Search{Query: strings.Repeat("a", MaxQuery+1)}, "query"},
			{Search{Query: "a\x00b"}, "query"},
			{Search{Query: "ok", Results: -1}, "results"},
			{Search{Query: "ok", Type: "video"}, "type"},
			{Search{Query: "ok", Product: strings.Repeat("p", MaxProduct+1)}, "product"},
		} {
			_, err := s.RecordSearch(ctx, c.q)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != c.field {
				t.Errorf("RecordSearch(%+v) = %v, want an InputError on %s", c.q, err, c.field)
			}
		}
		for _, c := range []Click{
			{SearchID: "nope", Page: "/articles/a/"},
			{SearchID: strings.Repeat("0", 32), Page: "/articles/a/"},
		} {
			var ie *InputError
			if err := s.RecordClick(ctx, c); !errors.As(err, &ie) || ie.Field != "search" {
				t.Errorf("RecordClick(%+v) = %v, want an InputError on search", c, err)
			}
		}
		if n := count(t, s, "kb_feedback"); n != 1 {
			t.Errorf("%d answers stored, want only the valid one", n)
		}
		if n := count(t, s, "kb_searches") + count(t, s, "kb_clicks"); n != 0 {
			t.Errorf("%d searches and clicks stored from bad input", n)
		}
	})
}

func TestDeduplicateAndRateLimit(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clk := &clock{t: day0}
		s := open(t, url, Options{Now: clk.Now, FeedbackPerHour: 3, SearchesPerHour: 2})
		// The No and the reason sent after it are one answer.
		if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Client: "203.0.113.9:5000"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Reason: "unclear", Client: "203.0.113.9:6000"}); err != nil {
			t.Fatal(err)
		}
		votes, _ := s.Votes(ctx, Period{day0.Add(-time.Hour), day0.Add(time.Hour)})
		if len(votes) != 1 || votes[0].No != 1 || votes[0].Reasons[Unclear] != 1 {
			t.Errorf("two answers from one client on one page: %+v, want one No with the reason", votes)
		}
		// Another client, and an IPv6 client whose address changes within its /64.
		for _, c := range []string{"198.51.100.7", "[2001:db8::1]:443", "2001:db8::2"} {
			if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes", Client: c}); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, s, "kb_feedback"); n != 3 {
			t.Errorf("%d rows, want 3 (the two IPv6 addresses share a /64)", n)
		}
		// Over the hourly allowance: refused, nothing stored.
		if err := s.RecordFeedback(ctx, Feedback{Page: "/faq/b/", Helpful: "yes", Client: "203.0.113.9"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordFeedback(ctx, Feedback{Page: "/faq/c/", Helpful: "yes", Client: "203.0.113.9"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordFeedback(ctx, Feedback{Page: "/faq/d/", Helpful: "yes", Client: "203.0.113.9"}); !errors.Is(err, ErrRateLimited) {
			t.Errorf("4th answer in an hour: %v, want ErrRateLimited", err)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.RecordSearch(ctx, Search{Query: "q", Client: "203.0.113.9"}); err != nil {
				t.Fatal(err)
			}
		}
		if id, err := s.RecordSearch(ctx, Search{Query: "q", Client: "203.0.113.9"}); !errors.Is(err, ErrRateLimited) || id != "" {
			t.Errorf("3rd search in an hour: %q, %v, want ErrRateLimited", id, err)
		}
		// An hour later the allowance is back.
		clk.Set(day0.Add(61 * time.Minute))
		if err := s.RecordFeedback(ctx, Feedback{Page: "/faq/d/", Helpful: "yes", Client: "203.0.113.9"}); err != nil {
			t.Errorf("an hour later: %v", err)
		}
		// The next day the same client on the same page is a new answer.
		clk.Set(day0.Add(24 * time.Hour))
		if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes", Client: "203.0.113.9"}); err != nil {
			t.Fatal(err)
		}
		votes, _ = s.Votes(ctx, Period{day0.Add(-time.Hour), day0.Add(48 * time.Hour)})
		if len(votes) != 4 || votes[0].Page != "/articles/a/" || votes[0].Yes != 3 || votes[0].No != 1 {
			t.Errorf("after a day: %+v", votes)
		}
	})
}

func TestNoRawAddressAndDailyRotation(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		clk := &clock{t: day0}
		s := open(t, url, Options{Now: clk.Now})
		const addr = "203.0.113.77"
		if err := s.RecordFeedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes", Client: addr + ":1234"}); err != nil {
			t.Fatal(err)
		}
		id, err := s.RecordSearch(ctx, Search{Query: "sso", Client: addr})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordClick(ctx, Click{SearchID: id, Page: "/articles/a/"}); err != nil {
			t.Fatal(err)
		}
		dump := func() string {
			var b strings.Builder
			for _, q := range []string{
				"SELECT id, page, comment, COALESCE(client, '') FROM kb_feedback",
				"SELECT id, query, filter_product, COALESCE(client, '') FROM kb_searches",
				"SELECT search_id, page, '', '' FROM kb_clicks",
				"SELECT day, salt, '', '' FROM kb_salts",
			} {
				rows, err := s.r.Query(q)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var a, b2, c, d string
					if err := rows.Scan(&a, &b2, &c, &d); err != nil {
						t.Fatal(err)
					}
					fmt.Fprintln(&b, a, b2, c, d)
				}
				rows.Close()
			}
			return b.String()
		}
		if d := dump(); strings.Contains(d, addr) || strings.Contains(d, "1234") {
			t.Errorf("the client address is stored:\n%s", d)
		}
		hashes := func(table string) (n int) {
			s.r.QueryRow("SELECT COUNT(*) FROM " + table + " WHERE client IS NOT NULL").Scan(&n)
			return n
		}
		if hashes("kb_feedback") != 1 || hashes("kb_searches") != 1 {
			t.Fatal("no client hash stored during the day")
		}
		// The next day (another process's Open is enough): yesterday's salt
		// and hashes are gone.
		clk.Set(day0.Add(24 * time.Hour))
		s2 := open(t, url, Options{Now: clk.Now})
		if hashes("kb_feedback") != 0 || hashes("kb_searches") != 0 {
			t.Errorf("yesterday's client hashes are kept:\n%s", dump())
		}
		var salts int
		s2.r.QueryRow("SELECT COUNT(*) FROM kb_salts").Scan(&salts)
		if salts != 1 {
			t.Errorf("%d salts kept, want today's only", salts)
		}
		// The first store notices the new day too, and both hash alike.
		h1, _ := s.hashClient(ctx, addr)
		h2, _ := s2.hashClient(ctx, addr)
		if h1 == "" || h1 != h2 {
			t.Errorf("two processes hash the same address differently on one day: %q, %q", h1, h2)
		}
	})
}

func TestMigrations(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		// Replicas starting together: every Open succeeds, the schema is applied once.
		if err := openTogether(ctx, url, 6); err != nil {
			t.Fatalf("concurrent Open: %v", err)
		}
		s := open(t, url, Options{})
		if n := count(t, s, "kb_schema"); n != len(migrations) {
			t.Errorf("kb_schema has %d rows, want %d", n, len(migrations))
		}
		// A database from a newer kb is refused, untouched.
		if _, err := s.w.Exec(`INSERT INTO kb_schema (version, name, applied) VALUES ($1, 'future', 0)`, SchemaVersion+1); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, url, Options{})
		if err == nil || !strings.Contains(err.Error(), "newer than this kb knows") {
			t.Errorf("Open of a newer schema: %v", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, url := range []string{"mysql://x@y/z", ""} {
		if _, err := Open(ctx, url, Options{}); err == nil {
			t.Errorf("Open(%q) succeeded", url)
		}
	}
	// A password in a URL never reaches a message.
	_, err := Open(ctx, "postgres://kb:s3cret@127.0.0.1:1/kb?connect_timeout=1", Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open with a password: %v", err)
	}
	// A file where the folder should be.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	if _, err := Open(ctx, filepath.Join(dir, "f", "kb.db"), Options{}); err == nil {
		t.Error("Open under a file succeeded")
	}
}

func TestImportSearchLog(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url, Options{})
		dir := t.TempDir()
		log := filepath.Join(dir, "search-log.jsonl")
		// The lines internal/search/handler.go writes, and one cut short by a crash.
		lines := `{"time":"2026-11-02T10:00:00Z","query":"exprot invoices","filters":{},"hits":0}
{"time":"2026-11-02T11:00:00Z","query":"export invoice","filters":{"type":"article","product":"OctoAcme"},"hits":0}
{"time":"2026-11-03T09:30:00Z","query":"call me 555 123 4567","filters":{},"hits":0}

{"time":"2026-11-03T09:31:00Z","query":"tru`
		os.WriteFile(log, []byte(lines), 0o644)
		res, err := s.ImportSearchLog(ctx, log)
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 3 || len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0], log+":5: ") || res.MovedTo != log+".imported" {
			t.Errorf("ImportSearchLog = %+v", res)
		}
		if _, err := os.Stat(log); !os.IsNotExist(err) {
			t.Error("the log was not moved away")
		}
		p := Period{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)}
		q, _ := s.Queries(ctx, p)
		want := []QueryStats{{"call me [phone]", 1, 1, 0}, {"export invoice", 1, 1, 0}, {"exprot invoices", 1, 1, 0}}
		if d := cmp.Diff(want, q); d != "" {
			t.Errorf("imported queries (-want +got):\n%s", d)
		}
		// A crash between the commit and the rename, and the log grew: each line once.
		os.WriteFile(log, []byte(lines[:strings.LastIndex(lines, "\n\n")]+"\n"+
			`{"time":"2026-11-03T12:00:00Z","query":"sso","filters":{},"hits":0}`+"\n"), 0o644)
		res, err = s.ImportSearchLog(ctx, log)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "kb_searches"); n != 4 {
			t.Errorf("%d searches after importing a grown log again, want 4", n)
		}
		if !strings.HasPrefix(res.MovedTo, log+".imported-") {
			t.Errorf("second import moved the log to %q", res.MovedTo)
		}
		// No log: nothing to do.
		if res, err := s.ImportSearchLog(ctx, log); err != nil || res.Imported != 0 || res.MovedTo != "" {
			t.Errorf("no log: %+v, %v", res, err)
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://kb:pw@db:5432/kb":   "postgres://kb:xxxxx@db:5432/kb",
		"postgresql://kb@db/kb":         "postgresql://kb@db/kb",
		"/srv/help/.kb/kb.db":           "/srv/help/.kb/kb.db",
		"postgres://db/kb?sslmode=full": "postgres://db/kb?sslmode=full",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

var _ = sql.ErrNoRows

// TestSQLiteOpenTogether: processes opening one new SQLite file at the same
// moment (replicas, or kb serve and kb report started together) all
// succeed. SQLite answers the loser of the switch to WAL with SQLITE_BUSY
// at once, without waiting for the lock; Open must try again. Without the
// retry about one round in a hundred fails, so the test runs many.
func TestSQLiteOpenTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("many rounds")
	}
	for round := range 300 {
		path := filepath.Join(t.TempDir(), "kb.db")
		if err := openTogether(context.Background(), path, 6); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

// openTogether opens the database at url n times at once, as replicas
// starting together do, and returns their errors joined.
func openTogether(ctx context.Context, url string, n int) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range errs {
		wg.Go(func() {
			s, err := Open(ctx, url, Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
