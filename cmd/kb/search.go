package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/search"
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
	limit := fs.Int("limit", search.DefaultLimit, "print at most `n` results (1–50)")
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
	if *typ != "" {
		ok := false
		for _, t := range content.Types {
			ok = ok || string(t) == *typ
		}
		if !ok {
			return usageError("search: unknown --type %q; want article, faq, troubleshooting or release", *typ)
		}
	}
	if *limit < 1 || *limit > search.MaxLimit {
		return usageError("search: --limit must be from 1 to %d", search.MaxLimit)
	}
	cfg, err := config.Load(*dir)
	if err != nil {
		return usageError("%v", err)
	}
	ix, err := search.Open(search.IndexPath(*dir, cfg))
	if err != nil {
		return usageError("%v", err)
	}
	defer ix.Close()
	resp, err := ix.Search(ctx, search.Request{Q: q, Type: *typ, Product: *product, Limit: *limit, Explain: *explain})
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return usageError("search: %v", qe)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(resp)
	}
	printResults(stdout, resp, cfg, isTerminal(stdout), *explain)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// printResults writes the results for people.
func printResults(w io.Writer, resp *search.Response, cfg *config.Config, tty bool, explain bool) {
	if resp.Corrected != "" {
		fmt.Fprintf(w, "Showing results for %q\n\n", resp.Corrected)
	}
	if len(resp.Hits) == 0 {
		fmt.Fprintf(w, "No results for %q. Try fewer or other words, or an error code.\n", resp.Query)
		return
	}
	origin := ""
	if cfg.BaseURL != "" {
		origin = strings.TrimSuffix(strings.TrimSuffix(cfg.BaseURL, "/"), strings.TrimSuffix(cfg.BasePath(), "/"))
	}
	for i, h := range resp.Hits {
		title := h.Title
		if h.Page != "" {
			title += " — " + h.Page
		}
		fmt.Fprintf(w, "%d. %s\n", i+1, title)
		fmt.Fprintf(w, "   %s%s · %s\n", origin, h.URL, content.Type(h.Type).Label())
		if s := terminalSnippet(h.Snippet, tty); s != "" {
			fmt.Fprintf(w, "   %s\n", s)
		}
		if explain && h.Explanation != nil {
			fmt.Fprintf(w, "   score %.6f\n", h.Score)
			writeExplanation(w, h.Explanation, "     ")
		}
		fmt.Fprintln(w)
	}
	if resp.Total > uint64(len(resp.Hits)) {
		fmt.Fprintf(w, "%d of %d results. Use --limit for more.\n", len(resp.Hits), resp.Total)
	}
}

// terminalSnippet turns an HTML snippet into text: matches bold and
// underlined on a terminal, in [brackets] elsewhere.
func terminalSnippet(s string, tty bool) string {
	open, closing := "[", "]"
	if tty {
		open, closing = "\x1b[1;4m", "\x1b[0m"
	}
	s = strings.NewReplacer("<mark>", open, "</mark>", closing).Replace(s)
	s = html.UnescapeString(s)
	if !tty {
		// merge adjacent marks: [sign] [in] stays, [AUTH]-[401] → [AUTH-401]
		s = strings.ReplaceAll(s, "]-[", "-")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\x1b' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func writeExplanation(w io.Writer, e interface {
}, indent string) {
	type expl struct {
		Value    float64 `json:"value"`
		Message  string  `json:"message"`
		Children []*expl `json:"children"`
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	var root expl
	if json.Unmarshal(data, &root) != nil {
		return
	}
	var walk func(x *expl, pre string)
	walk = func(x *expl, pre string) {
		fmt.Fprintf(w, "%s%.6f  %s\n", pre, x.Value, x.Message)
		for _, c := range x.Children {
			walk(c, pre+"  ")
		}
	}
	walk(&root, indent)
}
