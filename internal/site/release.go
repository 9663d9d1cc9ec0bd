package site

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/release"
)

// What kb ready, kb brief and kb announce need of the pipeline: a release
// announcement in a loaded site, and the Check step for kb ready.

// Release is a release announcement of a loaded site.
type Release struct {
	Input *Input
	// Site is the model of what is published when the release is: now,
	// or at the release's publication when it is scheduled for later
	// (model.Rules), so that pages scheduled with it count as published.
	Site *model.Site
	Page *content.Page
	// Rules are the site's rules at that moment.
	Rules model.Rules
}

// LoadRelease loads the site in dir without rendering it and finds the
// release announcement of version (of product, when several products
// share the version). A file that does not load (or a bad
// SOURCE_DATE_EPOCH) is an *InputError; an unknown, ambiguous, draft or
// expired release a *release.UsageError.
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
	rules, err := Rules(in.Config, time.Time{}, false, false)
	if err != nil {
		return nil, err
	}
	if at := rules.PublishAt(p); at.After(rules.Now) {
		rules = model.NewRules(in.Config, at, false, false)
	}
	if rules.State(p) == model.Expired {
		return nil, &release.UsageError{Msg: fmt.Sprintf("%s expired at %s (expiry_date): it is no longer published", p.File, content.FormatMoment(p.ExpiryDate))}
	}
	s, _ := Model(in.Config, in.Content.Pages, rules)
	return &Release{Input: in, Site: s, Page: p, Rules: rules}, nil
}

// Ready is kb ready: the pre-release checklist of the release, against the
// lint findings of what a build publishes (the Check step).
func (r *Release) Ready() (*release.Report, error) {
	res, err := Check(r.Input, lintOptions(r.Rules))
	if err != nil {
		return nil, err
	}
	return release.Check(r.Site, res.Findings, r.Page, r.Input.Config.Ready.WindowDays), nil
}
