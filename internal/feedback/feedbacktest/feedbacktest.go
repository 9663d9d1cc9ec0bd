// Package feedbacktest gives tests the databases internal/feedback runs on:
// a fresh SQLite file always, and a fresh PostgreSQL database when the
// environment variable KB_TEST_POSTGRES holds the URL of a server (.ci/run
// starts a throwaway cluster with .ci/postgres and sets it). Without it the
// PostgreSQL cases are skipped, unless KB_CI is set: then they fail.
package feedbacktest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// EnvPostgres names the variable holding the PostgreSQL server's URL.
const EnvPostgres = "KB_TEST_POSTGRES"

// Backend is a database for one test: Name is "sqlite" or "postgres", URL
// what feedback.Open takes.
type Backend struct {
	Name string
	URL  string
}

// Backends returns a new SQLite file and, when a server is configured, a
// new PostgreSQL database, both removed when the test ends.
func Backends(t testing.TB) []Backend {
	t.Helper()
	out := []Backend{SQLite(t)}
	if pg, ok := Postgres(t); ok {
		out = append(out, pg)
	}
	return out
}

// SQLite returns the path of a new SQLite database in the test's temporary folder.
func SQLite(t testing.TB) Backend {
	return Backend{Name: "sqlite", URL: filepath.Join(t.TempDir(), ".kb", "kb.db")}
}

// Postgres creates a database on the server of KB_TEST_POSTGRES and drops it
// when the test ends. Without the variable it reports false (the test goes
// on with SQLite alone), or fails the test under KB_CI.
func Postgres(t testing.TB) (Backend, bool) {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("KB_CI is set but %s is not: .ci/run starts PostgreSQL with .ci/postgres and sets it", EnvPostgres)
		}
		t.Logf("%s is not set; the PostgreSQL case is skipped (see .ci/postgres)", EnvPostgres)
		return Backend{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name := "kbtest_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("%s: creating a test database: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return Backend{Name: "postgres", URL: u.String()}, true
}
