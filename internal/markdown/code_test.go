package markdown

import (
	"bytes"
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
