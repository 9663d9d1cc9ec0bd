package site

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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

	mu      sync.Mutex
	clearMu sync.Mutex      // held by one writer clearing the way (clearFor)
	dirs    map[string]bool // slash paths of folders that exist ("." is root)
	stale   map[string]bool // slash paths of recycled files not written yet
	old     []string        // the recycled folders (nil: not recycling)
	empty   []string        // the recycled folders that held nothing, for prune
}

func newDirOutput(root string, recycled *tree) *dirOutput {
	o := &dirOutput{root: root, dirs: map[string]bool{".": true}}
	if recycled != nil {
		o.stale = recycled.files
		o.old = recycled.dirs
		o.empty = recycled.empty
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
		if err := os.MkdirAll(filepath.Dir(p), dirPerm); err != nil {
			if o.old == nil {
				return err
			}
			if err := o.clearFor(name, func() error { return os.MkdirAll(filepath.Dir(p), dirPerm) }); err != nil {
				return err
			}
		}
		o.mu.Lock()
		for d := dir; !o.dirs[d]; d = path.Dir(d) {
			o.dirs[d] = true
		}
		o.mu.Unlock()
	}
	if err := os.WriteFile(p, data, filePerm); err != nil {
		// In a recycled folder, a folder may stand where this file goes.
		if o.old == nil {
			return err
		}
		if err := o.clearFor(name, func() error {
			if err := os.MkdirAll(filepath.Dir(p), dirPerm); err != nil {
				return err
			}
			return os.WriteFile(p, data, filePerm)
		}); err != nil {
			return err
		}
	}
	o.files.Add(1)
	o.bytes.Add(int64(len(data)))
	return nil
}

