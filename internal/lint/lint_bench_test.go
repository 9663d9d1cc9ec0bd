package lint_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/corpus"
	"github.com/octoacme/kb/internal/cputime"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/site"
)

// BenchmarkLint measures kb lint on a generated 10,000-page site (the
// corpus package's deterministic help center, ~44 MB of Markdown, with a
// jargon word planted in every 100th article), side by side with goldmark
// parsing the same files:
//
//	goldmark-parse   read every file and parse it with goldmark (GFM), as
//	                 many files at once as kb uses (GOMAXPROCS workers)
//	load             site.LoadText alone, as kb lint loads: site.yaml, and
//	                 every page's front matter, Markdown parse and
//	                 extraction (no HTML)
//	check            lint.Check alone, on pages already loaded and parsed
//	kb-lint          the whole kb lint: load site.yaml and every page (front
//	                 matter, one Markdown parse each, no HTML), check, and
//	                 write the text report, at the collector's pace kb lint
//	                 sets (site.BatchMemory)
//
// Each reports pages/s. The target: kb-lint takes at most 1.5× the
// time of goldmark-parse. Run with
//
//	go test ./internal/lint -run '^$' -bench Lint -benchtime 3x
//
// KB_BENCH_PAGES changes the number of pages (default 10000).
func BenchmarkLint(b *testing.B) {
	pages := 10000
	if v := os.Getenv("KB_BENCH_PAGES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 {
			b.Fatalf("KB_BENCH_PAGES=%q: want a number of pages, at least 4", v)
		}
		pages = n
	}
	dir := filepath.Join(b.TempDir(), "site")
	st, err := corpus.Generate(dir, corpus.Options{Pages: pages, Seed: 1, Plant: 100})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d pages, %.1f MB of Markdown, %d planted findings", st.Pages, float64(st.Bytes)/(1<<20), st.Planted)
	t := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	files := mdFiles(b, dir)

	// perSecond reports pages/s, and the CPU time of the process per
	// operation (user + system), which other load on the machine disturbs
	// less than the wall time.
	perSecond := func(b *testing.B, cpu0 time.Duration) {
		b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	}

	b.Run("goldmark-parse", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Process()
		md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
		for b.Loop() {
			parallel(files, func(f string) {
				src, err := os.ReadFile(f)
				if err != nil {
					b.Error(err)
					return
				}
				md.Parser().Parse(text.NewReader(src))
			})
		}
		perSecond(b, cpu0)
	})

	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Process()
		for b.Loop() {
			if _, err := site.LoadText(dir, kb.Theme); err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b, cpu0)
	})
	runtime.GC()

	l, err := site.LoadText(dir, kb.Theme)
	if err != nil {
		b.Fatal(err)
	}
	in := &lint.Input{Config: l.Config, Pages: l.Content.Pages, Errors: l.Content.Errors, Static: l.Theme.Static}
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Process()
		for b.Loop() {
			res, err := lint.Check(in, lint.Options{Today: t})
			if err != nil || res.Count(lint.Error) != 0 || res.Count(lint.Warning) != st.Planted {
				b.Fatalf("%v: %s", err, lint.Summary(res.Findings, res.Files))
			}
		}
		perSecond(b, cpu0)
	})
	l = nil
	in = nil
	runtime.GC()

	b.Run("kb-lint", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cputime.Process()
		for b.Loop() {
			restore := site.BatchMemory() // as kb lint sets it
			l, err := site.LoadText(dir, kb.Theme)
			if err != nil {
				b.Fatal(err)
			}
			res, err := lint.Check(&lint.Input{Config: l.Config, Pages: l.Content.Pages, Errors: l.Content.Errors, Static: l.Theme.Static}, lint.Options{Today: t})
			if err != nil || res.Count(lint.Warning) != st.Planted {
				b.Fatal(err)
			}
			if err := lint.WriteText(io.Discard, res.Findings, res.Files); err != nil {
				b.Fatal(err)
			}
			restore()
		}
		perSecond(b, cpu0)
	})
}

func mdFiles(b *testing.B, dir string) []string {
	var files []string
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// parallel runs f on every file with GOMAXPROCS workers, as content.Load does.
func parallel(files []string, f func(string)) {
	var wg sync.WaitGroup
	next := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				f(p)
			}
		}()
	}
	for _, p := range files {
		next <- p
	}
	close(next)
	wg.Wait()
}
