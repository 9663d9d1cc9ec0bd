package chars

import "testing"

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                   "plain",
		"a\u0007b":                "ab",
		"\x1b[31mred\x1b[0m":      "[31mred[0m",
		"tab\tnew\nline\r":        "tab\tnew\nline\r",
		"del\x7f c1\u0085\u009b.": "del c1.",
		"nul\x00":                 "nul",
		"\ufffe\uffff\ufffd":      "\ufffd",
		"café 😀 \u00a0":           "café 😀 \u00a0",
		"ok\ttab\nline":           "ok\ttab\nline",
		"bell\x07 esc\x1b":        "bell esc",
		"nonchar\uFFFE\uFFFF":     "nonchar",
		"emoji 🎉 日本":              "emoji 🎉 日本",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}
