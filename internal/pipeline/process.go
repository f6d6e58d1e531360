package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/briefing"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// cachedTranslation is a translation as stored in the cache. Usage is what
// it cost when it was made, so the briefing can show what its content cost
// whether or not this run paid for it.
type cachedTranslation struct {
	Result translate.Result `json:"result"`
}

// cachedSummary is a summary as stored in the cache; Generated is when it
// was made, so an unchanged re-run writes the same article file.
type cachedSummary struct {
	Result    summarize.Result `json:"result"`
	Generated time.Time        `json:"generated"`
}

// process takes one job through every step. It returns an error only for
// failures that doom the whole run (llm.ErrFatal, an unwritable output
// folder); anything else is recorded in the job's entry.
func (r *runner) process(ctx context.Context, i int, job Job) (err error) {
	start := time.Now()
	res := &r.results[i] // each worker owns its own slot: no lock needed
	e := &res.entry
	fatal := false
	defer func() {
		e.DurationMS = time.Since(start).Milliseconds()
		if r.cfg.Progress != nil && !fatal {
			detail := e.Headline
			if e.Status == manifest.StatusFailed || e.Status == manifest.StatusSkipped {
				detail = e.Error
			} else if r.cfg.Verbose {
				detail += fmt.Sprintf(" (%d requests, %d tokens, %s)", e.Requests, e.Usage.Total(), time.Since(start).Round(time.Millisecond))
			}
			if e.Status != manifest.StatusPending {
				r.cfg.Progress.Done(e.Status, e.Source, detail)
			}
		}
	}()
	fail := func(err error) error {
		switch {
		case errors.Is(err, llm.ErrFatal):
			// The endpoint's own sentence says it all; the step it hit
			// first is noise, and it is reported once, by the caller.
			var le *llm.Error
			if errors.As(err, &le) {
				err = le
			}
			e.Status, e.Error = manifest.StatusPending, "not done: "+err.Error()
			fatal = true
			return err
		case ctx.Err() != nil:
			// Interrupted or stopped by another worker's fatal error:
			// not this article's fault, the next run does it.
			e.Status = manifest.StatusPending
			return nil
		default:
			e.Status, e.Error = manifest.StatusFailed, err.Error()
			return nil
		}
	}

	if job.Skip != "" {
		e.Status, e.Error = manifest.StatusSkipped, job.Skip
		return nil
	}
	a, err := r.cfg.Load(job.Source)
	var skip *article.SkipError
	if errors.As(err, &skip) {
		e.Status, e.Error = manifest.StatusSkipped, skip.Reason
		return nil
	}
	if err != nil {
		e.Status, e.Error = manifest.StatusFailed, err.Error()
		return nil
	}
	a.ID = job.ID
	e.SHA256, e.Date = a.SHA256, a.Date
	e.Warnings = append(e.Warnings, a.Warnings...)

	cfg := r.cfg

	// Translate, or reuse a stored translation of the same text made the
	// same way. Stored as soon as it is made, so a failing summary does not
	// cost the translation again next run.
	tkey := cfg.translationKey(a)
	var ct cachedTranslation
	fromCache := cfg.Cache.Get(tkey, &ct)
	if fromCache {
		cfg.Cache.Touch(tkey, cfg.Now())
	} else if r.cacheOnly {
		e.Status = manifest.StatusPending
		return nil
	} else {
		tr, err := cfg.Translator.Translate(ctx, a)
		r.account(tr.Usage)
		e.Usage, e.Requests = e.Usage.Add(tr.Usage), e.Requests+tr.Requests
		if err != nil {
			return fail(fmt.Errorf("translate: %w", err))
		}
		ct.Result = tr
		if err := cfg.Cache.Put(tkey, ct); err != nil {
			cfg.Progress.Logf("warning: cannot store translation in the cache: %v", err)
		}
	}
	tr := ct.Result
	e.Warnings = append(e.Warnings, tr.Warnings...)
	if cfg.Strict && fromCache && len(tr.Warnings) > 0 {
		// A translation stored by an earlier, lenient run is held to
		// --strict as well; the fresh path fails inside translate.
		return fail(fmt.Errorf("translate: --strict: %s", strings.Join(tr.Warnings, "; ")))
	}

	skey := cfg.summaryKey(tr)
	var cs cachedSummary
	if cfg.Cache.Get(skey, &cs) {
		cfg.Cache.Touch(skey, cfg.Now())
	} else if r.cacheOnly {
		e.Status = manifest.StatusPending
		return nil
	} else {
		fromCache = false
		sr, err := cfg.Summarizer.Summarize(ctx, tr.Text())
		r.account(sr.Usage)
		e.Usage, e.Requests = e.Usage.Add(sr.Usage), e.Requests+sr.Requests
		if err != nil {
			return fail(fmt.Errorf("summarize: %w", err))
		}
		cs = cachedSummary{Result: sr, Generated: cfg.Now().UTC().Truncate(time.Second)}
		if err := cfg.Cache.Put(skey, cs); err != nil {
			cfg.Progress.Logf("warning: cannot store summary in the cache: %v", err)
		}
	}
	sum := cs.Result.Summary

	page := render.ArticlePage{
		Headline: sum.Headline, Date: a.Date, Source: a.Path, Agency: a.Agency(), SHA256: a.SHA256,
		Model: cfg.Model, Lang: cfg.Lang, Generated: cs.Generated,
		Summary: sum.Summary, KeyPoints: sum.KeyPoints,
		Lede: tr.Lede, Paragraphs: tr.Paragraphs, Warnings: e.Warnings,
	}
	e.Output = "articles/" + a.ID + ".md"
	if err := atomicfile.WriteIfChanged(filepath.Join(cfg.OutDir, filepath.FromSlash(e.Output)), render.ArticleMarkdown(page), 0o644); err != nil {
		e.Status, e.Error = manifest.StatusFailed, err.Error()
		return fmt.Errorf("cannot write output: %w", err)
	}
	if slices.Contains(cfg.Formats, "html") {
		path := filepath.Join(cfg.OutDir, "articles", a.ID+".html")
		if err := atomicfile.WriteIfChanged(path, render.ArticleHTML(page), 0o644); err != nil {
			e.Status, e.Error = manifest.StatusFailed, err.Error()
			return fmt.Errorf("cannot write output: %w", err)
		}
	}

	e.Headline = sum.Headline
	e.Status = manifest.StatusOK
	if fromCache {
		e.Status = manifest.StatusCached
	}
	res.story = &story.Story{
		ID: a.ID, Headline: sum.Headline, Date: a.Date, Agency: a.Agency(), Summary: sum.Summary,
		Link: e.Output, Source: a.Path, Warnings: e.Warnings, Cached: fromCache,
		Usage: ct.Result.Usage.Add(cs.Result.Usage), Generated: cs.Generated,
		// the source's fingerprint, not its text, so wire resends can be
		// folded without holding thousands of articles in memory
		Fingerprint: briefing.Fingerprint(append([]string{a.Lede}, a.Paragraphs...)),
	}
	return nil
}

