package cli

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/wiring"
	"github.com/brief-news/brief/translate"
)

// endpointOptions are the flags every command that talks to the model has.
type endpointOptions struct {
	config      string
	baseURL     string
	baseURLs    []string        // every --base-url: several make a run over several servers
	endpoints   []wiring.Server // the config file's endpoints list
	model       string
	apiKey      string
	apiKeyFile  string
	timeout     time.Duration
	idleTimeout time.Duration
	retries     int
	rpm, tpm    int
	temperature float64
	verbose     bool
	quiet       bool
}

func (o *endpointOptions) register(fs *pflag.FlagSet) {
	d := wiring.Defaults()
	fs.StringVar(&o.config, "config", "", "config file (env BRIEF_CONFIG; default ./brief.yaml, then the user config folder's brief/brief.yaml)")
	fs.Var(newURLList(&o.baseURL, &o.baseURLs, d.Client.BaseURL), "base-url", "OpenAI-compatible endpoint (env OPENAI_BASE_URL); give it more than once to spread a run over several servers")
	fs.Var(&endpointList{servers: &o.endpoints}, "endpoints", "servers of a run, each with its own base-url, api-key, concurrency and model (config file only)")
	_ = fs.MarkHidden("endpoints")
	fs.StringVar(&o.model, "model", d.Client.Model, "model name (env BRIEF_MODEL)")
	fs.StringVar(&o.apiKey, "api-key", "", "API key; prefer the env OPENAI_API_KEY (never printed)")
	fs.StringVar(&o.apiKeyFile, "api-key-file", "", "read the API key from this file (for cron and brief.yaml: the key stays out of the config and the process list)")
	fs.Var(newDurationValue(&o.timeout, d.Client.Timeout), "timeout", "longest time one model request may take, first byte included (a local model may need minutes to load)")
	fs.Var(newDurationValue(&o.idleTimeout, d.Client.IdleTimeout), "idle-timeout", "give up on a request when no token arrived for this long")
	fs.IntVar(&o.retries, "retries", d.Client.Retries, "retries of a failed request (rate limits, server errors, cut streams; 0: none)")
	fs.IntVar(&o.rpm, "rpm", 0, "at most this many requests per minute (0: no limit)")
	fs.IntVar(&o.tpm, "tpm", 0, "at most this many tokens per minute (0: no limit)")
	fs.Float64Var(&o.temperature, "temperature", d.Client.Temperature, "sampling temperature sent with every request; low keeps a translation faithful (-1: the server's own)")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "say more: requests, tokens and time per article")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing when every article is ok; otherwise only the failures and the final line (for cron)")
}

func (o *endpointOptions) validate() error {
	if _, err := llm.ParseBaseURL(o.baseURL); err != nil {
		return fmt.Errorf("check --base-url: %w", err)
	}
	if strings.TrimSpace(o.model) == "" {
		return fmt.Errorf("no model given: pass --model or set BRIEF_MODEL")
	}
	if o.retries < 0 || o.retries > maxRetries {
		return fmt.Errorf("--retries %d: give 0 to %d", o.retries, maxRetries)
	}
	if o.timeout <= 0 {
		return fmt.Errorf("--timeout must be more than 0 (e.g. 10m): it bounds one request")
	}
	if o.idleTimeout <= 0 {
		return fmt.Errorf("--idle-timeout must be more than 0 (e.g. 60s): it bounds a silent stream")
	}
	if o.rpm < 0 || o.tpm < 0 {
		return fmt.Errorf("--rpm and --tpm must be 0 (no limit) or more, not %d and %d", o.rpm, o.tpm)
	}
	if math.IsNaN(o.temperature) || o.temperature > 2 || (o.temperature < 0 && o.temperature != -1) {
		return fmt.Errorf("--temperature %g: give a value from 0 to 2, or -1 for the server's own", o.temperature)
	}
	if err := o.readKeyFile(); err != nil {
		return err
	}
	if o.verbose && o.quiet {
		return fmt.Errorf("--verbose and --quiet contradict each other: pass one")
	}
	return nil
}

// maxRetries bounds --retries: more is a typo, and would keep a dead
// endpoint busy for hours.
const maxRetries = 100

// runOptions are `brief run`'s own flags.
type runOptions struct {
	endpointOptions
	out           string
	lang          string
	from          string
	concurrency   int
	contextSize   int
	formats       []string
	siteURL       string
	promptsDir    string
	glossary      string
	strict        bool
	review        bool
	reviewModel   string
	maxSize       int64
	cacheDir      string
	cacheTag      string
	noCache       bool
	force         bool
	since         string
	windowStart   time.Time // where --since starts, once parsed
	dryRun        bool
	archive       bool
	asJSON        bool
	priceIn       float64
	priceOut      float64
	maxCost       float64
	maxTokens     int
	deadline      time.Duration
	batch         bool
	noWait        bool
	batchWait     bool
	batchPoll     time.Duration
	batchFallback bool
	batchDiscount float64
}

