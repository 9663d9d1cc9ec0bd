package markdown

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// inlineShapes are paragraphs on which goldmark's inline parser does work
// quadratic in their size (inline.go), 512 KB of each: before the limit,
// "[a](<b" repeated took 30 s and "[a](b" minutes.
func inlineShapes() map[string]string {
	size := 512 << 10
	rep := func(unit string) string { return strings.Repeat(unit, size/len(unit)) }
	var footnotes strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&footnotes, "[^n%d]: x\n\n", i)
	}
	for i := range 20000 {
		fmt.Fprintf(&footnotes, "[^n%d]\n\n", 19999-i)
	}
	return map[string]string{
		"destinations never closed by >":    rep("[a](<b"),
		"destinations never closed by )":    rep("[a](b"),
		"escaped > in destinations":         rep("[a](<b\\>"),
		"a bracket on every line":           rep("[a]\n"),
		"a reference on every line":         rep("[a][b]\n"),
		"titles with escaped quotes":        rep("[a](b \"x\\\"\n"),
		"titles on the next line":           rep("[a](b\n\"x\\\"\n"),
		"a footnote on every line":          rep("[^a]\n"),
		"nested brackets":                   strings.Repeat("[", size/2) + strings.Repeat("]", size/2),
		"emphasis that never matches":       rep("**a_"),
		"20,000 footnotes, each referenced": footnotes.String(),
	}
}

// TestInlineLimit: each shape is refused with an InlineError at its
// paragraph, quickly, by Convert and by Analyze.
func TestInlineLimit(t *testing.T) {
	if raceEnabled {
		t.Skip("big inputs: no concurrency for the race detector to see, and 20× slower")
	}
	c := New(Options{})
	for name, body := range inlineShapes() {
		t.Run(name, func(t *testing.T) {
			prefix := "# Title\n\nAn ordinary [link](/x/) and *emphasis*.\n\n"
			src := prefix + body
			start := time.Now()
			_, err := c.Convert([]byte(src), "/x/")
			elapsed := time.Since(start)
			var ie *InlineError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an InlineError", err)
			}
			if ie.Offset != len(prefix) && !strings.HasPrefix(name, "20,000") {
				t.Errorf("offset %d, want %d (the paragraph)", ie.Offset, len(prefix))
			}
			if elapsed > 5*time.Second {
				t.Errorf("%d KB took %v", len(src)>>10, elapsed)
			}
			if _, err := c.Analyze([]byte(src)); !errors.As(err, &ie) {
				t.Errorf("Analyze: err = %v, want an InlineError", err)
			}
			t.Logf("%d KB refused in %v", len(src)>>10, elapsed.Round(time.Millisecond))
		})
	}
}

// TestInlineLimitKeepsOrdinaryMarkdown: big pages a writer or a generator
// might make are not refused, and the sample site's pages use a
// thousandth of the work a page may.
func TestInlineLimitKeepsOrdinaryMarkdown(t *testing.T) {
	var footnotes strings.Builder
	for i := range 500 {
		fmt.Fprintf(&footnotes, "A claim.[^n%d]\n", i)
	}
	for i := range 500 {
		fmt.Fprintf(&footnotes, "\n[^n%d]: A source.\n", i)
	}
	c := New(Options{})
	for name, src := range map[string]string{
		"10,000 links on one line":          strings.Repeat("[a link](/articles/x/#step-2) ", 10000),
		"5,000 lines of links, no blank":    strings.Repeat("[a link](/articles/x/ \"A title\") and [another][ref] and ![img](/i.png)\n", 5000) + "\n[ref]: /y/\n",
		"2,000 emphasised words":            strings.Repeat("*one* **two** _three_ `code` ", 500),
		"500 footnotes":                     footnotes.String(),
		"10,000 log lines with [INFO]":      strings.Repeat("2026-01-01 12:00 [INFO] started [worker-1] in (3 ms)\n", 10000),
		"1 MB of prose, long paragraphs":    strings.Repeat(strings.Repeat("Some text with a [link](https://example.com/a_(b)) and *stress*. ", 100)+"\n\n", 160),
		"a data URL of 1 MB in an image":    "![x](data:image/png;base64," + strings.Repeat("QUJD", 1<<18) + ")\n",
		"brackets that are not links, 1 MB": strings.Repeat("Press [Ctrl] + [C] (or [Cmd] + [C]) then [Enter].\n\n", 20000),
	} {
		if _, err := c.Convert([]byte(src), "/x/"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	files, _ := filepath.Glob("../../content/*/*.md")
	if len(files) == 0 {
		t.Fatal("no sample pages")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pc, w := newInlineWork(maxInlineWork)
		c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
		if used := maxInlineWork - w.left; used > maxInlineWork/1000 {
			t.Errorf("%s used %d of %d", f, used, maxInlineWork)
		}
	}
}
