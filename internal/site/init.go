package site

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
)

// What kb init needs: a new site written into an empty folder, and the
// check kb build and kb serve make that a folder is a site at all.

// starter holds kb init's example pages, one per type, each a
// text/template that sees .Date (today). A file's name is its path under
// content/ with "--" for "/".
//
//go:embed starter/*.md
var starter embed.FS

// StarterSections are the sections kb init sets in site.yaml, one per
// page type, with the titles a help center uses for them.
var StarterSections = []config.StarterSection{
	{Name: "articles", Title: "How-to guides", Description: "Step-by-step guides to get things done.", Weight: 1},
	{Name: "faq", Title: "FAQs", Description: "Short answers to common questions.", Weight: 2},
	{Name: "troubleshooting", Title: "Troubleshooting", Description: "Fixes for errors and problems.", Weight: 3},
	{Name: "releases", Title: "Release notes", Description: "What is new, fixed and known in each release.", Weight: 4},
}

// InitOptions are a kb init run's.
type InitOptions struct {
	// Dir is the folder of the new site: new, or empty.
	Dir string
	// Title is the site's title; "" means "Help Center".
	Title string
	// Empty leaves out the example pages.
	Empty bool
}

// Init is kb init: a new site in opts.Dir, with a site.yaml that sets the
// title and the sections and shows every other key commented out at its
// default, a .gitignore for what kb writes (public/, .kb/), and, unless
// opts.Empty, an example page of each type that passes kb lint. It
// returns the files written, by slash path from the folder. A folder
// holding anything but version-control metadata is refused with a
// *UsageError, and nothing is written.
func Init(opts InitOptions) ([]string, error) {
	if err := emptyFolder(opts.Dir); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(opts.Title)
	if title == "" {
		title = config.Default().Title
	}
	files := map[string][]byte{
		config.FileName: config.Template(title, StarterSections),
		".gitignore":    []byte("# What kb build and kb serve write: the site, the search index, the build cache.\n/public/\n/.kb/\n"),
	}
	if !opts.Empty {
		today, err := lint.Today()
		if err != nil {
			today = time.Now() // a malformed SOURCE_DATE_EPOCH is lint's to report
		}
		data := map[string]string{"Date": today.Format(content.DateLayout)}
		entries, err := fs.ReadDir(starter, "starter")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			t, err := template.ParseFS(starter, "starter/"+e.Name())
			if err != nil {
				return nil, err
			}
			var b bytes.Buffer
			if err := t.Execute(&b, data); err != nil {
				return nil, err
			}
			files[path.Join(content.Dir, strings.ReplaceAll(e.Name(), "--", "/"))] = b.Bytes()
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	dirs := []string{content.Dir}
	for _, s := range StarterSections {
		dirs = append(dirs, path.Join(content.Dir, s.Name))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(opts.Dir, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}
	for _, name := range names {
		if err := writeNew(filepath.Join(opts.Dir, filepath.FromSlash(name)), files[name]); err != nil {
			return nil, err
		}
	}
	return names, nil
}

// vcsNames are what a folder may hold and still count as empty for kb
// init: a repository made first (git init, then kb init) and Finder's file.
var vcsNames = []string{".git", ".hg", ".svn", ".DS_Store"}

// emptyFolder refuses a folder that holds anything else, or a file.
func emptyFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			return usage("init: %s is a file; give a new folder, like: kb init my-help-center", dir)
		}
		return err
	}
	var other []string
	for _, e := range entries {
		if !slices.Contains(vcsNames, e.Name()) {
			other = append(other, e.Name())
		}
	}
	if len(other) == 0 {
		return nil
	}
	what := fmt.Sprintf("%q", other[0])
	if len(other) > 1 {
		what += fmt.Sprintf(" and %d more", len(other)-1)
	}
	hint := "give a new folder, like: kb init my-help-center"
	if slices.Contains(other, config.FileName) || slices.Contains(other, content.Dir) {
		hint = "it is a kb site already (kb serve previews it); or " + hint
	}
	return usage("init: %s is not empty (it holds %s); kb init writes only into a new or empty folder: %s", dir, what, hint)
}

// writeNew writes a file that must not exist yet.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CheckIsSite refuses, with a *UsageError, a folder that is no kb site:
// one with neither site.yaml nor content/ (kb build there would publish
// an empty help center, kb serve serve one). A missing folder passes, for
// the load step to report.
func CheckIsSite(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	for _, name := range []string{config.FileName, content.Dir} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	where := "this folder"
	if filepath.Clean(dir) != "." {
		where = dir
	}
	return usage("no site here: %s has neither site.yaml nor content/; run kb init to start one (or use --source to pick the site folder)", where)
}
