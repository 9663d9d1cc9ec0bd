// Command kb-corpus writes a generated help-center site for benchmarks:
//
//	go run ./cmd/kb-corpus -pages 10000 -out /tmp/corpus
//
// The site is deterministic for a seed and lints clean unless -plant is set.
// With -floor it renders an existing site's pages with goldmark alone
// instead (corpus.Floor), the floor kb build is measured against:
//
//	go run ./cmd/kb-corpus -floor /tmp/corpus
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/octoacme/kb/internal/corpus"
)

func main() {
	pages := flag.Int("pages", 1000, "number of content pages")
	out := flag.String("out", "", "output `folder` (must not exist, or be empty)")
	seed := flag.Int64("seed", 1, "random seed")
	plant := flag.Int("plant", 0, "plant a lint warning in every Nth article (0: none)")
	products := flag.Int("products", 1, "number of products")
	floor := flag.String("floor", "", "render the pages of the site `folder` with goldmark alone (read, split front matter, parse and render with GFM) and print the time")
	flag.Parse()
	if *floor != "" {
		start := time.Now()
		n, size, err := corpus.Floor(*floor)
		if err != nil {
			fmt.Fprintln(os.Stderr, "kb-corpus:", err)
			os.Exit(1)
		}
		fmt.Printf("goldmark alone: %d pages, %.1f MB of Markdown, in %v\n", n, float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))
		return
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "kb-corpus: -out is required")
		os.Exit(2)
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		fmt.Fprintf(os.Stderr, "kb-corpus: %s is not empty\n", *out)
		os.Exit(2)
	}
	st, err := corpus.Generate(*out, corpus.Options{Pages: *pages, Seed: *seed, Plant: *plant, Products: *products})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kb-corpus:", err)
		os.Exit(2)
	}
	fmt.Printf("wrote %d pages (%d articles, %d FAQ pages, %d troubleshooting guides, %d releases), %.1f MB of Markdown, %d planted findings, into %s\n",
		st.Pages, st.Articles, st.FAQs, st.Troubleshooting, st.Releases, float64(st.Bytes)/(1<<20), st.Planted, *out)
}
