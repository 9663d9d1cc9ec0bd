package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
)

var today = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// base is a small site that follows the whole checklist.
var base = map[string]string{
	"content/articles/reset-your-password.md": `---
title: Reset your password
updated: 2026-11-01
prerequisites: [An account]
related: [/faq/account/]
---
Intro.

## Steps

1. Open **Settings**.
2. Select **Reset**.

   ![The settings page](/images/shot.png)

## Troubleshooting

- Nothing happens? Try again.
`,
	"content/faq/account.md": `---
title: Account questions
updated: 2026-11-01
related: [/articles/reset-your-password/]
---
## How do I change my email?

In settings.
`,
	"static/images/shot.png": "png",
}

// fm is front matter that passes every front-matter rule; the body starts on line 7.
const fm = "---\ntitle: A page for the test\nupdated: 2026-11-01\nprerequisites: [An account]\nrelated: [/articles/reset-your-password/]\n---\n"

// lintFiles lints the base site plus files (a file "" removes a base file).
func lintFiles(t *testing.T, files map[string]string, opts Options) *Result {
	t.Helper()
	res, err := lintFilesErr(files, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func lintFilesErr(files map[string]string, opts Options) (*Result, error) {
	cfg := config.Default()
	if y, ok := files["site.yaml"]; ok {
		var err error
		if cfg, err = config.Parse("site.yaml", []byte(y)); err != nil {
			return nil, err
		}
	}
	return lintFilesCfg(files, cfg, opts)
}

// lintFilesCfg lints the base site plus files with a configuration.
func lintFilesCfg(files map[string]string, cfg *config.Config, opts Options) (*Result, error) {
	fsys := fstest.MapFS{}
	for name, data := range base {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range files {
		if data == "" && base[name] != "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	cs := content.Load(fsys, content.Options{Markdown: markdown.New(markdown.Options{HTML: cfg.Markdown.HTML, Embeds: cfg.Markdown.Embeds})})
	static, _ := fs.Sub(fsys, "static")
	if opts.Today.IsZero() && os.Getenv("SOURCE_DATE_EPOCH") == "" {
		opts.Today = today
	}
	scaffolds := map[string][]byte{}
	for name, data := range files {
		if strings.HasPrefix(name, "layouts/new/") {
			scaffolds[name] = []byte(data)
		}
	}
	return Check(&Input{Config: cfg, Pages: cs.Pages, Errors: cs.Errors, Static: static, Scaffolds: scaffolds}, opts)
}

func short(f Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Col, f.Level, f.Rule)
}

// only keeps the findings of some rules, as short strings.
func only(fs []Finding, rules ...string) []string {
	var out []string
	for _, f := range fs {
		if len(rules) == 0 || slices.Contains(rules, f.Rule) {
			out = append(out, short(f))
		}
	}
	return out
}

func TestBaseIsClean(t *testing.T) {
	res := lintFiles(t, nil, Options{})
	if len(res.Findings) != 0 {
		t.Errorf("the base site has findings:\n%s", strings.Join(only(res.Findings), "\n"))
	}
	if res.Files != 2 {
		t.Errorf("Files = %d, want 2", res.Files)
	}
}

type ruleCase struct {
	name  string
	files map[string]string
	rules []string // the rules to compare; default: the case's first word
	want  []string
	msg   string // a message of a wanted finding contains this
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := lintFiles(t, tc.files, Options{})
			rules := tc.rules
			if rules == nil {
				rules = []string{strings.Fields(tc.name)[0]}
			}
			got := only(res.Findings, rules...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings of %v:\n got: %q\nwant: %q\nall: %s", rules, got, tc.want, strings.Join(only(res.Findings), "\n     "))
			}
			if tc.msg != "" {
				ok := false
				for _, f := range res.Findings {
					if slices.Contains(rules, f.Rule) && strings.Contains(f.Message, tc.msg) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("no %v finding says %q: %v", rules, tc.msg, res.Findings)
				}
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "front-matter does not parse",
			files: map[string]string{"content/articles/x.md": "---\ntitle: [unclosed\n---\nBody.\n",
				"content/articles/y.md": fm + "We utilize it.\n", "site.yaml": "lint:\n  jargon: [utilize]\n"},
			rules: []string{RuleFrontMatter, RuleJargon},
			want:  []string{"content/articles/x.md:2:1: error: front-matter", "content/articles/y.md:7:4: warning: jargon"},
			msg:   "not valid YAML"},
		{name: "front-matter unknown type at its value",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\ntype: howto\n---\n"},
			want:  []string{"content/articles/x.md:3:7: error: front-matter"}, msg: `unknown type "howto"`},
		{name: "front-matter wrong kind",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\ntags: 5\n---\n"},
			want:  []string{"content/articles/x.md:3:7: error: front-matter"}, msg: "want a list"},
		{name: "front-matter a key set twice is one finding naming both lines",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-01\ntitle: The same page again\n---\n"},
			want:  []string{"content/articles/x.md:4:1: error: front-matter"}, msg: "title: set twice, on lines 2 and 4; kb uses the one on line 4"},
		{name: "front-matter never closed",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page\n\nBody.\n"},
			want:  []string{"content/articles/x.md:1:1: error: front-matter"}, msg: "never closed"},
	})
}

func TestTitle(t *testing.T) {
	long := strings.Repeat("Long title words ", 5) // 84 characters once trimmed
	runCases(t, []ruleCase{
		{name: "title missing",
			files: map[string]string{"content/articles/x.md": "---\nupdated: 2026-11-01\n---\nBody.\n"},
			want:  []string{"content/articles/x.md:1:1: error: title"}},
		{name: "title empty at its key",
			files: map[string]string{"content/articles/x.md": "---\ntitle: \"\"\n---\nBody.\n"},
			want:  []string{"content/articles/x.md:2:8: error: title"}},
		{name: "title shared by two pages",
			files: map[string]string{"content/articles/x.md": "---\ntitle: Account  QUESTIONS\n---\n"},
			want:  []string{"content/articles/x.md:2:8: error: title", "content/faq/account.md:2:8: error: title"},
			msg:   "also the title of content/faq/account.md"},
		{name: "title too long is a warning at the value",
			files: map[string]string{"content/articles/x.md": "---\nupdated: 2026-11-01\ntitle: " + long + "\n---\n"},
			want:  []string{"content/articles/x.md:3:8: warning: title"}, msg: "84 characters"},
		{name: "title too short",
			files: map[string]string{"content/articles/x.md": "---\ntitle: 'Reset'\n---\n"},
			want:  []string{"content/articles/x.md:2:8: warning: title"}},
		{name: "title a draft may not share a published title, but not the other way",
			files: map[string]string{"content/articles/x.md": "---\ntitle: Account questions\ndraft: true\n---\n"},
			want:  []string{"content/articles/x.md:2:8: error: title"}},
	})
}

func TestPrerequisites(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "prerequisites missing in an article",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n1. Step.\n"},
			want:  []string{"content/articles/x.md:1:1: error: prerequisites"}},
		{name: "prerequisites empty list at the key",
			files: map[string]string{"content/troubleshooting/x.md": "---\ntitle: A page for the test\nprerequisites: []\n---\n## Resolution\n\n1. Step.\n"},
			want:  []string{"content/troubleshooting/x.md:3:1: error: prerequisites"}, msg: "a troubleshooting guide with numbered steps states"},
		{name: "prerequisites not needed without a procedure",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\nAn overview.\n\n- A point.\n"},
			want:  nil},
		{name: "prerequisites always, when site.yaml says so",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\nAn overview.\n",
				"site.yaml": "lint:\n  prerequisites: {when: always}\n"},
			want: []string{"content/articles/x.md:1:1: error: prerequisites"}, msg: "a how-to guide states its prerequisites"},
		{name: "prerequisites sections titled like Requirements",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n## System requirements\n\nA Mac.\n\n1. Step.\n",
				"content/articles/y.md": "---\ntitle: Another page for the test\n---\n### Requirements:\n\nA Mac.\n\n1. Step.\n"},
			want: nil},
		{name: "prerequisites headings from site.yaml",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n## What you need\n\nA Mac.\n\n1. Step.\n",
				"content/articles/y.md": "---\ntitle: Another page for the test\n---\n## Prerequisites\n\nA Mac.\n\n1. Step.\n",
				"site.yaml":             "lint:\n  prerequisites:\n    headings: [what you need]\n"},
			want: []string{"content/articles/y.md:1:1: error: prerequisites"}},
		{name: "prerequisites section before the first step",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n## Before you begin\n\nAn account.\n\n## Steps\n\n1. Step.\n"},
			want:  nil},
		{name: "prerequisites section after the first step",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n1. Step.\n\n## Prerequisites:\n\nAn account.\n"},
			want:  []string{"content/articles/x.md:6:4: error: prerequisites"}, msg: "after the first step (line 4)"},
		{name: "prerequisites not needed in FAQs and releases",
			files: map[string]string{"content/faq/x.md": "---\ntitle: A page for the test\n---\n",
				"content/releases/1-0.md": "---\ntitle: A page for the test\nversion: '1.0'\ndate: 2026-11-01\n---\n"},
			want: nil},
	})
}

