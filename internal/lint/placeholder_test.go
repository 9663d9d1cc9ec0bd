package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// defaultScaffolds are the default theme's layouts/new/*.md, as files for lintFiles.
func defaultScaffolds(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	matches, _ := filepath.Glob("../../layouts/new/*.md")
	if len(matches) == 0 {
		t.Fatal("no scaffolds in ../../layouts/new")
	}
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		files["layouts/new/"+filepath.Base(m)] = string(data)
	}
	return files
}

func placeholderFindings(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Rule == RulePlaceholder {
			out = append(out, short(f)+" "+f.Message)
		}
	}
	return out
}

// TestPlaceholder: scaffold text left in a published page is an error at
// its place, each text once; the placeholders come from the scaffolds.
func TestPlaceholder(t *testing.T) {
	files := defaultScaffolds(t)
	files["content/troubleshooting/sync.md"] = `---
title: Error SYNC-009 when syncing
updated: 2026-11-01
description: What to do when this problem happens, in one or two sentences.
prerequisites: [An account]
related: [/articles/reset-your-password/]
---
Describe the problem
in the words customers use.

## Symptoms

The app shows ` + "`ERROR-CODE: message`" + `. Describe the problem in the words customers use.

## Resolution

1. Restart the app.
2. Sign in again.
`
	files["content/releases/2-0.md"] = `---
title: Version 2.0
updated: 2026-11-01
version: "2.0.0"
date: 2026-11-01
features:
  - title: Offline mode
    summary: Work without a connection.
    docs: [/articles/reset-your-password/]
fixes:
  - title: Sync stopped at night
    ticket: TICKET-0
  - title: Export failed
    ticket: TICKET-01
---
Version 2.0 works offline.
`
	res := lintFiles(t, files, Options{})
	got := placeholderFindings(res)
	want := []string{
		`content/releases/2-0.md:12:13: error: placeholder "TICKET-0" is scaffold text from layouts/new/release.md; replace it with this page's own words, or delete it`,
		`content/troubleshooting/sync.md:4:14: error: placeholder "What to do when this problem happens, in one or two sente…" is scaffold text from layouts/new/troubleshooting.md; replace it with this page's own words, or delete it`,
		`content/troubleshooting/sync.md:8:1: error: placeholder "Describe the problem in the words customers use." is scaffold text from layouts/new/troubleshooting.md; replace it with this page's own words, or delete it`,
		`content/troubleshooting/sync.md:13:16: error: placeholder "ERROR-CODE: message" is scaffold text from layouts/new/troubleshooting.md; replace it with this page's own words, or delete it`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.Rule == RulePlaceholder && f.Line == 8 && (f.EndLine != 9 || f.EndCol != 28) {
			t.Errorf("a placeholder over two lines ends at %d:%d, want 9:28", f.EndLine, f.EndCol)
		}
	}

	// A draft is work in progress: not checked, unless drafts count as published.
	files["content/troubleshooting/sync.md"] = strings.Replace(files["content/troubleshooting/sync.md"], "updated:", "draft: true\nupdated:", 1)
	delete(files, "content/releases/2-0.md")
	if got := placeholderFindings(lintFiles(t, files, Options{})); len(got) != 0 {
		t.Errorf("a draft: %v", got)
	}
	if got := placeholderFindings(lintFiles(t, files, Options{Drafts: true})); len(got) != 3 {
		t.Errorf("a draft with Drafts: %v", got)
	}
}

// TestPlaceholderSiteScaffolds: a site's own scaffolds are what the rule
// looks for: their text is found, and the default theme's is not made up.
func TestPlaceholderSiteScaffolds(t *testing.T) {
	files := map[string]string{
		"layouts/new/article.md": "---\ntitle: {{.Title}}\ndescription: Our own words go here.\nupdated: {{.Date}}\n---\nWrite the introduction for our readers here.\n\n## Steps\n\n1. Go to **Settings**.\n",
		"content/articles/x.md":  fm + "Write the introduction for our readers here.\n\nDescribe the problem in the words customers use.\n\n1. Go to **Settings**.\n",
	}
	got := placeholderFindings(lintFiles(t, files, Options{}))
	if len(got) != 1 || !strings.Contains(got[0], `x.md:7:1: error: placeholder "Write the introduction for our readers here." is scaffold text from layouts/new/article.md`) {
		t.Errorf("findings %v", got)
	}
	// The rule's level comes from site.yaml like any other's.
	files["site.yaml"] = "lint:\n  rules: {placeholder: off}\n"
	if got := placeholderFindings(lintFiles(t, files, Options{})); len(got) != 0 {
		t.Errorf("placeholder: off: %v", got)
	}
}
