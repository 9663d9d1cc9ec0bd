package feedback

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Writer is the store's write path for a server: a bounded queue that one
// goroutine drains, writing what has gathered in one transaction (group
// commit). A durable commit costs about as much for a hundred rows as for
// one (SQLite: one fsync of the WAL; and SQLite takes one writer at a
// time), so while one batch commits, the next gathers.
//
// Answers are acknowledged writes: Feedback returns only once the answer's
// transaction is committed, so an answer the server acknowledged survives
// kill -9 like one RecordFeedback stored. Searches and clicks are
// analytics nobody waits for: Search and Click check their input, queue
// the row and return at once (Search with the id the row will have); the
// search is answered without waiting for a disk. What is queued but not
// yet committed when the process dies is lost, and a full queue drops
// them (counted by Dropped) rather than slow the searches down.
//
// Each client may write only so fast (see flood): past that, Feedback and
// Search return ErrRateLimited before anything is queued. The hourly
// allowances of Options are checked in the database, in the batch's
// transaction.
type Writer struct {
	s    *Store
	opts WriterOptions

	mu     sync.RWMutex // held for reading while queueing; Close takes it to close queue
	closed bool
	queue  chan *job
	exited chan struct{}

	answers, searches *flood
	dropped           atomic.Int64
	lastLog           atomic.Int64 // Unix seconds of the last message about dropped writes
	commits           atomic.Int64
}

// WriterOptions configure a Writer; the zero value is kb serve's.
type WriterOptions struct {
	// Queue is how many writes may wait (0: 4096); Batch the most written
	// in one transaction (0: 256).
	Queue, Batch int
	// Log receives the errors of writes nobody waits for (searches and
	// clicks the database refused), at most one message a minute. nil
	// discards them.
	Log func(format string, args ...any)
}

// ErrClosed is a write after Close.
var ErrClosed = errors.New("the feedback store is closed")

// ErrQueueFull is a search or click dropped because the queue is full.
var ErrQueueFull = errors.New("the feedback store is busy; the write was dropped")

// The in-memory flood guards (see flood): an answer takes a token, a
// client holds at most 20 and gets one back every 6 s (600 an hour, ten
// times Options.FeedbackPerHour); a recorded search the same, with 30
// tokens and one every 3 s.
const (
	answerBurst = 20
	answerEvery = 6 * time.Second
	searchBurst = 30
	searchEvery = 3 * time.Second
)

type jobKind int

const (
	feedbackJob jobKind = iota
	searchJob
	clickJob
)

type job struct {
	kind jobKind
	a    answer
	q    query
	c    choice
	done chan error // feedback only: the outcome, once committed or refused
}

// NewWriter starts the store's writer. Close it before closing the store.
func (s *Store) NewWriter(opts WriterOptions) *Writer {
	if opts.Queue <= 0 {
		opts.Queue = 4096
	}
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	w := &Writer{s: s, opts: opts, queue: make(chan *job, opts.Queue), exited: make(chan struct{}),
		answers: newFlood(answerBurst, answerEvery), searches: newFlood(searchBurst, searchEvery)}
	go w.run()
	return w
}

