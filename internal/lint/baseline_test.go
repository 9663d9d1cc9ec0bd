package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
)

// baselineSite is a page with findings of several kinds: page-level ones,
// a front-matter value, body text and links, and a page-wide rule.
const baselinePage = "---\ntitle: Short\nupdated: 2026-11-01\nrelated: [/articles/missing/]\n---\n" +
	"We utilize it.\n\n1. Open [the page](/nope/).\n2. Again we utilize it.\n"

func baselineFindings(t *testing.T, page string, b *Baseline) *Result {
	t.Helper()
	return lintFiles(t, map[string]string{"content/articles/x.md": page, "site.yaml": "lint:\n  jargon: [utilize]\n"}, Options{Baseline: b})
}

// TestBaselineFingerprints: findings match their baseline entries by rule,
// file and offending text, wherever the lines moved; a changed or an extra
// occurrence is new.
func TestBaselineFingerprints(t *testing.T) {
	before := baselineFindings(t, baselinePage, nil)
	if len(before.Findings) < 7 {
		t.Fatalf("fixture: %v", only(before.Findings))
	}
	b := NewBaseline(before.Findings)
	for _, tc := range []struct {
		name, page string
		want       []string
	}{
		{"unchanged", baselinePage, nil},
		{"lines added above and between",
			strings.Replace(strings.Replace(baselinePage, "---\nWe", "---\nA new intro.\n\nAnd more.\n\nWe", 1), "2. Again", "1. A new step.\n2. Again", 1), nil},
		{"re-indented and re-wrapped front matter value",
			strings.Replace(baselinePage, "title: Short", "title:   Short", 1), nil},
		{"a third occurrence of a baselined word is new",
			baselinePage + "\nWe utilize it a third time.\n", []string{"content/articles/x.md:11:4: warning: jargon"}},
		{"a changed link is new, and its old entry is fixed",
			strings.Replace(baselinePage, "/nope/", "/nope-again/", 1), []string{"content/articles/x.md:8:20: error: broken-link"}},
		{"a changed title is a new finding",
			strings.Replace(baselinePage, "title: Short", "title: Brief", 1), []string{"content/articles/x.md:2:8: warning: title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := baselineFindings(t, tc.page, b)
			if got := only(res.Findings); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("new findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if res.Baseline != b || len(res.Baselined)+len(res.Findings) != len(baselineFindings(t, tc.page, nil).Findings) {
				t.Errorf("%d baselined, %d new", len(res.Baselined), len(res.Findings))
			}
		})
	}
	res := baselineFindings(t, strings.Replace(baselinePage, "/nope/", "/nope-again/", 1), b)
	if res.Fixed != 1 {
		t.Errorf("Fixed = %d, want 1 (the old link)", res.Fixed)
	}
	if res := baselineFindings(t, baselinePage, nil); len(res.Baselined) != 0 || res.Baseline != nil {
		t.Error("a baseline applied without one")
	}
}

// TestBaselinePageWide: findings about the whole page match whatever the
// text they point at.
func TestBaselinePageWide(t *testing.T) {
	long := strings.Repeat("Go to the page. ", 380)
	page := "---\ntitle: A page for the test\nupdated: 2026-11-01\n---\n" + long + "\n"
	res := lintFiles(t, map[string]string{"content/faq/x.md": page}, Options{})
	b := NewBaseline(res.Findings)
	edited := "---\ntitle: A page for the test\nupdated: 2026-11-01\n---\nSomething else first.\n\n" + long + "More.\n"
	if res := lintFiles(t, map[string]string{"content/faq/x.md": edited}, Options{Baseline: b}); len(res.Findings) != 0 {
		t.Errorf("new findings: %v", only(res.Findings))
	}
}

// TestBaselineFile: written sorted, read back; errors name the file and line.
func TestBaselineFile(t *testing.T) {
	res := baselineFindings(t, baselinePage, nil)
	var buf bytes.Buffer
	if err := NewBaseline(res.Findings).Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := ParseBaseline("b.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != len(res.Findings) || b.Entries[0].File != "content/articles/x.md" || b.Entries[0].Fingerprint == "" {
		t.Fatalf("read back: %+v", b.Entries)
	}
	var again bytes.Buffer
	b.Write(&again)
	if again.String() != buf.String() {
		t.Error("writing a read baseline changes it")
	}
	for src, want := range map[string]string{
		"{\n  \"version\": 1,\n  \"findings\": [}\n":  "b.json:3: not a kb lint baseline",
		`{"version": 2, "findings": []}`:              "b.json: baseline version 2, want 1",
		`{"version": 1, "findings": [{"file": "x"}]}`: "b.json: finding 1 lacks its file, rule or fingerprint",
		`{"version": 1, "extra": true}`:               "b.json: not a kb lint baseline: json: unknown field",
		"{\"version\": \"1\"}":                        "b.json:1: not a kb lint baseline",
	} {
		if _, err := ParseBaseline("b.json", []byte(src)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
}

// TestSiteBaseline: site.yaml's lint.baseline, relative to the site
// folder, is what Check applies without Options.Baseline; NoBaseline
// turns it off; a missing file is an error at its line.
func TestSiteBaseline(t *testing.T) {
	dir := t.TempDir()
	res := baselineFindings(t, baselinePage, nil)
	var buf bytes.Buffer
	NewBaseline(res.Findings).Write(&buf)
	os.WriteFile(filepath.Join(dir, "accepted.json"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("lint:\n  jargon: [utilize]\n  baseline: accepted.json\n"), 0o644)
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	site := func(opts Options) (*Result, error) {
		files := map[string]string{"content/articles/x.md": baselinePage}
		fsRes, err := lintFilesCfg(files, cfg, opts)
		return fsRes, err
	}
	got, err := site(Options{})
	if err != nil || len(got.Findings) != 0 || len(got.Baselined) != len(res.Findings) || got.Baseline.Path != "accepted.json" {
		t.Fatalf("with lint.baseline: %v, %d new, %d baselined", err, len(got.Findings), len(got.Baselined))
	}
	if got, _ := site(Options{NoBaseline: true}); len(got.Findings) != len(res.Findings) {
		t.Errorf("NoBaseline: %d findings", len(got.Findings))
	}
	os.Remove(filepath.Join(dir, "accepted.json"))
	cfg, _ = config.Load(dir)
	if _, err := site(Options{}); err == nil || !strings.HasPrefix(err.Error(), "site.yaml:3: lint.baseline: ") || !strings.Contains(err.Error(), "no such baseline file") {
		t.Errorf("missing baseline: %v", err)
	}
}
