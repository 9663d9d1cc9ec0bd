package content

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/corpus"
)

// dumpNode writes out what kb reads of a node tree.
func dumpNode(b *strings.Builder, n *yaml.Node, depth int) {
	fmt.Fprintf(b, "%s%d %q %q style=%d %d:%d anchor=%q comments=%q/%q/%q\n", strings.Repeat(" ", depth),
		n.Kind, n.Tag, n.Value, n.Style, n.Line, n.Column, n.Anchor, n.HeadComment, n.LineComment, n.FootComment)
	for _, c := range n.Content {
		dumpNode(b, c, depth+1)
	}
}

// checkParams fails when simpleParams decodes a node otherwise than yaml.v3.
func checkParams(t *testing.T, data string, root *yaml.Node) {
	t.Helper()
	got, ok := simpleParams(root)
	if !ok {
		return
	}
	var want map[string]any
	if err := root.Decode(&want); err != nil {
		t.Fatalf("simpleParams decoded %q, which yaml.v3 cannot: %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("simpleParams(%q) = %#v, yaml.v3 gives %#v", data, got, want)
	}
}

// checkFastYAML fails when fastYAML reads data differently from yaml.v3.
func checkFastYAML(t *testing.T, data string) bool {
	t.Helper()
	var full yaml.Node
	if yaml.Unmarshal([]byte(data), &full) == nil && len(full.Content) > 0 {
		checkParams(t, data, full.Content[0])
	}
	fast, ok := fastYAML([]byte(data))
	if !ok {
		return false
	}
	checkParams(t, data, fast.Content[0])
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatalf("fastYAML read %q, which yaml.v3 refuses: %v", data, err)
	}
	var got, want strings.Builder
	dumpNode(&got, fast, 0)
	dumpNode(&want, &doc, 0)
	if got.String() != want.String() {
		t.Fatalf("fastYAML differs from yaml.v3 on %q:\nfast:\n%s\nyaml.v3:\n%s", data, got.String(), want.String())
	}
	return true
}

// frontMatters are the YAML front matters of the sample site and of a
// generated site, for the tests' seeds.
func frontMatters(t testing.TB) []string {
	var out []string
	add := func(fsys fs.FS) {
		files, _ := Files(fsys)
		for _, f := range files {
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			s := string(src)
			if !strings.HasPrefix(s, "---\n") {
				continue
			}
			if end := strings.Index(s[4:], "\n---"); end >= 0 {
				out = append(out, s[4:4+end+1])
			}
		}
	}
	add(os.DirFS("../.."))
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := corpus.Generate(dir, corpus.Options{Pages: 60, Seed: 3, Plant: 10}); err != nil {
		t.Fatal(err)
	}
	add(os.DirFS(dir))
	return out
}

func TestFastYAML(t *testing.T) {
	fast := 0
	all := frontMatters(t)
	for _, fm := range all {
		if checkFastYAML(t, fm) {
			fast++
		}
	}
	t.Logf("fastYAML read %d of %d front matters", fast, len(all))
	// Most real front matter takes the fast path (release notes, with
	// their lists of mappings, do not).
	if fast < len(all)*3/4 {
		t.Errorf("fastYAML read %d of %d front matters; want most", fast, len(all))
	}
	for _, s := range []string{
		"title: Reset your password\nupdated: 2026-11-20\ndraft: false\ntags: [account, security]\n",
		"title: \"Quoted: yes\"\ndescription: 'single'\nweight: 12\n",
		"tags:\n- a\n- b\ntitle: x\n",
		"tags:\n  - a\n  - b\n",
		"related: []\nempty:\nnext: 1\n",
		"a: [\"x, y\", 'z', w]\n",
		"a: 007\nb: 2026-02-30\nc: 1e3\nd: .5\ne: yes\nf: ~\ng: -1\n",
		"a: b # comment\n", "a: b\n  c\n", "a:\n\n- b\n", "a: [b,]\n", "a: \"\\n\"\n", "a: 'it''s'\n",
		"a: héllo wörld\nb: [é, ü]\n", "a:b\n", "a: b: c\n", "- a\n", "a: [b, [c]]\n",
		"a: \u2028\n", "a: x\u0085y\n", "a: !!int 12\nb: !!str 3\n", "a: 0\nb: [1, true, null, 2026-01-01]\n", "<<: {a: 1}\n", "a: !!null x\n",
	} {
		checkFastYAML(t, s)
	}
}

// FuzzFastYAML checks that whatever fastYAML reads, it reads as yaml.v3
// does, and that simpleParams decodes what it decodes as yaml.v3 does.
func FuzzFastYAML(f *testing.F) {
	for _, fm := range frontMatters(f) {
		f.Add(fm)
	}
	f.Add("a: [\"x, y\", 'z', w]\nb:\n- c\n- d\n")
	f.Fuzz(func(t *testing.T, s string) {
		checkFastYAML(t, s)
	})
}
