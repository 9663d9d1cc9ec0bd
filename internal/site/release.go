package site

import (
	"io/fs"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/release"
)

// What kb ready, kb brief and kb announce need of the pipeline: a release
// announcement in a loaded site, and the Check step for kb ready.

// Release is a release announcement of a loaded site.
type Release struct {
	Input *Input
	// Site is the published model (drafts left out).
	Site *model.Site
	Page *content.Page
}

// LoadRelease loads the site in dir without rendering it and finds the
// release announcement of version (of product, when several products
// share the version). A file that does not load is an *InputError; an
// unknown, ambiguous or draft release a *release.UsageError.
func LoadRelease(dir string, theme fs.FS, version, product string) (*Release, error) {
	in, err := LoadText(dir, theme)
	if err == nil {
		err = in.ContentErr()
	}
	if err != nil {
		return nil, err
	}
	p, err := release.Find(in.Content.Pages, version, product)
	if err != nil {
		return nil, err
	}
	s, _ := Model(in.Config, in.Content.Pages, false)
	return &Release{Input: in, Site: s, Page: p}, nil
}

// Ready is kb ready: the pre-release checklist of the release, against the
// lint findings of what a build publishes (the Check step).
func (r *Release) Ready() (*release.Report, error) {
	res, err := Check(r.Input, lint.Options{PublishedOnly: true})
	if err != nil {
		return nil, err
	}
	return release.Check(r.Site, res.Findings, r.Page, r.Input.Config.Ready.WindowDays), nil
}
