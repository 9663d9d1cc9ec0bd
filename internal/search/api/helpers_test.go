package api

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/site"
)

// sampleRoot is the repository root, which holds the sample site.
const sampleRoot = "../../.."

// sample is the sample site's published pages and configuration, loaded once.
var sample struct {
	once sync.Once
	in   *site.Input
	err  error
}

// sampleIndex builds the sample site into a fresh index in a test folder
// and opens it.
func sampleIndex(t testing.TB) *search.Index {
	t.Helper()
	sample.once.Do(func() {
		sample.in, sample.err = site.Load(sampleRoot, kb.Theme)
		if sample.err == nil {
			sample.err = sample.in.ContentErr()
		}
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	path := filepath.Join(t.TempDir(), "search.bleve")
	if _, err := search.Build(context.Background(), model.Rules{}.Published(sample.in.Content.Pages), sample.in.Config, path); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
