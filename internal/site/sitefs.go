package site

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sync"
)

// openSite returns the site folder as a file system that never leaves it:
// through os.Root, a symbolic link that points outside the folder (or is
// absolute) fails to open, so no file from elsewhere on the machine is
// read as content or a layout, or published from static/.
func openSite(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// the Roots close when the FS is no longer used
	return &siteFS{FS: root.FS(), root: root, dirs: map[string]*os.Root{}}, nil
}

// siteFS is an os.Root's file system that keeps the folders it opened
// files in as Roots of their own: os.Root opens every folder of a path
// on the way to a file, so content/articles/x.md costs three opens and
// two closes, and kb reads thousands of files from a few folders. A
// file that cannot be opened from its folder's Root (a symbolic link to
// another folder of the site) is opened from the site's, as before.
type siteFS struct {
	fs.FS // the site's Root's
	root  *os.Root

	mu   sync.Mutex
	dirs map[string]*os.Root // nil entries: folders that are not Roots
}

func (f *siteFS) Open(name string) (fs.File, error) {
	dir, base := path.Split(name)
	if dir == "" || !fs.ValidPath(name) {
		return f.FS.Open(name)
	}
	if r := f.dir(dir[:len(dir)-1]); r != nil {
		file, err := r.Open(base)
		if err == nil {
			return file, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return f.FS.Open(name) // decide, and report, as the site's Root does
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
		}
		return nil, err
	}
	return f.FS.Open(name)
}

// The other operations are the site's Root's.

func (f *siteFS) ReadFile(name string) ([]byte, error)       { return fs.ReadFile(f.FS, name) }
func (f *siteFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.FS, name) }
func (f *siteFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(f.FS, name) }
func (f *siteFS) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(f.FS, name) }
func (f *siteFS) ReadLink(name string) (string, error)       { return fs.ReadLink(f.FS, name) }

// dir returns the Root of a folder of the site, opening it once.
func (f *siteFS) dir(name string) *os.Root {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.dirs[name]
	if !ok {
		r, _ = f.root.OpenRoot(name) // nil when it is not a folder inside the site
		f.dirs[name] = r
	}
	return r
}
