package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func newWriter(t *testing.T, s *Store, opts WriterOptions) *Writer {
	t.Helper()
	w := s.NewWriter(opts)
	t.Cleanup(func() { w.Close(context.Background()) })
	return w
}

// TestWriterGroupCommit: answers sent at once are committed together, each
// acknowledged only once its row is there for any other connection to read.
func TestWriterGroupCommit(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		s := open(t, url, Options{})
		w := newWriter(t, s, WriterOptions{})
		ctx := context.Background()
		const n = 64
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				comment := fmt.Sprintf("answer %d", i)
				if errs[i] = w.Feedback(ctx, Feedback{Page: "/articles/a/", Helpful: "no", Comment: comment}); errs[i] != nil {
					return
				}
				// Acknowledged means committed: another connection sees it now.
				var found int
				if err := s.r.QueryRow(`SELECT COUNT(*) FROM kb_feedback WHERE comment = $1`, comment).Scan(&found); err != nil || found != 1 {
					errs[i] = fmt.Errorf("acknowledged %q, but %d rows hold it (%v)", comment, found, err)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if c := w.Commits(); c >= n || c < 1 {
			t.Errorf("%d answers took %d commits; want them grouped", n, c)
		}
		t.Logf("%d answers in %d commits", n, w.Commits())
	})
}

// TestWriterSearchAndClick: a search is queued and its id returned at once;
// the click naming it, queued behind it, is stored with it, and so is a
// search that comes with the page chosen from its suggestions.
func TestWriterSearchAndClick(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		s := open(t, url, Options{})
		w := s.NewWriter(WriterOptions{})
		id, err := w.Search(Search{Query: "reset password", Results: 3, Type: "article", Client: "203.0.113.1"})
		if err != nil || !validID(id) {
			t.Fatalf("Search = %q, %v", id, err)
		}
		if err := w.Click(Click{SearchID: id, Page: "/articles/a/"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Search(Search{Query: "sync", Results: 5, Chosen: "/faq/b/", Client: "203.0.113.1"}); err != nil {
			t.Fatal(err)
		}
		// A click on a search that never was is dropped when written.
		if err := w.Click(Click{SearchID: strings.Repeat("ab", 16), Page: "/articles/a/"}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "kb_searches"); n != 2 {
			t.Errorf("%d searches stored, want 2", n)
		}
		var pages []string
		rows, err := s.r.Query(`SELECT page FROM kb_clicks ORDER BY page`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p string
			rows.Scan(&p)
			pages = append(pages, p)
		}
		rows.Close()
		if strings.Join(pages, " ") != "/articles/a/ /faq/b/" {
			t.Errorf("clicks stored: %v", pages)
		}
		if _, err := w.Search(Search{Query: "late"}); !errors.Is(err, ErrClosed) {
			t.Errorf("Search after Close: %v, want ErrClosed", err)
		}
		if err := w.Feedback(context.Background(), Feedback{Page: "/articles/a/", Helpful: "yes"}); !errors.Is(err, ErrClosed) {
			t.Errorf("Feedback after Close: %v, want ErrClosed", err)
		}
	})
}

// TestWriterBadInputStoresNothing: bad input is refused before it is
// queued, with the field named.
func TestWriterBadInputStoresNothing(t *testing.T) {
	s := open(t, feedbackSQLite(t), Options{KnownPage: func(p string) bool { return p == "/articles/a/" }})
	w := newWriter(t, s, WriterOptions{})
	ctx := context.Background()
	var ie *InputError
	if err := w.Feedback(ctx, Feedback{Page: "/articles/gone/", Helpful: "yes"}); !errors.As(err, &ie) || ie.Field != "page" {
		t.Errorf("unknown page: %v", err)
	}
	if err := w.Feedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes", Reason: "unclear"}); !errors.As(err, &ie) || ie.Field != "reason" {
		t.Errorf("reason with yes: %v", err)
	}
	if _, err := w.Search(Search{Query: " "}); !errors.As(err, &ie) || ie.Field != "query" {
		t.Errorf("empty query: %v", err)
	}
	if _, err := w.Search(Search{Query: "x", Chosen: "/articles/gone/"}); !errors.As(err, &ie) || ie.Field != "page" {
		t.Errorf("chosen page unknown: %v", err)
	}
	if err := w.Click(Click{SearchID: "x", Page: "/articles/a/"}); !errors.As(err, &ie) || ie.Field != "search" {
		t.Errorf("bad search id: %v", err)
	}
	w.Close(ctx)
	if n := count(t, s, "kb_feedback") + count(t, s, "kb_searches") + count(t, s, "kb_clicks"); n != 0 {
		t.Errorf("%d rows stored from bad input", n)
	}
}

func feedbackSQLite(t *testing.T) string { return t.TempDir() + "/kb.db" }

