package site

import (
	"context"

	"github.com/octoacme/kb/internal/search"
)

// exportSearch writes the static search index (search.StaticDir) into the
// output: from the index being staged, or from the one a previous build
// left at indexPath.
func exportSearch(ctx context.Context, index any, indexPath string, w search.FileWriter) (*search.ExportStats, error) {
	if p, ok := index.(*search.Pending); ok {
		return p.Export(ctx, w)
	}
	return search.Export(ctx, indexPath, w)
}
