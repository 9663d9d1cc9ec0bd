// Package sitefs is a site folder as kb reads it: a file system that never
// leaves the folder, and in which a symbolic link in an input folder
// (static/, layouts/) leads only to a file kb could read from that folder
// itself. Every reader of the site goes through it: the build, kb serve
// (its rebuilds and the inline-script hashes of its Content-Security-Policy)
// and kb new's page templates.
//
// The rule, for a path under static/ or layouts/:
//
//   - the input folder and every folder on the path are folders, not
//     symbolic links: a link to a folder would bring in whatever that
//     folder holds, now and later;
//   - a file that is a symbolic link is followed, through any chain of
//     links, to where it finally leads, and that must be a regular file
//     inside the same input folder with no part of its path there starting
//     with "." or "_" (hidden files, and files kept private by convention);
//   - anything else is refused with a *LinkError that names the link and
//     where it points: a link that is absolute, that climbs out of the site
//     folder or out of the input folder (to ../.env, ../.git/config,
//     ../.kb/…, ../site.yaml, ../content/…), that leads to a hidden or "_"
//     file, to a folder, to something that is not a regular file, to
//     nothing, or round a loop.
//
// The site is an os.Root, so no path opens anything outside the folder
// whatever links it goes through. content/ takes no links at all:
// content.Load refuses them before it opens a file.
package sitefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// folders are the input folders whose links the rule governs, and what kb
// does with their files, for messages.
var folders = map[string]string{"static": "publish", "layouts": "read"}

// maxLinks is how many links a chain may have, as Linux allows.
const maxLinks = 40

// LinkError is a symbolic link the rule refuses. Error() is the whole
// message: "static/env.txt: is a symbolic link to ../.env, which …".
type LinkError struct {
	Link string // the link's path in the site: static/env.txt
	Msg  string // what is wrong and what to do
}

func (e *LinkError) Error() string { return e.Link + ": " + e.Msg }

// Open returns the site folder dir as a file system that reads it by the
// rule of the package. It implements fs.StatFS, fs.ReadFileFS,
// fs.ReadDirFS and fs.ReadLinkFS.
func Open(dir string) (*FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// the Roots close when the FS is no longer used
	return &FS{fsys: root.FS(), root: root, dirs: map[string]*os.Root{}, folders: map[string]error{}}, nil
}

// FS is the site folder. It keeps the folders it opened files in as Roots
// of their own: os.Root opens every folder of a path on the way to a file,
// so content/articles/x.md costs three opens and two closes, and kb reads
// thousands of files from a few folders. A file that cannot be opened
// from its folder's Root (a link to another folder of the site) is opened
// from the site's, as before.
type FS struct {
	fsys fs.FS // the site's Root's
	root *os.Root

	mu      sync.Mutex
	dirs    map[string]*os.Root // nil entries: folders that are not Roots
	folders map[string]error    // folders of static/ and layouts/ checked: nil when not a link
}

// Open opens a file of the site, by the rule for static/ and layouts/.
func (f *FS) Open(name string) (fs.File, error) {
	name, err := f.follow(name)
	if err != nil {
		return nil, err
	}
	dir, base := path.Split(name)
	if dir == "" || !fs.ValidPath(name) {
		return f.fsys.Open(name)
	}
	if r := f.dir(dir[:len(dir)-1]); r != nil {
		file, err := r.Open(base)
		if err == nil {
			return file, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return f.fsys.Open(name) // decide, and report, as the site's Root does
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
		}
		return nil, err
	}
	return f.fsys.Open(name)
}

// Stat, ReadFile and ReadDir follow the rule as Open does.

func (f *FS) Stat(name string) (fs.FileInfo, error) {
	name, err := f.follow(name)
	if err != nil {
		return nil, err
	}
	return fs.Stat(f.fsys, name)
}

func (f *FS) ReadFile(name string) ([]byte, error) {
	name, err := f.follow(name)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(f.fsys, name)
}

func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := f.checkFolder(name); err != nil {
		return nil, err
	}
	return fs.ReadDir(f.fsys, name)
}

// Lstat and ReadLink read links without following them.

func (f *FS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(f.fsys, name) }
func (f *FS) ReadLink(name string) (string, error)   { return fs.ReadLink(f.fsys, name) }

// dir returns the Root of a folder of the site, opening it once.
func (f *FS) dir(name string) *os.Root {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.dirs[name]
	if !ok {
		r, _ = f.root.OpenRoot(name) // nil when it is not a folder inside the site
		f.dirs[name] = r
	}
	return r
}

// input returns the input folder a path is in ("static"), or "".
func input(name string) string {
	top, _, _ := strings.Cut(name, "/")
	if _, ok := folders[top]; ok && fs.ValidPath(name) {
		return top
	}
	return ""
}

