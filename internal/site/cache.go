package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/sitefs"
)

// The build cache lets kb build skip work whose inputs did not change. It
// lives in the site's .kb/build/ folder:
//
//	state.json  what the last successful build read and wrote: a SHA-256
//	            key over all its inputs, the key of the search index's
//	            inputs, a fingerprint of the output folder and of the index
//	            as it left them, and its Result
//	spare/      the output folder the last build replaced, recycled as the
//	            next build's staging folder (see stage)
//
// The inputs key covers everything a build reads: the kb binary itself
// (its SHA-256, so any other kb — another version, another commit, a
// rebuilt binary — misses), the embedded theme and the site's layouts/ and
// static/ over it (every file's path and bytes), site.yaml's bytes,
// the bytes of every content file the build reads, the site and output
// folders (absolute), --drafts, --future, the search index path, and the
// date lint takes as today (stale-page findings depend on it).
//
// What a build publishes also depends on the moment (model.Rules): the
// state records when it next changes (a scheduled page is published, a
// page expires; Result.Next), and from that moment on the state misses,
// index included, so that a cron job running kb build then publishes the
// page.
//
// A build whose inputs key equals the state's, and whose output folder and
// search index are still exactly as that build left them (same files,
// sizes and modification times), publishes nothing: the output is left
// untouched and the cached Result is returned. Anything else builds in
// full, with one exception: the search index is kept when the inputs it is
// built from did not change (the binary, site.yaml, the content, --drafts,
// --future and its path, and no scheduled change came: search.Stage reads the pages' text and the config, never
// the layouts, the static files or the output folder; if that changes,
// layouts and static must join indexKey).
//
// The state is removed before a build swaps its output in and written
// after it succeeded, so a build that stops half-way leaves no state; the
// fingerprints make a state that outlived its output (someone edited,
// deleted or rebuilt public/ by other means) miss as well. A state file
// that cannot be read or parsed is ignored.

// stateVersion changes when the state file's meaning changes.
const stateVersion = 2

// buildState is .kb/build/state.json.
type buildState struct {
	Version    int          `json:"version"`
	Key        string       `json:"key"`
	IndexKey   string       `json:"index_key"`
	Out        string       `json:"out"`
	OutPrint   string       `json:"out_fingerprint"`
	Index      string       `json:"index"`
	IndexPrint string       `json:"index_fingerprint"`
	Result     cachedResult `json:"result"`
}

// cachedResult is the part of a Result a skipped build reports again.
type cachedResult struct {
	Pages    int                  `json:"pages"`
	ByType   map[content.Type]int `json:"by_type"`
	Drafts   int                  `json:"drafts"`
	Files    int64                `json:"files"`
	Bytes    int64                `json:"bytes"`
	Warnings []string             `json:"warnings,omitempty"`
	Search   *search.Stats        `json:"search,omitempty"`
	Findings []lint.Finding       `json:"findings,omitempty"`
	// Scheduled and Expired pages left out; Next, NextWhat the next
	// scheduled change, after which the state is stale.
	Scheduled int       `json:"scheduled,omitempty"`
	Expired   int       `json:"expired,omitempty"`
	Next      time.Time `json:"next,omitzero"`
	NextWhat  string    `json:"next_what,omitempty"`
}

// binaryID identifies the running kb: the SHA-256 of its executable. A
// test replaces it to stand for another version of kb.
var binaryID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// buildCache is one build's view of .kb/build/.
type buildCache struct {
	dir    string // .kb/build
	out    string // absolute output folder
	index  string // absolute search index path
	key    string // "" when the inputs could not all be read: no caching
	idxKey string
	state  *buildState // the previous build's, or nil
	cfg    *config.Config
	// content holds the content files read for the key, by slash path,
	// for the build to parse without reading them again.
	content map[string][]byte
	// now is the moment of the build (Options.Now).
	now time.Time
}

func (c *buildCache) statePath() string { return filepath.Join(c.dir, "state.json") }

// spare is where the output folder a build replaces is kept for the next.
func (c *buildCache) spare() string { return filepath.Join(c.dir, "spare") }

