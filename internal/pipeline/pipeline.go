// Package pipeline runs a whole brief job: a pool of workers takes each
// input through translate → summarize → article file, with a cache in front
// of every model call, then writes the briefing and the manifest. It knows
// the order of the steps, not how any step works inside.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// Config wires a run. Everything a step needs comes in as a value so tests
// and benchmarks can build any of it.
type Config struct {
	OutDir      string
	Concurrency int
	Model       string
	Endpoint    string // redacted; shown, never part of a cache key
	// CacheTag keeps apart results a user wants apart although the model
	// name is the same (a quantised copy, a fine-tune sharing a name).
	CacheTag string
	// NoMemory: no translation memory (--no-memory); paragraphs are
	// neither reused nor remembered.
	NoMemory bool
	// Temperature is part of the cache key: an answer sampled hotter is
	// another answer.
	Temperature float64
	From, Lang  string
	Formats     []string // "md", "html", "json", "atom"; md is always written
	// Archive keeps a dated copy of the briefing (briefing-2026-W48.md).
	Archive bool
	// SiteURL is the address OUT is served at, for absolute links in
	// briefing.atom; "" keeps them relative.
	SiteURL string
	Strict  bool
	Verbose bool // progress lines also give requests, tokens and time

	// Load reads one input as Discover found it (through its folder's
	// os.Root, so nothing outside the folder is read).
	Load       func(article.Input) (article.Article, error)
	Translator *translate.Translator
	Summarizer *summarize.Summarizer
	// Reviewer, when set (--review), asks a model for each translation's
	// errors; ReviewModel is the model it asks, for the cache key.
	Reviewer    *translate.Reviewer
	ReviewModel string
	Cache       *cache.Cache // nil: no cache
	Progress    progress.Reporter
	Now         func() time.Time
	// ClientStats gives the run's request and retry totals for the manifest.
	ClientStats func() llm.Stats
	// ContextWindow gives the window the run's requests were fitted into,
	// for the manifest; ok is false when no request was made.
	ContextWindow func() (w llm.Window, ok bool)
	// Period, when set, names the briefing's period (e.g. the --since
	// window) instead of the span of the article dates.
	Period string
	// LeftOut says what the --since window left out, for the briefing.
	LeftOut string

	Budget Budget
}

// Budget bounds an unattended run: when a limit would be passed no new
// article starts; the ones done are written and the rest left pending.
type Budget struct {
	MaxTokens int       // total tokens, 0 = no limit
	MaxCost   float64   // USD, 0 = no limit
	PriceIn   float64   // USD per million prompt tokens
	PriceOut  float64   // USD per million completion tokens
	Deadline  time.Time // zero = none; in-flight requests are cancelled when it passes
}

// Outcome is what a run did; the CLI maps it to an exit code.
type Outcome struct {
	Manifest *manifest.Manifest
	// Fatal is set when the run stopped because the endpoint cannot work
	// (llm.ErrFatal) or outputs could not be written.
	Fatal error
	// Interrupted is set when ctx was cancelled (Ctrl-C, SIGTERM).
	Interrupted bool
	// Stopped names the budget that stopped the run early, if any.
	Stopped string
	// DigestErr is set when the briefing was written without its digest.
	DigestErr error
	// Kept is set when the run made no story and the previous briefing
	// (and its manifest) were left in place instead of an empty one.
	Kept bool
}

// NothingRead reports whether there were inputs and every one was skipped
// (none could be read as an article): nothing useful could be done.
func (o Outcome) NothingRead() bool {
	t := o.Manifest.Totals
	return t.Inputs > 0 && t.Skipped == t.Inputs
}

// ErrPartial is what a run (or a step of one) that did part of its work
// ends with: some articles failed or were left for the next run, or a
// translation was refused by the checks. What was done was written.
var ErrPartial = errors.New("partly done")

// Partial marks err as ErrPartial; its message stays err's.
func Partial(err error) error { return marked{err, ErrPartial} }

// marked is an error that also is mark (errors.Is), its words unchanged.
type marked struct {
	error
	mark error
}

func (m marked) Unwrap() []error { return []error{m.error, m.mark} }

// Failed reports whether any input failed or was left undone.
func (o Outcome) Failed() bool {
	t := o.Manifest.Totals
	return t.Failed > 0 || t.Pending > 0 || o.DigestErr != nil
}

// result is what a worker leaves for the briefing: small by design (no
// translation text), so a run over 10,000 articles holds little.
type result struct {
	entry manifest.Entry
	story *story.Story
}