// follow applies the rule to a path: it returns the path to open (where
// a link leads) or a *LinkError. A path that is not there is returned as
// it is, for the open to report.
func (f *FS) follow(name string) (string, error) {
	top := input(name)
	if top == "" {
		return name, nil
	}
	if name == top {
		return name, f.checkFolder(name)
	}
	if err := f.checkFolder(path.Dir(name)); err != nil {
		return "", err
	}
	var st fs.FileInfo
	var err error
	dir, base := path.Split(name)
	if r := f.dir(dir[:len(dir)-1]); r != nil {
		st, err = r.Lstat(base)
	} else {
		st, err = f.root.Lstat(name)
	}
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return name, nil
	}
	return f.resolve(top, name)
}

// checkFolder checks that a folder of static/ or layouts/ and the folders
// above it are not links, once per folder.
func (f *FS) checkFolder(name string) error {
	top := input(name)
	if top == "" {
		return nil
	}
	if name != top {
		if err := f.checkFolder(path.Dir(name)); err != nil {
			return err
		}
	}
	f.mu.Lock()
	err, ok := f.folders[name]
	f.mu.Unlock()
	if ok {
		return err
	}
	if st, e := f.root.Lstat(name); e == nil && st.Mode()&fs.ModeSymlink != 0 {
		target, _ := f.root.Readlink(name)
		if name == top {
			err = &LinkError{Link: name, Msg: fmt.Sprintf("is a symbolic link to %s; kb reads %s/ only as a folder of the site, not through a link, so make it a folder (copy the files in)", target, top)}
		} else {
			err = folderLink(name, target, top)
		}
	}
	f.mu.Lock()
	f.folders[name] = err
	f.mu.Unlock()
	return err
}

func folderLink(link, target, top string) error {
	return &LinkError{Link: link, Msg: fmt.Sprintf("is a symbolic link to a folder (%s); kb does not follow links to folders in %s/, as it would %s whatever that folder holds; copy the folder in instead or remove the link", target, top, folders[top])}
}

// resolve follows the link at name (in the input folder top, every folder
// above it a real one) through every link to where it leads, one path
// element at a time as the system does, and applies the rule to that.
func (f *FS) resolve(top, name string) (string, error) {
	target, err := f.root.Readlink(name)
	if err != nil {
		return "", err
	}
	chain := target // the links' targets as written, for messages
	refuse := func(format string, args ...any) error {
		return &LinkError{Link: name, Msg: fmt.Sprintf("is a symbolic link to %s, which ", chain) + fmt.Sprintf(format, args...)}
	}
	notKB := func(why string) error {
		return refuse("kb would not %s from %s/ (%s); copy the file in instead or remove the link", folders[top], top, why)
	}
	var real []string // the elements resolved so far, none a link
	if dir := path.Dir(name); dir != "." {
		real = strings.Split(dir, "/")
	}
	var todo []string // the elements still to resolve
	push := func(t string) bool {
		if filepath.IsAbs(t) || strings.HasPrefix(t, "/") || strings.HasPrefix(t, `\`) {
			return false
		}
		todo = append(strings.Split(filepath.ToSlash(t), "/"), todo...)
		return true
	}
	if !push(target) {
		return "", notKB("it is an absolute path; kb follows only relative links that stay inside " + top + "/")
	}
	for links := 1; len(todo) > 0; {
		el := todo[0]
		todo = todo[1:]
		switch el {
		case "", ".":
			continue
		case "..":
			if len(real) == 0 {
				return "", notKB("it is outside the site folder")
			}
			real = real[:len(real)-1]
			continue
		}
		p := path.Join(append(real, el)...)
		st, err := f.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return "", refuse("does not exist; remove the link, or copy the file in instead")
		}
		if err != nil {
			return "", refuse("cannot be read: %v", unwrap(err))
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			real = append(real, el)
			continue
		}
		if links++; links > maxLinks {
			return "", refuse("leads through more than %d links (a loop?); remove the link", maxLinks)
		}
		t, err := f.root.Readlink(p)
		if err != nil {
			return "", refuse("cannot be read: %v", unwrap(err))
		}
		switch {
		case links <= 4:
			chain += ", then " + t
		case links == 5:
			chain += ", then …"
		}
		if !push(t) {
			return "", notKB("it is an absolute path; kb follows only relative links that stay inside " + top + "/")
		}
	}
	to := path.Join(real...)
	if to == "" {
		to = "."
	}
	st, err := f.root.Lstat(to)
	switch {
	case err != nil:
		return "", refuse("cannot be read: %v", unwrap(err))
	case st.IsDir():
		return "", folderLink(name, chain, top)
	case !st.Mode().IsRegular():
		return "", refuse("is not a regular file; copy the file in instead or remove the link")
	}
	var why []string
	if len(real) < 2 || real[0] != top {
		why = append(why, "it is outside "+top+"/")
	}
	for _, el := range real {
		if el[0] == '.' {
			why = append(why, el+" is hidden")
			break
		}
		if el[0] == '_' {
			why = append(why, el+" starts with _")
			break
		}
	}
	if len(why) > 0 {
		return "", notKB(strings.Join(why, ", and "))
	}
	return to, nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
