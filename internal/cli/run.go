package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

func newRunCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run PATH... [flags]",
		Short: "Translate and summarise articles and write the briefing",
		Long: `Reads every *.txt below each PATH folder (or each PATH file), translates and
summarises each article through the model, and writes OUT/articles/<slug>.md,
OUT/briefing.md and OUT/manifest.json.

Exit codes: 0 all ok; 1 nothing useful could be done (bad config, endpoint
down, wrong key or model); 2 some articles failed or were left for the next
run, the briefing was written; 130 interrupted.`,
		Example: `  brief run ./articles --lang en
  brief run ./articles -o ./out --model qwen2.5:7b -j 8
  OPENAI_API_KEY=... brief run ./articles --base-url https://api.openai.com/v1 --model gpt-4o-mini`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := applyLayers(cmd.Flags()); err != nil {
				return exitWith(ExitFatal, err)
			}
			if err := o.validate(); err != nil {
				return exitWith(ExitFatal, err)
			}
			return runRun(cmd.Context(), io, o, args)
		},
	}
	o.register(cmd.Flags())
	return cmd
}

func runRun(ctx context.Context, io *iostreams.IOStreams, o *runOptions, paths []string) error {
	start := time.Now()
	outAbs, _ := filepath.Abs(o.out)
	inputs, err := article.Discover(paths, article.DiscoverOptions{Exclude: []string{outAbs}})
	if err != nil {
		return exitWith(ExitFatal, err)
	}
	if len(inputs) == 0 {
		return exitWith(ExitFatal, fmt.Errorf("no *.txt articles found in %s", strings.Join(paths, ", ")))
	}
	parse := article.Options{MaxBytes: o.maxSize}
	load := func(path string) (article.Article, error) { return article.ReadFile(path, parse) }
	jobs := make([]pipeline.Job, 0, len(inputs))
	for _, in := range inputs {
		jobs = append(jobs, pipeline.Job{Source: in.Path, ID: in.ID, Skip: in.Skip})
	}
	var period string
	if o.since != "" {
		var from time.Time
		jobs, from, err = filterSince(jobs, o.since, load, time.Now())
		if err != nil {
			return exitWith(ExitFatal, err)
		}
		period = from.Format("2 January 2006") + " – " + time.Now().Format("2 January 2006")
	}

	ps, err := prompts.Load(o.promptsDir)
	if err != nil {
		return exitWith(ExitFatal, err)
	}
	var glossary *translate.Glossary
	if o.glossary != "" {
		if glossary, err = translate.LoadGlossary(o.glossary); err != nil {
			return exitWith(ExitFatal, err)
		}
	}

	rep := progress.New(io.ErrOut, len(jobs), io.IsStderrTTY(), o.quiet)
	client, err := newClient(&o.endpointOptions, rep.Logf)
	if err != nil {
		return exitWith(ExitFatal, err)
	}
	// The preflight runs before the first model call, not before the run:
	// a fully cached re-run then needs no endpoint at all, and a dead
	// endpoint is still found once, before a pool of doomed requests.
	completer := &preflighted{client: client}
	tr := translate.New(completer, ps, translate.Options{
		From: o.from, To: o.lang, ContextTokens: o.contextSize, Glossary: glossary, Strict: o.strict,
	})
	sum := summarize.New(completer, ps, o.lang, o.contextSize)
	sum.SetParallel(o.concurrency)

	cfg := pipeline.Config{
		OutDir: o.out, Concurrency: o.concurrency, Model: o.model, Endpoint: endpointIdentity(o.baseURL),
		CacheTag: o.cacheTag, Temperature: o.temperature,
		From: o.from, Lang: o.lang, Formats: o.formats, Strict: o.strict, Period: period, Verbose: o.verbose,
		Load: load, Translator: tr, Summarizer: sum, Progress: rep, ClientStats: client.Stats,
		Budget: pipeline.Budget{
			MaxTokens: o.maxTokens, MaxCost: o.maxCost, PriceIn: o.priceIn, PriceOut: o.priceOut,
		},
	}
	if o.deadline > 0 {
		cfg.Budget.Deadline = start.Add(o.deadline)
	}

	if o.dryRun {
		if !o.noCache && !o.force {
			cfg.Cache = cache.OpenExisting(o.cacheDir)
		}
		return dryRun(io, o, jobs, cfg)
	}

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return exitWith(ExitFatal, fmt.Errorf("cannot create output folder %s: %v (pass --out to write elsewhere)", o.out, err))
	}
	lock := flock.New(filepath.Join(o.out, ".brief.lock"))
	locked, err := lock.TryLock()
	if err != nil {
		return exitWith(ExitFatal, fmt.Errorf("cannot lock output folder %s: %v", o.out, err))
	}
	if !locked {
		return exitWith(ExitFatal, fmt.Errorf("another brief run is writing to %s: wait for it to finish, or pass another --out", o.out))
	}
	defer lock.Unlock()

	if !o.noCache {
		c, err := cache.Open(o.cacheDir)
		if err != nil {
			return exitWith(ExitFatal, err)
		}
		cfg.Cache = c
		if o.force {
			cfg.Cache = c.WriteOnly()
		}
	}
	outcome := pipeline.Run(ctx, cfg, jobs)
	rep.Finish()
	// -q is for cron, which mails whatever a job prints: a clean run
	// prints nothing at all.
	clean := outcome.Fatal == nil && !outcome.Interrupted && !outcome.Failed()
	if !(o.quiet && clean) {
		printSummary(io, o, outcome, client.Stats(), time.Since(start))
	}
	if !o.quiet && outcome.Manifest != nil && outcome.Manifest.Briefing != "" && outcome.Fatal == nil {
		// stdout carries only the result, for scripts: where the briefing is.
		fmt.Fprintln(io.Out, filepath.Join(o.out, outcome.Manifest.Briefing))
	}

	switch {
	case outcome.Fatal != nil:
		return exitWith(ExitFatal, outcome.Fatal)
	case outcome.Interrupted:
		return exitWith(ExitInterrupted, nil)
	case outcome.Failed():
		return exitWith(ExitPartial, nil)
	}
	return nil
}

