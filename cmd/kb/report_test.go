package main

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/feedback"
	"github.com/octoacme/kb/internal/feedback/feedbacktest"
	"github.com/octoacme/kb/internal/report/reporttest"
)

// reportSite copies the report fixture's site into a temporary folder.
func reportSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../internal/report/testdata/site")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReportGolden runs kb report on the seeded fixture, in SQLite (the
// site's default .kb/kb.db) and in PostgreSQL (--db), and compares the
// output with testdata/report.*: both databases give the same report.
// Run with -update to rewrite the golden files.
func TestReportGolden(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27, reporttest.Today
	for _, b := range feedbacktest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := reportSite(t)
			ctx := context.Background()
			url := b.URL
			var dbArgs []string
			if b.Name == "sqlite" {
				url = filepath.Join(dir, ".kb", "kb.db")
			} else {
				dbArgs = []string{"--db", url}
			}
			s, err := feedback.Open(ctx, url, feedback.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := reporttest.Seed(ctx, s); err != nil {
				t.Fatal(err)
			}
			s.Close()
			tickets := filepath.Join("..", "..", "internal", "report", "testdata", "tickets.csv")
			for _, format := range []string{"text", "markdown", "json"} {
				var out, errb bytes.Buffer
				args := append([]string{"report", "-s", dir, "--since", reporttest.Since, "--until", reporttest.Until,
					"--release", "2.0", "--tickets", tickets, "--format", format}, dbArgs...)
				if err := run(ctx, args, &out, &errb); err != nil {
					t.Fatalf("kb %s: %v\n%s", strings.Join(args, " "), err, errb.String())
				}
				if errb.Len() > 0 {
					t.Errorf("kb report --format %s wrote to stderr:\n%s", format, errb.String())
				}
				ext := map[string]string{"text": "txt", "markdown": "md", "json": "json"}[format]
				golden := filepath.Join("testdata", "report."+ext)
				if *update && b.Name == "sqlite" {
					if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(string(want), out.String()); d != "" {
					t.Errorf("kb report --format %s differs from %s (-want +got):\n%s", format, golden, d)
				}
			}
		})
	}
}

// TestFeedbackDocExample keeps the example in docs/feedback.md the golden
// output of TestReportGolden.
func TestFeedbackDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/feedback.md")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/report.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "````markdown\n"+string(golden)+"````\n") {
		t.Error("docs/feedback.md does not show testdata/report.md as its kb report example; copy it there")
	}
}

var screenshot = flag.Bool("screenshot", false, "take docs/img/report.png, the screenshot of the HTML report in docs/feedback.md, again")

// reportShot is the screenshot docs/feedback.md shows, and its size cap.
const (
	reportShot      = "report.png"
	reportShotLimit = 400 << 10
)

// TestReportScreenshot checks that docs/feedback.md shows the screenshot
// of the HTML report and that it is a PNG under reportShotLimit. With
// -screenshot it first takes it again: kb report --format html on the
// seeded fixture (the report of the markdown example), opened from a file
// in Chromium, its first 2,250 CSS pixels at 1,100 wide: the summary and
// the charts (the tables below them are the markdown example's).
func TestReportScreenshot(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "img", reportShot)
	if *screenshot {
		takeReportScreenshot(t, path)
	}
	doc, err := os.ReadFile("../../docs/feedback.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "](img/"+reportShot+")") {
		t.Errorf("docs/feedback.md does not show img/%s", reportShot)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/kb -run TestReportScreenshot -screenshot takes it)", err)
	}
	if len(data) > reportShotLimit {
		t.Errorf("docs/img/%s is %d bytes, over %d", reportShot, len(data), reportShotLimit)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("docs/img/%s: %v", reportShot, err)
	}
}

func takeReportScreenshot(t *testing.T, path string) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27, reporttest.Today
	dir := reportSite(t)
	ctx := context.Background()
	s, err := feedback.Open(ctx, filepath.Join(dir, ".kb", "kb.db"), feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := reporttest.Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out, errb bytes.Buffer
	tickets := filepath.Join("..", "..", "internal", "report", "testdata", "tickets.csv")
	if err := run(ctx, []string{"report", "-s", dir, "--since", reporttest.Since, "--until", reporttest.Until,
		"--release", "2.0", "--tickets", tickets, "--format", "html"}, &out, &errb); err != nil {
		t.Fatalf("kb report: %v\n%s", err, errb.String())
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t, time.Minute)
	if err := chromedp.Do(b.Ctx, chromedp.EmulateViewport(1100, 2250), chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