func TestLastUpdated(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "last-updated missing",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n"},
			want:  []string{"content/articles/x.md:1:1: error: last-updated"}},
		{name: "last-updated not a date, at its value",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-13-01\n---\n"},
			rules: []string{RuleLastUpdated, RuleFrontMatter},
			want:  []string{"content/articles/x.md:3:10: error: last-updated"}, msg: "is not a date"},
		{name: "last-updated in the future",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated:   2026-12-01\n---\n"},
			want:  []string{"content/articles/x.md:3:12: error: last-updated"}, msg: "in the future (today is 2026-11-27)"},
		{name: "last-updated tomorrow is within a day's grace",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-28\n---\n"},
			want:  nil},
		{name: "last-updated stale is a warning",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2025-11-26\n---\n"},
			want:  []string{"content/articles/x.md:3:10: warning: last-updated"}, msg: "366 days ago"},
		{name: "last-updated exactly at the limit is fine",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2025-11-27\n---\n"},
			want:  nil},
		{name: "last-updated staleness follows site.yaml",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-10-27\n---\n",
				"site.yaml": "lint:\n  stale_after_days: 30\n"},
			want: []string{"content/articles/x.md:3:10: warning: last-updated"}},
		{name: "last-updated releases are dated by their release date and never stale",
			files: map[string]string{"content/releases/1-0.md": "---\ntitle: A page for the test\nversion: '1.0'\ndate: 2020-01-01\n---\n",
				"content/releases/2-0.md": "---\ntitle: Another page for it\nversion: '2.0'\ndate: 2020-01-01\nupdated: 2020-01-02\n---\n"},
			want: nil},
	})
}

