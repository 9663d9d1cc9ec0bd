package render

import (
	"errors"
	"io/fs"
	"path"
	"sort"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/sitefs"
)

// Overlay is a read-only file system made of layers: a name is looked up in
// each layer in turn, so a site's own layouts/ and static/ files override
// the embedded theme's file by file.
type Overlay []fs.FS

// Open opens name from the first layer that has it. A layer that has the
// name but cannot open it (a symbolic link the site's file system refuses,
// a file without read permission) is an error, not a reason to use the
// next layer.
func (o Overlay) Open(name string) (fs.File, error) {
	var first error
	for _, l := range o {
		if l == nil {
			continue
		}
		f, err := l.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: unwrap(err)}
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = fs.ErrNotExist
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: unwrap(first)}
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadDir merges the entries of name in every layer.
func (o Overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]bool{}
	var out []fs.DirEntry
	found := false
	for _, l := range o {
		if l == nil {
			continue
		}
		entries, err := fs.ReadDir(l, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			// a folder the layer has but cannot read (a link the site's
			// file system refuses) hides nothing of the next layer
			return nil, err
		}
		found = true
		for _, e := range entries {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				out = append(out, e)
			}
		}
	}
	if !found {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// Origin says which layer a file comes from: the index of the first layer that has it, or -1.
func (o Overlay) Origin(name string) int {
	for i, l := range o {
		if l == nil {
			continue
		}
		if _, err := fs.Stat(l, name); err == nil {
			return i
		}
	}
	return -1
}

// Theme is where templates and static files come from.
type Theme struct {
	Layouts Overlay
	Static  Overlay
	// LayoutDir names the site's layouts folder in messages ("layouts").
	LayoutDir string
}

// NewTheme layers a site folder's layouts/ and static/ over the embedded theme.
func NewTheme(siteFS, embedded fs.FS) *Theme {
	sub := func(f fs.FS, dir string) fs.FS {
		if f == nil {
			return nil
		}
		s, err := fs.Sub(f, dir)
		if err != nil {
			return nil
		}
		return s
	}
	return &Theme{
		Layouts:   Overlay{sub(siteFS, "layouts"), sub(embedded, "layouts")},
		Static:    Overlay{sub(siteFS, "static"), sub(embedded, "static")},
		LayoutDir: "layouts",
	}
}

// staticFiles lists every file of the static overlay, sorted.
func (t *Theme) staticFiles() ([]string, error) { return t.Static.files("static") }

// Check reads the theme's folders as a build does, and returns the first
// problem: a symbolic link that the site's file system refuses (see
// package sitefs), or a folder that cannot be read. A build and kb serve
// check before they read anything else of the theme, so that the link is
// what they report, and a layout kb may never read is checked too.
func (t *Theme) Check() error {
	if _, err := t.staticFiles(); err != nil {
		return err
	}
	_, err := t.Layouts.files(t.LayoutDir)
	return err
}

// files lists every file of the overlay, sorted, leaving out hidden files
// and folders. A symbolic link is opened, so that the site's file system
// refuses it now if its rule does not allow it; dir names the folder in
// messages ("static").
func (o Overlay) files(dir string) ([]string, error) {
	var files []string
	err := fs.WalkDir(o, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return fileError(path.Join(dir, p), err)
		}
		name := d.Name()
		if p != "." && name[0] == '.' {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if _, err := fs.Stat(o, p); err != nil {
				return fileError(path.Join(dir, p), err)
			}
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// fileError says why a file of the theme cannot be read: for a symbolic
// link the site's file system refuses, its own message.
func fileError(file string, err error) error {
	var le *sitefs.LinkError
	if errors.As(err, &le) {
		return le
	}
	return diag.At(file, 0, "cannot read: %s", unwrap(err))
}

// isFingerprinted reports whether a static file is served under a content-hashed name.
func isFingerprinted(p string) bool {
	switch path.Ext(p) {
	case ".css", ".js":
		return true
	}
	return false
}
