package markdown

import (
	"strings"
	"testing"
	"time"
)

// TestLimits feeds the shapes of input that cost goldmark or chroma time
// or memory out of proportion to their size (see limits.go). Before the
// limits each took from 15 seconds to hours; now each must be quick, and
// the output must stay proportionate to the input.
func TestLimits(t *testing.T) {
	indented := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + "- x\n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, src string
		check     func(t *testing.T, html string)
	}{
		{"block quotes 40,000 deep", strings.Repeat("> ", 40000) + "x\n", func(t *testing.T, html string) {
			if n := strings.Count(html, "<blockquote>"); n != MaxNesting {
				t.Errorf("%d block quotes, want %d", n, MaxNesting)
			}
		}},
		{"lists 40,000 deep on one line", strings.Repeat("- ", 40000) + "x\n", func(t *testing.T, html string) {
			if n := strings.Count(html, "<ul>"); n != MaxNesting {
				t.Errorf("%d lists, want %d", n, MaxNesting)
			}
		}},
		{"lists and quotes 20,000 deep", strings.Repeat("1. > ", 20000) + "x\n", func(t *testing.T, html string) {
			if n := strings.Count(html, "<ol>") + strings.Count(html, "<blockquote>"); n != MaxNesting {
				t.Errorf("%d containers, want %d", n, MaxNesting)
			}
		}},
		{"lists 1,500 deep by indentation", indented(1500), func(t *testing.T, html string) {
			if n := strings.Count(html, "<ul>"); n > MaxNesting {
				t.Errorf("%d lists, want at most %d", n, MaxNesting)
			}
		}},
		{"table 4,000 columns wide", "|" + strings.Repeat("a|", 4000) + "\n|" + strings.Repeat("-|", 4000) + "\n" + strings.Repeat("|b\n", 4000), func(t *testing.T, html string) {
			if strings.Contains(html, "<table>") || len(html) > 100000 {
				t.Errorf("a table too wide was rendered as a table (%d bytes of HTML)", len(html))
			}
		}},
		{"language 20 KB long", "```" + strings.Repeat("a.", 10000) + "\nx := 1\n```\n", func(t *testing.T, html string) {
			if !strings.Contains(html, `<pre class="chroma" tabindex="0"><code>x := 1`) {
				t.Errorf("code not shown plain: %.200s", html)
			}
		}},
		{"5,000 code blocks with 1 KB languages", strings.Repeat("```"+strings.Repeat("x", 1000)+"\ny\n```\n", 5000), nil},
		{"code block 1 MB", "```go\n" + strings.Repeat("x := 1\n", 150000) + "```\n", func(t *testing.T, html string) {
			if strings.Contains(html, `<span class="`) {
				t.Error("a 1 MB code block was highlighted")
			}
		}},
		{"many code blocks", strings.Repeat("```go\n"+strings.Repeat("x := 1\n", 3000)+"```\n\n", 40), func(t *testing.T, html string) {
			if n := strings.Count(html, `<span class="nx">x</span>`); n == 0 || n > maxHighlightPage/7 {
				t.Errorf("%d highlighted lines, want some and at most %d", n, maxHighlightPage/7)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if raceEnabled && len(tc.src) > 500<<10 {
				t.Skip("a big input: no concurrency for the race detector to see, and 20× slower")
			}
			start := time.Now()
			d, err := New(Options{}).Convert([]byte(tc.src), "/x/")
			if err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("%d bytes took %v", len(tc.src), el)
			}
			if tc.check != nil {
				tc.check(t, string(d.HTML))
			}
		})
	}
}

// TestLimitsKeepOrdinaryMarkdown: the limits change nothing a writer
// would write.
func TestLimitsKeepOrdinaryMarkdown(t *testing.T) {
	src := strings.Repeat("> ", MaxNesting) + "deep\n\n" +
		"|" + strings.Repeat(" a |", MaxTableColumns) + "\n|" + strings.Repeat("---|", MaxTableColumns) + "\n|" + strings.Repeat(" b |", MaxTableColumns) + "\n\n" +
		"```" + strings.Repeat("x", maxLanguage-2) + "go\nx\n```\n\n```go\nx := 1\n```\n"
	html := string(convert(t, Options{}, src).HTML)
	if n := strings.Count(html, "<blockquote>"); n != MaxNesting {
		t.Errorf("%d block quotes, want %d", n, MaxNesting)
	}
	if n := strings.Count(html, "<th>a</th>"); n != MaxTableColumns {
		t.Errorf("%d header cells, want %d", n, MaxTableColumns)
	}
	if !strings.Contains(html, `data-lang="`+strings.Repeat("x", maxLanguage-2)+`go"`) || !strings.Contains(html, `<span class="nx">x</span>`) {
		t.Errorf("code blocks: %s", html[strings.Index(html, "<pre"):])
	}
}