// identity is what, besides the text and the prompts, decides an answer:
// the model (and --cache-tag), the languages and the temperature. Not the endpoint's URL: the
// same model behind another host, port or proxy gives the same answers, so
// moving a server does not redo last week's work and several servers share
// one cache.
func (cfg Config) identity() []string {
	return []string{cfg.Model, "tag=" + cfg.CacheTag, cfg.From, cfg.Lang, fmt.Sprintf("temperature=%g", cfg.Temperature)}
}

// translationKey covers everything that changes a translation: the text,
// the prompts and glossary (PromptHash), the model identity and languages.
func (cfg Config) translationKey(a article.Article) string {
	return cache.Key(append([]string{"translate", sourceText(a), cfg.Translator.PromptHash()}, cfg.identity()...)...)
}

// summaryKey is keyed by the translation, so a new summary prompt does not
// re-translate and a new translation re-summarises.
func (cfg Config) summaryKey(tr translate.Result) string {
	return cache.Key(append([]string{"summarize", tr.Text(), cfg.Summarizer.PromptHash()}, cfg.identity()...)...)
}

// Cached reports whether a run would take both the translation and the
// summary of a from the cache (for --dry-run).
func (cfg Config) Cached(a article.Article) bool {
	var ct cachedTranslation
	if !cfg.Cache.Get(cfg.translationKey(a), &ct) {
		return false
	}
	var cs cachedSummary
	return cfg.Cache.Get(cfg.summaryKey(ct.Result), &cs)
}

// sourceText is what the cache key sees of an article: the parsed text
// that is sent for translation (lede and paragraphs, not the date or the
// agency), so a file re-saved with CRLF or a BOM, or a resend with only a
// new date, still hits the cache.
func sourceText(a article.Article) string {
	return a.Lede + "\n\n" + strings.Join(a.Paragraphs, "\n\n")
}
