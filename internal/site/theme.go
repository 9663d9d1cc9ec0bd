package site

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/octoacme/kb/internal/suggest"
)

// What kb theme needs: the default theme's files, and one copied into a
// site to override it (a site's file with a theme file's path replaces
// it, file by file).

// ThemeFile is a file of the default theme.
type ThemeFile struct {
	// Path is its slash path, which is also where a site's override goes:
	// layouts/article.html, static/css/kb.css.
	Path string
	// Overridden says the site has its own file at Path.
	Overridden bool
}

// ThemeFiles lists the default theme's files, sorted, marking those the
// site in dir overrides.
func ThemeFiles(dir string, theme fs.FS) ([]ThemeFile, error) {
	var out []ThemeFile
	err := fs.WalkDir(theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, serr := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
		out = append(out, ThemeFile{Path: p, Overridden: serr == nil})
		return nil
	})
	return out, err
}

// EjectOptions are a kb theme eject run's.
type EjectOptions struct {
	Dir   string // the site folder
	Theme fs.FS
	// Path is the theme file: its path as ThemeFiles lists it, or a name
	// that ends only one of them ("article.html", "partials/toc.html").
	Path string
	// Force overwrites the site's own file.
	Force bool
}

// Eject is kb theme eject: the default theme's file copied into the site,
// at the path where it overrides the default. It returns that path. An
// unknown path, or a file the site already has (without Force), is a
// *UsageError.
func Eject(opts EjectOptions) (string, error) {
	files, err := ThemeFiles(opts.Dir, opts.Theme)
	if err != nil {
		return "", err
	}
	want := strings.TrimPrefix(path.Clean(filepath.ToSlash(opts.Path)), "./")
	var match *ThemeFile
	var paths []string
	for i, f := range files {
		paths = append(paths, f.Path)
		if f.Path == want {
			match = &files[i]
			break
		}
	}
	if match == nil {
		var ends []int
		for i, f := range files {
			if strings.HasSuffix(f.Path, "/"+want) {
				ends = append(ends, i)
			}
		}
		switch {
		case len(ends) == 1:
			match = &files[ends[0]]
		case len(ends) > 1:
			return "", usage("theme eject: %q is several theme files; give its whole path (kb theme list)", opts.Path)
		default:
			msg := "theme eject: the default theme has no " + opts.Path
			if s := suggest.Closest(want, paths); s != "" {
				msg += "; did you mean " + s + "?"
			}
			return "", usage("%s (kb theme list lists its files)", msg)
		}
	}
	if st, err := os.Stat(opts.Dir); err != nil || !st.IsDir() {
		return "", usage("theme eject: site folder %s does not exist", opts.Dir)
	}
	data, err := fs.ReadFile(opts.Theme, match.Path)
	if err != nil {
		return "", err
	}
	target := filepath.Join(opts.Dir, filepath.FromSlash(match.Path))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if opts.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if st, err := os.Lstat(target); err == nil && !st.Mode().IsRegular() {
			return "", usage("theme eject: %s is not a regular file; remove it first", match.Path)
		}
	}
	f, err := os.OpenFile(target, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "", usage("theme eject: the site has its own %s already; edit it, or add --force to replace it with the default", match.Path)
	}
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	return match.Path, f.Close()
}