// openBuildCache reads every input of the build in opts and the previous
// state. It never fails: inputs it cannot read leave the key empty, and the
// build reports the problem itself.
func openBuildCache(opts Options) *buildCache {
	c := &buildCache{dir: filepath.Join(opts.Dir, ".kb", "build"), now: opts.Now}
	c.out, _ = filepath.Abs(opts.Out)
	cfg, err := config.Load(opts.Dir)
	if err != nil {
		return c
	}
	c.cfg = cfg
	c.index, _ = filepath.Abs(cfg.IndexPath(opts.Dir))
	today := model.NewRules(cfg, opts.Now, opts.Drafts, opts.Future).Today()
	absDir, _ := filepath.Abs(opts.Dir)
	bin := binaryID()
	if bin == "" || absDir == "" || c.out == "" || c.index == "" {
		return c
	}
	// Content files are read as content.Files lists them, which refuses
	// symbolic links, through the site's own file system (sitefs), which
	// refuses links out of the site: this reads what the build reads.
	siteFS, err := sitefs.Open(opts.Dir)
	if err != nil {
		return c
	}
	yaml, err := os.ReadFile(filepath.Join(opts.Dir, config.FileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return c
	}
	files, contentDigest, ok := readContent(siteFS, cfg.Limits.MaxFileBytes)
	if !ok {
		return c
	}
	theme := newDigest("theme")
	for _, dir := range []string{"layouts", "static"} {
		site, err1 := diskDigest(filepath.Join(opts.Dir, dir))
		embedded, err2 := fsDigest(opts.Theme, dir)
		if err1 != nil || err2 != nil {
			return c
		}
		theme.field(dir, site)
		theme.field("embedded "+dir, embedded)
	}

	idx := newDigest("kb build index")
	idx.field("binary", bin)
	idx.field("site", absDir)
	idx.field("index", c.index)
	idx.field("drafts", strconv.FormatBool(opts.Drafts))
	idx.field("future", strconv.FormatBool(opts.Future))
	idx.field("site.yaml", string(yaml))
	idx.field("content", contentDigest)
	c.idxKey = idx.sum()

	all := newDigest("kb build")
	all.field("index inputs", c.idxKey)
	all.field("out", c.out)
	all.field("today", today.Format(time.DateOnly))
	all.field("theme", theme.sum())
	c.key = all.sum()
	c.content = files

	if data, err := os.ReadFile(c.statePath()); err == nil {
		var st buildState
		if json.Unmarshal(data, &st) == nil && st.Version == stateVersion {
			c.state = &st
		}
	}
	return c
}

// unchanged returns the previous build's Result when its inputs are this
// build's and its output and index are as it left them; else nil.
func (c *buildCache) unchanged(out string, start time.Time) *Result {
	st := c.state
	if c.key == "" || st == nil || st.Key != c.key || st.Out != c.out || st.Index != c.index || c.stale() {
		return nil
	}
	if p, err := fingerprint(c.out); err != nil || p != st.OutPrint {
		return nil
	}
	if p, err := fingerprint(c.index); err != nil || p != st.IndexPrint {
		return nil
	}
	r := st.Result
	return &Result{Config: c.cfg, Out: out, Pages: r.Pages, ByType: r.ByType, Drafts: r.Drafts,
		Scheduled: r.Scheduled, Expired: r.Expired, Next: r.Next, NextWhat: r.NextWhat,
		Files: r.Files, Bytes: r.Bytes, Warnings: r.Warnings, Search: r.Search, Findings: r.Findings,
		Elapsed: time.Since(start), Unchanged: true}
}

// stale says the last build's next scheduled change has come: what it
// published is no longer what a build publishes now.
func (c *buildCache) stale() bool {
	next := c.state.Result.Next
	return !next.IsZero() && !c.now.Before(next)
}

// indexStats returns the stats of the search index when the previous build
// left one built from the same inputs, untouched since; else nil.
func (c *buildCache) indexStats() *search.Stats {
	st := c.state
	if c.idxKey == "" || st == nil || st.IndexKey != c.idxKey || st.Index != c.index || st.Result.Search == nil || c.stale() {
		return nil
	}
	if p, err := fingerprint(c.index); err != nil || p != st.IndexPrint {
		return nil
	}
	s := *st.Result.Search
	return &s
}

// builtBefore says whether the last build wrote this output folder.
func (c *buildCache) builtBefore() bool {
	return c.state != nil && c.out != "" && c.state.Out == c.out
}

// removeStale removes what builds killed before they finished left: their
// staging and replaced folders beside the output and the search index,
// and half-written state files. The caller holds the site lock.
func (c *buildCache) removeStale() {
	if c.out != "" {
		removeStale(c.out, c.spare())
	}
	if c.index != "" {
		search.RemoveStale(c.index)
	}
	if tmps, err := filepath.Glob(filepath.Join(c.dir, ".state-*.json")); err == nil {
		for _, p := range tmps {
			_ = os.Remove(p)
		}
	}
}

// forget removes the state: the output is about to change.
func (c *buildCache) forget() error {
	err := os.Remove(c.statePath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("build cache: %w", err)
	}
	return nil
}

// save records a successful build. A state that cannot be written only
// costs the next build its shortcut.
func (c *buildCache) save(res *Result) {
	if c.key == "" {
		return
	}
	outPrint, err1 := fingerprint(c.out)
	idxPrint, err2 := fingerprint(c.index)
	if err1 != nil || err2 != nil {
		return
	}
	st := buildState{Version: stateVersion, Key: c.key, IndexKey: c.idxKey, Out: c.out, OutPrint: outPrint,
		Index: c.index, IndexPrint: idxPrint, Result: cachedResult{Pages: res.Pages, ByType: res.ByType,
			Drafts: res.Drafts, Scheduled: res.Scheduled, Expired: res.Expired, Next: res.Next, NextWhat: res.NextWhat,
			Files: res.Files, Bytes: res.Bytes, Warnings: res.Warnings, Search: res.Search, Findings: res.Findings}}
	data, err := json.Marshal(st)
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.dir, dirPerm); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".state-*.json")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync() // a crash must not leave an empty state behind the new name
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.statePath())
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	syncDir(c.dir)
}

