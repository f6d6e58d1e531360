package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/summarize"
)

// finish writes the briefing and the manifest from the workers' results.
// When the run was cut short it makes no model call (the digest comes from
// the cache or is left out), so Ctrl-C still exits in seconds.
func (r *runner) finish(ctx context.Context, started time.Time, cutShort bool) Outcome {
	var out Outcome
	b := r.briefing()
	b.Changes = r.changes(shownStories(b))
	tagErr := r.tagStories(b.Groups)
	d, spent, digestErr := r.digest(ctx, shownStories(b), b.Period, cutShort)
	b.Digest, out.DigestErr = d.Text, digestErr
	// The briefing's token line is what its content cost, digest included.
	b.Run.PromptTokens += d.Usage.PromptTokens
	b.Run.OutputTokens += d.Usage.CompletionTokens
	// Ctrl-C during the digest counts as an interruption like any other.
	b.Run.Interrupted = ctx.Err() != nil
	if !b.Run.Interrupted {
		b.Run.StoppedBy = strings.TrimSuffix(r.stopReason, ".")
	}
	if out.DigestErr != nil {
		b.DigestNote = "The opening digest could not be written: " + out.DigestErr.Error()
	}
	if fi, err := r.out.Lstat("briefing.md"); len(b.Stories) == 0 && err == nil && fi.Mode().IsRegular() {
		// Nothing was made (all skipped, an empty window, the endpoint
		// down, Ctrl-C before the first article): last week's briefing
		// and its manifest stay as they are, rather than an empty one.
		out.Kept = true
		out.Manifest = r.manifest(ctx, started, spent, out.DigestErr)
		return out
	}
	// Every write that fails is reported, and the run does not end as if
	// all was well: the manifest records what was written, and the
	// tidy-up waits for a run that wrote everything.
	writeErr := r.writeBriefing(b, !cutShort && !b.Run.Interrupted && out.DigestErr == nil)
	out.Manifest = r.manifest(ctx, started, spent, out.DigestErr)
	out.Manifest.Changes = b.Changes
	out.Manifest.Files, out.Manifest.FileSHA256 = r.keptFiles()
	manifestErr := out.Manifest.WriteIn(r.out, "manifest.json")
	if manifestErr != nil {
		manifestErr = cannotWrite(manifestErr)
	}
	out.Fatal = errors.Join(tagErr, writeErr, manifestErr)
	if out.Fatal == nil {
		r.tidy(out.Manifest.FileSHA256)
	}
	return out
}

// briefing assembles the briefing from the results, without its digest:
// the finished stories, grouped and folded, and the inputs that did not
// make it.
func (r *runner) briefing() render.Briefing {
	var stories []story.Story
	var problems []render.Problem
	var dates []string
	for _, res := range r.results {
		if res.story != nil {
			stories = append(stories, *res.story)
			if res.story.Date != "" {
				dates = append(dates, res.story.Date)
			}
			continue
		}
		problems = append(problems, render.Problem{Source: res.entry.Source, Status: res.entry.Status, Reason: res.entry.Error})
	}
	return render.Briefing{
		Period:   cmp.Or(r.cfg.Period, render.Period(dates, r.cfg.Now())),
		Stories:  stories,
		Groups:   story.Organize(stories),
		Problems: problems,
		LeftOut:  r.cfg.LeftOut,
		Run:      runFacts(r.cfg, stories),
	}
}

// shownStories are the stories as the briefing shows them, which is what
// the digest reads: a folded wire resend once, in its latest version, in
// the briefing's order.
func shownStories(b render.Briefing) []story.Story {
	var shown []story.Story
	for _, g := range b.Groups {
		shown = append(shown, g.Stories...)
	}
	return shown
}

// writeBriefing writes briefing.md and the other asked-for formats, each
// whatever became of the others, and returns every write that failed.
// With archive, a dated copy is kept too (see archive).
func (r *runner) writeBriefing(b render.Briefing, complete bool) error {
	files := []outFile{{"briefing.md", render.BriefingMarkdown(b)}}
	if slices.Contains(r.cfg.Formats, "atom") {
		b.Feed = "briefing.atom"
	}
	if slices.Contains(r.cfg.Formats, "html") {
		files = append(files, outFile{"briefing.html", render.BriefingHTML(b)})
	}
	if slices.Contains(r.cfg.Formats, "json") {
		files = append(files, outFile{"briefing.json", render.BriefingJSON(b)})
	}
	if b.Feed != "" {
		f := r.feed()
		f.IDs = r.feedIDs(f, shownStories(b))
		files = append(files, outFile{"briefing.atom", render.BriefingAtom(b, f)})
	}
	var errs []error
	for _, f := range files {
		if err := atomicfile.WriteIn(r.out, f.name, f.data, 0o644); err != nil {
			errs = append(errs, cannotWrite(err))
			continue
		}
		r.wrote(f.name, f.data)
	}
	if r.cfg.Archive && len(errs) == 0 {
		errs = append(errs, r.archive(files, r.cfg.Now(), complete))
	}
	return errors.Join(errs...)
}

