package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/octoacme/kb/internal/diag"
)

// Kinds lists the source kinds Import reads, in the order help shows them.
var Kinds = []string{"jekyll", "hugo", "mkdocs", "docusaurus"}

// Options configure Import.
type Options struct {
	// Kind is the source's generator: one of Kinds.
	Kind string
	// Src is the source site's folder (the one holding _config.yml,
	// hugo.toml, mkdocs.yml or docusaurus.config.js).
	Src string
	// Dir is the folder the kb site is written to: absent or empty.
	Dir string
	// NoGit leaves git history out: pages without a date get none.
	NoGit bool
}

// Result is what an import wrote.
type Result struct {
	Pages  int // content pages written
	Files  int // static files copied
	Report *Report
}

// UsageError is a problem with the arguments (unknown kind, missing
// source, non-empty destination); its message says what to do.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// InputError is a source file Import cannot read at all (a site
// configuration that does not parse): a diagnostic naming the file, by its
// path in the source folder, and the line.
type InputError = diag.Diagnostic

// inputError is an InputError at a line of file (0: unknown).
func inputError(file string, line int, msg string) *InputError {
	return &InputError{File: file, Line: line, Level: diag.Error, Message: msg + "; fix it so that the site can be read"}
}

// ReportFile is the report's name in the destination folder.
const ReportFile = "import-report.md"

// reader is one source kind.
type reader interface {
	// read fills the site: configuration, pages (with front matter split
	// off, old URLs and target paths), static files and skipped files.
	read(s *site) error
	// convert turns a page's body into kb Markdown. Links may still be in
	// source terms; the shared link pass rewrites them afterwards.
	convert(s *site, p *page) string
}

func readerFor(kind string) reader {
	switch kind {
	case "jekyll":
		return &jekyll{}
	case "hugo":
		return &hugo{}
	case "mkdocs":
		return &mkdocs{}
	case "docusaurus":
		return &docusaurus{}
	}
	return nil
}

// Import converts the site in opts.Src into a kb site in opts.Dir and
// writes the import report there. Constructs it cannot convert are left in
// the pages and listed in the report; they are not errors.
func Import(ctx context.Context, opts Options) (*Result, error) {
	r := readerFor(opts.Kind)
	if r == nil {
		return nil, &UsageError{fmt.Sprintf("unknown source kind %q; use one of %s", opts.Kind, strings.Join(Kinds, ", "))}
	}
	if st, err := os.Stat(opts.Src); err != nil || !st.IsDir() {
		return nil, &UsageError{fmt.Sprintf("source folder %s does not exist; give the folder of the %s site", opts.Src, opts.Kind)}
	}
	if err := checkEmpty(opts.Dir); err != nil {
		return nil, err
	}
	s := newSite(opts)
	if err := r.read(s); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.finish(r)
	out := s.output()
	rep := scan(s, out)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out.files[ReportFile] = []byte(rep.Markdown())
	if err := write(opts, s, out); err != nil {
		return nil, err
	}
	return &Result{Pages: len(s.pages), Files: len(s.files), Report: rep}, nil
}

// checkEmpty refuses a destination that exists and holds anything.
func checkEmpty(dir string) error {
	if dir == "" {
		return &UsageError{"no destination folder; give a new or empty folder for the kb site"}
	}
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &UsageError{fmt.Sprintf("destination %s: %v", dir, err)}
	}
	if !st.IsDir() {
		return &UsageError{fmt.Sprintf("destination %s is a file; give a new or empty folder for the kb site", dir)}
	}
	f, err := os.Open(dir)
	if err != nil {
		return &UsageError{fmt.Sprintf("destination %s: %v", dir, err)}
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err != io.EOF {
		return &UsageError{fmt.Sprintf("destination %s is not empty; give a new or empty folder (kb import never overwrites files)", dir)}
	}
	return nil
}

// write puts the generated files and the copied static files into Dir.
// A failure half-way (a full disk) leaves no half-written site: a Dir
// that did not exist is made as a new folder beside it and moved into
// place at the end; an empty Dir is emptied again.
func write(opts Options, s *site, out *output) (err error) {
	dir := filepath.Clean(opts.Dir)
	target := dir
	if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return err
		}
		if target, err = os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".kb-import-"); err != nil {
			return err
		}
		if err := os.Chmod(target, 0o755); err != nil {
			return err
		}
	}
	defer func() {
		if err == nil {
			return
		}
		if target != dir {
			os.RemoveAll(target)
			return
		}
		if entries, rerr := os.ReadDir(dir); rerr == nil {
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}()
	names := make([]string, 0, len(out.files))
	for name := range out.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(target, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, out.files[name], 0o644); err != nil {
			return err
		}
	}
	for _, f := range s.files {
		if err := copyFile(s.fsys, f.src, filepath.Join(target, "static", filepath.FromSlash(f.out))); err != nil {
			return fmt.Errorf("copying %s: %w", f.src, err)
		}
	}
	if target != dir {
		return os.Rename(target, dir)
	}
	return nil
}

func copyFile(fsys fs.FS, src, dst string) error {
	in, err := fsys.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// walk calls fn for every regular file under root in SRC, in lexical
// order, skipping what skip says to skip (it sees folders and files). A
// symbolic link is not followed, and is reported.
func (s *site) walk(root string, skip func(p string, dir bool) bool, fn func(p string)) error {
	return fs.WalkDir(s.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		if p == root {
			return nil
		}
		if skip != nil && skip(p, d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.Type().IsRegular():
			fn(p)
		case d.Type()&fs.ModeSymlink != 0:
			s.skipFile(p, "a symbolic link, which kb import does not follow; copy what it points to by hand")
		}
		return nil
	})
}

// hidden reports whether a slash path has a segment starting with "." —
// version control and editor files, never part of a site.
func hidden(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") && seg != "." && seg != ".." {
			return true
		}
	}
	return false
}

// rel is p relative to root ("" root is the fsys root).
func rel(root, p string) string {
	if root == "" || root == "." {
		return p
	}
	return strings.TrimPrefix(p, root+"/")
}

// join is path.Join that keeps "" roots out.
func join(elem ...string) string {
	var parts []string
	for _, e := range elem {
		if e != "" && e != "." {
			parts = append(parts, e)
		}
	}
	return path.Join(parts...)
}
