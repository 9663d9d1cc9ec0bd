package site

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// dirOutput writes files under a folder. When the folder is a recycled
// output (see stage), it knows the files already there: folders are not
// created again, a file is overwritten in place, and prune removes the
// files the build did not write.
type dirOutput struct {
	root  string
	files atomic.Int64
	bytes atomic.Int64

	mu    sync.Mutex
	dirs  map[string]bool // slash paths of folders that exist ("." is root)
	stale map[string]bool // slash paths of recycled files not written yet
	old   []string        // the recycled folders, for prune
}

func newDirOutput(root string, recycled *tree) *dirOutput {
	o := &dirOutput{root: root, dirs: map[string]bool{".": true}}
	if recycled != nil {
		o.stale = recycled.files
		o.old = recycled.dirs
		for _, d := range recycled.dirs {
			o.dirs[d] = true
		}
	}
	return o
}

// Transient says that dirOutput keeps none of the bytes it writes.
func (o *dirOutput) Transient() {}

func (o *dirOutput) WriteFile(name string, data []byte) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("refusing to write %q outside the output folder", name)
	}
	p := filepath.Join(o.root, filepath.FromSlash(name))
	dir := path.Dir(name)
	o.mu.Lock()
	known := o.dirs[dir]
	delete(o.stale, name)
	o.mu.Unlock()
	if !known {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			if o.old == nil || !o.clearPath(name) {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
		}
		o.mu.Lock()
		for d := dir; !o.dirs[d]; d = path.Dir(d) {
			o.dirs[d] = true
		}
		o.mu.Unlock()
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		// In a recycled folder, a folder may stand where this file goes.
		if o.old == nil || !o.clearPath(name) {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	o.files.Add(1)
	o.bytes.Add(int64(len(data)))
	return nil
}

// clearPath removes what a recycled folder holds in the way of writing the
// file name: a file where one of its folders goes, a folder where it goes.
// It reports whether it removed anything.
func (o *dirOutput) clearPath(name string) bool {
	removed := false
	parts := strings.Split(name, "/")
	for i := 1; i <= len(parts); i++ {
		rel := strings.Join(parts[:i], "/")
		p := filepath.Join(o.root, filepath.FromSlash(rel))
		st, err := os.Lstat(p)
		if err != nil {
			break
		}
		if (i < len(parts) && !st.IsDir()) || (i == len(parts) && st.IsDir()) {
			if os.RemoveAll(p) == nil {
				removed = true
			}
			o.mu.Lock()
			for d := range o.dirs {
				if d == rel || strings.HasPrefix(d, rel+"/") {
					delete(o.dirs, d)
				}
			}
			for f := range o.stale {
				if f == rel || strings.HasPrefix(f, rel+"/") {
					delete(o.stale, f)
				}
			}
			o.mu.Unlock()
			break
		}
	}
	return removed
}

// prune removes the recycled files the build did not write, and the
// recycled folders left empty.
func (o *dirOutput) prune() error {
	if o.old == nil {
		return nil
	}
	for name := range o.stale {
		if err := os.Remove(filepath.Join(o.root, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	o.stale = nil
	// deepest first, so that a folder's subfolders are gone before it
	dirs := append([]string(nil), o.old...)
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if o.dirs[d] {
			continue // this build wrote into it
		}
		// A folder still holding files is left (os.Remove refuses it); a
		// file the build wrote where the folder was is kept.
		p := filepath.Join(o.root, filepath.FromSlash(d))
		if st, err := os.Lstat(p); err == nil && st.IsDir() {
			_ = os.Remove(p)
		}
	}
	return nil
}

// tree lists what a recycled output folder holds.
type tree struct {
	files map[string]bool
	dirs  []string
}

// scanTree lists the files and folders under root. Anything but regular
// files and folders (a symbolic link, which a write would follow) makes
// the folder unfit for recycling: nil.
func scanTree(root string) *tree {
	t := &tree{files: map[string]bool{}}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			t.dirs = append(t.dirs, rel)
		case d.Type().IsRegular():
			t.files[rel] = true
		default:
			return errors.New("not a regular file")
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return t
}

// stage is a temporary folder beside the output that replaces it on success,
// so that a failed build leaves the previous site untouched.
//
// Creating thousands of folders and files costs far more on some file
// systems than overwriting existing ones, so the output a build replaces is
// kept (in .kb/build/spare, when that is on the output's file system) and
// the next build writes into it, removing what it no longer publishes.
type stage struct {
	out, tmp string
	spare    string // where the replaced output goes; "" to remove it
	recycled *tree  // what tmp held when it was a recycled output
}

func newStage(out, spare string) (*stage, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, err
	}
	s := &stage{out: out, tmp: tmp, spare: spare}
	if spare != "" {
		if err := os.Remove(tmp); err == nil {
			if os.Rename(spare, tmp) == nil {
				if s.recycled = scanTree(tmp); s.recycled == nil {
					_ = os.RemoveAll(tmp)
				}
			}
			if s.recycled == nil {
				if err := os.Mkdir(tmp, 0o700); err != nil {
					return nil, err
				}
			}
		}
	}
	return s, nil
}

// commit swaps the staged folder in for the output: with one atomic
// exchange where the system has it, else by two renames.
func (s *stage) commit() error {
	old := ""
	if _, err := os.Stat(s.out); err == nil {
		if exchange(s.tmp, s.out) == nil {
			old = s.tmp
		} else {
			old = filepath.Join(filepath.Dir(s.out), "."+filepath.Base(s.out)+".old-"+randomSuffix())
			if err := os.Rename(s.out, old); err != nil {
				return fmt.Errorf("cannot replace %s: %w", s.out, err)
			}
			if err := os.Rename(s.tmp, s.out); err != nil {
				_ = os.Rename(old, s.out) // put the previous site back
				return fmt.Errorf("cannot move the new site into %s: %w", s.out, err)
			}
		}
	} else if err := os.Rename(s.tmp, s.out); err != nil {
		return fmt.Errorf("cannot move the new site into %s: %w", s.out, err)
	}
	if old == "" {
		return nil
	}
	if s.spare != "" && os.MkdirAll(filepath.Dir(s.spare), 0o755) == nil && os.Rename(old, s.spare) == nil {
		return nil
	}
	return os.RemoveAll(old)
}

// abort puts the staged folder away: as the spare when there is none
// (usually it was the spare, taken by newStage), since one rename answers
// Ctrl+C at once where removing the thousands of files of a big site took
// seconds, and the next build recycles it (it writes or removes every file
// of it); else it is removed.
func (s *stage) abort() {
	if s.spare != "" {
		if _, err := os.Lstat(s.spare); errors.Is(err, fs.ErrNotExist) &&
			os.MkdirAll(filepath.Dir(s.spare), 0o755) == nil && os.Rename(s.tmp, s.spare) == nil {
			return
		}
	}
	_ = os.RemoveAll(s.tmp)
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkOutDir refuses output folders whose replacement would destroy the site.
func checkOutDir(siteDir, out string) error {
	absSite, err := filepath.Abs(siteDir)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if absOut == absSite {
		return fmt.Errorf("--out %s is the site folder itself; kb replaces the output folder on every build, so choose a folder of its own, like public", out)
	}
	if rel, err := filepath.Rel(absOut, absSite); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("--out %s contains the site folder; kb replaces the output folder on every build, so choose a folder of its own, like public", out)
	}
	if rel, err := filepath.Rel(absSite, absOut); err == nil && filepath.IsLocal(rel) {
		switch strings.SplitN(filepath.ToSlash(rel), "/", 2)[0] {
		case "content", "layouts", "static", ".kb":
			return fmt.Errorf("--out %s is inside the site's own %s folder; choose a folder of its own, like public", out, strings.SplitN(filepath.ToSlash(rel), "/", 2)[0])
		}
	}
	for _, name := range []string{"site.yaml", "content", "go.mod"} {
		if _, err := os.Stat(filepath.Join(absOut, name)); err == nil {
			return fmt.Errorf("--out %s holds %s, so it does not look like kb output; kb replaces the output folder on every build, so choose an empty folder or a new name", out, name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
