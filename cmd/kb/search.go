package main

import (
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/octoacme/kb/internal/site"
)

func searchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "search the built site's index like a customer",
		Long: `Search the site's index (built by kb build) the way customers search the
help center, and print the top results: title, URL and a snippet with the
matched words marked (bold and underlined on a terminal, [in brackets]
otherwise). A misspelled word is corrected, and the corrected query shown.
The query may be several words, with or without quotes.`,
	}
	dir := siteFlag(cmd)
	typ := cmd.Flags().String("type", "", "only results of this `type`: article, faq, troubleshooting or release")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(pageTypes, cobra.ShellCompDirectiveNoFileComp))
	product := productFlag(cmd, "only results for this `product`")
	limit := cmd.Flags().Int("limit", site.DefaultSearchLimit, "print at most `n` results (1–50)")
	asJSON := cmd.Flags().Bool("json", false, "print the results as JSON")
	explain := cmd.Flags().Bool("explain", false, "show why each result scored as it did")
	cmd.RunE = func(cmd *cobra.Command, words []string) error {
		q := strings.Join(words, " ")
		if strings.TrimSpace(q) == "" {
			return usageError("search needs a query, like: kb search \"reset password\" (run \"kb search --help\")")
		}
		stdout := cmd.OutOrStdout()
		return commandError(site.Search(cmd.Context(), stdout, site.SearchOptions{Dir: *dir, Query: q, Type: *typ, Product: *product,
			Limit: *limit, Explain: *explain, JSON: *asJSON, Terminal: isTerminal(stdout)}))
	}
	return cmd
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