// Feedback validates an answer, queues it and waits until it is committed.
// It returns an *InputError for bad input and ErrRateLimited for a client
// over its allowance, with nothing stored; ctx ending while it waits
// returns ctx's error (the answer may still be stored).
func (w *Writer) Feedback(ctx context.Context, f Feedback) error {
	a, err := w.s.checkFeedback(f)
	if err != nil {
		return err
	}
	if !w.answers.allow(f.Client, w.s.now()) {
		return ErrRateLimited
	}
	j := &job{kind: feedbackJob, a: a, done: make(chan error, 1)}
	if err := w.enqueue(ctx, j, true); err != nil {
		return err
	}
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Search validates a search and queues it, returning the id its row will
// have (for Click) at once. It returns an *InputError for bad input,
// ErrRateLimited for a client over its allowance and ErrQueueFull when the
// queue is full; then nothing is stored and there is no id.
func (w *Writer) Search(q Search) (string, error) {
	r, err := w.s.checkSearch(q)
	if err != nil {
		return "", err
	}
	if !w.searches.allow(q.Client, w.s.now()) {
		return "", ErrRateLimited
	}
	if err := w.enqueue(context.Background(), &job{kind: searchJob, q: r}, false); err != nil {
		return "", err
	}
	return r.id, nil
}

// Click validates a click and queues it. A click on a search that does
// not exist (or does not yet: it is queued behind its search) is
// dropped when written.
func (w *Writer) Click(c Click) error {
	ch, err := w.s.checkClick(c)
	if err != nil {
		return err
	}
	return w.enqueue(context.Background(), &job{kind: clickJob, c: ch}, false)
}

// Dropped is how many searches and clicks were dropped because the queue
// was full or their write failed.
func (w *Writer) Dropped() int64 { return w.dropped.Load() }

// Commits is how many transactions the writer committed.
func (w *Writer) Commits() int64 { return w.commits.Load() }

// Close stops taking writes, writes what is queued and returns once it is
// committed, or when ctx ends.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	select {
	case <-w.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// enqueue queues a job: waiting for room (answers) or not (the rest).
func (w *Writer) enqueue(ctx context.Context, j *job, wait bool) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	if !wait {
		select {
		case w.queue <- j:
			return nil
		default:
			w.drop()
			return ErrQueueFull
		}
	}
	select {
	case w.queue <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *Writer) drop() {
	w.dropped.Add(1)
	w.logf("feedback: the write queue is full; searches and clicks are dropped (%d so far)", w.dropped.Load())
}

// logf logs at most once a minute.
func (w *Writer) logf(format string, args ...any) {
	if w.opts.Log == nil {
		return
	}
	now := time.Now().Unix()
	last := w.lastLog.Load()
	if now-last < 60 || !w.lastLog.CompareAndSwap(last, now) {
		return
	}
	w.opts.Log(format, args...)
}

// run is the writer goroutine: it takes what is queued, up to a batch, and
// writes it, until the queue is closed and empty.
func (w *Writer) run() {
	defer close(w.exited)
	batch := make([]*job, 0, w.opts.Batch)
	for j := range w.queue {
		batch = append(batch[:0], j)
	more:
		for len(batch) < w.opts.Batch {
			select {
			case j, ok := <-w.queue:
				if !ok {
					break more
				}
				batch = append(batch, j)
			default:
				break more
			}
		}
		w.write(batch)
	}
}

// write commits a batch in one transaction. A job the database refuses
// for its own reasons (over an allowance, a click on an unknown search)
// fails alone; an error that breaks the transaction makes each job go
// again in a transaction of its own, so that only the job at fault fails.
func (w *Writer) write(batch []*job) {
	ctx := context.Background()
	// Hash the addresses first: a new day's salt is written in a
	// transaction of its own, which SQLite's one writer connection could
	// not open inside the batch's.
	for _, j := range batch {
		var err error
		switch j.kind {
		case feedbackJob:
			j.a.client, err = w.s.hashClient(ctx, j.a.addr)
		case searchJob:
			j.q.client, err = w.s.hashClient(ctx, j.q.addr)
		}
		if err != nil { // the database is failing: so would the batch
			errs := make([]error, len(batch))
			for i := range errs {
				errs[i] = err
			}
			w.finish(batch, errs)
			return
		}
	}
	errs := make([]error, len(batch))
	err := w.s.inTx(ctx, func(tx *sql.Tx) error {
		for i, j := range batch {
			if errs[i] = w.s.writeJob(ctx, tx, j); errs[i] != nil && !soft(errs[i]) {
				return errs[i]
			}
		}
		return nil
	})
	if err == nil {
		w.commits.Add(1)
		w.finish(batch, errs)
		return
	}
	if len(batch) == 1 {
		w.finish(batch, []error{err})
		return
	}
	for _, j := range batch {
		err := w.s.inTx(ctx, func(tx *sql.Tx) error { return w.s.writeJob(ctx, tx, j) })
		if err == nil || soft(err) {
			w.commits.Add(1)
		}
		w.finish([]*job{j}, []error{err})
	}
}

// soft says whether a job's error leaves its transaction usable: the
// refusals writeJob decides on before writing anything.
func soft(err error) bool {
	var ie *InputError
	return errors.Is(err, ErrRateLimited) || errors.As(err, &ie)
}

func (s *Store) writeJob(ctx context.Context, q querier, j *job) error {
	switch j.kind {
	case feedbackJob:
		return s.writeFeedback(ctx, q, j.a)
	case searchJob:
		return s.writeSearch(ctx, q, j.q)
	default:
		return s.writeClick(ctx, q, j.c)
	}
}

// finish tells the waiting answers their outcome; a search or click the
// database failed to store is counted and logged.
func (w *Writer) finish(jobs []*job, errs []error) {
	for i, j := range jobs {
		err := errs[i]
		if j.done != nil {
			j.done <- err
			continue
		}
		if err != nil && !soft(err) {
			w.dropped.Add(1)
			w.logf("feedback: a search or click was not stored: %v", err)
		}
	}
}
