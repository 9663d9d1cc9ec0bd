package importer

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzConvert runs a page through every kind's conversion, the link pass
// and the report's scan: no input may panic, and the report's lines must
// be lines of the written page.
func FuzzConvert(f *testing.F) {
	for _, kind := range Kinds {
		_ = filepath.WalkDir(filepath.Join("testdata", kind, "src"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && isPageFile(p) {
				if data, err := os.ReadFile(p); err == nil {
					f.Add(string(data))
				}
			}
			return nil
		})
	}
	for _, seed := range []string{
		"---\ntitle: [x\n---\n", "+++\ntitle = 1\n+++\n{{< x >}}", "{\n\"a\": 1\n}\n\n{% raw %}", "!!! note\n", ":::note\n::::\n:::",
		"<Tabs>\n<TabItem value=\"a\">\n</Tabs>", "{{% tab %}}{{< /tab >}}{{< tabs >}}", "{: .note }\n", "# T {#id}\n[a](#id)",
		"{% include note.html content=\"x\" %}{% highlight %}", "=== \"a\"\n    x\n", "<img src={require('x')}>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, kind := range Kinds {
			s := newSite(Options{Kind: kind, Src: ".", NoGit: true})
			s.fsys = fstest.MapFS{}
			p := &page{src: "docs/p.md", dir: "docs", name: "p", mdx: kind == "docusaurus", orig: map[string]any{}}
			p.fm, p.body, p.fmRaw, p.fmProblem = splitFrontMatter(normalize([]byte(src)))
			s.pages = []*page{p}
			s.finish(readerFor(kind))
			out := s.output()
			rep := scan(s, out)
			n := strings.Count(string(out.files[p.out]), "\n") + 1
			for _, f := range rep.Findings {
				if f.Line < 1 || f.Line > n {
					t.Fatalf("%s: finding at line %d of a %d-line page: %s", kind, f.Line, n, f)
				}
			}
		}
	})
}
