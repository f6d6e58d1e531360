package pipeline

import (
	"context"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/translate"
	"github.com/brief-news/brief/translate/qa"
)

// cachedReview is the model's review as stored in the cache.
type cachedReview struct {
	Review translate.Review `json:"review"`
}

// reviewKey covers what changes a review: the source and the translation,
// the review prompts and the reviewing model.
func (cfg Config) reviewKey(a article.Article, tr translate.Result) string {
	id := cfg.identity()
	id[0] = cfg.ReviewModel
	return cache.Key(append([]string{"review", sourceText(a), tr.Text(), cfg.Reviewer.PromptHash()}, id...)...)
}

// review asks the model for the translation's errors (--review), or takes
// a stored review, and adds them to the translation's findings, marked as
// the model's. The entry records what the review cost.
func (r *runner) review(ctx context.Context, e *manifest.Entry, a article.Article, tr translate.Result) (translate.Result, bool, error) {
	cfg := r.cfg
	key := cfg.reviewKey(a, tr)
	var cr cachedReview
	cached := cfg.lookup(key, &cr)
	switch {
	case cached:
		e.Review = &manifest.Step{Cached: true}
	case r.cacheOnly:
		return tr, false, errNotCached
	default:
		rv, err := cfg.Reviewer.Review(ctx, a, tr)
		r.charge(e, rv.Usage, rv.Requests)
		e.Review = &manifest.Step{Usage: rv.Usage, Requests: rv.Requests}
		if err != nil {
			return tr, false, err
		}
		cr.Review = rv
		cfg.store(key, cr, "the review")
	}
	e.Review.Findings = len(cr.Review.Findings)
	tr.Findings = append(append([]qa.Finding(nil), tr.Findings...), cr.Review.Findings...)
	tr.Warnings = qa.Messages(tr.Findings)
	tr.Usage = tr.Usage.Add(cr.Review.Usage)
	return tr, cached, nil
}
