package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
	"github.com/brief-news/brief/translate/qa"
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

// errNotCached marks a step that a cache-only pass (after a fatal error)
// cannot do: the article stays pending for the next run.
var errNotCached = errors.New("not in the cache")

// process takes one input through every step and reports it. It returns an
// error only for failures that doom the whole run (llm.ErrFatal, an
// unwritable output folder); anything else is recorded in the entry.
func (r *runner) process(ctx context.Context, i int, in article.Input) error {
	start := time.Now()
	res := &r.results[i] // each worker owns its own slot: no lock needed
	err := r.work(ctx, res, in)
	res.entry.DurationMS = time.Since(start).Milliseconds()
	// A fatal error is reported once, by the caller, not per article.
	if !errors.Is(err, llm.ErrFatal) {
		r.report(&res.entry, time.Since(start))
	}
	return err
}

// work is process without the reporting: load, translate, summarize,
// write the article file, and keep the story for the briefing.
func (r *runner) work(ctx context.Context, res *result, in article.Input) error {
	e := &res.entry
	a, ok := r.load(e, in)
	if !ok {
		return nil
	}
	// An interrupted article's answers are kept for the next run; one
	// that ended has its results cached, or failed and is asked anew.
	ctx, forget := requestcache.Journal(ctx, r.cfg.Cache)
	defer func() {
		if e.Status != manifest.StatusPending {
			forget()
		}
	}()
	tr, trCached, release, err := r.translation(ctx, e, a)
	defer release()
	if err == nil {
		// Most urgent first, everywhere a finding is shown.
		slices.SortStableFunc(tr.Findings, func(a, b qa.Finding) int { return qa.Rank(a) - qa.Rank(b) })
		tr.Warnings = qa.Messages(tr.Findings)
		e.Warnings = append(e.Warnings, tr.Warnings...)
		e.Findings = tr.Findings
		e.MemoryParagraphs = len(tr.Memory)
		err = r.cfg.holdToStrict(tr, trCached)
	}
	if err == nil && !trCached {
		r.remember(a, tr) // a cached one was remembered when it was made
	}
	release()
	var sum cachedSummary
	sumCached := false
	if err == nil {
		sum, sumCached, err = r.summary(ctx, e, tr)
	}
	if cut := sum.Result.Cut; cut != "" && !sumCached {
		e.Findings = append(e.Findings, qa.Finding{Code: qa.CodePromptCut, Message: cut})
		e.Warnings = append(e.Warnings, cut)
	}
	if err != nil {
		return r.fail(ctx, e, err)
	}
	facts, err := r.writeArticle(e, a, tr, sum)
	if errors.Is(err, errNotOurs) {
		return nil // the article failed, not the run
	}
	if err != nil {
		return err
	}
	fromCache := trCached && sumCached
	e.Headline = sum.Result.Summary.Headline
	e.Status = manifest.StatusOK
	if fromCache {
		e.Status = manifest.StatusCached
	}
	res.story = newStory(a, e, tr, sum, fromCache)
	res.story.Tags, res.story.LastMod = facts.Tags, facts.LastMod
	return nil
}

// holdToStrict fails a translation stored by an earlier, lenient run that
// has findings when --strict is on; a fresh one fails inside translate.
func (cfg Config) holdToStrict(tr translate.Result, cached bool) error {
	if cfg.Strict && cached && len(tr.Warnings) > 0 {
		return fmt.Errorf("translate: --strict: %s", strings.Join(tr.Warnings, "; "))
	}
	return nil
}

// read reads the input into an article; when it cannot be, status says
// whether it was skipped or failed and reason why.
func (cfg Config) read(in article.Input) (a article.Article, status, reason string) {
	if in.Skip != "" {
		return a, manifest.StatusSkipped, in.Skip
	}
	a, err := cfg.Load(in)
	var skip *article.SkipError
	switch {
	case errors.As(err, &skip):
		return a, manifest.StatusSkipped, skip.Reason
	case err != nil:
		return a, manifest.StatusFailed, err.Error()
	}
	return a, "", ""
}