// feed is what briefing.atom needs besides the briefing: the site's
// address, the folder it stands for and which article pages to link.
func (r *runner) feed() render.Feed {
	f := render.Feed{SiteURL: r.cfg.SiteURL, PageExt: ".md"}
	f.Key, _ = filepath.Abs(r.cfg.OutDir)
	if slices.Contains(r.cfg.Formats, "html") {
		f.PageExt = ".html"
	}
	return f
}

// manifest records the run: every entry in input order, the digest, and
// this run's own totals (requests, retries, time, cost).
func (r *runner) manifest(ctx context.Context, started time.Time, digest summarize.Result, digestErr error) *manifest.Manifest {
	cfg := r.cfg
	m := &manifest.Manifest{
		Version: 1, Started: started.UTC(), Finished: cfg.Now().UTC(), Model: cfg.Model, Endpoint: cfg.Endpoint,
		From: cfg.From, Lang: cfg.Lang, Briefing: "briefing.md", Interrupted: ctx.Err() != nil, Stopped: r.stopReason,
		Digest: manifest.Digest{Usage: digest.Usage, Requests: digest.Requests},
	}
	for _, res := range r.results {
		m.Entries = append(m.Entries, res.entry)
	}
	if digestErr != nil {
		m.Digest.Error = digestErr.Error()
	}
	m.Tally()
	m.Totals.WallMS = cfg.Now().Sub(started).Milliseconds()
	if w, ok := cfg.ContextWindow(); ok {
		m.Context = &manifest.Context{Tokens: w.Tokens, Source: w.Source}
	}
	st := cfg.ClientStats()
	m.Totals.HTTPRequests, m.Totals.Retries = st.Requests, st.Retries
	if cfg.Budget.PriceIn > 0 || cfg.Budget.PriceOut > 0 {
		c := usd(cfg.Budget.Cost(m.Totals.Usage.PromptTokens, m.Totals.Usage.CompletionTokens))
		m.Totals.CostUSD = &c
	}
	return m
}

// cachedDigest is a digest as stored in the cache, with what it cost when
// it was made.
type cachedDigest struct {
	Text  string       `json:"text"`
	Usage tokens.Usage `json:"usage"`
}

// digest returns the briefing's opening paragraph, and what this run spent
// on it: from the cache (nothing) when the same stories were digested the
// same way before, else from the model unless the run was cut short.
func (r *runner) digest(ctx context.Context, stories []story.Story, period string, cutShort bool) (d cachedDigest, spent summarize.Result, err error) {
	if len(stories) == 0 {
		return d, spent, nil
	}
	cfg := r.cfg
	in, key := digestInput(cfg, stories, period)
	switch {
	case cfg.lookup(key, &d):
		return d, spent, nil
	case cutShort:
		return d, spent, fmt.Errorf("the run was cut short before the digest; the next run writes it")
	}
	d.Text, spent, err = cfg.Summarizer.Digest(ctx, in, period)
	r.account(spent.Usage)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("the run was interrupted during the digest; the next run writes it")
		}
		return cachedDigest{}, spent, err
	}
	d.Usage = spent.Usage
	cfg.store(key, d, "the digest")
	return d, spent, nil
}

// digestInput is what the digest reads, and its cache key: every shown
// story's date, headline and summary, the prompt, the model and the period.
func digestInput(cfg Config, stories []story.Story, period string) ([]summarize.Story, string) {
	in := make([]summarize.Story, len(stories))
	parts := append([]string{"digest", cfg.Summarizer.DigestPromptHash()}, cfg.identity()...)
	parts = append(parts, period)
	for i, s := range stories {
		in[i] = summarize.Story{Date: s.Date, Headline: s.Headline, Summary: s.Summary}
		parts = append(parts, s.Date, s.Headline, s.Summary)
	}
	return in, cache.Key(parts...)
}

// runFacts describe the briefing's content, not this run: tokens are what
// the stories cost when they were made (cached or not) and the time is when
// the newest of them was made, so an unchanged re-run writes the same bytes.
func runFacts(cfg Config, stories []story.Story) render.RunFacts {
	f := render.RunFacts{Model: cfg.Model, EndpointHost: endpointHost(cfg.Endpoint), Lang: cfg.Lang}
	for _, s := range stories {
		f.PromptTokens += s.Usage.PromptTokens
		f.OutputTokens += s.Usage.CompletionTokens
		f.MemoryParagraphs += s.MemoryParagraphs
		f.MemoryTokens += s.MemoryTokens
		if s.Generated.After(f.Started) {
			f.Started = s.Generated
		}
	}
	return f
}

// endpointHost is the host of each of the run's servers (wiring joins
// their addresses with spaces).
func endpointHost(endpoint string) string {
	var hosts []string
	for _, e := range strings.Fields(endpoint) {
		host, _, _ := strings.Cut(e, "/")
		if u, err := url.Parse(e); err == nil && u.Host != "" {
			host = u.Host
		}
		hosts = append(hosts, host)
	}
	return strings.Join(hosts, ", ")
}
