package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/sitefs"
)

// The load step: a site folder read into memory, and the problems that
// stop a site from building.

// Input is a site read from disk: its config, theme and parsed content.
type Input struct {
	Config  *config.Config
	Theme   *render.Theme
	Content *content.Set
	// Read is how the content was read, for reading changed files again.
	Read content.Options
}

// Load reads the configuration and every content file of a site folder.
// Content errors are in Input.Content.Errors; a configuration error is returned.
func Load(dir string, theme fs.FS) (*Input, error) {
	return load(dir, theme, false)
}

// LoadText is Load without rendering the pages' HTML, for commands that
// only read the content: kb lint, kb ready, kb brief, kb announce.
func LoadText(dir string, theme fs.FS) (*Input, error) {
	return load(dir, theme, true)
}

func load(dir string, theme fs.FS, skipHTML bool) (*Input, error) {
	return loadFiles(dir, theme, skipHTML, nil)
}

// loadFiles is load, taking the content files in files (by slash path from
// the site folder) as already read.
func loadFiles(dir string, theme fs.FS, skipHTML bool, files map[string][]byte) (*Input, error) {
	if err := checkSiteDir(dir); err != nil {
		return nil, err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, inputErr(err)
	}
	siteFS, err := sitefs.Open(dir)
	if err != nil {
		return nil, inputErr(fmt.Errorf("site folder %s: %w", dir, errors.Unwrap(err)))
	}
	th := render.NewTheme(siteFS, theme)
	if err := th.Check(); err != nil {
		return nil, inputErr(err) // a symbolic link in static/ or layouts/ that kb refuses
	}
	conv := markdown.New(markdown.Options{HTML: cfg.Markdown.HTML, Embeds: cfg.Markdown.Embeds, ImageSize: th.ImageSizer(), BasePath: cfg.BasePath()})
	opts := content.Options{Markdown: conv, MaxFileBytes: cfg.Limits.MaxFileBytes, SkipHTML: skipHTML, Location: cfg.Location()}
	read := opts
	opts.Files = files
	return &Input{Config: cfg, Theme: th, Content: content.Load(siteFS, opts), Read: read}, nil
}

// checkSiteDir refuses a site folder that is missing or a file.
func checkSiteDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return inputErr(fmt.Errorf("site folder %s: %w", dir, errors.Unwrap(err)))
	}
	if !st.IsDir() {
		return inputErr(fmt.Errorf("site folder %s is not a folder", dir))
	}
	return nil
}

// ContentErr// ContentErr returns the problems loading the content as an *InputError,
// or nil when every file loaded cleanly.
func (l *Input) ContentErr() error {
	if len(l.Content.Errors) == 0 {
		return nil
	}
	return &InputError{Problems: l.Content.Errors}
}

// InputError lists problems in the site's input: content, configuration,
// templates, the site or output folder. The CLI exits with status 2 for
// it. Each problem is a diagnostic (one without a file when it concerns
// no file of the site); errors.As finds them.
type InputError struct {
	Problems diag.List
}

func (e *InputError) Error() string { return e.Problems.Error() }

// Unwrap returns the problems.
func (e *InputError) Unwrap() error { return e.Problems }

// inputErr makes an *InputError of errors: diagnostics as they are (a
// diag.List as its diagnostics), a link sitefs refuses as a diagnostic of
// the link, any other error as a diagnostic of its message alone.
func inputErr(errs ...error) error {
	ie := &InputError{}
	for _, err := range errs {
		ie.Problems = append(ie.Problems, asProblems(err)...)
	}
	return ie
}

func asProblems(err error) diag.List {
	switch e := err.(type) {
	case *diag.Diagnostic:
		return diag.List{e}
	case diag.List:
		return e
	case *InputError:
		return e.Problems
	case *sitefs.LinkError:
		return diag.List{{File: e.Link, Level: diag.Error, Message: e.Msg}}
	}
	return diag.List{{Level: diag.Error, Message: err.Error()}}
}