type runner struct {
	cfg Config
	// out is the output folder, opened with os.Root: every file the run
	// writes goes through it, so no link in the folder leads a write out.
	out *os.Root
	// cacheOnly: the endpoint is gone (a fatal error); only articles the
	// cache fully holds can still be finished.
	cacheOnly bool
	// previous is the manifest the last run left in the folder (nil if
	// none): what it wrote, so what no longer belongs can be removed.
	previous *manifest.Manifest
	// stopReason goes into the manifest when the run ended early.
	stopReason string
	results    []result
	// mem is the run's translation memory (one, so it knows what the
	// run taught it: see tm.Memory.AsFound); nil: none.
	mem *tm.Memory
	// inFlight: the paragraphs articles in flight are translating.
	inFlight inFlight
	hashes   sync.Map // output name → SHA-256 of what this run wrote (wrote)
	mu       sync.Mutex
	spent    tokens.Usage // by the run's steps, for the budget
}

// Run processes the inputs and writes everything into cfg.OutDir: a pool
// of workers takes each input through its steps, what the cache holds is
// finished after a fatal error, and the briefing and manifest are written
// whatever happened, so what finished is not lost.
func Run(ctx context.Context, cfg Config, inputs []article.Input) Outcome {
	started := cfg.Now()
	r := &runner{cfg: cfg, results: make([]result, len(inputs)), mem: cfg.Memory()}
	for i, in := range inputs {
		r.results[i].entry = manifest.Entry{Source: in.Path, ID: in.ID, Status: manifest.StatusPending}
	}
	outDir, previous, err := prepareOutDir(cfg.OutDir)
	if err != nil {
		return Outcome{Fatal: marked{err, ErrOutput}, Manifest: &manifest.Manifest{}}
	}
	defer outDir.Close()
	r.out, r.previous = outDir, previous

	// A --deadline bounds the whole run: requests still in flight when it
	// passes are cancelled and their articles left for the next run.
	workCtx := ctx
	if !cfg.Budget.Deadline.IsZero() {
		var cancel context.CancelFunc
		workCtx, cancel = context.WithDeadline(ctx, cfg.Budget.Deadline)
		defer cancel()
	}
	fatal, stopped := r.dispatch(workCtx, inputs)
	interrupted := ctx.Err() != nil
	if !interrupted && workCtx.Err() != nil && stopped == "" {
		stopped = "the --deadline was reached"
	}
	// After a fatal endpoint error the model is out of reach but the cache
	// is not: finish every article it fully holds, so one bad week does not
	// replace a good briefing with an empty one.
	if errors.Is(fatal, llm.ErrFatal) && !interrupted {
		r.finishFromCache(ctx, inputs)
	}
	r.explainPending(interrupted, fatal, stopped)

	// The briefing and manifest are written even when the run was
	// interrupted or stopped: what finished is not lost. The digest is
	// asked for only when the run ended normally.
	r.stopReason = stopped
	if fatal != nil {
		r.stopReason = fatal.Error()
	}
	out := r.finish(ctx, started, interrupted || fatal != nil || stopped != "")
	out.Interrupted = ctx.Err() != nil
	out.Stopped = stopped
	out.Fatal = errors.Join(fatal, out.Fatal)
	return out
}

// ErrOutput marks an error about the output folder: a file that could not
// be written (a full disk, a folder where the file should be) or a folder
// that is not brief's to write. The CLI names it as why the run stopped.
var ErrOutput = errors.New("the output folder could not be written")

// cannotWrite is a failed write into the output folder (atomicfile's error
// names the file), with what to do about it.
func cannotWrite(err error) error {
	return marked{fmt.Errorf("cannot write output: %w (make room, or move away what is in the way, and run again)", err), ErrOutput}
}

// prepareOutDir opens the output folder (creating it) as an os.Root with
// the manifest the last run left there, refuses a folder whose
// manifest.json brief did not write or whose articles/ is not a folder of
// its own (a symlink would send the article files elsewhere), and removes
// the temp files a killed run left behind.
func prepareOutDir(dir string) (*os.Root, *manifest.Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("cannot create output folder: %w (pass --out to write elsewhere)", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open output folder: %w (pass --out to write elsewhere)", err)
	}
	fail := func(err error) (*os.Root, *manifest.Manifest, error) {
		root.Close()
		return nil, nil, err
	}
	previous, err := manifest.Load(root, "manifest.json")
	if err != nil {
		return fail(fmt.Errorf("output folder %s: %w", dir, err))
	}
	if err := root.Mkdir("articles", 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fail(fmt.Errorf("cannot create output folder: %w (pass --out to write elsewhere)", err))
	}
	if fi, err := root.Lstat("articles"); err != nil || !fi.IsDir() {
		return fail(fmt.Errorf("output folder %s: articles is not a folder brief made (a symlink or a file): brief will not write through it; remove it or pass another --out", dir))
	}
	removeTemps(root, ".")
	removeTemps(root, "articles")
	return root, previous, nil
}