// TestWriterFlood: a client sending as fast as it can is turned away in
// memory once past its burst, other clients are not, and the hourly
// allowance in the database still holds below the burst.
func TestWriterFlood(t *testing.T) {
	s := open(t, feedbackSQLite(t), Options{FeedbackPerHour: 1000, SearchesPerHour: 1000})
	w := newWriter(t, s, WriterOptions{})
	ctx := context.Background()
	ok, limited := 0, 0
	for i := range 3 * answerBurst {
		err := w.Feedback(ctx, Feedback{Page: fmt.Sprintf("/p%d/", i), Helpful: "yes", Client: "198.51.100.1"})
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrRateLimited):
			limited++
		default:
			t.Fatal(err)
		}
	}
	if ok < answerBurst || ok > answerBurst+2 || limited == 0 {
		t.Errorf("a flood of %d answers: %d stored, %d refused; want about %d stored", 3*answerBurst, ok, limited, answerBurst)
	}
	if err := w.Feedback(ctx, Feedback{Page: "/p0/", Helpful: "yes", Client: "198.51.100.2"}); err != nil {
		t.Errorf("another client during the flood: %v", err)
	}
	ok = 0
	for range 3 * searchBurst {
		if _, err := w.Search(Search{Query: "q", Client: "198.51.100.1"}); err == nil {
			ok++
		} else if !errors.Is(err, ErrRateLimited) {
			t.Fatal(err)
		}
	}
	if ok < searchBurst || ok > searchBurst+2 {
		t.Errorf("a flood of %d searches: %d queued, want about %d", 3*searchBurst, ok, searchBurst)
	}

	// The database's hourly allowance (3 here) is below the burst.
	s2 := open(t, feedbackSQLite(t), Options{FeedbackPerHour: 3})
	w2 := newWriter(t, s2, WriterOptions{})
	for i := range 4 {
		err := w2.Feedback(ctx, Feedback{Page: fmt.Sprintf("/p%d/", i), Helpful: "yes", Client: "198.51.100.1"})
		if want := i == 3; errors.Is(err, ErrRateLimited) != want || (!want && err != nil) {
			t.Errorf("answer %d of an allowance of 3: %v", i+1, err)
		}
	}
}

// TestWriterQueueFull: while the database is busy (another process holds
// SQLite's write lock), searches past the queue's room are dropped at once,
// not waited for; answers wait. Once the lock is released everything
// queued is written.
func TestWriterQueueFull(t *testing.T) {
	url := feedbackSQLite(t)
	s := open(t, url, Options{})
	other, err := sql.Open("sqlite", sqliteDSN(url))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Begin() // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	var mu sync.Mutex
	w := newWriter(t, s, WriterOptions{Queue: 4, Batch: 2, Log: func(f string, a ...any) {
		mu.Lock()
		logged = append(logged, fmt.Sprintf(f, a...))
		mu.Unlock()
	}})
	ctx := context.Background()
	answered := make(chan error, 1)
	go func() { answered <- w.Feedback(ctx, Feedback{Page: "/articles/a/", Helpful: "yes"}) }()
	queued, dropped := 0, 0
	start := time.Now()
	for i := range 20 {
		_, err := w.Search(Search{Query: fmt.Sprintf("q%d", i)})
		switch {
		case err == nil:
			queued++
		case errors.Is(err, ErrQueueFull):
			dropped++
		default:
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("20 searches took %v while the database was busy", el)
	}
	if dropped == 0 || w.Dropped() != int64(dropped) {
		t.Errorf("%d searches queued, %d dropped (Dropped %d); want drops past the queue's room", queued, dropped, w.Dropped())
	}
	select {
	case err := <-answered:
		t.Fatalf("the answer was acknowledged while the database was locked: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	lock.Rollback()
	if err := <-answered; err != nil {
		t.Fatalf("the answer after the lock was released: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "kb_searches"); n != queued {
		t.Errorf("%d searches stored, %d were queued", n, queued)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 1 || !strings.Contains(logged[0], "queue is full") {
		t.Errorf("logged %q, want one message about the full queue", logged)
	}
}

// TestWriterFailsOnlyTheJobAtFault: a row the database refuses (here a
// search id already taken) does not fail the batch it was in: the other
// writes of the batch are stored and acknowledged.
func TestWriterFailsOnlyTheJobAtFault(t *testing.T) {
	each(t, func(t *testing.T, url string) {
		s := open(t, url, Options{})
		w := &Writer{s: s, opts: WriterOptions{Batch: 8}}
		first, err := s.checkSearch(Search{Query: "one"})
		if err != nil {
			t.Fatal(err)
		}
		dup := first
		dup.query = "duplicate id"
		a, _ := s.checkFeedback(Feedback{Page: "/articles/a/", Helpful: "yes"})
		fb := &job{kind: feedbackJob, a: a, done: make(chan error, 1)}
		w.write([]*job{{kind: searchJob, q: first}, {kind: searchJob, q: dup}, fb})
		if err := <-fb.done; err != nil {
			t.Errorf("the answer in the batch: %v", err)
		}
		if w.Dropped() != 1 {
			t.Errorf("Dropped = %d, want the duplicate only", w.Dropped())
		}
		if n := count(t, s, "kb_searches"); n != 1 {
			t.Errorf("%d searches stored, want 1", n)
		}
		if n := count(t, s, "kb_feedback"); n != 1 {
			t.Errorf("%d answers stored, want 1", n)
		}
	})
}
