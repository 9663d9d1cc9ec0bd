package render

import (
	"errors"
	"io/fs"
	"path"
	"sort"
)

// Overlay is a read-only file system made of layers: a name is looked up in
// each layer in turn, so a site's own layouts/ and static/ files override
// the embedded theme's file by file.
type Overlay []fs.FS

// Open opens name from the first layer that has it. A layer that has the
// name but cannot open it (a symbolic link out of the site folder, a file
// without read permission) is an error, not a reason to use the next layer.
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
		if err != nil {
			continue
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
func (t *Theme) staticFiles() ([]string, error) {
	var files []string
	err := fs.WalkDir(t.Static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		name := d.Name()
		if p != "." && (name[0] == '.') {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := checkLink(t.Static, p); err != nil {
				return err
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

// isFingerprinted reports whether a static file is served under a content-hashed name.
func isFingerprinted(p string) bool {
	switch path.Ext(p) {
	case ".css", ".js":
		return true
	}
	return false
}

// checkLink accepts a symbolic link in static/ only when it leads to a file
// inside the site folder. (A site read through os.Root cannot open a link
// that leads outside; this turns that into a message that says why.)
func checkLink(fsys fs.FS, p string) error {
	st, err := fs.Stat(fsys, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Error{File: "static/" + p, Msg: "is a symbolic link to nothing; remove it or copy the file in"}
	case err != nil:
		return &Error{File: "static/" + p, Msg: "is a symbolic link that leads outside the site folder (or is absolute); kb publishes only files inside the site folder, so copy the file in instead"}
	case st.IsDir():
		return &Error{File: "static/" + p, Msg: "is a symbolic link to a folder; kb does not follow folder links in static/, so copy the folder in instead"}
	}
	return nil
}
