package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/renderer/html"
)

// TestHighlighterMatchesGoldmarkHighlighting renders code blocks with kb's
// highlighter and with goldmark-highlighting itself, configured alike, and
// wants the same bytes.
func TestHighlighterMatchesGoldmarkHighlighting(t *testing.T) {
	format := []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true)}
	blocks := []string{
		"```go\npackage main\n\nfunc main() { println(\"<hi> & bye\") }\n```\n",
		"```bash\ncurl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/v1/x\n```\n",
		"```json\n{\"a\": [1, 2.5, true, null]}\n```\n",
		"```yaml\ntitle: x\ntags: [a, b]\n```\n",
		"```python\ndef f(x):\n    return x ** 2  # square\n```\n",
		"```JavaScript\nconst x = `tpl ${y}`;\n```\n",
		"```text\nplain <b>text</b>\n```\n",
		"```nosuchlanguage\nwhat <is> this\n```\n",
		"```\nno language & no lexer\n```\n",
		"```go {hl_lines=[2]}\na := 1\nb := 2\n```\n",
		"```go {linenos=table}\na := 1\n```\n",
		"```{.go}\na := 1\n```\n",
		"```go\n```\n",
		"~~~ sh\necho hi\n~~~\n",
		"    indented code\n",
		"- item\n\n  ```go\n  x := 1\n  ```\n",
		"```go\nunterminated\n",
		"```c++\nint main() {}\n```\n",
		"```html\n<p class=\"x\">&amp;</p>\n```\n",
	}
	for _, unsafe := range []bool{false, true} {
		var opts []goldmark.Option
		if unsafe {
			opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
		}
		ref := goldmark.New(append(opts, goldmark.WithExtensions(highlighting.NewHighlighting(
			highlighting.WithFormatOptions(format...), highlighting.WithWrapperRenderer(codeWrapper))))...)
		kb := goldmark.New(append(opts, goldmark.WithExtensions(newHighlighter(format, codeWrapper)))...)
		for round := 0; round < 2; round++ { // the second round hits the caches
			for _, src := range blocks {
				var want, got bytes.Buffer
				if err := ref.Convert([]byte(src), &want); err != nil {
					t.Fatal(err)
				}
				if err := kb.Convert([]byte(src), &got); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("unsafe=%v %q:\n got %s\nwant %s", unsafe, src, got.String(), want.String())
				}
			}
		}
		all := strings.Join(blocks, "\n")
		var want, got bytes.Buffer
		ref.Convert([]byte(all), &want)
		kb.Convert([]byte(all), &got)
		if got.String() != want.String() {
			t.Errorf("unsafe=%v, all blocks in one document differ", unsafe)
		}
	}
}

// TestHighlighterCodeCache checks that a block's highlighted HTML is kept
// by (language, code) and served again, and that the cache stays within
// its bounds: no block longer than maxCachedCode, no more than
// maxCodeCache bytes in all.
func TestHighlighterCodeCache(t *testing.T) {
	format := []chromahtml.Option{chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true)}
	h := newHighlighter(format, codeWrapper)
	md := goldmark.New(goldmark.WithExtensions(h))
	render := func(src string) string {
		var b bytes.Buffer
		if err := md.Convert([]byte(src), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	block := "```bash\necho \"<hi>\" && ls\n```\n"
	first := render(block)
	if len(h.codeOf) != 1 {
		t.Fatalf("cache holds %d blocks after one, want 1", len(h.codeOf))
	}
	// Served from the cache: a planted entry shows it is used.
	for k := range h.codeOf {
		h.codeOf[k] = []byte("CACHED")
	}
	if got := render(block); !strings.Contains(got, "CACHED") || got == first {
		t.Errorf("second render did not use the cache: %s", got)
	}
	// The same code in another language is another entry.
	render("```sh\necho \"<hi>\" && ls\n```\n")
	if len(h.codeOf) != 2 {
		t.Errorf("cache holds %d blocks, want 2 (language is part of the key)", len(h.codeOf))
	}
	// A long block is highlighted but not kept.
	long := "```bash\n" + strings.Repeat("echo hello\n", maxCachedCode/10) + "```\n"
	if out := render(long); !strings.Contains(out, "echo") {
		t.Fatalf("long block not rendered: %.200s", out)
	}
	if len(h.codeOf) != 2 {
		t.Errorf("a block over maxCachedCode was kept")
	}
	// The total stays within maxCodeCache.
	for i := 0; h.codeBytes < maxCodeCache-2*maxCachedCode; i++ {
		render("```bash\necho " + strings.Repeat("x", 2000) + strconv.Itoa(i) + "\n```\n")
	}
	for i := 0; i < 100; i++ {
		render("```bash\necho " + strings.Repeat("y", 2000) + strconv.Itoa(i) + "\n```\n")
	}
	if h.codeBytes > maxCodeCache {
		t.Errorf("cache holds %d bytes, more than maxCodeCache (%d)", h.codeBytes, maxCodeCache)
	}
}
