package config

import (
	"strings"
	"testing"
)

// TestKeyMessages: unknown keys name their path and the nearest known key;
// values of the wrong kind are named in words, never as YAML tags.
func TestKeyMessages(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"baseurl: https://x.example/\n", `site.yaml:1: unknown key "baseurl"; did you mean "base_url"? (see the site.yaml reference in README.md)`},
		{"title: T\nlint:\n  stale_after_day: 3\n", `site.yaml:3: unknown key "lint.stale_after_day"; did you mean "lint.stale_after_days"?`},
		{"sections:\n  faq:\n    titel: FAQs\n", `site.yaml:3: unknown key "sections.faq.titel"; did you mean "sections.faq.title"?`},
		{"colour: blue\n", `site.yaml:1: unknown key "colour" (see`},
		{"feeds:\n  limit: fifty\n", `site.yaml:2: feeds.limit: want a whole number, got text "fifty"`},
		{"feeds:\n  limit: 2.5\n", `site.yaml:2: feeds.limit: want a whole number, got the number 2.5`},
		{"lint:\n  max_grade: high\n", `site.yaml:2: lint.max_grade: want a number, got text "high"`},
		{"markdown:\n  unsafe: sometimes\n", `site.yaml:2: markdown.unsafe: want true or false, got text "sometimes"`},
		{"title: [a, b]\n", `site.yaml:1: title: want text, got a list`},
		{"markdown:\n  embeds: www.youtube.com\n", `site.yaml:2: markdown.embeds: want a list, like [a, b], got text "www.youtube.com"`},
		{"lint: strict\n", `site.yaml:1: lint: want a set of keys, got text "strict"`},
		{"support:\n  channels: [[a]]\n", `site.yaml:2: support.channels: each entry must be text, got a list`},
	} {
		_, err := Parse("site.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "!!") {
			t.Errorf("%q: %v names a YAML tag", tc.src, err)
		}
	}
}
