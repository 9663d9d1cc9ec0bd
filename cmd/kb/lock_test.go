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

// TestServeLogTakesSiteLock: kb serve's one write in .kb/, the zero-result
// search log, waits while a kb build holds the site lock, and the search
// itself does not; kb serve holds the lock only for each line, so a build
// gets it while the server runs.
func TestServeLogTakesSiteLock(t *testing.T) {
	dir := copySampleSite(t)
	base := startServe(t, "-s", dir, "--no-watch")
	logPath := filepath.Join(dir, ".kb", "search-log.jsonl")

	build, err := site.LockSite(context.Background(), dir, "kb build", time.Second)
	if err != nil {
		t.Fatalf("the site lock is not free while kb serve runs: %v", err)
	}
	start := time.Now()
	get(t, base+"api/search?q=zqxjv+wobble")
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("the search waited %v for the lock", el)
	}
	time.Sleep(200 * time.Millisecond)
	if data, _ := os.ReadFile(logPath); strings.Contains(string(data), "zqxjv") {
		t.Fatal("kb serve wrote the log while a build held the site lock")
	}
	build.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, _ := os.ReadFile(logPath); strings.Contains(string(data), "zqxjv wobble") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the line was not written after the lock was released")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Free again: a build takes it at once.
	l, err := site.LockSite(context.Background(), dir, "kb build", time.Second)
	if err != nil {
		t.Fatalf("kb serve kept the site lock: %v", err)
	}
	l.Unlock()
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
