// Command kb-corpus writes a generated help-center site for benchmarks:
//
//	go run ./cmd/kb-corpus -pages 10000 -out /tmp/corpus
//
// The site is deterministic for a seed and lints clean unless -plant is set.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/octoacme/kb/internal/corpus"
)

func main() {
	pages := flag.Int("pages", 1000, "number of content pages")
	out := flag.String("out", "", "output `folder` (must not exist, or be empty)")
	seed := flag.Int64("seed", 1, "random seed")
	plant := flag.Int("plant", 0, "plant a lint warning in every Nth article (0: none)")
	products := flag.Int("products", 1, "number of products")
	flag.Parse()
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