// readContent reads the content files a build reads (content.Files), on
// GOMAXPROCS goroutines, and returns them with a digest of their paths and
// bytes. A file over the size limit is digested by its size, unread (the
// build stops on it). ok is false when a file cannot be read.
func readContent(fsys fs.FS, maxBytes int64) (map[string][]byte, string, bool) {
	names, errs := content.Files(fsys)
	if len(errs) > 0 {
		return nil, "", false
	}
	data := make([][]byte, len(names))
	sums := make([]string, len(names))
	var failed atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(names), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(names) {
					return
				}
				if maxBytes > 0 {
					if st, err := fs.Stat(fsys, names[k]); err == nil && st.Size() > maxBytes {
						sums[k] = "size " + strconv.FormatInt(st.Size(), 10)
						continue
					}
				}
				b, err := fs.ReadFile(fsys, names[k])
				if err != nil {
					failed.Store(true)
					continue
				}
				sum := sha256.Sum256(b)
				data[k], sums[k] = b, hex.EncodeToString(sum[:])
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		return nil, "", false
	}
	files := make(map[string][]byte, len(names))
	d := newDigest("content")
	for k, n := range names {
		d.field(n, sums[k])
		if data[k] != nil {
			files[n] = data[k]
		}
	}
	return files, d.sum(), true
}

// diskDigest digests a folder of the site by its files' paths and bytes.
// A symbolic link is followed to a regular file (wherever it leads: the
// build decides whether it may, and the digest publishes nothing); a
// link to anything else, and anything but a folder or a regular file, is
// digested by its type, never opened (opening a named pipe would block).
func diskDigest(root string) (string, error) {
	d := newDigest("folder")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil {
				d.field(rel, "broken link")
				return nil
			}
			t = st.Mode().Type()
		}
		switch {
		case e.IsDir():
			d.field(rel, "folder")
		case t.IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
			d.field(rel, hex.EncodeToString(h.Sum(nil)))
		default:
			d.field(rel, t.String())
		}
		return nil
	})
	return d.sum(), err
}

// fsDigest digests every file of fsys under dir (the embedded theme).
func fsDigest(fsys fs.FS, dir string) (string, error) {
	d := newDigest("fs")
	if fsys == nil {
		return d.sum(), nil
	}
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() {
			d.field(p, "folder")
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		d.field(p, hex.EncodeToString(sum[:]))
		return nil
	})
	return d.sum(), err
}

// fingerprint digests a folder's tree as the file system describes it:
// every entry's path, type, size and modification time. Two calls give the
// same result only when nothing under dir was created, removed, renamed or
// written in between (up to the file system's time resolution).
func fingerprint(dir string) (string, error) {
	d := newDigest("fingerprint")
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		d.field(filepath.ToSlash(rel), fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		return "", err
	}
	return d.sum(), nil
}

// digest is a SHA-256 over length-prefixed fields, so that no two
// different sequences of fields give the same bytes.
type digest struct{ h hash.Hash }

func newDigest(kind string) *digest {
	d := &digest{h: sha256.New()}
	d.field("kind", kind)
	return d
}

func (d *digest) field(name, value string) {
	var n [20]byte
	d.h.Write(strconv.AppendInt(n[:0], int64(len(name)), 10))
	d.h.Write([]byte{0})
	io.WriteString(d.h, name)
	d.h.Write(strconv.AppendInt(n[:0], int64(len(value)), 10))
	d.h.Write([]byte{0})
	io.WriteString(d.h, value)
}

func (d *digest) sum() string { return hex.EncodeToString(d.h.Sum(nil)) }

// pendingIndex is the search index of a build: being staged (the Index
// step's *search.Pending), or reused.
type pendingIndex interface {
	Wait() (*search.Stats, error)
	// Export is the export step: the static search index into the output.
	Export(ctx context.Context, w search.FileWriter) (*search.ExportStats, error)
	Commit() error
	Abort()
}

// reusedIndex is the index the previous build left at path, kept as it is.
type reusedIndex struct {
	path  string
	stats *search.Stats
}

func (r reusedIndex) Wait() (*search.Stats, error) { return r.stats, nil }
func (r reusedIndex) Export(ctx context.Context, w search.FileWriter) (*search.ExportStats, error) {
	return search.Export(ctx, r.path, w)
}
func (r reusedIndex) Commit() error { return nil }
func (r reusedIndex) Abort()        {}