func TestRelatedLinks(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "related-links missing",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\n"},
			want:  []string{"content/articles/x.md:1:1: error: related-links"}},
		{name: "related-links empty list",
			files: map[string]string{"content/faq/x.md": "---\ntitle: A page for the test\nrelated: []\n---\n"},
			want:  []string{"content/faq/x.md:3:1: error: related-links"}},
		{name: "related-links entries resolve, at each entry's position",
			files: map[string]string{"content/faq/x.md": "---\ntitle: A page for the test\nrelated:\n  - /articles/reset-your-password/\n  - /articles/nope/\n  - /faq/account/#how-do-i-change-my-email\n  - /faq/account/#nope\n  - https://example.com/elsewhere\n  - /faq/account\n  - ../../articles/reset-your-password/\n  - /images/shot.png\n---\n"},
			want: []string{"content/faq/x.md:5:5: error: related-links", "content/faq/x.md:7:5: error: related-links",
				"content/faq/x.md:11:5: error: related-links"}},
		{name: "related-links satisfied by a link to another page in the body",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\nSee [the FAQ](/faq/account/#how-do-i-change-my-email).\n",
				"content/articles/y.md": "---\ntitle: Another page for the test\n---\nSee [this page](#top), [the site](https://example.com/), [the list](/faq/) and [a broken one](/faq/nope/).\n\n## Top\n"},
			want: []string{"content/articles/y.md:1:1: error: related-links"}, msg: "or link to one in the text"},
		{name: "related-links body link count from site.yaml",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\nSee [the FAQ](/faq/account/) and [again](/faq/account/#how-do-i-change-my-email).\n",
				"site.yaml": "lint:\n  related_links: {body_links: 2}\n"},
			want: []string{"content/articles/x.md:1:1: error: related-links"}, msg: "link to 2 other pages in the text (it links to 1; lint.related_links.body_links)"},
		{name: "related-links only front matter when body_links is 0",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\n---\nSee [the FAQ](/faq/account/).\n",
				"site.yaml": "lint:\n  related_links: {body_links: 0}\n"},
			want: []string{"content/articles/x.md:1:1: error: related-links"}},
		{name: "related-links not needed on releases",
			files: map[string]string{"content/releases/1-0.md": "---\ntitle: A page for the test\nversion: '1.0'\ndate: 2026-11-01\n---\n"},
			want:  nil},
	})
}