func (o *runOptions) register(fs *pflag.FlagSet) {
	o.endpointOptions.register(fs)
	d := wiring.Defaults()
	fs.StringVarP(&o.out, "out", "o", d.Out, "output folder")
	fs.StringVar(&o.lang, "lang", d.Lang, "target language (BCP 47: en, de, sv, ...)")
	fs.StringVar(&o.from, "from", d.From, "source language")
	fs.IntVarP(&o.concurrency, "concurrency", "j", d.Concurrency, "articles in flight at once")
	fs.Var(newContextValue(&o.contextSize, d.ContextTokens), "context", "the model's context window in tokens, or auto to ask the server (a server that gives less wins); long articles are split to fit")
	fs.StringSliceVar(&o.formats, "format", d.Formats, "briefing formats: md, html, json, atom (comma-separated)")
	fs.StringVar(&o.siteURL, "site-url", "", "the address the output folder is published at (https://...); briefing.atom then links absolutely")
	fs.StringVar(&o.promptsDir, "prompts", "", "folder with edited prompt templates (write them with: brief prompts --write DIR)")
	fs.StringVar(&o.glossary, "glossary", "", "TSV or CSV file of fixed translations: source term, target term")
	fs.BoolVar(&o.strict, "strict", false, "treat translation warnings as failures")
	fs.BoolVar(&o.review, "review", false, "ask the model for each translation's errors too (a second opinion, one more request per article; cached)")
	fs.StringVar(&o.reviewModel, "review-model", "", "with --review: the model that reviews (default: --model)")
	fs.Int64Var(&o.maxSize, "max-size", d.MaxSize, "skip input files larger than this many bytes")
	fs.StringVar(&o.cacheDir, "cache-dir", d.CacheDir, "where finished translations and summaries are kept between runs")
	fs.StringVar(&o.cacheTag, "cache-tag", "", "keep these results apart in the cache from others of the same model name (e.g. q4 for a quantised copy); the endpoint URL is not part of the cache key")
	fs.BoolVar(&o.noCache, "no-cache", false, "neither read nor write the cache")
	fs.BoolVar(&o.force, "force", false, "redo everything, ignoring the cache (results are still stored)")
	fs.StringVar(&o.since, "since", "", "only articles dated (or modified) within this window: 7d, 36h, or a date 2026-11-01")
	fs.BoolVar(&o.archive, "archive", false, "also keep a dated copy of the briefing (briefing-2026-W48.md beside briefing.md) that later runs leave alone")
	fs.BoolVar(&o.dryRun, "dry-run", false, "parse everything and estimate requests, tokens and cost; call nothing, write nothing")
	fs.BoolVar(&o.asJSON, "json", false, "with --dry-run: print the estimate as JSON for scripts")
	fs.Float64Var(&o.priceIn, "price-in", 0, "USD per million prompt tokens, for cost estimates and --max-cost")
	fs.Float64Var(&o.priceOut, "price-out", 0, "USD per million completion tokens")
	fs.Float64Var(&o.maxCost, "max-cost", 0, "start no new article once this many USD are spent (needs --price-in/--price-out)")
	fs.IntVar(&o.maxTokens, "max-tokens", 0, "start no new article once this many tokens are spent")
	fs.Var(newDurationValue(&o.deadline, 0), "deadline", "start no new article after this long (e.g. 45m); the briefing is still written")
	fs.BoolVar(&o.batch, "batch", false, "send each stage's requests (translations, then summaries) as one Batch API batch: half the price, done within 24 hours; the digest is a plain request")
	fs.BoolVar(&o.batchWait, "batch-wait", true, "with --batch, wait for the batches to finish (the default)")
	fs.BoolVar(&o.noWait, "no-wait", false, "with --batch, submit or check once and exit 3 while a batch is still running (run again later, e.g. from cron)")
	fs.Var(newDurationValue(&o.batchPoll, 30*time.Second), "batch-poll", "with --batch, how often to check a running batch")
	fs.BoolVar(&o.batchFallback, "batch-fallback", false, "with --batch, send requests an expired or cancelled batch did not do as plain requests instead of a new batch")
	fs.Float64Var(&o.batchDiscount, "batch-discount", 0.5, "with --batch, the batch price as a share of --price-in/--price-out (for --dry-run and --max-cost)")
}

