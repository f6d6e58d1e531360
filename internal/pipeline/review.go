package pipeline

import (
	"fmt"
	"slices"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/translate"
)

// StatusWarn is the progress status of an article that was translated
// (fresh or from the cache) but has QA warnings: cron shows it even with
// -q, because a warning is not "all is well". The manifest keeps "ok" or
// "cached" with the warnings beside them.
const StatusWarn = "warn"

// warnDetail is an article's progress line for warnings: the first one and
// how many more there are.
func warnDetail(ws []string) string {
	if len(ws) == 1 {
		return ws[0]
	}
	return fmt.Sprintf("%s (+%d more)", ws[0], len(ws)-1)
}

// addReview gives the article page what its review shows: the source
// beside the translation, lined up, with the findings pinned. The Markdown
// page carries the review itself when no HTML page is written.
func addReview(page *render.ArticlePage, cfg Config, a article.Article, tr translate.Result) {
	page.From = cfg.From
	page.Original = translate.Original(a)
	for _, p := range translate.Align(page.Original, tr.Translation(), cfg.Lang) {
		page.Pairs = append(page.Pairs, render.Pair{Source: p.Source, Translation: p.Translation})
	}
	page.Findings = tr.Findings
	page.ReviewInMarkdown = !slices.Contains(cfg.Formats, "html")
}