func TestBrokenLink(t *testing.T) {
	const code = "Use `[x](/nope/)` and:\n\n```md\n[x](/nope/) ![](/nope.png)\n```\n\n    [y](/nope/)\n"
	runCases(t, []ruleCase{
		{name: "broken-link to a missing page, at the destination",
			files: map[string]string{"content/articles/x.md": fm + "See [the guide](/articles/nope/) or [this](/articles/reset-your-password).\n"},
			want:  []string{"content/articles/x.md:7:17: error: broken-link"}, msg: `no page has the URL /articles/nope/`},
		{name: "broken-link suggests the page with that slug",
			files: map[string]string{"content/articles/x.md": fm + "[a](/guides/reset-your-password/)\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link"}, msg: "did you mean /articles/reset-your-password/?"},
		{name: "broken-link shows the URL as written, and the page an old .html URL means",
			files: map[string]string{"content/articles/x.md": fm + "[a](/reset-your-password.html) [b](../crypto.html)\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link", "content/articles/x.md:7:36: error: broken-link"},
			msg:   "no page has the URL /reset-your-password.html (did you mean /articles/reset-your-password/?)"},
		{name: "broken-link relative URLs shown resolved, without an added slash",
			files: map[string]string{"content/articles/x.md": fm + "[b](reset-your-password.html)\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link"},
			msg:   `broken link "reset-your-password.html": no page has the URL /articles/x/reset-your-password.html (did you mean /articles/reset-your-password/?)`},
		{name: "broken-link not to a page that failed to load: its own finding says why",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-01\nprerequisites: [An account]\nrelated: [/articles/bad/]\n---\n[a](/articles/bad/) [b](/articles/bad/#steps) [c](/articles/nope/)\n",
				"content/articles/bad.md": "---\ntitle: [unclosed\n---\n## Steps\n"},
			rules: []string{RuleBrokenLink, RuleRelatedLinks, RuleFrontMatter},
			want:  []string{"content/articles/bad.md:2:1: error: front-matter", "content/articles/x.md:7:51: error: broken-link"}},
		{name: "broken-link suggests the page a typo away",
			files: map[string]string{"content/articles/x.md": fm + "[a](/faq/acount/)\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link"}, msg: "did you mean /faq/account/?"},
		{name: "broken-link headings are the renderer's IDs",
			files: map[string]string{"content/articles/x.md": fm + "[a](/faq/account/#how-do-i-change-my-email) [b](#steps) [c](#Steps)\n\n## Steps\n\n[d](/faq/account/#how-do-i-change-my-e-mail)\n"},
			want:  []string{"content/articles/x.md:7:61: error: broken-link", "content/articles/x.md:11:5: error: broken-link"},
			msg:   `did you mean #how-do-i-change-my-email?`},
		{name: "broken-link heading IDs are GitHub's, and kb's old ones still work",
			files: map[string]string{"content/articles/x.md": fm + "[a](#user--directory) [b](#user-directory) [c](/articles/x/#import--export-1) [d](#import-export-1) [e](#import-export) [f](#user-and-directory)\n\n## User & Directory\n\n## Import / Export\n\n## Import / Export\n"},
			want:  []string{"content/articles/x.md:7:125: error: broken-link"}, msg: "did you mean #user--directory?"},
		{name: "broken-link template anchors",
			files: map[string]string{"content/articles/x.md": fm + "[a](#kb-related) [b](#kb-prerequisites) [c](#kb-feedback) [d](/releases/1-0/#known-issues) [e](/releases/1-0/#fixed) [f](/known-issues/#ki-10-sync-stops) [g](/known-issues/#ki-nope)\n",
				"content/releases/1-0.md": "---\ntitle: A page for the test\nversion: '1.0'\ndate: 2026-11-01\nknown_issues:\n  - title: Sync stops\n    workaround: Restart.\n---\n"},
			want: []string{"content/articles/x.md:7:96: error: broken-link", "content/articles/x.md:7:159: error: broken-link"}},
		{name: "broken-link relative links resolve against the page URL",
			files: map[string]string{"content/articles/x.md": fm + "[a](../reset-your-password/) [b](../../faq/account/) [c](../nope/) [d](reset-your-password/)\n"},
			want:  []string{"content/articles/x.md:7:58: error: broken-link", "content/articles/x.md:7:72: error: broken-link"}},
		{name: "broken-link to a Markdown file names its page",
			files: map[string]string{"content/articles/x.md": fm + "[a](../faq/account.md)\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link"}, msg: "link to its page /faq/account/ instead"},
		{name: "broken-link drafts are not published",
			files: map[string]string{"content/articles/x.md": fm + "[a](/articles/d/)\n",
				"content/articles/d.md":  "---\ntitle: A draft page\ndraft: true\nrelated: [/articles/x/]\n---\n[back](/articles/x/) [other](/articles/d2/)\n",
				"content/articles/d2.md": "---\ntitle: Another draft page\ndraft: true\n---\n"},
			want: []string{"content/articles/x.md:7:5: error: broken-link"}, msg: "is the draft content/articles/d.md"},
		{name: "broken-link images and static files",
			files: map[string]string{"content/articles/x.md": fm + "![a](/images/shot.png) ![b](/images/nope.png) [c](/images/shot.png) ![d](shot.png) [e](/sitemap.xml) [f](/tags/) [g](/faq/) [h](/known-issues/) [i](/404.html) [j](/files/x.pdf)\n"},
			want: []string{"content/articles/x.md:7:29: error: broken-link", "content/articles/x.md:7:74: error: broken-link",
				"content/articles/x.md:7:164: error: broken-link"}},
		{name: "broken-link files without an extension, not as pages or entries",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-01\nrelated: [/articles/reset-your-password/, /KEYS]\n---\n[a](/KEYS) [b](/install) [c](/KEYS/) [d](/nope)\n",
				"static/KEYS": "keys", "static/install": "#!/bin/sh"},
			rules: []string{RuleBrokenLink, RuleRelatedLinks},
			want: []string{"content/articles/x.md:4:43: error: related-links", "content/articles/x.md:6:30: error: broken-link",
				"content/articles/x.md:6:42: error: broken-link"}},
		{name: "broken-link text fragments: only the ID before :~: is an ID",
			files: map[string]string{"content/articles/x.md": fm + "[a](/faq/account/#how-do-i-change-my-email:~:text=In%20settings) [b](/faq/account/#:~:text=settings) [c](#:~:text=x) [d](/faq/account/#nope:~:text=x)\n"},
			want:  []string{"content/articles/x.md:7:122: error: broken-link"}, msg: `no heading with the ID "nope"`},
		{name: "broken-link external links and code are never checked",
			files: map[string]string{"content/articles/x.md": fm + "[a](https://example.com/nope/) <https://x.test/y> [m](mailto:a@b.c) [t](tel:+1) [p](//cdn.test/x)\n\n" + code},
			want:  nil},
		{name: "broken-link links to the site's own base_url are checked",
			files: map[string]string{"content/articles/x.md": fm + "[a](https://help.example.com/faq/account/) [b](https://help.example.com/nope/)\n",
				"site.yaml": "base_url: https://help.example.com/\n"},
			want: []string{"content/articles/x.md:7:48: error: broken-link"}},
		{name: "broken-link empty destination",
			files: map[string]string{"content/articles/x.md": fm + "Click [here]().\n"},
			want:  []string{"content/articles/x.md:7:7: error: broken-link"}, msg: "no destination"},
		{name: "broken-link reference links",
			files: map[string]string{"content/articles/x.md": fm + "See [the guide][g].\n\n[g]: /articles/nope/\n"},
			want:  []string{"content/articles/x.md:7:5: error: broken-link"}},
		{name: "broken-link escapes and character references resolved as the href has them",
			files: map[string]string{"content/articles/x.md": fm + "[a](/articles/reset\\-your\\-password/) [b](/faq/account/#how&#45;do-i-change-my-email) [c](/faq/acc&#111;unt/) [d](/f&amp;q/)\n"},
			want:  []string{"content/articles/x.md:7:115: error: broken-link"}, msg: "no page has the URL /f&q/"},
		{name: "broken-link unsafe schemes however spelt",
			files: map[string]string{"content/articles/x.md": fm + "[a](javascript:alert(1)) [b](&#106;avascript:alert(1)) [c](&#x6A;avascript&#58;x)\n[d](jav&#x09;ascript:x) [e](JAVASCRIPT:x) [f](vbscript:x) [g](data:text/html,x) ![h](file:///etc/passwd)\n\n[r]: &#106;avascript:alert(5)\n\nSee [r]. <javascript:alert(6)> [ok](data:image/png;base64,iVBO)\n"},
			want: []string{"content/articles/x.md:7:5: error: broken-link", "content/articles/x.md:7:30: error: broken-link", "content/articles/x.md:7:60: error: broken-link",
				"content/articles/x.md:8:5: error: broken-link", "content/articles/x.md:8:29: error: broken-link", "content/articles/x.md:8:47: error: broken-link",
				"content/articles/x.md:8:63: error: broken-link", "content/articles/x.md:8:86: error: broken-link",
				"content/articles/x.md:12:5: error: broken-link", "content/articles/x.md:12:10: error: broken-link"},
			msg: "it is a javascript: URL, which runs code in the reader's browser; kb publishes the link without it"},
		{name: "broken-link unsafe schemes in related entries",
			files: map[string]string{"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-01\nprerequisites: [None]\nrelated: [\"javascript:alert(1)\"]\n---\nText.\n"},
			rules: []string{RuleBrokenLink, RuleRelatedLinks},
			want:  []string{"content/articles/x.md:5:11: error: related-links"}, msg: "it is a javascript: URL"},
		{name: "broken-link and image-alt in raw HTML, at the destination and the tag",
			files: map[string]string{"content/articles/x.md": fm + "A <a href=\"/nope/\">link</a> and <img src=\"/images/shot.png\">.\n\n<div class=\"tabs\">\n  <a href='/faq/account/#nope'>b</a> <img alt=\"Shot\" src=\"/images/none.png\">\n</div>\n"},
			rules: []string{RuleBrokenLink, RuleImageAlt},
			want: []string{"content/articles/x.md:7:12: error: broken-link", "content/articles/x.md:7:33: error: image-alt",
				"content/articles/x.md:10:12: error: broken-link", "content/articles/x.md:10:59: error: broken-link"}},
		{name: "broken-link not in raw HTML shown as text",
			files: map[string]string{"content/articles/x.md": fm + "A <a href=\"/nope/\">link</a>.\n", "site.yaml": "markdown: {html: escape}\n"},
			want:  nil},
		{name: "broken-link in lists and blockquotes",
			files: map[string]string{"content/articles/x.md": fm + "- item [a](/nope/)\n  1. sub [b](/nope/)\n\n> quote [c](/nope/)\n> > deeper ![](/nope.png)\n"},
			rules: []string{RuleBrokenLink, RuleImageAlt},
			want: []string{"content/articles/x.md:7:12: error: broken-link", "content/articles/x.md:8:14: error: broken-link",
				"content/articles/x.md:10:13: error: broken-link", "content/articles/x.md:11:12: error: image-alt", "content/articles/x.md:11:16: error: broken-link"}},
	})
}