// dispatch runs the worker pool over the inputs until they are all done,
// a budget stops it (stopped names which), ctx ends, or an article hits an
// error that dooms the run (returned as fatal; cancellations are not).
//
// The producer takes a slot before it looks at the budget, so the check
// sees what every finished article spent (restic's pattern: errgroup for
// errors, a channel for the -j limit).
func (r *runner) dispatch(ctx context.Context, inputs []article.Input) (fatal error, stopped string) {
	g, gctx := errgroup.WithContext(ctx)
	slots := make(chan struct{}, r.cfg.Concurrency)
	for i, in := range inputs {
		// A slot taken here and not given to a worker is left taken: no
		// article starts after it.
		select {
		case slots <- struct{}{}:
		case <-gctx.Done():
		}
		if gctx.Err() != nil {
			break
		}
		if stopped = r.overBudget(); stopped != "" {
			break
		}
		g.Go(func() error {
			defer func() { <-slots }()
			return r.process(gctx, i, in)
		})
	}
	fatal = g.Wait()
	if errors.Is(fatal, context.Canceled) || errors.Is(fatal, context.DeadlineExceeded) {
		fatal = nil
	}
	return fatal, stopped
}

// finishFromCache finishes the pending articles the cache fully holds,
// calling no model.
func (r *runner) finishFromCache(ctx context.Context, inputs []article.Input) {
	r.cacheOnly = true
	for i, in := range inputs {
		if r.results[i].entry.Status == manifest.StatusPending {
			r.process(ctx, i, in)
		}
	}
}

// explainPending gives every article left pending the reason it was not
// done, unless its worker already gave one.
func (r *runner) explainPending(interrupted bool, fatal error, stopped string) {
	why := ""
	switch {
	case interrupted:
		why = "not done: the run was interrupted; the next run does it"
	case fatal != nil:
		why = "not done: " + fatal.Error()
	case stopped != "":
		why = "not done: " + stopped + "; the next run does it"
	}
	for i := range r.results {
		if e := &r.results[i].entry; e.Status == manifest.StatusPending && e.Error == "" {
			e.Error = why
		}
	}
}

// overBudget names the limit that the next article would pass, if any.
func (r *runner) overBudget() string {
	b := r.cfg.Budget
	if !b.Deadline.IsZero() && !r.cfg.Now().Before(b.Deadline) {
		return "the --deadline was reached"
	}
	r.mu.Lock()
	spent := r.spent
	r.mu.Unlock()
	if b.MaxTokens > 0 && spent.Total() >= b.MaxTokens {
		return fmt.Sprintf("the --max-tokens budget of %d was used up", b.MaxTokens)
	}
	if b.MaxCost > 0 && b.Cost(spent.PromptTokens, spent.CompletionTokens) >= b.MaxCost {
		return fmt.Sprintf("the --max-cost budget of $%.2f was used up", b.MaxCost)
	}
	return ""
}

func (r *runner) account(u tokens.Usage) {
	r.mu.Lock()
	r.spent = r.spent.Add(u)
	r.mu.Unlock()
}

// usd rounds an amount to a millionth of a dollar where it is written: sums
// of prices per million tokens otherwise print as 0.00045854999999999995.
// Budgets compare unrounded costs, so many tiny ones still count.
func usd(c float64) float64 { return math.Round(c*1e6) / 1e6 }

// removeTemps deletes the temp files a killed run left behind in dir
// below root: regular files of atomicfile's exact pattern for a file brief
// writes there (briefing and article pages, .md, .html, .json, and the
// manifest), nothing else.
func removeTemps(root *os.Root, dir string) {
	d, err := root.Open(dir)
	if err != nil {
		return
	}
	entries, _ := d.ReadDir(-1)
	d.Close()
	for _, e := range entries {
		target, ok := atomicfile.TempTarget(e.Name())
		if ok && e.Type().IsRegular() && slices.Contains([]string{".md", ".html", ".json"}, filepath.Ext(target)) {
			root.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
