package main

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/octoacme/kb/internal/site"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("search", "search [flags] QUERY", `
Search the site's index (built by kb build) the way customers search the
help center, and print the top results: title, URL and a snippet with the
matched words marked (bold and underlined on a terminal, [in brackets]
otherwise). A misspelled word is corrected, and the corrected query shown.`, stdout)
	dir := siteFlag(fs)
	typ := fs.String("type", "", "only results of this `type`: article, faq, troubleshooting or release")
	product := fs.String("product", "", "only results for this `product`")
	limit := fs.Int("limit", site.DefaultSearchLimit, "print at most `n` results (1–50)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	explain := fs.Bool("explain", false, "show why each result scored as it did")
	// Flags may come before or after the query words.
	var words []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		args = fs.Args()
		if args[0] == "--" {
			words = append(words, args[1:]...)
			break
		}
		words = append(words, args[0])
		args = args[1:]
	}
	q := strings.Join(words, " ")
	if strings.TrimSpace(q) == "" {
		return usageError("search needs a query, like: kb search \"reset password\" (run \"kb search --help\")")
	}
	return commandError(site.Search(ctx, stdout, site.SearchOptions{Dir: *dir, Query: q, Type: *typ, Product: *product,
		Limit: *limit, Explain: *explain, JSON: *asJSON, Terminal: isTerminal(stdout)}))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