func TestImageAltAndScreenshots(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "image-alt missing",
			files: map[string]string{"content/articles/x.md": fm + "Look: ![](/images/shot.png) and ![ ](/images/shot.png) and ![ok](/images/shot.png)\n"},
			want:  []string{"content/articles/x.md:7:7: error: image-alt", "content/articles/x.md:7:33: error: image-alt"}},
		{name: "screenshots numbered steps without an image",
			files: map[string]string{"content/articles/x.md": fm + "Intro.\n\n1. One.\n2. Two.\n"},
			want:  []string{"content/articles/x.md:9:1: note: screenshots"}},
		{name: "screenshots not for bullet lists or other types",
			files: map[string]string{"content/articles/x.md": fm + "- One.\n- Two.\n", "content/troubleshooting/y.md": fm + "1. One.\n"},
			want:  nil},
	})
}

func TestTroubleshootingAndSingleTopic(t *testing.T) {
	nine := ""
	for i := 1; i <= 9; i++ {
		nine += fmt.Sprintf("## Part %d\n\nText.\n\n", i)
	}
	runCases(t, []ruleCase{
		{name: "troubleshooting section missing in an article with steps",
			files: map[string]string{"content/articles/x.md": fm + "## Steps\n\n1. Open it.\n"},
			want:  []string{"content/articles/x.md:1:1: warning: troubleshooting"}},
		{name: "troubleshooting not needed in an article without steps",
			files: map[string]string{"content/articles/x.md": fm + "## Overview\n\n- A list, not steps.\n"},
			want:  nil},
		{name: "troubleshooting in every article with when: always",
			files: map[string]string{"content/articles/x.md": fm + "## Overview\n", "site.yaml": "lint:\n  troubleshooting:\n    when: always\n"},
			want:  []string{"content/articles/x.md:1:1: warning: troubleshooting"}},
		{name: "troubleshooting sections by other names",
			files: map[string]string{"content/articles/x.md": fm + "### Common errors\n", "content/articles/y.md": fm + "## Troubleshooting sign-in:\n"},
			want:  nil},
		{name: "troubleshooting a heading with troubleshoot anywhere",
			files: map[string]string{"content/articles/x.md": fm + "1. Step.\n\n## Import troubleshooting\n", "content/articles/y.md": fm + "1. Step.\n\n## If import fails\n"},
			want:  []string{"content/articles/y.md:1:1: warning: troubleshooting"}},
		{name: "troubleshooting headings from site.yaml",
			files: map[string]string{"content/articles/x.md": fm + "1. Step.\n\n## If something fails\n", "content/articles/y.md": fm + "1. Step.\n\n## Troubleshooting\n",
				"site.yaml": "lint:\n  troubleshooting:\n    headings: [if something fails]\n"},
			want: []string{"content/articles/reset-your-password.md:1:1: warning: troubleshooting", "content/articles/y.md:1:1: warning: troubleshooting"}},
		{name: "troubleshooting guide without a resolution",
			files: map[string]string{"content/troubleshooting/x.md": fm + "## Cause\n\n1. Step.\n"},
			want:  []string{"content/troubleshooting/x.md:1:1: warning: troubleshooting"}, msg: "no resolution section"},
		{name: "troubleshooting resolution without steps",
			files: map[string]string{"content/troubleshooting/x.md": fm + "## Resolution\n\nJust wait.\n\n## Other\n\n1. Not a fix.\n"},
			want:  []string{"content/troubleshooting/x.md:1:1: warning: troubleshooting"}, msg: "no numbered steps"},
		{name: "troubleshooting resolution with steps in a subsection",
			files: map[string]string{"content/troubleshooting/x.md": fm + "## Cause 1\n\n### How to fix it\n\n1. Step.\n"},
			want:  nil},
		{name: "single-topic more than 8 sections",
			files: map[string]string{"content/articles/x.md": fm + nine},
			want:  []string{"content/articles/x.md:39:4: warning: single-topic"}},
		{name: "single-topic FAQs may have many questions",
			files: map[string]string{"content/faq/x.md": fm + nine},
			want:  nil},
		{name: "single-topic more than 1,500 words",
			files: map[string]string{"content/faq/x.md": fm + strings.Repeat("Go to the page. ", 376) + "\n"},
			want:  []string{"content/faq/x.md:1:1: warning: single-topic"}, msg: "1504 words"},
	})
}

func TestFAQQuestions(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "faq-questions none recognised",
			files: map[string]string{"content/faq/x.md": fm + "## Billing\n\nWe take cards.\n\n- **Cards**: all of them.\n"},
			want:  []string{"content/faq/x.md:1:1: warning: faq-questions"}, msg: "no questions kb recognises"},
		{name: "faq-questions as Q: headings at any level, or in bold",
			files: map[string]string{"content/faq/x.md": fm + "## Billing\n\n### Q: How do I pay\n\nBy card.\n",
				"content/faq/y.md": fm + "**How do I pay?**\nBy card.\n",
				"content/faq/z.md": fm + "#### Can I pay later?\n\nNo.\n"},
			want: nil},
		{name: "faq-questions only on FAQ pages",
			files: map[string]string{"content/articles/x.md": fm + "No questions here.\n"},
			want:  nil},
		{name: "broken-link to a question in bold",
			files: map[string]string{"content/faq/x.md": fm + "**How do I pay?**\nBy card.\n",
				"content/articles/y.md": fm + "[a](/faq/x/#how-do-i-pay) [b](/faq/x/#how-do-i-play)\n"},
			rules: []string{RuleBrokenLink},
			want:  []string{"content/articles/y.md:7:31: error: broken-link"}, msg: "did you mean #how-do-i-pay?"},
	})
}