// configure fills the flags the command line left unset (environment,
// config file) and checks them all: the first step of every command that
// takes brief run's flags.
func (o *runOptions) configure(cmd *cobra.Command) error {
	if _, err := applyLayers(cmd.Flags()); err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	return nil
}

func (o *runOptions) validate() error {
	if err := o.endpointOptions.validate(); err != nil {
		return err
	}
	if _, err := o.servers(); err != nil {
		return err
	}
	if err := o.validateBatch(); err != nil {
		return err
	}
	if o.concurrency < 1 || o.concurrency > maxSlots {
		return fmt.Errorf("--concurrency must be at least 1 and at most %d, not %d", maxSlots, o.concurrency)
	}
	if o.contextSize != 0 && o.contextSize < translate.MinContext {
		return fmt.Errorf("--context %d is too small: brief needs a window of at least %d tokens; pass your model's window, or auto to ask the server", o.contextSize, translate.MinContext)
	}
	if strings.TrimSpace(o.lang) == "" || strings.TrimSpace(o.from) == "" {
		return fmt.Errorf("--lang and --from must name languages, e.g. --lang en")
	}
	for i, f := range o.formats {
		f = strings.ToLower(strings.TrimSpace(f))
		o.formats[i] = f
		if f != "md" && f != "html" && f != "json" && f != "atom" {
			return fmt.Errorf("--format %q: choose from md, html, json, atom", f)
		}
	}
	site, err := siteURL(o.siteURL)
	if err != nil {
		return err
	}
	o.siteURL = site
	if err := o.validateLimits(); err != nil {
		return err
	}
	if o.since != "" {
		// A usage error, found before any input is read.
		if _, err := parseSince(o.since, time.Now()); err != nil {
			return err
		}
	}
	if strings.TrimSpace(o.out) == "" {
		return fmt.Errorf("--out is empty: name the output folder, e.g. --out ./briefing")
	}
	if o.asJSON && !o.dryRun {
		return fmt.Errorf("--json goes with --dry-run (a run writes briefing.json with --format json)")
	}
	if o.maxSize <= 0 {
		return fmt.Errorf("--max-size must be positive")
	}
	return nil
}

// validateLimits checks the budget flags: amounts are finite and not
// negative (NaN would compare false with every limit and disable it).
func (o *runOptions) validateLimits() error {
	for _, p := range []struct {
		flag string
		v    float64
	}{{"--price-in", o.priceIn}, {"--price-out", o.priceOut}, {"--max-cost", o.maxCost}} {
		if p.v < 0 || math.IsNaN(p.v) || math.IsInf(p.v, 0) {
			return fmt.Errorf("%s %g: give an amount in USD, 0 or more", p.flag, p.v)
		}
	}
	if o.maxTokens < 0 {
		return fmt.Errorf("--max-tokens %d: give 0 (no limit) or more", o.maxTokens)
	}
	if o.maxCost > 0 && o.priceIn == 0 && o.priceOut == 0 {
		return fmt.Errorf("--max-cost needs prices: pass --price-in and --price-out (USD per million tokens)")
	}
	return nil
}

// maxKeyFile bounds what --api-key-file reads: a key is a line, and a
// misnamed file (a log, an image) must not be sent as a header.
const maxKeyFile = 4 << 10

// readKeyFile fills apiKey from --api-key-file unless a key was given
// directly. The file's content never appears in an error.
func (o *endpointOptions) readKeyFile() error {
	if o.apiKeyFile == "" || o.apiKey != "" {
		return nil
	}
	f, err := os.Open(o.apiKeyFile)
	if err != nil {
		return fmt.Errorf("--api-key-file: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return fmt.Errorf("--api-key-file %s: %v", o.apiKeyFile, err)
	}
	key := strings.TrimSpace(string(data))
	switch {
	case len(data) > maxKeyFile:
		return fmt.Errorf("--api-key-file %s is larger than %d bytes: it should hold the key alone", o.apiKeyFile, maxKeyFile)
	case key == "":
		return fmt.Errorf("--api-key-file %s is empty: put the API key in it", o.apiKeyFile)
	case strings.ContainsAny(key, "\r\n\x00"):
		return fmt.Errorf("--api-key-file %s has more than one line: it should hold the key alone", o.apiKeyFile)
	}
	o.apiKey = key
	return nil
}

// siteURL checks --site-url: an absolute http(s) address without
// credentials, query or fragment, returned ending in a slash so article
// links resolve below it. "" stays "".
func siteURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("--site-url %q is not an address: give it as https://news.example/briefing/", s)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", fmt.Errorf("--site-url %q: give the full address where the output folder is published, starting with https://", s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("--site-url %q: give the address without user name, query or fragment", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}
