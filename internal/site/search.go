package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/search"
)

// What kb search needs of the pipeline: the index a build wrote, searched
// as customers search it.

// The number of results kb search prints: by default, and at most.
const (
	DefaultSearchLimit = search.DefaultLimit
	MaxSearchLimit     = search.MaxLimit
)

// SearchOptions are a kb search run's.
type SearchOptions struct {
	// Dir is the site folder.
	Dir string
	// Query is what the customer typed; Type and Product filter the results.
	Query, Type, Product string
	// Limit is how many results to print (1 to MaxSearchLimit).
	Limit int
	// Explain shows why each result scored as it did; JSON prints the
	// response as JSON; Terminal marks matches with bold and underline
	// instead of [brackets].
	Explain, JSON, Terminal bool
}

// UsageError is a request a command cannot answer as it is: what to change
// is in the message. The CLI exits with status 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usage(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

// Search is kb search: the site's index (built by kb build) searched for
// opts.Query, the top results printed to w.
func Search(ctx context.Context, w io.Writer, opts SearchOptions) error {
	if opts.Type != "" {
		ok := false
		for _, t := range content.Types {
			ok = ok || string(t) == opts.Type
		}
		if !ok {
			return usage("search: unknown --type %q; want article, faq, troubleshooting or release", opts.Type)
		}
	}
	if opts.Limit < 1 || opts.Limit > MaxSearchLimit {
		return usage("search: --limit must be from 1 to %d", MaxSearchLimit)
	}
	cfg, err := config.Load(opts.Dir)
	if err != nil {
		return usage("%v", err)
	}
	ix, err := search.Open(cfg.IndexPath(opts.Dir))
	if err != nil {
		return usage("%v", err)
	}
	defer ix.Close()
	resp, err := ix.Search(ctx, search.Request{Q: opts.Query, Type: opts.Type, Product: opts.Product, Limit: opts.Limit, Explain: opts.Explain})
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return usage("search: %v", qe)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(resp)
	}
	printResults(w, resp, cfg, opts.Terminal, opts.Explain)
	return nil
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
// underlined on a terminal, in [brackets] elsewhere; code in `backticks`.
func terminalSnippet(s string, tty bool) string {
	open, closing := "[", "]"
	if tty {
		open, closing = "\x1b[1;4m", "\x1b[0m"
	}
	s = strings.NewReplacer("<mark>", open, "</mark>", closing, "<code>", "`", "</code>", "`").Replace(s)
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
