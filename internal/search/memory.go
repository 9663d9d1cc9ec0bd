package search

import (
	"context"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// Memory is an in-memory index for kb serve, updated page by page as files
// change. It is an in-memory scorch index (not bleve.NewMemOnly, which is
// the slow legacy engine and ignores parts of the mapping), with the same
// mapping, analysis and query planner as the index kb build writes, so the
// preview answers like the published site.
type Memory struct {
	*Index
	base   string
	text   *memText
	vocab  *memVocab
	mu     sync.Mutex
	byPage map[string][]string // page URL → document ids
	db     *docBuilder
	// lens are the field lengths of every document, stats their sums.
	lens    map[string]*docLengths
	statsMu sync.RWMutex
	stats   fieldStats
}

// OpenMemory indexes the published pages in memory.
func OpenMemory(ctx context.Context, pages []*content.Page, cfg *config.Config) (*Memory, error) {
	if cfg == nil {
		cfg = config.Default()
	}
	set := Settings{}.withDefaults()
	mp := newMapping(set.Stemmer)
	bi, err := bleve.NewUsing("", mp, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	m := &Memory{base: cfg.BasePath(), byPage: map[string][]string{}, db: newDocBuilder(mp), lens: map[string]*docLengths{}}
	m.text = &memText{recs: map[string]*record{}}
	m.vocab = newMemVocab()
	m.Index = &Index{path: "(memory)", bi: bi, text: m.text, docs: memDocs{m.text}, words: m.vocab, meta: meta{Format: formatVersion, Stemmer: set.Stemmer, Synonyms: Synonyms(cfg.Search)}}
	m.Index.fieldTerms = func() map[string]uint64 {
		m.statsMu.RLock()
		defer m.statsMu.RUnlock()
		return m.stats.byName()
	}
	m.Index.pl = &planner{text: kbAnalyzer{text: true, stemmer: set.Stemmer}, forms: set.Forms, synonyms: newSynonymTable(Synonyms(cfg.Search)), dict: &bleveDict{bi, m.vocab}}
	if err := m.Update(ctx, pages, nil); err != nil {
		bi.Close()
		return nil, err
	}
	return m, nil
}

// Update re-indexes changed pages (added or edited) and drops the pages
// whose URLs are in removed, in one batch.
func (m *Memory) Update(ctx context.Context, changed []*content.Page, removed []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bi.NewBatch()
	m.text.mu.Lock()
	defer m.text.mu.Unlock()
	m.vocab.mu.Lock()
	defer m.vocab.mu.Unlock()
	defer m.vocab.done()
	stats := m.stats
	defer func() {
		m.statsMu.Lock()
		m.stats = stats
		m.statsMu.Unlock()
	}()
	drop := func(url string) {
		for _, id := range m.byPage[url] {
			b.Delete(id)
			delete(m.text.recs, id)
			m.vocab.remove(id)
			if l := m.lens[id]; l != nil {
				stats.add(l, -1)
				delete(m.lens, id)
			}
		}
		delete(m.byPage, url)
	}
	for _, url := range removed {
		drop(url)
	}
	for _, p := range changed {
		drop(p.URL)
		for _, d := range documents([]*content.Page{p}, m.base) {
			lens := &docLengths{}
			if err := b.IndexAdvanced(m.db.build(&d, lens)); err != nil {
				return fmt.Errorf("search index: %s: %w", d.ID, err)
			}
			if old := m.lens[d.ID]; old != nil { // a second document with the same id
				stats.add(old, -1)
			}
			m.lens[d.ID] = lens
			stats.add(lens, 1)
			m.text.recs[d.ID] = recordOf(&d)
			m.vocab.add(&d)
			m.byPage[p.URL] = append(m.byPage[p.URL], d.ID)
		}
		if b.Size() >= 512 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := m.bi.Batch(b); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			b.Reset()
		}
	}
	if err := m.bi.Batch(b); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	n, err := m.bi.DocCount()
	if err != nil {
		return err
	}
	m.meta.Docs = int(n)
	return nil
}
