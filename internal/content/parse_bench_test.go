package content

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/octoacme/kb/internal/corpus"
	"github.com/octoacme/kb/internal/markdown"
)

// BenchmarkParse compares, on the same generated pages, goldmark's parse
// alone (the floor) with kb's Markdown analysis and with kb's whole page
// parse (front matter, normalisation, analysis; no HTML).
//
//	go test ./internal/content -run '^$' -bench Parse -benchtime 3x
func BenchmarkParse(b *testing.B) {
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, corpus.Options{Pages: 2000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	files, _ := Files(os.DirFS(dir))
	data := make([][]byte, len(files))
	for i, f := range files {
		data[i], _ = os.ReadFile(filepath.Join(dir, f))
	}
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	conv := markdown.New(markdown.Options{})
	b.Run("goldmark", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range data {
				gm.Parser().Parse(text.NewReader(d))
			}
		}
	})
	b.Run("analyze", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range data {
				conv.Analyze(d)
			}
		}
	})
	b.Run("page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, d := range data {
				Parse(files[i], d, Options{Markdown: conv, SkipHTML: true})
			}
		}
	})
	b.Run("page+html", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i, d := range data {
				Parse(files[i], d, Options{Markdown: conv})
			}
		}
	})
}
