package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// metaFile is kb's own file inside the index folder: the analysis settings
// and synonyms the index was built with, which queries must use too.
const metaFile = "kb-search.json"

// formatVersion changes when the document model or the analysis changes.
const formatVersion = 1

// meta is the content of metaFile.
type meta struct {
	Format   int              `json:"format"`
	Stemmer  Stemmer          `json:"stemmer"`
	Scoring  string           `json:"scoring,omitempty"`
	Synonyms []config.Synonym `json:"synonyms,omitempty"`
	Docs     int              `json:"docs"`
}

// Stats describes a built index.
type Stats struct {
	Path    string
	Docs    int
	Bytes   int64 // size on disk
	Elapsed time.Duration
}

// Settings choose the analysis of an index. The zero value is kb's default.
type Settings struct {
	Stemmer Stemmer // "" means DefaultStemmer
	Scoring string  // bleve scoring model: "" means ScoringModel; "tf-idf" or "bm25"
	// noStore leaves out stored fields, for the benchmark's size split.
	noStore bool
}

func (s Settings) withDefaults() Settings {
	if s.Stemmer == "" {
		s.Stemmer = DefaultStemmer
	}
	if s.Scoring == "" {
		s.Scoring = ScoringModel
	}
	if s.Scoring == "tf-idf" {
		s.Scoring = ""
	}
	return s
}

// IndexPath returns where a site's index lives: cfg.Search.Index, relative
// to the site folder unless absolute.
func IndexPath(siteDir string, cfg *config.Config) string {
	p := cfg.Search.Index
	if p == "" {
		p = config.Default().Search.Index
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(siteDir, p)
}

// LogPath returns where a site's zero-result log lives: cfg.Search.Log,
// relative to the site folder unless absolute.
func LogPath(siteDir string, cfg *config.Config) string {
	p := cfg.Search.Log
	if p == "" {
		p = config.Default().Search.Log
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(siteDir, p)
}

// CheckPath refuses an index path inside the output folder: the index
// would be published, and the next build would replace it.
func CheckPath(path, out string) error {
	absPath, err1 := filepath.Abs(path)
	absOut, err2 := filepath.Abs(out)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if rel, err := filepath.Rel(absOut, absPath); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("search.index %s is inside the output folder %s; choose a path outside it, like .kb/search.bleve", path, out)
	}
	return nil
}

// Build indexes the published pages (drafts already removed) into a new
// index at path, replacing the one there only when the whole build succeeded.
func Build(ctx context.Context, pages []*content.Page, cfg *config.Config, path string) (*Stats, error) {
	st, err := Stage(ctx, pages, cfg, path, Settings{})
	if err != nil {
		return nil, err
	}
	if err := st.Commit(); err != nil {
		return nil, err
	}
	return &st.Stats, nil
}

// Staged is an index built into a temporary folder beside its final path.
// Commit moves it into place; Abort removes it.
type Staged struct {
	Stats Stats
	tmp   string
	path  string
}

// Stage builds the index into a temporary folder beside path, with
// bleve.NewBuilder: one segment, written offline, deterministic scores.
func Stage(ctx context.Context, pages []*content.Page, cfg *config.Config, path string, set Settings) (st *Staged, err error) {
	start := time.Now()
	set = set.withDefaults()
	if cfg == nil {
		cfg = config.Default()
	}
	parent := filepath.Dir(path)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	dir := filepath.Join(tmp, "index")
	docs := documents(pages, cfg.BasePath())
	if err := writeIndex(ctx, dir, filepath.Join(tmp, "build"), docs, set); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	m := meta{Format: formatVersion, Stemmer: set.Stemmer, Scoring: set.Scoring, Synonyms: cfg.Search.Synonyms, Docs: len(docs)}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, metaFile), data, 0o644); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	size, err := dirSize(dir)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return &Staged{Stats: Stats{Path: path, Docs: len(docs), Bytes: size, Elapsed: time.Since(start)}, tmp: tmp, path: path}, nil
}

func writeIndex(ctx context.Context, dir, scratch string, docs []doc, set Settings) error {
	m := newMapping(set.Stemmer, set.Scoring)
	if set.noStore {
		for _, dm := range m.DefaultMapping.Properties {
			for _, fm := range dm.Fields {
				fm.Store = false
			}
		}
	}
	if len(docs) == 0 {
		// the offline builder cannot write an index without a segment
		idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return err
		}
		return idx.Close()
	}
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	b, err := bleve.NewBuilder(dir, m, map[string]interface{}{"buildPathPrefix": scratch})
	if err != nil {
		return err
	}
	for i, d := range docs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				// Not b.Close: it would merge (or panic on no segment);
				// the caller removes the scratch folder.
				return err
			}
		}
		if err := b.Index(d.ID, d.Fields); err != nil {
			return fmt.Errorf("%s: %w", d.ID, err)
		}
	}
	if err := b.Close(); err != nil {
		return err
	}
	return os.RemoveAll(scratch)
}

// Commit swaps the staged index in for the one at its path.
func (s *Staged) Commit() error {
	old := ""
	if _, err := os.Lstat(s.path); err == nil {
		old = filepath.Join(filepath.Dir(s.path), "."+filepath.Base(s.path)+".old-"+filepath.Base(s.tmp)[len(filepath.Base(s.path))+6:])
		if err := os.Rename(s.path, old); err != nil {
			s.Abort()
			return fmt.Errorf("search index: cannot replace %s: %w", s.path, err)
		}
	}
	if err := os.Rename(filepath.Join(s.tmp, "index"), s.path); err != nil {
		if old != "" {
			_ = os.Rename(old, s.path)
		}
		s.Abort()
		return fmt.Errorf("search index: cannot move the new index into %s: %w", s.path, err)
	}
	s.Abort()
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort removes the staged index.
func (s *Staged) Abort() { _ = os.RemoveAll(s.tmp) }

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// Pending is an index being staged in the background, so that kb build can
// render pages meanwhile.
type Pending struct {
	done      chan struct{}
	st        *Staged
	err       error
	committed bool
}

// StageAsync starts Stage with the default settings in a goroutine.
func StageAsync(ctx context.Context, pages []*content.Page, cfg *config.Config, path string) *Pending {
	p := &Pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.st, p.err = Stage(ctx, pages, cfg, path, Settings{})
	}()
	return p
}

// Wait waits for the staged index.
func (p *Pending) Wait() (*Stats, error) {
	<-p.done
	if p.err != nil {
		return nil, p.err
	}
	return &p.st.Stats, nil
}

// Commit waits for the staged index and swaps it in.
func (p *Pending) Commit() error {
	if _, err := p.Wait(); err != nil {
		return err
	}
	p.committed = true
	return p.st.Commit()
}

// Abort waits for the background work and removes the staged index unless
// it was committed. It is safe to call after Commit, for defer.
func (p *Pending) Abort() {
	<-p.done
	if !p.committed && p.st != nil {
		p.st.Abort()
	}
}
