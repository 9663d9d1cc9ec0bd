package server

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher reports batches of changed paths under a site folder: site.yaml
// and everything under content/, layouts/ and static/. fsnotify does not
// watch recursively, so every folder is added, and folders created later
// are added when they appear. Events are debounced: a batch is sent once no
// event arrived for Quiet, or after at most MaxWait, so that an editor's
// save (temporary file, rename) or a git checkout of hundreds of files
// becomes one rebuild.
type Watcher struct {
	Dir     string
	Quiet   time.Duration
	MaxWait time.Duration
	// Errors receives watch errors (a folder that vanished, a full event queue).
	Errors func(error)

	w *fsnotify.Watcher
}

// newFSWatcher makes the fsnotify watcher (a test makes it fail, as a
// full inotify table would).
var newFSWatcher = func() (*fsnotify.Watcher, error) { return fsnotify.NewBufferedWatcher(4096) }

// watched are the site's inputs, relative to its folder.
var watched = []string{"content", "layouts", "static"}

// Start begins watching. Batches of changed paths (relative, slash-separated)
// arrive on the returned channel until ctx is done.
func (wt *Watcher) Start(ctx context.Context) (<-chan []string, error) {
	if wt.Quiet == 0 {
		wt.Quiet = 20 * time.Millisecond
	}
	if wt.MaxWait == 0 {
		wt.MaxWait = 500 * time.Millisecond
	}
	w, err := newFSWatcher()
	if err != nil {
		return nil, err
	}
	wt.w = w
	// The site folder itself, for site.yaml and for input folders created later.
	if err := w.Add(wt.Dir); err != nil {
		w.Close()
		return nil, err
	}
	for _, d := range watched {
		wt.addTree(filepath.Join(wt.Dir, d))
	}
	out := make(chan []string)
	go wt.loop(ctx, out)
	return out, nil
}

func (wt *Watcher) report(err error) {
	if wt.Errors != nil && err != nil {
		wt.Errors(err)
	}
}

// addTree watches a folder and every folder below it.
func (wt *Watcher) addTree(root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				wt.report(err)
			}
			return nil
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if err := wt.w.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				wt.report(err)
			}
		}
		return nil
	})
}

// relevant reports whether a path is a site input, and returns it relative.
func (wt *Watcher) relevant(p string) (string, bool) {
	rel, err := filepath.Rel(wt.Dir, p)
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	if rel == "site.yaml" {
		return rel, true
	}
	top, rest, _ := strings.Cut(rel, "/")
	for _, d := range watched {
		if top == d {
			base := rel[strings.LastIndex(rel, "/")+1:]
			if rest == "" && rel != d {
				return "", false
			}
			if EditorTemp(base) {
				return "", false
			}
			return rel, true
		}
	}
	return "", false
}

// vimSwap is a Vim swap file's ending: .swp, then .swo, .swn… as more
// sessions open the file, and .swx, the test file Vim writes beside it.
var vimSwap = regexp.MustCompile(`\.sw[a-px]$`)

// EditorTemp reports whether a file name is an editor's swap, backup or
// temporary file, which a save writes and removes around the real file:
// Vim's .x.swp and the 4913 it writes to test a folder (then 5036,
// 5159…), backups ending in ~, Emacs's .#x lock and #x# auto-save,
// JetBrains' x___jb_tmp___ and x___jb_old___, VS Code's and others'
// x.tmp and x.tmp.1234 (or .x.tmp-…), Kate's .x.kate-swp and gedit's
// .goutputstream-…. A rebuild for them would be a log line about a file
// nobody saved.
func EditorTemp(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(name, "~"),
		strings.HasPrefix(name, ".#"),
		len(name) > 2 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.HasPrefix(name, ".") && vimSwap.MatchString(name),
		strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"),
		strings.HasSuffix(lower, ".tmp"), strings.Contains(lower, ".tmp.") || strings.Contains(lower, ".tmp-"),
		strings.HasSuffix(name, ".kate-swp"),
		strings.HasPrefix(name, ".goutputstream-"):
		return true
	}
	// Vim's write test: a file named by digits alone.
	if name != "" && strings.Trim(name, "0123456789") == "" {
		return true
	}
	return false
}

func (wt *Watcher) loop(ctx context.Context, out chan<- []string) {
	defer wt.w.Close()
	defer close(out)
	pending := map[string]bool{}
	var quiet, deadline <-chan time.Time
	flush := func() {
		if len(pending) == 0 {
			return
		}
		batch := make([]string, 0, len(pending))
		for p := range pending {
			batch = append(batch, p)
		}
		sort.Strings(batch)
		pending = map[string]bool{}
		quiet, deadline = nil, nil
		select {
		case out <- batch:
		case <-ctx.Done():
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-wt.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					wt.addTree(ev.Name)
					// Files written before the folder was watched: report them too.
					filepath.WalkDir(ev.Name, func(p string, d fs.DirEntry, err error) error {
						if err == nil && !d.IsDir() {
							if rel, ok := wt.relevant(p); ok {
								pending[rel] = true
							}
						}
						return nil
					})
				}
			}
			rel, ok := wt.relevant(ev.Name)
			if !ok || ev.Op == fsnotify.Chmod {
				continue
			}
			if len(pending) == 0 {
				deadline = time.After(wt.MaxWait)
			}
			pending[rel] = true
			quiet = time.After(wt.Quiet)
		case err, ok := <-wt.w.Errors:
			if !ok {
				return
			}
			wt.report(err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: ask for a full rebuild.
				pending["site.yaml"] = true
				quiet = time.After(wt.Quiet)
			}
		case <-quiet:
			flush()
		case <-deadline:
			flush()
		}
	}
}
