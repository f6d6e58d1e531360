package pipeline

import (
	"context"
	"slices"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// ArticleResult is what Article made of one article.
type ArticleResult struct {
	Translation translate.Result
	Summary     *summarize.Result // nil unless asked for
	Cached      bool              // every step came from the cache
	// Warnings are what the run would put in the manifest entry: the
	// input's own (encoding) and the translation's findings.
	Warnings []string
}

// Article runs one article's steps outside a run, for `brief translate`,
// `brief summarize` and the requests of a batch: it translates a (reviews
// it with a Reviewer, and, with withSummary, summarises it) through cfg's
// cache with the same keys, checks and budget-free accounting as a run,
// storing what it makes and writing no file.
func Article(ctx context.Context, cfg Config, a article.Article, withSummary bool) (ArticleResult, error) {
	r := &runner{cfg: cfg, mem: cfg.Memory()}
	e := &manifest.Entry{Source: a.Path}
	tr, cached, release, err := r.translation(ctx, e, a)
	release()
	out := ArticleResult{Translation: tr, Cached: cached, Warnings: append(slices.Clone(a.Warnings), tr.Warnings...)}
	if err == nil {
		err = cfg.holdToStrict(tr, cached)
	}
	if err != nil || !withSummary {
		return out, err
	}
	cs, cachedSum, err := r.summary(ctx, e, tr)
	if err != nil {
		return out, err
	}
	out.Summary, out.Cached = &cs.Result, cached && cachedSum
	return out, nil
}