func TestRelease(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "release-docs",
			files: map[string]string{"content/releases/1-0.md": `---
title: A page for the test
version: "1.0"
date: 2026-11-01
features:
  - title: No docs
  - title: Empty docs
    docs: []
  - title: Broken docs
    docs: [/articles/reset-your-password/, /articles/nope/, https://api.example.com/]
  - title: Good
    docs: [/faq/account/#how-do-i-change-my-email]
known_issues:
  - title: Broken help
    workaround: Wait.
    docs: [/troubleshooting/nope/]
---
`},
			rules: []string{RuleReleaseDocs},
			want: []string{"content/releases/1-0.md:6:12: error: release-docs", "content/releases/1-0.md:8:5: error: release-docs",
				"content/releases/1-0.md:10:44: error: release-docs", "content/releases/1-0.md:16:12: error: release-docs"}},
		{name: "known-issue-workaround",
			files: map[string]string{"content/releases/1-0.md": `---
title: A page for the test
version: "1.0"
date: 2026-11-01
known_issues:
  - title: No workaround
  - title: Empty workaround
    workaround: ""
  - title: Fine
    workaround: Restart the app.
---
`},
			want: []string{"content/releases/1-0.md:6:12: error: known-issue-workaround", "content/releases/1-0.md:8:17: error: known-issue-workaround"}},
	})
}

func TestOrphan(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "orphan",
			files: map[string]string{"content/articles/x.md": fm, "content/articles/y.md": fm + "[x](/articles/x/)\n",
				"content/articles/d.md": "---\ntitle: A draft linking y\ndraft: true\n---\n[y](/articles/y/)\n"},
			want: []string{"content/articles/d.md:1:1: note: orphan", "content/articles/y.md:1:1: note: orphan"}},
		{name: "orphan self-links do not count",
			files: map[string]string{"content/articles/x.md": fm + "[top](#main) [me](/articles/x/)\n"},
			want:  []string{"content/articles/x.md:1:1: note: orphan"}},
	})
}

func TestJargon(t *testing.T) {
	const yaml = "lint:\n  jargon:\n    utilize: use\n    in order to: to\n    end user: you\n    idempotent: safe to repeat\n    deprecated: \"\"\n"
	page := func(body string) map[string]string {
		return map[string]string{"site.yaml": yaml, "content/articles/x.md": fm + body}
	}
	runCases(t, []ruleCase{
		{name: "jargon in a paragraph", files: page("We Utilize it.\n"),
			want: []string{"content/articles/x.md:7:4: warning: jargon"}, msg: `Say "use" instead of "Utilize"`},
		{name: "jargon without a suggestion", files: page("It is deprecated.\n"),
			want: []string{"content/articles/x.md:7:7: warning: jargon"}, msg: `Avoid "deprecated"`},
		{name: "jargon phrases across lines, markup and hyphens", files: page("Do it in\norder to win. The end-user and the *end* user.\n"),
			want: []string{"content/articles/x.md:7:7: warning: jargon", "content/articles/x.md:8:19: warning: jargon", "content/articles/x.md:8:37: warning: jargon"}},
		{name: "jargon whole words only", files: page("Utilized, utilizes, reutilize, utilize_x, idempotently.\n"),
			want: nil},
		{name: "jargon in headings, lists, quotes, tables and link text",
			files: page("## Utilize it\n\n- a utilize\n  1. b utilize\n\n> c utilize\n\n| h | utilize |\n|---|---|\n| utilize | x |\n\n[utilize](/faq/account/)\n"),
			want: []string{"content/articles/x.md:7:4: warning: jargon", "content/articles/x.md:9:5: warning: jargon",
				"content/articles/x.md:10:8: warning: jargon", "content/articles/x.md:12:5: warning: jargon",
				"content/articles/x.md:14:7: warning: jargon", "content/articles/x.md:16:3: warning: jargon",
				"content/articles/x.md:18:2: warning: jargon"}},
		{name: "jargon never in code, URLs, HTML or front matter",
			files: map[string]string{"site.yaml": yaml, "content/articles/x.md": "---\ntitle: Utilize the idempotent API\ndescription: We utilize it in order to\nupdated: 2026-11-01\nprerequisites: [utilize]\nrelated: [/articles/reset-your-password/]\n---\n" +
				"Run `utilize --idempotent` now.\n\n```utilize\nutilize in order to\n```\n\n    utilize\n\n<https://example.com/utilize> https://example.com/idempotent www.utilize.test\n\n[link](/faq/account/?q=utilize) ![utilize](/images/shot.png)\n\n<!-- utilize -->\n\n<span title=\"utilize\">x</span>\n"},
			want: nil},
		{name: "jargon in order to, but not split by code", files: page("in `x` order to\n"),
			want: nil},
		{name: "jargon columns count code points, not bytes", files: page("Café – naïve: utilize.\n"),
			want: []string{"content/articles/x.md:7:15: warning: jargon"}},
	})
}

