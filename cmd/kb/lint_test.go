package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// lintSite is a small site that follows the checklist.
var lintSite = map[string]string{
	"site.yaml": "title: Lint test\nlint:\n  jargon:\n    utilize: use\n",
	"content/articles/reset.md": `---
title: Reset your password
updated: 2026-11-01
prerequisites: [An account]
related: [/faq/account/]
---
## Steps

1. Open **Settings**.

   ![The settings page](/images/shot.png)

## Troubleshooting

Try again.
`,
	"content/faq/account.md": `---
title: Account questions
updated: 2026-11-01
related: [/articles/reset/]
---
## How do I change my email?

In settings.
`,
	"static/images/shot.png": "png",
}

func writeSite(t *testing.T, changes map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range lintSite {
		files[k] = v
	}
	for k, v := range changes {
		files[k] = v
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runKB runs kb with args and returns the exit status and output.
func runKB(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	code := exitCode(err, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestLintExitStatus(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	clean := writeSite(t, nil)
	warnings := writeSite(t, map[string]string{"content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/account/]\n---\nWe utilize it. We utilize that.\n\n## Is it here?\n\nYes.\n"})
	errors := writeSite(t, map[string]string{"content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/nope/]\n---\nWe utilize it.\n\n## Is it here?\n\nYes.\n"})
	badYAML := writeSite(t, map[string]string{"site.yaml": "title: x\nlint:\n  rules:\n    jargon: loud\n"})
	badRule := writeSite(t, map[string]string{"site.yaml": "lint:\n  rules: {jargn: off}\n"})
	badFM := writeSite(t, map[string]string{"content/faq/bad.md": "---\ntitle: [oops\n---\n", "content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/account/]\n---\nWe utilize it.\n\n## Is it here?\n\nYes.\n"})

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"clean", []string{"lint", "-s", clean}, 0, []string{"2 files checked: 0 errors, 0 warnings, 0 notes\n"}, nil},
		{"warnings pass", []string{"lint", "-s", warnings}, 0, []string{"warning: jargon: Say \"use\" instead of \"utilize\"", "0 errors, 2 warnings"}, nil},
		{"max-warnings exceeded", []string{"lint", "-s", warnings, "--max-warnings", "1"}, 1, nil, []string{"2 warnings, more than --max-warnings 1"}},
		{"max-warnings met", []string{"lint", "-s", warnings, "--max-warnings=2"}, 0, nil, nil},
		{"errors fail", []string{"lint", "-s", errors}, 1, []string{"/content/faq/more.md:4:11: error: related-links: related entry \"/faq/nope/\""}, nil},
		{"errors fail as json", []string{"lint", "-s", errors, "--format", "json"}, 1, []string{`"errors": 1`}, nil},
		{"errors fail as github", []string{"lint", "-s", errors, "--format", "github"}, 1, []string{"::error file="}, nil},
		{"errors fail as sarif", []string{"lint", "-s", errors, "--format", "sarif"}, 1, []string{`"version": "2.1.0"`}, nil},
		{"an unparsable file is a finding, and the others are still checked", []string{"lint", "-s", badFM}, 1,
			[]string{"content/faq/bad.md:2:", "error: front-matter: front matter is not valid YAML", "content/faq/more.md:6:4: warning: jargon"}, nil},
		{"bad level in site.yaml", []string{"lint", "-s", badYAML}, 2, nil, []string{"site.yaml:4: lint.rules.jargon: unknown level \"loud\""}},
		{"unknown rule in site.yaml", []string{"lint", "-s", badRule}, 2, nil, []string{"site.yaml:2: lint.rules: unknown rule \"jargn\" (did you mean \"jargon\"?)"}},
		{"unknown format", []string{"lint", "-s", clean, "--format", "xml"}, 2, nil, []string{"unknown --format \"xml\""}},
		{"unknown flag", []string{"lint", "--nope"}, 2, nil, []string{"unknown flag --nope"}},
		{"missing path", []string{"lint", "-s", clean, filepath.Join(clean, "content/nope.md")}, 2, nil, []string{"no such file or folder"}},
		{"path outside the site", []string{"lint", "-s", clean, warnings}, 2, nil, []string{"is outside the site folder"}},
		{"missing site", []string{"lint", "-s", filepath.Join(clean, "nope")}, 2, nil, []string{"site folder"}},
		{"only the named files, flags after paths", []string{"lint", filepath.Join(errors, "content/articles"), "-s", errors}, 0, []string{"1 file checked: 0 errors"}, nil},
		{"a named file", []string{"lint", "-s", errors, filepath.Join(errors, "content/faq/more.md")}, 1, []string{"1 file checked: 1 error, 1 warning"}, nil},
		{"list rules", []string{"lint", "--list-rules"}, 0, []string{"front-matter", "known-issue-workaround", "Checklist: Avoid jargon"}, nil},
		{"list rules as json", []string{"lint", "--list-rules", "--format", "json"}, 0, []string{`"id": "orphan"`}, nil},
		{"help", []string{"lint", "--help"}, 0, []string{"  kb lint [PATH...] [flags]", "--max-warnings"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runKB(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}

	t.Run("bad SOURCE_DATE_EPOCH", func(t *testing.T) {
		t.Setenv("SOURCE_DATE_EPOCH", "tomorrow")
		if code, _, stderr := runKB(t, "lint", "-s", clean); code != 2 || !strings.Contains(stderr, "SOURCE_DATE_EPOCH") {
			t.Errorf("status %d, %s", code, stderr)
		}
	})
}

func TestLintOutput(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := writeSite(t, map[string]string{"content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/nope/]\n---\nWe utilize it, 100%.\n\n## Is it here?\n\nYes.\n"})

	t.Run("paths are relative to the working folder", func(t *testing.T) {
		wd, _ := os.Getwd()
		t.Cleanup(func() { os.Chdir(wd) })
		if err := os.Chdir(filepath.Dir(dir)); err != nil {
			t.Fatal(err)
		}
		_, stdout, _ := runKB(t, "lint", "-s", filepath.Base(dir))
		want := "\n" + filepath.Base(dir) + "/content/faq/more.md:4:11: error: related-links"
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want it to start with %q", stdout, want)
		}
		os.Chdir(dir)
		if _, stdout, _ := runKB(t, "lint", "content/faq"); !strings.Contains(stdout, "\ncontent/faq/more.md:4:11:") {
			t.Errorf("from the site folder: %q", stdout)
		}
	})

	t.Run("json", func(t *testing.T) {
		_, stdout, _ := runKB(t, "lint", "-s", dir, "--format", "json")
		var r struct {
			Files    int `json:"files"`
			Errors   int `json:"errors"`
			Findings []struct {
				File  string `json:"file"`
				Line  int    `json:"line"`
				Rule  string `json:"rule"`
				Level string `json:"level"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if r.Files != 3 || r.Errors != 1 || len(r.Findings) != 3 || r.Findings[0].Rule != "orphan" || r.Findings[1].Rule != "related-links" || r.Findings[2].Level != "warning" {
			t.Errorf("%+v", r)
		}
	})

	t.Run("github with a step summary", func(t *testing.T) {
		summary := filepath.Join(t.TempDir(), "summary.md")
		os.WriteFile(summary, []byte("earlier step\n"), 0o644)
		t.Setenv("GITHUB_STEP_SUMMARY", summary)
		code, stdout, _ := runKB(t, "lint", "-s", dir, "--format", "github")
		if code != 1 {
			t.Errorf("status %d", code)
		}
		if !strings.Contains(stdout, "::warning file=") || !strings.Contains(stdout, ",line=6,col=4,endColumn=10,title=jargon::Say \"use\" instead of \"utilize\"") {
			t.Errorf("workflow commands:\n%s", stdout)
		}
		b, _ := os.ReadFile(summary)
		if !strings.HasPrefix(string(b), "earlier step\n### kb lint") || !strings.Contains(string(b), "| error |") {
			t.Errorf("step summary:\n%s", b)
		}
		// A summary that cannot be written does not change the status.
		t.Setenv("GITHUB_STEP_SUMMARY", filepath.Join(dir, "no", "such", "folder", "summary.md"))
		if code, _, stderr := runKB(t, "lint", "-s", dir, "--format", "github"); code != 1 || !strings.Contains(stderr, "cannot write the step summary") {
			t.Errorf("status %d, %s", code, stderr)
		}
	})
}

func TestBuildRunsLint(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	t.Run("errors stop the build and nothing is published", func(t *testing.T) {
		dir := writeSite(t, map[string]string{"content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/nope/]\n---\nWe utilize it.\n"})
		code, _, stderr := runKB(t, "build", "-s", dir)
		if code != 1 {
			t.Errorf("status %d, want 1\n%s", code, stderr)
		}
		for _, want := range []string{"content/faq/more.md:4:11: error: related-links", "content/faq/more.md:6:4: warning: jargon", "build stopped: 1 lint error; nothing was published"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
			t.Errorf("public/ was written: %v", err)
		}
	})
	t.Run("warnings are printed and the build goes on", func(t *testing.T) {
		dir := writeSite(t, map[string]string{"content/faq/more.md": "---\ntitle: More questions\nupdated: 2026-11-01\nrelated: [/faq/account/]\n---\nWe utilize it.\n"})
		code, stdout, stderr := runKB(t, "build", "-s", dir)
		if code != 0 || !strings.Contains(stderr, "content/faq/more.md:6:4: warning: jargon") || !strings.Contains(stdout, "Built 3 pages") {
			t.Errorf("status %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		if strings.Contains(stderr, "note:") {
			t.Errorf("notes are for kb lint: %s", stderr)
		}
	})
	t.Run("a bad lint section is a usage error", func(t *testing.T) {
		dir := writeSite(t, map[string]string{"site.yaml": "lint:\n  rules:\n    readability: sometimes\n"})
		if code, _, stderr := runKB(t, "build", "-s", dir); code != 2 || !strings.Contains(stderr, "site.yaml:3: lint.rules.readability") {
			t.Errorf("status %d, %s", code, stderr)
		}
	})
	t.Run("front matter that does not parse stops the build with status 2", func(t *testing.T) {
		dir := writeSite(t, map[string]string{"content/faq/bad.md": "---\ntitle: [oops\n---\n"})
		if code, _, stderr := runKB(t, "build", "-s", dir); code != 2 || !strings.Contains(stderr, "content/faq/bad.md:2") {
			t.Errorf("status %d, %s", code, stderr)
		}
	})
}

// TestLintWorkflowDoc checks that the GitHub Actions workflow in docs parses,
// uses kb's action, and is what docs/lint.md shows.
func TestLintWorkflowDoc(t *testing.T) {
	file, err := os.ReadFile("../../docs/github-actions-lint.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Steps []map[string]any `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(file, &wf); err != nil {
		t.Fatal(err)
	}
	if wf.On["pull_request"] == nil || len(wf.Jobs["lint"].Steps) == 0 {
		t.Fatalf("workflow: %+v", wf)
	}
	// kb's action (action.yml) runs kb lint --format github; action_test.go
	// at the root runs it.
	found := false
	for _, s := range wf.Jobs["lint"].Steps {
		if uses, _ := s["uses"].(string); strings.HasPrefix(uses, "octoacme/kb@") {
			found = true
		}
	}
	if !found {
		t.Error("the lint job does not use kb's action, octoacme/kb")
	}
	doc, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(doc), "\n## GitHub Actions\n")
	_, block, _ := strings.Cut(after, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	if !strings.Contains(string(file), block) || len(block) < 200 {
		t.Errorf("docs/lint.md shows a workflow that is not the one in docs/github-actions-lint.yml:\n%s", block)
	}
}
