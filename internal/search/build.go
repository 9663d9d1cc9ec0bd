package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv17 "github.com/blevesearch/zapx/v17"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// metaFile is kb's own file inside the index folder: the analysis settings
// and synonyms the index was built with, which queries must use too.
const metaFile = "kb-search.json"

// formatVersion changes when the document model or the analysis changes.
const formatVersion = 5 // 5: the code field, built-in synonyms in the recorded list

// meta is the content of metaFile.
type meta struct {
	Format  int     `json:"format"`
	Stemmer Stemmer `json:"stemmer"`
	// Forms: a query word also matches the indexed words of its Snowball
	// stem, below its own form (wordForms).
	Forms    bool             `json:"forms,omitempty"`
	Synonyms []config.Synonym `json:"synonyms,omitempty"`
	Docs     int              `json:"docs"`
	// Terms are the number of terms of each field in all documents: BM25's
	// average lengths.
	Terms map[string]uint64 `json:"terms"`
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
	// Forms matches the other forms of a query word (its Snowball stem's
	// indexed words) at boostForm: see planner.wordForms.
	Forms bool
}

func (s Settings) withDefaults() Settings {
	if s.Stemmer == "" {
		s.Stemmer = DefaultStemmer
	}
	return s
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
	// A build replaces the folder at path: only an index may be there
	// (search.index: . or content would delete the site).
	if _, err := os.Lstat(path); err == nil {
		if _, err := os.Lstat(filepath.Join(path, "index_meta.json")); err != nil {
			return fmt.Errorf("search.index %s is there and is not a search index; kb replaces that folder on every build, so choose a path of its own, like .kb/search.bleve", path)
		}
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
	base := strings.TrimSuffix(cfg.BasePath(), "/")
	docs := sortedDocs(documents(pages, base))
	var stats fieldStats
	if err := writeIndex(ctx, dir, filepath.Join(tmp, "build"), docs, base, set, &stats); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	m := meta{Format: formatVersion, Stemmer: set.Stemmer, Forms: set.Forms, Synonyms: Synonyms(cfg.Search), Docs: len(docs), Terms: stats.byName()}
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

// sortedDocs sorts documents by id (byte order), keeping the last of
// documents with the same id, as bleve would.
func sortedDocs(docs []doc) []doc {
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	out := docs[:0]
	for i := range docs {
		if len(out) > 0 && out[len(out)-1].ID == docs[i].ID {
			out[len(out)-1] = docs[i]
			continue
		}
		out = append(out, docs[i])
	}
	return out
}

// writeIndex writes the bleve index of docs into dir and the text store
// beside it.
//
// bleve's own builder (bleve.NewBuilder) analyses and indexes one document
// at a time on one core. kb does the same work on every core: it builds
// and analyses the documents itself (docBuilder: the very documents the
// mapping would make, a test checks), has the segment plugin bleve's
// builder uses (zap) build a segment of each part of them in parallel,
// merges those into one segment as bleve's builder does when it has built
// several, and puts it in place of the one-document segment of an index
// that bleve.NewBuilder writes for the purpose (folder layout, index
// metadata, mapping). The result is an ordinary one-segment scorch index,
// with the documents numbered in the order of docs. The text store is
// written meanwhile.
func writeIndex(ctx context.Context, dir, scratch string, docs []doc, base string, set Settings, stats *fieldStats) error {
	defer raiseGC()()
	m := newMapping(set.Stemmer)
	if len(docs) == 0 {
		// the offline builder cannot write an index without a segment
		idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return err
		}
		if err := idx.Close(); err != nil {
			return err
		}
		if err := writeTextStore(filepath.Join(dir, textFile), nil, nil, ""); err != nil {
			return err
		}
		if err := (&vocab{}).write(filepath.Join(dir, wordsFile)); err != nil {
			return err
		}
		return writeDocTable(dir, nil)
	}
	for _, d := range []string{scratch, dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	recs := make([]*record, len(docs))
	for i := range docs {
		recs[i] = recordOf(&docs[i])
	}
	textErr := make(chan error, 1)
	go func() {
		err := writeTextStore(filepath.Join(dir, textFile), docs, recs, base)
		if err == nil {
			err = buildVocab(docs).write(filepath.Join(dir, wordsFile))
		}
		textErr <- err
	}()
	err := writeSegments(ctx, dir, scratch, m, docs, stats)
	if terr := <-textErr; err == nil {
		err = terr
	}
	if err != nil {
		return err
	}
	if err := writeDocTable(dir, docs); err != nil {
		return err
	}
	return os.RemoveAll(scratch)
}

// partDocs is the number of documents in a segment built on its own
// before the merge. Each core analyses a part, builds its segment and
// writes it to disk before it takes the next one, so the analysed
// documents in memory are those of one part per core (about 45 MB each)
// rather than all of them: on 10,000 pages this took kb build's peak
// memory from 1.5 GiB to under 0.7 GiB (with the content bytes and lint's
// blocks let go; see docs/performance.md), for the same time (the merge
// reads the parts from disk).
var partDocs = 500

// segmentPlugin is the segment format of bleve's builder (and scorch).
var segmentPlugin = &zapv17.ZapPlugin{}

// writeSegments writes the bleve index of docs into dir (see writeIndex).
func writeSegments(ctx context.Context, dir, scratch string, m *mapping.IndexMappingImpl, docs []doc, stats *fieldStats) error {
	db := newDocBuilder(m)
	n := (len(docs) + partDocs - 1) / partDocs
	parts := make([]string, n)
	errs := make([]error, n)
	partStats := make([]fieldStats, n)
	defer func() {
		for _, ps := range partStats {
			stats.merge(ps)
		}
	}()
	err := parallel(ctx, n, func() func(j int) {
		return func(j int) {
			if errs[j] = ctx.Err(); errs[j] != nil {
				return
			}
			lo, hi := j*len(docs)/n, (j+1)*len(docs)/n
			bdocs := make([]index.Document, hi-lo)
			for i := range bdocs {
				var lens docLengths
				d := db.build(&docs[lo+i], &lens)
				partStats[j].add(&lens, 1)
				d.AddIDField()
				d.VisitFields(func(f index.Field) {
					if f.Name() == "_id" {
						f.Analyze()
					}
				})
				d.SetIndexed()
				bdocs[i] = d
			}
			parts[j] = filepath.Join(scratch, fmt.Sprintf("part-%d.zap", j))
			seg, _, err := segmentPlugin.New(bdocs)
			if err == nil {
				if us, ok := seg.(segment.UnpersistedSegment); ok {
					err = us.Persist(parts[j])
				} else {
					err = fmt.Errorf("segment %T cannot be written", seg)
				}
			}
			errs[j] = err
		}
	})
	if err != nil {
		return err
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// The index around them: bleve.NewBuilder with one placeholder document.
	b, err := bleve.NewBuilder(dir, m, map[string]interface{}{"buildPathPrefix": scratch, "batchSize": 1})
	if err != nil {
		return err
	}
	if err := b.Index("kb-placeholder", map[string]interface{}{}); err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return err
	}
	zaps, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil || len(zaps) != 1 {
		return fmt.Errorf("bleve's builder wrote %d segments, want 1 (%v)", len(zaps), err)
	}
	final := parts[0]
	if len(parts) > 1 {
		segs := make([]segment.Segment, 0, len(parts))
		defer func() {
			for _, sg := range segs {
				_ = sg.Close()
			}
		}()
		for _, p := range parts {
			sg, err := segmentPlugin.Open(p)
			if err != nil {
				return err
			}
			segs = append(segs, sg)
		}
		final = filepath.Join(scratch, "merged.zap")
		if _, _, err := segmentPlugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), final, nil, nil); err != nil {
			return fmt.Errorf("merging segments: %w", err)
		}
	}
	return os.Rename(final, zaps[0])
}