func TestPositionsCRLF(t *testing.T) {
	src := "---\r\ntitle: A page for the test\r\nupdated: 2026-11-01\r\nprerequisites: [An account]\r\nrelated: [/articles/nope/]\r\n---\r\nWe utilize é [a](/nope/).\r\n\r\n- Ünïcode utilize\r\n"
	res := lintFiles(t, map[string]string{"site.yaml": "lint:\n  jargon: [utilize]\n", "content/articles/x.md": src}, Options{})
	got := only(res.Findings, RuleJargon, RuleBrokenLink, RuleRelatedLinks)
	want := []string{"content/articles/x.md:5:11: error: related-links", "content/articles/x.md:7:4: warning: jargon",
		"content/articles/x.md:7:18: error: broken-link", "content/articles/x.md:9:11: warning: jargon"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, f := range res.Findings {
		if f.Rule == RuleJargon && f.Line == 7 && (f.EndLine != 7 || f.EndCol != 11) {
			t.Errorf("jargon end = %d:%d, want 7:11", f.EndLine, f.EndCol)
		}
	}
}

func TestSuppression(t *testing.T) {
	const yaml = "lint:\n  jargon: [utilize, leverage]\n"
	page := func(body string) map[string]string {
		return map[string]string{"site.yaml": yaml, "content/articles/x.md": fm + body}
	}
	rules := []string{RuleJargon, RuleSuppression, RuleBrokenLink}
	runCases(t, []ruleCase{
		{name: "range disable and enable", rules: rules,
			files: page("utilize\n\n<!-- kb-lint-disable jargon -->\n\nutilize [a](/nope/)\n\n<!-- kb-lint-enable jargon -->\n\nutilize\n"),
			want:  []string{"content/articles/x.md:7:1: warning: jargon", "content/articles/x.md:11:13: error: broken-link", "content/articles/x.md:15:1: warning: jargon"}},
		{name: "disable everything, enable one rule", rules: rules,
			files: page("<!-- kb-lint-disable -->\nutilize [a](/nope/)\n\n<!-- kb-lint-enable broken-link -->\nleverage [b](/nope/)\n"),
			want:  []string{"content/articles/x.md:11:14: error: broken-link"}},
		{name: "disable until the end of the file", rules: rules,
			files: page("utilize <!-- kb-lint-disable jargon --> utilize\n\nutilize\n"),
			want:  []string{"content/articles/x.md:7:1: warning: jargon"}},
		{name: "disable-next-line", rules: rules,
			files: page("<!-- kb-lint-disable-next-line jargon -->\nutilize [a](/nope/)\nutilize\n"),
			want:  []string{"content/articles/x.md:8:13: error: broken-link", "content/articles/x.md:9:1: warning: jargon"}},
		{name: "disable-next-line of a comment spanning lines", rules: rules,
			files: page("<!-- kb-lint-disable-next-line\n     jargon broken-link -->\nutilize [a](/nope/)\n"),
			want:  nil},
		{name: "front matter lint.disable", rules: append(rules, RuleRelatedLinks),
			files: map[string]string{"site.yaml": yaml, "content/articles/x.md": "---\ntitle: A page for the test\nlint:\n  disable: [jargon, related-links]\n---\nutilize\n"},
			want:  nil},
		{name: "unknown rules and unused suppressions are reported", rules: rules,
			files: map[string]string{"site.yaml": yaml, "content/articles/x.md": "---\ntitle: A page for the test\nlint: {disable: [jargn, readability]}\n---\n<!-- kb-lint-disable-next-line jargon -->\nfine\n\n<!-- kb-lint-disable broken-lnk -->\n"},
			want: []string{"content/articles/x.md:3:18: warning: suppression", "content/articles/x.md:3:25: warning: suppression",
				"content/articles/x.md:5:1: warning: suppression", "content/articles/x.md:8:1: warning: suppression"},
			msg: `did you mean "jargon"?`},
		{name: "directives in code are not directives", rules: rules,
			files: page("```\n<!-- kb-lint-disable -->\n```\n\n`<!-- kb-lint-disable -->` utilize\n"),
			want:  []string{"content/articles/x.md:11:28: warning: jargon"}},
	})
}

func TestLevels(t *testing.T) {
	res := lintFiles(t, map[string]string{
		"site.yaml":             "lint:\n  jargon: [utilize]\n  rules:\n    jargon: error\n    screenshots: 'off'\n    orphan: off\n    title: note\n",
		"content/articles/x.md": fm + "We utilize it.\n\n1. Step.\n",
		"content/articles/y.md": "---\ntitle: Short\nupdated: 2026-11-01\nprerequisites: [x]\nrelated: [/articles/x/]\n---\n"}, Options{})
	got := only(res.Findings, RuleJargon, RuleScreenshots, RuleOrphan, RuleTitle)
	want := []string{"content/articles/x.md:7:4: error: jargon", "content/articles/y.md:2:8: note: title"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLevelErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"title: x\nlint:\n  rules:\n    jargon: loud\n", `site.yaml:4: lint.rules.jargon: unknown level "loud"`},
		{"lint:\n  rules:\n    jargn: off\n", `site.yaml:3: lint.rules: unknown rule "jargn" (did you mean "jargon"?)`},
		{"lint:\n  rules: {orphan: off, nope: error}\n", `site.yaml:2: lint.rules: unknown rule "nope"`},
	} {
		_, err := lintFilesErr(map[string]string{"site.yaml": tc.yaml}, Options{})
		var ce *diag.Diagnostic
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ce) || ce.File != "site.yaml" || ce.Line == 0 {
			t.Errorf("%q: got %v, want a *diag.Diagnostic at a line of site.yaml containing %q", tc.yaml, err, tc.want)
		}
	}
}

func TestSourceDateEpoch(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27T00:00:00Z
	if d, err := Today(); err != nil || !d.Equal(today) {
		t.Fatalf("Today() = %v, %v; want %v", d, err, today)
	}
	// Check takes today from SOURCE_DATE_EPOCH when Options.Today is zero.
	t.Setenv("SOURCE_DATE_EPOCH", "1893456000") // 2030-01-01T00:00:00Z
	files := map[string]string{"content/articles/x.md": fm}
	res := lintFiles(t, files, Options{Report: func(f string) bool { return f == "content/articles/x.md" }})
	if got := only(res.Findings, RuleLastUpdated); !slices.Equal(got, []string{"content/articles/x.md:3:10: warning: last-updated"}) ||
		!strings.Contains(res.Findings[slices.IndexFunc(res.Findings, func(f Finding) bool { return f.Rule == RuleLastUpdated })].Message, "1157 days ago") {
		t.Errorf("stale findings with SOURCE_DATE_EPOCH=2030-01-01: %v", res.Findings)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	if _, err := Today(); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("a bad SOURCE_DATE_EPOCH gave %v", err)
	}
	if _, err := lintFilesErr(files, Options{}); err == nil {
		t.Error("Check accepted a bad SOURCE_DATE_EPOCH")
	}
}

