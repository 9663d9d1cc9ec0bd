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
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"               // registers "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultPath is the SQLite database of a site, relative to its folder.
const DefaultPath = ".kb/kb.db"

// Options configure a Store. The zero value is kb serve's defaults.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// KnownPage, when set, refuses feedback and clicks on other pages (a
	// bot's made-up paths would otherwise fill the report).
	KnownPage func(path string) bool
	// FeedbackPerHour caps the answers one client may give in an hour
	// (0: 60). Many customers may share one address behind a NAT, hence
	// generous defaults.
	FeedbackPerHour int
	// SearchesPerHour caps the searches recorded for one client in an hour
	// (0: 600).
	SearchesPerHour int
}

// Store is a feedback database. Its methods are safe for concurrent use,
// and several processes may share one database.
type Store struct {
	// w takes the writes, r the reads. For SQLite w holds one connection,
	// so this process's writers queue in Go instead of polling SQLite's
	// busy lock; for PostgreSQL both are the same pool.
	w, r    *sql.DB
	dialect dialect
	opts    Options

	mu      sync.Mutex // guards the cached salt
	saltDay string
	salt    []byte
}

type dialect int

const (
	sqliteDB dialect = iota
	postgresDB
)

// IsPostgres reports whether a database URL names PostgreSQL.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open opens the database at url (see the package doc), creating an SQLite
// file and its folder when missing, and applies the migrations.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FeedbackPerHour <= 0 {
		opts.FeedbackPerHour = 60
	}
	if opts.SearchesPerHour <= 0 {
		opts.SearchesPerHour = 600
	}
	s := &Store{opts: opts}
	var err error
	if IsPostgres(url) {
		s.dialect = postgresDB
		s.w, err = sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", Redact(url), err)
		}
		s.w.SetMaxOpenConns(16)
		s.w.SetMaxIdleConns(4)
		s.w.SetConnMaxIdleTime(5 * time.Minute)
		s.r = s.w
	} else {
		if strings.Contains(url, "://") {
			return nil, fmt.Errorf("database %q: unknown kind; want postgres://… or the path of an SQLite file", Redact(url))
		}
		if strings.TrimSpace(url) == "" {
			return nil, errors.New("database: empty path")
		}
		if err := os.MkdirAll(filepath.Dir(url), 0o755); err != nil {
			return nil, fmt.Errorf("database %s: %w", url, err)
		}
		dsn := sqliteDSN(url)
		if s.w, err = sql.Open("sqlite", dsn); err == nil {
			s.r, err = sql.Open("sqlite", dsn)
		}
		if err != nil {
			return nil, fmt.Errorf("database %s: %w", url, err)
		}
		s.w.SetMaxOpenConns(1)
		s.r.SetMaxOpenConns(4)
	}
	err = s.ready(ctx)
	// SQLite does not wait on every lock: a new file switching to WAL
	// while another process opens it fails at once with SQLITE_BUSY (no
	// busy handler, to avoid a deadlock). Try again for as long as the
	// busy timeout would have waited.
	for wait, deadline := 10*time.Millisecond, time.Now().Add(10*time.Second); s.dialect == sqliteDB && isBusy(err) && time.Now().Before(deadline); wait = min(2*wait, 200*time.Millisecond) {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(wait):
			err = s.ready(ctx)
		}
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", Redact(url), err)
	}
	return s, nil
}

// ready checks the connection, applies the migrations the database lacks
// and makes today's salt.
func (s *Store) ready(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	_, err := s.daySalt(ctx)
	return err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// sqliteDSN is the modernc.org/sqlite URI of a file, with the settings every
// connection gets: WAL with synchronous=FULL (see Durability in the package
// doc), a 10 s wait for another process's write lock, foreign keys, and
// BEGIN IMMEDIATE, so a transaction that will write takes the lock at once
// instead of failing to upgrade a read lock later. The busy timeout comes
// first: the pragmas run in order, and switching a new file to WAL needs
// the lock another process opening it at the same moment may hold.
func sqliteDSN(path string) string {
	// The URI's path is percent-decoded by SQLite; escape what would end it.
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path) +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
}

// Redact hides the password of a PostgreSQL URL, for messages.
func Redact(url string) string {
	if !IsPostgres(url) {
		return url
	}
	scheme, rest, _ := strings.Cut(url, "://")
	auth, host, ok := strings.Cut(rest, "@")
	if !ok {
		return url
	}
	if user, _, hasPass := strings.Cut(auth, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return url
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Postgres reports whether the store is PostgreSQL (else SQLite).
func (s *Store) Postgres() bool { return s.dialect == postgresDB }

func (s *Store) now() time.Time { return s.opts.Now().UTC() }

func millis(t time.Time) int64 { return t.UnixMilli() }