// gcBuildPercent is the garbage collector's target while an index builds:
// the analysed documents are a large heap that lives until bleve has
// written its segment, and every collection would mark all of it again.
// At the default 100 collection took about half of the build time.
const gcBuildPercent = 400

var (
	gcMu    sync.Mutex
	gcUsers int
	gcPrev  int
)

// raiseGC sets the collector's target to gcBuildPercent (unless it is
// already higher, or off) and returns the function that restores it.
func raiseGC() func() {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcUsers == 0 {
		gcPrev = debug.SetGCPercent(gcBuildPercent)
		if gcPrev < 0 || gcPrev > gcBuildPercent {
			debug.SetGCPercent(gcPrev)
		}
	}
	gcUsers++
	return func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcUsers--; gcUsers == 0 {
			debug.SetGCPercent(gcPrev)
		}
	}
}

// parallel calls the function made by worker for 0 ≤ i < n on GOMAXPROCS
// goroutines, each with its own worker state, and checks ctx as it goes.
func parallel(ctx context.Context, n int, worker func() func(i int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(n, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := worker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || i%256 == 0 && ctx.Err() != nil {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// analyzed is a text field analysed ahead of time: a later Analyze call
// does nothing more.
type analyzed struct{ *document.TextField }

func (analyzed) Analyze() {}

// docBuilder builds bleve documents the way the mapping's MapDocument
// would (a test checks that the index is the same), with the field options
// and analyzers taken from the mapping itself.
type docBuilder struct {
	opts      map[string]index.FieldIndexingOptions
	analyzers map[string]analysis.Analyzer
}

func newDocBuilder(m *mapping.IndexMappingImpl) *docBuilder {
	db := &docBuilder{opts: map[string]index.FieldIndexingOptions{}, analyzers: map[string]analysis.Analyzer{}}
	for _, name := range indexedFields {
		fm := m.DefaultMapping.Properties[name].Fields[0]
		db.opts[name] = fm.Options()
		db.analyzers[name] = m.AnalyzerNamed(fm.Analyzer)
	}
	return db
}

// build returns the bleve document of d, and adds the length of each of
// its fields (the number of terms, as bleve counts it for the norm) to
// lens, in the order of indexedFields.
func (db *docBuilder) build(d *doc, lens *docLengths) *document.Document {
	bd := document.NewDocument(d.ID)
	add := func(name string, pos []uint64, v string) {
		f := document.NewTextFieldCustom(name, pos, []byte(v), db.opts[name], db.analyzers[name])
		f.Analyze()
		bd.AddField(analyzed{f})
		lens[fieldNumber[name]] += uint32(f.AnalyzedLength())
	}
	one := func(name, v string) {
		if v != "" {
			add(name, []uint64{}, v)
		}
	}
	list := func(name string, vs []string) {
		for i, v := range vs {
			add(name, []uint64{uint64(i)}, v)
		}
	}
	one(fTitle, d.Title)
	one(fHeadings, d.Headings)
	list(fTags, d.Tags)
	one(fDescription, d.Description)
	one(fBody, d.Body)
	one(fErrors, d.Errors)
	one(fCode, d.Code)
	one(fWords, d.Words)
	list(fErrCode, d.ErrCodes)
	list(fErrMsg, d.ErrMsgs)
	one(fType, d.Type)
	one(fProduct, d.Product)
	return bd
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

// RemoveStale removes what builds killed before they finished left beside
// the index at path: staging folders (.search.bleve.tmp-*) and replaced
// indexes (.search.bleve.old-*). The caller makes sure that no build
// using them is running (kb build holds the site lock).
func RemoveStale(path string) {
	parent, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && (strings.HasPrefix(e.Name(), "."+base+".tmp-") || strings.HasPrefix(e.Name(), "."+base+".old-")) {
			_ = os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}

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

// Export waits for the staged index and writes its static index (see
// Export) through w, before Commit moves it.
func (p *Pending) Export(ctx context.Context, w FileWriter) (*ExportStats, error) {
	if _, err := p.Wait(); err != nil {
		return nil, err
	}
	return Export(ctx, filepath.Join(p.st.tmp, "index"), w)
}
