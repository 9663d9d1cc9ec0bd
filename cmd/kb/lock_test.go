package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/site"
)

// TestServeRecordsSearches: kb serve records searches in the database,
// with or without results, moving in the search log of kb versions before
// it on its first start and writing no log since; it takes no site lock (its
// one file in .kb/ is the database), so a kb build gets the lock while it
// runs and searches are recorded meanwhile.
func TestServeRecordsSearches(t *testing.T) {
	dir := copySampleSite(t)
	logPath := filepath.Join(dir, ".kb", "search-log.jsonl")
	os.MkdirAll(filepath.Dir(logPath), 0o755)
	os.WriteFile(logPath, []byte(`{"time":"2026-11-02T10:00:00Z","query":"exprot invoices","filters":{},"hits":0}
{"time":"2026-11-02T11:00:00Z","query":"dark mode","filters":{"type":"faq"},"hits":0}
`), 0o644)
	var stderr syncBuffer
	base := startServeTo(t, &stderr, "-s", dir, "--no-watch")
	if !strings.Contains(stderr.String(), "kb: moved 2 searches from "+logPath+" into the database; the log is now "+logPath+".imported") {
		t.Errorf("stderr %q", stderr.String())
	}

	build, err := site.LockSite(context.Background(), dir, "kb build", time.Second)
	if err != nil {
		t.Fatalf("the site lock is not free while kb serve runs: %v", err)
	}
	defer build.Unlock()
	for _, q := range []string{"zqxjv+wobble", "reset+password", "reset&prefix=1"} {
		if code := getStatus(t, base+"api/search?q="+q); code != 200 {
			t.Fatalf("search %s: %d", q, code)
		}
	}
	db := openDB(t, filepath.Join(dir, ".kb", "kb.db"))
	waitFor(t, "the searches", func() string {
		qs, err := db.Queries(context.Background(), allTime)
		if err != nil {
			return err.Error()
		}
		if got := fmtQueries(qs); got != `"dark mode": 1 searches, 0 chosen; "exprot invoices": 1 searches, 0 chosen; "reset password": 1 searches, 0 chosen; "zqxjv wobble": 1 searches, 0 chosen; ` {
			return "stored " + got
		}
		return ""
	})
	if _, err := os.Stat(logPath); !os.IsNotExist(err) {
		t.Errorf("a search log is written again: %v", err)
	}
}

func getStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeDoesNotServeMarker: kb serve serves what it builds in memory,
// never the built public/ folder, so the output's marker file is not a
// page of the served site.
func TestServeDoesNotServeMarker(t *testing.T) {
	dir := copySampleSite(t)
	if code, _, stderr := runKB(t, "build", "-s", dir, "--quiet"); code != 0 {
		t.Fatalf("kb build: %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", site.MarkerFile)); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "-s", dir, "--no-watch")
	resp, err := http.Get(base + site.MarkerFile)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /%s: %s, want 404", site.MarkerFile, resp.Status)
	}
}
