package site

import (
	"context"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/feed"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
	"github.com/octoacme/kb/internal/search"
)

// The steps after Load and Check (input.go, check.go), as both drivers
// call them.

// Model is the model step: the site model of the pages the rules publish
// (model.Rules: not drafts, scheduled or expired pages, unless the rules
// say so), with its feeds planned. The warning, when there is one, says
// why no feeds are published.
func Model(cfg *config.Config, pages []*content.Page, rules model.Rules) (s *model.Site, warning string) {
	s = model.Publish(cfg, pages, rules)
	return s, s.PlanFeeds()
}

// Rules are the publication rules of a run at now (zero: model.Now,
// SOURCE_DATE_EPOCH or the clock), in the site's time zone; drafts and
// future add drafts and scheduled pages. A bad SOURCE_DATE_EPOCH is an
// *InputError.
func Rules(cfg *config.Config, now time.Time, drafts, future bool) (model.Rules, error) {
	if now.IsZero() {
		var err error
		if now, err = model.Now(); err != nil {
			return model.Rules{}, inputErr(err)
		}
	}
	return model.NewRules(cfg, now, drafts, future), nil
}

// NewRenderer parses the theme's layouts for a site model; a layout that
// cannot be read or parsed is an *InputError.
func NewRenderer(s *model.Site, theme *render.Theme) (*render.Renderer, error) {
	r, err := render.New(s, theme)
	if err != nil {
		return nil, inputErr(err)
	}
	return r, nil
}

// Render is the render step: every file of the site into out — static
// files, every page, list and redirect (two files at one path refused),
// and the feeds — until ctx is done.
func Render(ctx context.Context, r *render.Renderer, out render.Output) error {
	if err := r.RenderAll(ctx, out); err != nil {
		return err
	}
	return writeFeeds(ctx, r, out)
}

// writeFeeds writes the feeds of the renderer's site, refusing a page or
// file that takes a feed's path.
func writeFeeds(ctx context.Context, r *render.Renderer, out render.Output) error {
	owners, err := r.Owners()
	if err != nil {
		return err
	}
	return feed.Write(ctx, out, r.Site, r.ContentHTML, owners)
}

// Index is the index step: it starts building the search index of the
// site's pages in the background, into a staging folder beside path.
// Wait for it, Export it into the output, then Commit it in place (or
// Abort it).
func Index(ctx context.Context, s *model.Site, path string) *search.Pending {
	return search.StageAsync(ctx, s.Pages, s.Config, path)
}