// clearFor clears the way for the file name (clearPath) and tries again
// to write it (do). One writer clears at a time: two writers of files in
// the same folder both find a file in its place, and the second must not
// remove the folder the first has just made there.
func (o *dirOutput) clearFor(name string, do func() error) error {
	o.clearMu.Lock()
	defer o.clearMu.Unlock()
	o.clearPath(name)
	return do()
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
// recycled folders left empty: a page taken down (deleted, expired, made a
// draft) must leave no /articles/x/ folder behind, which some servers
// answer with 403 or a listing instead of the 404 page. Only the folders of
// removed files (and their parents) and those empty already are tried, not
// every folder of the site.
func (o *dirOutput) prune() error {
	if o.old == nil {
		return nil
	}
	try := map[string]bool{}
	mark := func(d string) {
		for ; d != "." && d != "/" && !try[d]; d = path.Dir(d) {
			try[d] = true
		}
	}
	for name := range o.stale {
		if err := os.Remove(filepath.Join(o.root, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		mark(path.Dir(name))
	}
	o.stale = nil
	for _, d := range o.empty {
		mark(d)
	}
	// deepest first, so that a folder's subfolders are gone before it
	dirs := make([]string, 0, len(try))
	for d := range try {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		// A folder still holding files is left (os.Remove refuses it); a
		// file the build wrote where the folder was is kept.
		p := filepath.Join(o.root, filepath.FromSlash(d))
		if st, err := os.Lstat(p); err == nil && st.IsDir() {
			_ = os.Remove(p)
		}
	}
	return nil
}

// Files and folders are created with the permissions tools ask for by
// default, which the umask narrows (0644 and 0755 under umask 022, 0640
// and 0750 under 027), so that a web server running as another user can
// read the output when the umask lets it.
const (
	dirPerm  fs.FileMode = 0o777
	filePerm fs.FileMode = 0o666
)

// MarkerFile is the file every build writes at the top of its output. kb
// replaces only an output folder that holds it (or is empty, or new): a
// folder of someone's own files given as --out is refused, never moved
// away and deleted.
const MarkerFile = ".kb-output"

const markerText = "This folder is the output of kb build (a help center). kb replaces the\n" +
	"whole folder on every build: files put here by hand are deleted.\n"

// tree lists what a recycled output folder holds.
type tree struct {
	files map[string]bool
	dirs  []string
	empty []string // the folders with nothing in them
}

// scanTree lists the files and folders under root, and gives those whose
// permissions are not dir (folders) or file (files) those permissions: a
// recycled folder keeps the modes it was made with, and the umask may
// have changed since (or an earlier kb made it 0700). Anything but regular
// files and folders (a symbolic link, which a write would follow) makes
// the folder unfit for recycling: nil.
func scanTree(root string, dir, file fs.FileMode) *tree {
	t := &tree{files: map[string]bool{}}
	full := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel != "." {
			full[path.Dir(rel)] = true
		}
		want := file
		switch {
		case d.IsDir():
			t.dirs = append(t.dirs, rel)
			want = dir
		case d.Type().IsRegular():
			t.files[rel] = true
		default:
			return errors.New("not a regular file")
		}
		if rel == "." {
			return nil // newStage sets the root's mode
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() != want {
			return os.Chmod(p, want|info.Mode()&fs.ModeSetgid)
		}
		return nil
	})
	if err != nil {
		return nil
	}
	for _, d := range t.dirs {
		if !full[d] && d != "." {
			t.empty = append(t.empty, d)
		}
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

// Names of the temporary folders kb makes beside the output; removeStale
// removes those that builds killed before they finished left.
func stagePrefix(out string) string { return "." + filepath.Base(out) + ".tmp-" }
func oldPrefix(out string) string   { return "." + filepath.Base(out) + ".old-" }

// newStage makes the staging folder beside out: the spare, recycled, when
// there is one, else a new folder. Its own mode is mode when that is not
// 0 (the existing output folder's, kept), else the umask's, and its group
// gid when that is not -1. It holds the marker file from the start.
func newStage(out, spare string, mode fs.FileMode, gid int) (*stage, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, dirPerm); err != nil {
		return nil, err
	}
	tmp, err := mkdirTemp(parent, stagePrefix(out))
	if err != nil {
		return nil, fmt.Errorf("cannot make the staging folder beside %s: %w; kb writes the new site beside the output folder and swaps it in, so it needs to write in %s", out, errors.Unwrap(err), parent)
	}
	// The folder was made as the umask and the parent folder say: what
	// every new folder and file of the output gets.
	st, err := os.Stat(tmp)
	if err != nil {
		return nil, err
	}
	umaskDir := st.Mode().Perm()
	if mode == 0 {
		mode = st.Mode() & (fs.ModePerm | fs.ModeSetgid) // a setgid parent's folders inherit it
	}
	s := &stage{out: out, tmp: tmp, spare: spare}
	if spare != "" {
		if err := os.Remove(tmp); err == nil {
			if os.Rename(spare, tmp) == nil {
				if s.recycled = scanTree(tmp, umaskDir, umaskDir&filePerm); s.recycled == nil {
					_ = os.RemoveAll(tmp)
				}
			}
			if s.recycled == nil {
				if err := os.Mkdir(tmp, dirPerm); err != nil {
					return nil, err
				}
			}
		}
	}
	if gid >= 0 {
		_ = os.Lchown(tmp, -1, gid) // best effort: only a member of the group may
	}
	if err := os.Chmod(tmp, mode); err != nil {
		s.abort()
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, MarkerFile), []byte(markerText), filePerm); err != nil {
		s.abort()
		return nil, err
	}
	if s.recycled != nil {
		delete(s.recycled.files, MarkerFile)
	}
	return s, nil
}

// mkdirTemp is os.MkdirTemp with the folder's mode left to the umask
// (os.MkdirTemp makes it 0700, and the output would be served as 403).
func mkdirTemp(parent, prefix string) (string, error) {
	for range 100 {
		p := filepath.Join(parent, prefix+randomSuffix())
		err := os.Mkdir(p, dirPerm)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("cannot make a staging folder in %s: too many exist", parent)
}

// commit swaps the staged folder in for the output: with one atomic
// exchange where the system has it, else by two renames. The new site's
// files are flushed to disk first where that is one call (syncfs on
// Linux), and the swap itself after, so that a crash leaves the previous
// site or the new one, not a folder of empty files.
func (s *stage) commit() error {
	syncStaged(s.tmp)
	old := ""
	if _, err := os.Stat(s.out); err == nil {
		if exchange(s.tmp, s.out) == nil {
			old = s.tmp
		} else {
			old = filepath.Join(filepath.Dir(s.out), oldPrefix(s.out)+randomSuffix())
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
	syncDir(filepath.Dir(s.out))
	if old == "" {
		return nil
	}
	if s.spare != "" && os.MkdirAll(filepath.Dir(s.spare), dirPerm) == nil && os.Rename(old, s.spare) == nil {
		return nil
	}
	return os.RemoveAll(old)
}

// syncStaged flushes the staged site to disk; a test replaces it.
var syncStaged = syncTree

// abort puts the staged folder away: as the spare when there is none
// (usually it was the spare, taken by newStage), since one rename answers
// Ctrl+C at once where removing the thousands of files of a big site took
// seconds, and the next build recycles it (it writes or removes every file
// of it); else it is removed.
func (s *stage) abort() {
	if s.spare != "" {
		if _, err := os.Lstat(s.spare); errors.Is(err, fs.ErrNotExist) &&
			os.MkdirAll(filepath.Dir(s.spare), dirPerm) == nil && os.Rename(s.tmp, s.spare) == nil {
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

// removeStale removes the folders that builds killed before they finished
// left beside the output: staging folders (.public.tmp-*) and replaced
// outputs (.public.old-*), each up to the size of the site. It runs under
// the site lock, so no live build of the site is using them. One of them
// becomes the spare when there is none: it is a site kb wrote, and
// recycling makes any such folder exactly the new site.
func removeStale(out, spare string) {
	parent := filepath.Dir(out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, stagePrefix(out)) && !strings.HasPrefix(name, oldPrefix(out)) {
			continue
		}
		p := filepath.Join(parent, name)
		if spare != "" {
			if _, err := os.Lstat(spare); errors.Is(err, fs.ErrNotExist) && os.MkdirAll(filepath.Dir(spare), dirPerm) == nil && os.Rename(p, spare) == nil {
				continue
			}
		}
		_ = os.RemoveAll(p)
	}
}

// resolveOut returns the folder a build writes: out itself, or the folder
// out leads to when it is a symbolic link (a link from public/ to a deploy
// folder stays a link; the folder behind it is replaced).
func resolveOut(out string) (string, error) {
	fi, err := os.Lstat(out)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return out, nil
	}
	real, err := filepath.EvalSymlinks(out)
	if err != nil {
		target, _ := os.Readlink(out)
		return "", fmt.Errorf("--out %s is a symbolic link to %s, which does not exist; create that folder (kb builds into it and keeps the link) or point the link at one", out, target)
	}
	return filepath.Abs(real)
}

// outOwner says whether a build may replace the output folder out (the
// folder as resolved; shown is how the user named it) and how: nil info
// when it does not exist. kb replaces only a folder it made: one holding
// its marker, an empty one, or the one its build state says the last
// build wrote (an output of kb from before the marker). keepMode says
// whether the new output takes the folder's mode and group: not for kb's
// own earlier output, which earlier kb made 0700.
func outOwner(shown, out string, builtBefore bool) (info fs.FileInfo, keepMode bool, err error) {
	name := shown
	if shown != out {
		name = fmt.Sprintf("%s (a link to %s)", shown, out)
	}
	info, err = os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("--out %s: %w", name, errors.Unwrap(err))
	}
	if !info.IsDir() {
		return nil, false, fmt.Errorf("--out %s is a file, not a folder; kb replaces the output folder with the site, so remove the file or choose a folder", name)
	}
	if m, err := os.Lstat(filepath.Join(out, MarkerFile)); err == nil && m.Mode().IsRegular() {
		return info, true, nil
	}
	if builtBefore {
		return info, false, nil
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, false, fmt.Errorf("--out %s: %w", name, errors.Unwrap(err))
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); errors.Is(err, io.EOF) {
		return info, true, nil
	}
	return nil, false, fmt.Errorf("--out %s holds files kb did not write (it has no %s file from an earlier kb build); kb replaces its output folder on every build, which would delete them. Nothing was changed: choose a new or empty folder, or move those files elsewhere (if the folder is the output of an older kb, delete it and build again)", name, MarkerFile)
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
	if st, err := os.Stat(absOut); err != nil || !st.IsDir() {
		return nil // nothing there, or a file, which outOwner refuses
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