// preflighted runs the client's preflight once, before the first request
// goes out; every caller waits for it and a fatal answer is shared by all,
// so a wrong key or model is reported once, not once per article.
type preflighted struct {
	client *llm.Client
	once   onceErr
}

func (p *preflighted) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	if err := p.once.Do(func() error { return p.client.Preflight(ctx) }); err != nil {
		return llm.Response{}, err
	}
	return p.client.Complete(ctx, req)
}

func newClient(o *endpointOptions, logf func(string, ...any)) (*llm.Client, error) {
	retries := o.retries
	if retries == 0 {
		retries = -1 // the client reads 0 as "default"; the user means none
	}
	cfg := llm.Config{
		BaseURL: o.baseURL, APIKey: o.apiKey, Model: o.model,
		Timeout: o.timeout, IdleTimeout: o.idleTimeout, Retries: retries,
		RPM: o.rpm, TPM: o.tpm, Temperature: o.temperature,
		KeyHint: "set OPENAI_API_KEY (or pass --api-key) to the key for this endpoint",
	}
	// Retries, fallbacks and a slow model load are worth a line even in
	// cron: they explain a slow or failed run. -q keeps it silent.
	if !o.quiet {
		cfg.Logf = logf
	}
	return llm.New(cfg)
}

func printSummary(io *iostreams.IOStreams, o *runOptions, out pipeline.Outcome, st llm.Stats, took time.Duration) {
	t := out.Manifest.Totals
	line := fmt.Sprintf("brief: %d ok, %d cached, %d failed, %d skipped", t.OK, t.Cached, t.Failed, t.Skipped)
	if t.Pending > 0 {
		line += fmt.Sprintf(", %d left for the next run", t.Pending)
	}
	usage := "tokens"
	if st.Usage.Estimated {
		usage = "tokens (estimated)"
	}
	line += fmt.Sprintf(" · %d requests, %d retries · %d %s", st.Requests, st.Retries, st.Usage.Total(), usage)
	if t.CostUSD != nil {
		line += fmt.Sprintf(" · $%.4f", *t.CostUSD)
	}
	line += fmt.Sprintf(" · %s → %s", took.Round(100*time.Millisecond), filepath.Join(o.out, "briefing.md"))
	if out.Interrupted {
		line += " (interrupted)"
	}
	if out.Stopped != "" {
		line += " (stopped: " + out.Stopped + ")"
	}
	fmt.Fprintln(io.ErrOut, line)
	if out.DigestErr != nil {
		fmt.Fprintln(io.ErrOut, "brief: the briefing has no digest: "+out.DigestErr.Error())
	}
}

// onceErr is sync.Once for a function that can fail: the first caller runs
// it, the others wait for its result; a context cancellation is not
// remembered, so a later caller can try again.
type onceErr struct {
	mu   sync.Mutex
	done bool
	err  error
}

func (o *onceErr) Do(f func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return o.err
	}
	err := f()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	o.done, o.err = true, err
	return err
}

// endpointIdentity is the endpoint as the manifest shows it and the cache
// keys it: credentials removed, scheme and host lower-cased, no trailing
// slash, so ".../v1/" and ".../v1" do not re-buy every translation.
func endpointIdentity(baseURL string) string {
	u, err := url.Parse(llm.RedactURL(baseURL))
	if err != nil {
		return llm.RedactURL(baseURL)
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String()
}
