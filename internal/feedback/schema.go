package feedback

import (
	"context"
	"fmt"
)

// migration is one version of the schema. The SQL is the same for SQLite
// and PostgreSQL: BIGINT times, TEXT ids made by kb (no auto-increment,
// whose syntax differs), and partial indexes, which both have.
// Released migrations are never edited; a change is a new one.
type migration struct {
	version int
	name    string
	stmts   []string
}

var migrations = []migration{{
	version: 1,
	name:    "feedback, searches, clicks and the daily salt",
	stmts: []string{
		`CREATE TABLE kb_feedback (
			id      TEXT PRIMARY KEY,
			created BIGINT NOT NULL,
			page    TEXT NOT NULL,
			helpful SMALLINT NOT NULL CHECK (helpful IN (0, 1)),
			reason  TEXT NOT NULL DEFAULT '' CHECK (reason IN ('', 'outdated', 'unclear', 'missing-steps', 'not-solved', 'other')),
			comment TEXT NOT NULL DEFAULT '',
			client  TEXT
		)`,
		`CREATE INDEX kb_feedback_created ON kb_feedback (created)`,
		`CREATE INDEX kb_feedback_page ON kb_feedback (page, created)`,
		// One answer per client, page and day (the client hash changes daily).
		`CREATE UNIQUE INDEX kb_feedback_vote ON kb_feedback (page, client) WHERE client IS NOT NULL`,
		`CREATE INDEX kb_feedback_client ON kb_feedback (client, created) WHERE client IS NOT NULL`,
		`CREATE TABLE kb_searches (
			id             TEXT PRIMARY KEY,
			created        BIGINT NOT NULL,
			query          TEXT NOT NULL,
			results        INTEGER NOT NULL CHECK (results >= 0),
			filter_type    TEXT NOT NULL DEFAULT '',
			filter_product TEXT NOT NULL DEFAULT '',
			client         TEXT
		)`,
		`CREATE INDEX kb_searches_created ON kb_searches (created)`,
		`CREATE INDEX kb_searches_client ON kb_searches (client, created) WHERE client IS NOT NULL`,
		`CREATE TABLE kb_clicks (
			search_id TEXT NOT NULL REFERENCES kb_searches (id) ON DELETE CASCADE,
			page      TEXT NOT NULL,
			created   BIGINT NOT NULL,
			PRIMARY KEY (search_id, page)
		)`,
		`CREATE INDEX kb_clicks_created ON kb_clicks (created)`,
		`CREATE TABLE kb_salts (
			day  TEXT PRIMARY KEY,
			salt TEXT NOT NULL
		)`,
	},
}}

// SchemaVersion is the newest schema this kb knows.
var SchemaVersion = migrations[len(migrations)-1].version

// migrationLock is the PostgreSQL advisory lock key of kb's migrations
// ("kbschema" in ASCII).
const migrationLock = 0x6b62736368656d61

// migrate applies the migrations the database lacks, all in one
// transaction: a failure leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil) // SQLite: BEGIN IMMEDIATE, the write lock
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.dialect == postgresDB {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("locking the schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS kb_schema (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied BIGINT NOT NULL
	)`); err != nil {
		return fmt.Errorf("creating kb_schema: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM kb_schema`).Scan(&have); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if have > SchemaVersion {
		return fmt.Errorf("the database's schema is version %d, newer than this kb knows (%d): use a newer kb", have, SchemaVersion)
	}
	for _, m := range migrations {
		if m.version <= have {
			continue
		}
		for _, stmt := range m.stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_schema (version, name, applied) VALUES ($1, $2, $3)`,
			m.version, m.name, millis(s.now())); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return tx.Commit()
}