// load reads the input into an article, or records why it cannot be.
func (r *runner) load(e *manifest.Entry, in article.Input) (article.Article, bool) {
	a, status, reason := r.cfg.read(in)
	if status != "" {
		e.Status, e.Error = status, reason
		return a, false
	}
	a.ID = in.ID
	e.SHA256, e.Date = a.SHA256, a.Date
	e.Warnings = append(e.Warnings, a.Warnings...)
	return a, true
}

// translation returns the article's translation (reviewed, with a
// Reviewer), whether all of it came from the cache, and release, which
// ends the article's claim on the paragraphs it translates (see claim)
// once they are remembered. Only an article to translate waits for others
// translating its paragraphs: a stored translation needs nothing from them.
func (r *runner) translation(ctx context.Context, e *manifest.Entry, a article.Article) (tr translate.Result, cached bool, release func(), err error) {
	release = func() {}
	tr, cached, err = r.storedTranslation(ctx, a)
	if err == nil && !cached {
		release = r.claim(ctx, a)
		tr, err = r.translate(ctx, e, a)
	}
	if err == nil && r.cfg.Reviewer != nil {
		var reviewCached bool
		tr, reviewCached, err = r.review(ctx, e, a, tr)
		cached = cached && reviewCached
	}
	return tr, cached, release, err
}

// storedTranslation returns the article's translation when the cache
// holds a usable one (a stored translation of the same text made the same
// way), rechecked with today's checks; cached is false when it must be
// made (errNotCached when it cannot be: a cache-only pass).
func (r *runner) storedTranslation(ctx context.Context, a article.Article) (tr translate.Result, cached bool, err error) {
	cfg := r.cfg
	key := cfg.translationKey(a)
	var ct cachedTranslation
	if cfg.lookup(key, &ct) {
		// The checks are redone: a stored translation gets today's
		// checks, with their paragraphs and evidence, at no model cost.
		// One that is unusable (stored before such translations failed
		// their article) is not reused but made again.
		if cfg.Verbose {
			cfg.Progress.Logf("checking the stored translation of %s (%d paragraphs)", a.Path, len(ct.Result.Paragraphs)+1)
		}
		text, start := cfg.Translator.QA(a, ct.Result), time.Now()
		fs, pairs, err := text.Recheck(ctx, ct.Result.Findings)
		if err != nil {
			return ct.Result, true, fmt.Errorf("checking the stored translation: %w", err)
		}
		if cfg.Verbose {
			cfg.Progress.Logf("checked the stored translation of %s in %s", a.Path, time.Since(start).Round(time.Millisecond))
		}
		if len(text.Unusable(fs)) == 0 {
			return ct.Result.WithChecks(fs, pairs), true, nil
		}
	}
	if r.cacheOnly {
		return ct.Result, false, errNotCached
	}
	return translate.Result{}, false, nil
}

// translate makes the article's translation and stores it at once, so a
// failing summary does not cost the translation again next run.
func (r *runner) translate(ctx context.Context, e *manifest.Entry, a article.Article) (translate.Result, error) {
	cfg := r.cfg
	tr, err := cfg.Translator.WithMemory(r.mem).Translate(ctx, a)
	r.charge(e, tr.Usage, tr.Requests)
	if err != nil {
		return tr, fmt.Errorf("translate: %w", err)
	}
	cfg.store(cfg.translationKey(a), cachedTranslation{Result: tr}, "translation")
	return tr, nil
}

// summary returns the translation's summary and whether it came from the
// cache.
func (r *runner) summary(ctx context.Context, e *manifest.Entry, tr translate.Result) (cachedSummary, bool, error) {
	cfg := r.cfg
	key := cfg.summaryKey(tr)
	var cs cachedSummary
	if cfg.lookup(key, &cs) {
		return cs, true, nil
	}
	if r.cacheOnly {
		return cs, false, errNotCached
	}
	sr, err := cfg.Summarizer.Summarize(ctx, tr.Text())
	r.charge(e, sr.Usage, sr.Requests)
	if err != nil {
		return cs, false, fmt.Errorf("summarize: %w", err)
	}
	cs = cachedSummary{Result: sr, Generated: cfg.Now().UTC().Truncate(time.Second)}
	cfg.store(key, cs, "summary")
	return cs, false, nil
}