func TestOptions(t *testing.T) {
	files := map[string]string{
		"site.yaml":             "lint:\n  jargon: [utilize]\n",
		"content/articles/x.md": fm + "utilize [a](/articles/d/)\n",
		"content/articles/d.md": "---\ntitle: A draft page\ndraft: true\n---\nutilize\n",
	}
	t.Run("report only some files, links against the whole site", func(t *testing.T) {
		res := lintFiles(t, files, Options{Report: func(f string) bool { return f == "content/articles/x.md" }})
		want := []string{"content/articles/x.md:1:1: note: orphan",
			"content/articles/x.md:7:1: warning: jargon", "content/articles/x.md:7:13: error: broken-link"}
		if got := only(res.Findings); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		if res.Files != 1 {
			t.Errorf("Files = %d", res.Files)
		}
	})
	t.Run("published only skips drafts", func(t *testing.T) {
		res := lintFiles(t, files, Options{PublishedOnly: true})
		for _, f := range res.Findings {
			if f.File == "content/articles/d.md" {
				t.Errorf("a draft was checked: %v", f)
			}
		}
		if got := only(res.Findings, RuleBrokenLink); len(got) != 1 {
			t.Errorf("the link to a draft: %q", got)
		}
	})
	t.Run("drafts published", func(t *testing.T) {
		res := lintFiles(t, files, Options{Drafts: true, PublishedOnly: true})
		if got := only(res.Findings, RuleBrokenLink); len(got) != 0 {
			t.Errorf("a link to a published draft is broken: %q", got)
		}
		if got := only(res.Findings, RuleJargon); len(got) != 2 {
			t.Errorf("drafts were not checked: %q", got)
		}
	})
}

// TestNoPanics throws odd pages at every rule.
func TestNoPanics(t *testing.T) {
	odd := []string{
		"", "---\n---\n", "\x00\xff\xfe", "---\ntitle: [\n", "# \n## \n### ?\n", "[](<>) ![](<>) [x]( ) [y](#) [z](?) [w](/%zz/) [v](../../../../..)",
		"<!-- kb-lint-disable-next-line -->", "<!-- kb-lint-enable -->\n<!-- kb-lint-disable , , -->", "1.\n2.\n\n- \n", "| a |\n|---|\n| |",
		"---\nrelated: [\"\", \" \", \"#\", \"//\", \"http://[::1\"]\nlint: {disable: [\"\"]}\n---\n",
		"---\ntype: release\nfeatures: [{}, {docs: [\"\"]}]\nknown_issues: [{}]\n---\n",
		strings.Repeat("utilize ", 3000), strings.Repeat("> ", 200) + "x", strings.Repeat("- ", 300) + "x",
	}
	files := map[string]string{"site.yaml": "lint:\n  jargon: [utilize, in order to, \"x-y\", \"’\"]\n"}
	for i, s := range odd {
		files[fmt.Sprintf("content/articles/odd%d.md", i)] = s
	}
	res := lintFiles(t, files, Options{})
	for _, f := range res.Findings {
		if f.Line < 1 || f.Col < 1 || f.EndLine < f.Line || (f.EndLine == f.Line && f.EndCol < f.Col) {
			t.Errorf("bad position: %+v", f)
		}
		if strings.Contains(f.Message, "internal error") {
			t.Errorf("a rule crashed: %v", f)
		}
	}
}

// FuzzCheck lints a site with one arbitrary page: no input may crash kb or
// give a position outside the file.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{fm + "We utilize [a](/nope/) ![](x.png)\n", "---\ntitle: [\n", "<!-- kb-lint-disable -->\n# x\n1. y\n",
		"---\ntype: release\nfeatures: [{docs: [\"#\"]}]\nknown_issues: [{}]\nlint: {disable: [x]}\n---\n[a](../../..)\n", "\r\n\r\n| a |\n|-|\n| b |"} {
		f.Add(s)
	}
	yaml := "base_url: https://help.example.com/\nlint:\n  jargon: [utilize, in order to, e-mail]\n"
	f.Fuzz(func(t *testing.T, page string) {
		res, err := lintFilesErr(map[string]string{"site.yaml": yaml, "content/articles/fuzz.md": page}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// content.Load reads CR and CRLF as line ends too.
		lines := strings.Count(strings.ReplaceAll(page, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(page, "\r\n", ""), "\r") + 1
		for _, fd := range res.Findings {
			if fd.File != "content/articles/fuzz.md" {
				continue
			}
			if fd.Line < 1 || fd.Col < 1 || fd.Line > lines || fd.EndLine < fd.Line || fd.EndLine == fd.Line && fd.EndCol < fd.Col {
				t.Errorf("bad position %+v in %q", fd, page)
			}
			if strings.Contains(fd.Message, "internal error") {
				t.Errorf("crash: %v", fd)
			}
		}
	})
}

// TestUnsafeLinkMessage: an entity-encoded javascript: link is reported as
// what it is, at its destination, not as a page path joined with the
// page's URL (it was "no page has the URL /articles/x/&/").
func TestUnsafeLinkMessage(t *testing.T) {
	res := lintFiles(t, map[string]string{"content/articles/x.md": fm + "Run [this](&#106;avascript:alert(1)).\n"}, Options{})
	var got []string
	for _, f := range res.Findings {
		if f.Rule == RuleBrokenLink {
			got = append(got, fmt.Sprintf("%d:%d: %s", f.Line, f.Col, f.Message))
		}
	}
	want := `7:12: broken link "&#106;avascript:alert(1)": it is a javascript: URL, which runs code in the reader's browser; kb publishes the link without it, so link to a page of the site or an https: URL instead`
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings %q\nwant %q", got, want)
	}
}