// lookup loads the step result stored under key into v, and marks it used
// so the cache's prune keeps what weekly runs still hit.
func (cfg Config) lookup(key string, v any) bool {
	if !cfg.Cache.Get(key, v) {
		return false
	}
	cfg.Cache.Touch(key, cfg.Now())
	return true
}

// store keeps a step's result under key; a cache that cannot be written
// costs the next run the step again, not this run its result.
func (cfg Config) store(key string, v any, what string) {
	if err := cfg.Cache.Put(key, v); err != nil {
		cfg.Progress.Logf("warning: cannot store %s in the cache: %v", what, err)
	}
}

// charge adds a step's cost to the article's entry and the run's budget.
func (r *runner) charge(e *manifest.Entry, u tokens.Usage, requests int) {
	r.account(u)
	e.Usage, e.Requests = e.Usage.Add(u), e.Requests+requests
}

// fail records a failed step in the entry and returns the error only when
// it dooms the whole run.
func (r *runner) fail(ctx context.Context, e *manifest.Entry, err error) error {
	switch {
	case errors.Is(err, errNotCached):
		e.Status = manifest.StatusPending
		return nil
	case errors.Is(err, llm.ErrFatal):
		// The endpoint's own sentence says it all; the step it hit
		// first is noise, and it is reported once, by the caller.
		var le *llm.Error
		if errors.As(err, &le) {
			err = le
		}
		e.Status, e.Error = manifest.StatusPending, "not done: "+err.Error()
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

// writeArticle writes the article's Markdown file (and HTML, when asked
// for) and returns what the page carries over from an earlier run's (tags,
// lastmod); a write error dooms the run, since every other article would
// fail the same way.
func (r *runner) writeArticle(e *manifest.Entry, a article.Article, tr translate.Result, cs cachedSummary) (render.PageFacts, error) {
	cfg := r.cfg
	sum := cs.Result.Summary
	page := render.ArticlePage{
		Headline: sum.Headline, Date: a.Date, Source: a.Path, Agency: a.Agency(), SHA256: a.SHA256,
		Model: cfg.Model, Lang: cfg.Lang, Generated: cs.Generated,
		Summary: sum.Summary, KeyPoints: sum.KeyPoints,
		Lede: tr.Lede, Paragraphs: tr.Paragraphs, Warnings: e.Warnings, Memory: tr.Memory,
		// The review: the source beside the translation, lined up, with the
		// findings pinned, and a changed name marked wherever it occurs.
		From: cfg.From, Original: translate.Original(a), Pairs: tr.Pairs, Findings: tr.Findings,
		Everywhere: slices.DeleteFunc(slices.Clone(tr.Findings), func(f qa.Finding) bool { return f.Code != qa.CodeName }),
	}
	e.Output = "articles/" + a.ID + ".md"
	old, found := atomicfile.ReadIn(r.out, e.Output, maxPageRead)
	files := []outFile{{e.Output, nil}, {"articles/" + a.ID + render.ReviewSuffix, render.ReviewMarkdown(page)}}
	if slices.Contains(cfg.Formats, "html") {
		files = append(files, outFile{"articles/" + a.ID + ".html", nil})
	}
	if name := r.notOurs(files, old, found); name != "" {
		e.Status, e.Output = manifest.StatusFailed, ""
		e.Error = fmt.Sprintf("%s is already in the output folder and brief did not write it: brief will not overwrite it; move it away or rename the input", name)
		return render.PageFacts{}, errNotOurs
	}
	carryOver(&page, old, found)
	files[0].data = render.ArticleMarkdown(page)
	if len(files) > 2 {
		files[2].data = render.ArticleHTML(page)
	}
	for _, f := range files {
		if err := atomicfile.WriteIfChangedIn(r.out, f.name, f.data, 0o644); err != nil {
			e.Status, e.Error = manifest.StatusFailed, err.Error()
			return render.PageFacts{}, cannotWrite(err)
		}
		r.wrote(f.name, f.data)
	}
	return render.PageFacts{SourceSHA256: page.SHA256, Generated: page.Generated, LastMod: page.LastMod, Tags: page.Tags}, nil
}

// errNotOurs: an article's page name is taken by a file brief did not
// write; the article fails, the run goes on.
var errNotOurs = errors.New("the page name is taken")

// notOurs names the first of an article's pages (Markdown first, md its
// bytes) that is a file brief did not write, such as a hand-written
// articles/mine.md, or is "" when each is absent or brief's to replace:
// recorded by the previous run with the bytes it holds, or a Markdown page
// with brief's front matter (one a killed run wrote before its manifest),
// and the HTML page beside such a Markdown page.
func (r *runner) notOurs(pages []outFile, md []byte, found bool) string {
	if found {
		if facts, ok := render.ReadPageFacts(md); (ok && facts.SourceSHA256 != "") || r.recorded(pages[0].name, md) {
			return ""
		}
		return pages[0].name
	}
	for _, p := range pages[1:] {
		if data, ok := atomicfile.ReadIn(r.out, p.name, maxPageRead); ok && !r.recorded(p.name, data) {
			return p.name
		}
	}
	return ""
}

// outFile is one file of an article's output, named relative to OutDir.
type outFile struct {
	name string
	data []byte
}

// newStory is what the briefing keeps of a finished article: small by
// design, no translation text.
func newStory(a article.Article, e *manifest.Entry, tr translate.Result, cs cachedSummary, cached bool) *story.Story {
	sum := cs.Result.Summary
	notes := slices.Clone(a.Warnings)
	var warnings []string
	concern := 0
	for _, f := range tr.Findings {
		switch {
		case qa.InputNote(f):
			notes = append(notes, f.Message)
		case warnings == nil:
			concern = qa.Rank(f)
			fallthrough
		default:
			warnings = append(warnings, f.Message)
		}
	}
	return &story.Story{
		ID: a.ID, Headline: sum.Headline, Date: a.Date, Agency: a.Agency(), Summary: sum.Summary,
		Link: e.Output, Source: a.Path, Warnings: warnings, Concern: concern, Notes: notes, Cached: cached,
		Usage: tr.Usage.Add(cs.Result.Usage), Generated: cs.Generated,
		MemoryParagraphs: len(tr.Memory), MemoryTokens: tr.MemoryTokens,
		// the source's fingerprint, not its text, so wire resends can be
		// folded without holding thousands of articles in memory
		Fingerprint: story.FingerprintOf(append([]string{a.Lede}, a.Paragraphs...)),
	}
}

// report tells the progress reporter how the article ended; a pending
// article is not reported, the run's end says why.
func (r *runner) report(e *manifest.Entry, took time.Duration) {
	if e.Status == manifest.StatusPending {
		return
	}
	detail, status := e.Headline, e.Status
	switch {
	case e.Status == manifest.StatusFailed || e.Status == manifest.StatusSkipped:
		detail = e.Error
	case len(e.Warnings) > 0:
		// A warning is not "all is well": the line says so, even with -q.
		status, detail = progress.StatusWarn, e.Warnings[0]
		if len(e.Warnings) > 1 {
			detail += fmt.Sprintf(" (+%d more)", len(e.Warnings)-1)
		}
	}
	if r.cfg.Verbose && e.Status != manifest.StatusFailed && e.Status != manifest.StatusSkipped {
		detail += fmt.Sprintf(" (%s, %s, %s)", progress.Count(e.Requests, "request"), progress.Count(e.Usage.Total(), "token"), took.Round(time.Millisecond))
	}
	r.cfg.Progress.Done(status, e.Source, detail)
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
	return cfg.Cache.Get(cfg.translationKey(a), &ct) && cfg.Cache.Get(cfg.summaryKey(ct.Result), &cachedSummary{}) &&
		(cfg.Reviewer == nil || cfg.Cache.Get(cfg.reviewKey(a, ct.Result), &cachedReview{}))
}

// TranslationCached reports whether a run would take a's translation from
// the cache (for batch export: its requests are not needed).
func (cfg Config) TranslationCached(a article.Article) bool {
	return cfg.Cache.Get(cfg.translationKey(a), &cachedTranslation{})
}

// sourceText is what the cache key sees of an article: the parsed text
// that is sent for translation (lede and paragraphs, not the date or the
// agency), so a file re-saved with CRLF or a BOM, or a resend with only a
// new date, still hits the cache.
func sourceText(a article.Article) string {
	return a.Lede + "\n\n" + strings.Join(a.Paragraphs, "\n\n")
}
