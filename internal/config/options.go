// Package config is brief's settings: one typed Options that a command's
// flags, the environment and brief.yaml fill, in that order, checked once,
// and turned into the wiring.Settings a run is built from. A command takes
// only the flags it uses (Register).
package config

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/wiring"
	"github.com/brief-news/brief/translate"
	"github.com/brief-news/brief/translate/qa"
)

// Options are every setting of brief's commands: the flags, and the same
// keys in brief.yaml (the long flag names), decoded into this one type.
// A command takes the flags it uses (Register); a setting it does not take
// keeps its default, and the file's keys for it are the other commands'.
type Options struct {
	ConfigFile  string          `yaml:"-"`
	BaseURLs    []string        `yaml:"base-url"`  // every --base-url: several make a run over several servers
	Endpoints   []wiring.Server `yaml:"endpoints"` // the config file's servers (no flag)
	Model       string          `yaml:"model"`
	APIKey      string          `yaml:"api-key"`
	APIKeyFile  string          `yaml:"api-key-file"`
	Timeout     time.Duration   `yaml:"timeout"`
	IdleTimeout time.Duration   `yaml:"idle-timeout"`
	Retries     int             `yaml:"retries"`
	RPM         int             `yaml:"rpm"`
	TPM         int             `yaml:"tpm"`
	Temperature float64         `yaml:"temperature"`
	Verbose     bool            `yaml:"verbose"`
	Quiet       bool            `yaml:"quiet"`

	Out           string        `yaml:"out"`
	Lang          string        `yaml:"lang"`
	From          string        `yaml:"from"`
	Concurrency   int           `yaml:"concurrency"`
	Context       int           `yaml:"context"` // 0: auto, ask the server
	Formats       []string      `yaml:"format"`
	SiteURL       string        `yaml:"site-url"`
	Prompts       string        `yaml:"prompts"`
	Glossary      string        `yaml:"glossary"`
	Strict        bool          `yaml:"strict"`
	Review        bool          `yaml:"review"`
	ReviewModel   string        `yaml:"review-model"`
	MaxSize       int64         `yaml:"max-size"`
	CacheDir      string        `yaml:"cache-dir"`
	CacheTag      string        `yaml:"cache-tag"`
	NoCache       bool          `yaml:"no-cache"`
	NoMemory      bool          `yaml:"no-memory"`
	Force         bool          `yaml:"force"`
	Since         string        `yaml:"since"`
	DryRun        bool          `yaml:"dry-run"`
	Archive       bool          `yaml:"archive"`
	JSON          bool          `yaml:"json"`
	PriceIn       float64       `yaml:"price-in"`
	PriceOut      float64       `yaml:"price-out"`
	MaxCost       float64       `yaml:"max-cost"`
	MaxTokens     int           `yaml:"max-tokens"`
	Deadline      time.Duration `yaml:"deadline"`
	Batch         bool          `yaml:"batch"`
	NoWait        bool          `yaml:"no-wait"`
	BatchWait     bool          `yaml:"batch-wait"`
	BatchPoll     time.Duration `yaml:"batch-poll"`
	BatchFallback bool          `yaml:"batch-fallback"`
	BatchDiscount float64       `yaml:"batch-discount"`

	// SinceTime is where the --since window starts (zero: no window).
	SinceTime time.Time `yaml:"-"`

	// origin says where a setting the command line did not give came from
	// ("OLLAMA_HOST", "base-url in brief.yaml"), so a message names it.
	origin map[string]string
	// keyWithheld: $OPENAI_API_KEY is set but not sent, since no one named
	// the server it would go to.
	keyWithheld bool
}

// named is how the user set flag: "--lang", "OPENAI_BASE_URL", "lang in brief.yaml".
func (o *Options) named(flag string) string { return cmp.Or(o.origin[flag], "--"+flag) }

// The flags of each kind of work; a command takes the lists it uses.
var (
	// Server: where the model is and how to reach it.
	Server = []string{"base-url", "api-key", "api-key-file", "timeout"}
	// Requests: how requests are sent.
	Requests = []string{"idle-timeout", "retries", "rpm", "tpm"}
	// Identity: what the cache keys an answer by, and where the cache is.
	Identity = []string{"model", "temperature", "lang", "from", "prompts", "glossary", "cache-tag", "cache-dir", "no-cache"}
	// Translation: how one article is read, translated and summarised.
	Translation = []string{"context", "strict", "max-size", "no-memory", "force"}
	// Review: the model's second opinion on each translation.
	Review = []string{"review", "review-model"}
	// Talk: how much the command says.
	Talk = []string{"verbose", "quiet"}
	// Run: the briefing of a folder of articles (brief run alone).
	Run = []string{"out", "concurrency", "format", "site-url", "since", "archive", "dry-run", "json",
		"price-in", "price-out", "max-cost", "max-tokens", "deadline",
		"batch", "batch-wait", "no-wait", "batch-poll", "batch-fallback", "batch-discount"}
)

// New is the options with every setting at its default.
func New() *Options {
	o := &Options{origin: map[string]string{}}
	o.define(pflag.NewFlagSet("defaults", pflag.ContinueOnError))
	return o
}

// Register adds --config and the named flags (lists of the vars above, or
// single names) to fs, with o's values as their defaults.
func (o *Options) Register(fs *pflag.FlagSet, lists ...[]string) {
	all := pflag.NewFlagSet("all", pflag.ContinueOnError)
	o.define(all)
	fs.AddFlag(all.Lookup("config"))
	for _, names := range lists {
		for _, n := range names {
			fs.AddFlag(all.Lookup(n))
		}
	}
}

// define defines every flag of every command on fs, setting o's fields to
// their defaults; Register picks a command's flags from them.
func (o *Options) define(fs *pflag.FlagSet) {
	d := wiring.Defaults()
	fs.StringVar(&o.ConfigFile, "config", "", "config file (env BRIEF_CONFIG; default ./brief.yaml, then the user config folder's brief/brief.yaml)")
	fs.Var(newURLList(&o.BaseURLs, d.Client.BaseURL), "base-url", "OpenAI-compatible endpoint (env OPENAI_BASE_URL); give it more than once to spread a run over several servers")
	fs.StringVar(&o.Model, "model", d.Client.Model, "model name (env BRIEF_MODEL)")
	fs.StringVar(&o.APIKey, "api-key", "", "API key; prefer the env OPENAI_API_KEY (never printed)")
	fs.StringVar(&o.APIKeyFile, "api-key-file", "", "read the API key from this file (for cron and brief.yaml: the key stays out of the config and the process list)")
	fs.Var(newDurationValue(&o.Timeout, d.Client.Timeout), "timeout", "longest time one model request may take, first byte included (a local model may need minutes to load)")
	fs.Var(newDurationValue(&o.IdleTimeout, d.Client.IdleTimeout), "idle-timeout", "give up on a request when no token arrived for this long")
	fs.IntVar(&o.Retries, "retries", d.Client.Retries, "retries of a failed request (rate limits, server errors, cut streams; 0: none)")
	fs.IntVar(&o.RPM, "rpm", 0, "at most this many requests per minute (0: no limit)")
	fs.IntVar(&o.TPM, "tpm", 0, "at most this many tokens per minute (0: no limit)")
	fs.Float64Var(&o.Temperature, "temperature", d.Client.Temperature, "sampling temperature sent with every request; low keeps a translation faithful (-1: the server's own)")
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "say more: requests, tokens and time per article")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing when every article is ok; otherwise only the failures and the final line (for cron)")
	fs.StringVarP(&o.Out, "out", "o", d.Out, "output folder")
	fs.StringVar(&o.Lang, "lang", d.Lang, "target language (BCP 47: en, de, sv, ...)")
	fs.StringVar(&o.From, "from", d.From, "source language")
	fs.IntVarP(&o.Concurrency, "concurrency", "j", d.Concurrency, "articles in flight at once")
	fs.Var(newContextValue(&o.Context, d.ContextTokens), "context", "the model's context window in tokens, or auto to ask the server (a server that gives less wins); long articles are split to fit")
	fs.StringSliceVar(&o.Formats, "format", d.Formats, "briefing formats: md, html, json, atom (comma-separated)")
	fs.StringVar(&o.SiteURL, "site-url", "", "the address the output folder is published at (https://...); briefing.atom then links absolutely")
	fs.StringVar(&o.Prompts, "prompts", "", "folder with edited prompt templates (write them with: brief prompts --write DIR)")
	fs.StringVar(&o.Glossary, "glossary", "", "TSV or CSV file of fixed translations: source term, target term")
	fs.BoolVar(&o.Strict, "strict", false, "treat translation warnings as failures")
	fs.BoolVar(&o.Review, "review", false, "ask the model for each translation's errors too (a second opinion, one more request per article; cached)")
	fs.StringVar(&o.ReviewModel, "review-model", "", "with --review: the model that reviews (default: --model)")
	fs.Int64Var(&o.MaxSize, "max-size", d.MaxSize, "skip input files larger than this many bytes")
	fs.StringVar(&o.CacheDir, "cache-dir", d.CacheDir, "where finished translations and summaries are kept between runs")
	fs.StringVar(&o.CacheTag, "cache-tag", "", "keep these results apart in the cache from others of the same model name (e.g. q4 for a quantised copy); the endpoint URL is not part of the cache key")
	fs.BoolVar(&o.NoCache, "no-cache", false, "neither read nor write the cache")
	fs.BoolVar(&o.NoMemory, "no-memory", false, "translate every paragraph anew: neither reuse nor remember paragraphs (the translation memory)")
	fs.BoolVar(&o.Force, "force", false, "redo everything, ignoring the cache (results are still stored)")
	fs.StringVar(&o.Since, "since", "", "only articles dated (or modified) within this window: 7d, 36h, or a date 2026-11-01")
	fs.BoolVar(&o.Archive, "archive", false, "also keep a dated copy of the briefing (briefing-2026-W48.md beside briefing.md) that later runs leave alone")
	fs.BoolVar(&o.DryRun, "dry-run", false, "parse everything and estimate requests, tokens and cost; call nothing, write nothing")
	fs.BoolVar(&o.JSON, "json", false, "with --dry-run: print the estimate as JSON for scripts")
	fs.Float64Var(&o.PriceIn, "price-in", 0, "USD per million prompt tokens, for cost estimates and --max-cost")
	fs.Float64Var(&o.PriceOut, "price-out", 0, "USD per million completion tokens")
	fs.Float64Var(&o.MaxCost, "max-cost", 0, "start no new article once this many USD are spent (needs --price-in/--price-out)")
	fs.IntVar(&o.MaxTokens, "max-tokens", 0, "start no new article once this many tokens are spent")
	fs.Var(newDurationValue(&o.Deadline, 0), "deadline", "start no new article after this long (e.g. 45m); the briefing is still written")
	fs.BoolVar(&o.Batch, "batch", false, "send each stage's requests (translations, then summaries) as one Batch API batch: half the price, done within 24 hours; the digest is a plain request")
	fs.BoolVar(&o.BatchWait, "batch-wait", true, "with --batch, wait for the batches to finish")
	fs.BoolVar(&o.NoWait, "no-wait", false, "with --batch, submit or check once and exit 3 while a batch is still running (run again later, e.g. from cron)")
	fs.Var(newDurationValue(&o.BatchPoll, 30*time.Second), "batch-poll", "with --batch, how often to check a running batch")
	fs.BoolVar(&o.BatchFallback, "batch-fallback", false, "with --batch, send requests an expired or cancelled batch did not do as plain requests instead of a new batch")
	fs.Float64Var(&o.BatchDiscount, "batch-discount", 0.5, "with --batch, the batch price as a share of --price-in/--price-out (for --dry-run and --max-cost)")
}

// Load fills the flags the command line left unset (environment, config
// file) and checks every setting: the first step of every command.
func (o *Options) Load(flags *pflag.FlagSet) error {
	if err := o.layer(flags); err != nil {
		return err
	}
	return o.validate(flags)
}

// validate checks every setting (those flags does not take hold their
// defaults).
func (o *Options) validate(flags *pflag.FlagSet) error {
	if err := o.validateEndpoint(); err != nil {
		return err
	}
	if err := o.languages(flags.Lookup("from") != nil); err != nil {
		return err
	}
	return o.validateRun(flags.Lookup("dry-run") != nil)
}

// languages checks --lang and --from (BCP 47); a command that translates
// (takes --from) warns once when the checks cannot read the source language.
func (o *Options) languages(translates bool) error {
	for _, l := range []struct {
		flag string
		code *string
	}{{"lang", &o.Lang}, {"from", &o.From}} {
		code, err := lang.Parse(*l.code)
		if err != nil {
			return fmt.Errorf("%s: %v: give a BCP 47 code, e.g. en, de, sv or pt-BR", o.named(l.flag), err)
		}
		*l.code = code
	}
	if lang.Base(o.From) == lang.Base(o.Lang) {
		return fmt.Errorf("%s %s and %s %s are the same language: brief translates from one language into another; give the target with --lang, e.g. en",
			o.named("from"), o.From, o.named("lang"), o.Lang)
	}
	if gap := qa.Unchecked(o.From); gap != "" && translates && !o.Quiet {
		fmt.Fprintf(Warnings, "brief: warning: %s %s: %s\n", o.named("from"), o.From, gap)
	}
	return nil
}

// rule is one check of a setting: when bad, the error is the setting,
// named where it was set, followed by why.
type rule struct {
	flag string
	bad  bool
	why  string
}

// broken is the first of rules that is bad, as an error.
func (o *Options) broken(rules ...rule) error {
	for _, r := range rules {
		if r.bad {
			return fmt.Errorf("%s%s", o.named(r.flag), r.why)
		}
	}
	return nil
}

// validateEndpoint checks the settings of the server and its requests.
func (o *Options) validateEndpoint() error {
	if len(o.BaseURLs) == 0 || len(o.BaseURLs) > maxServers {
		return fmt.Errorf("--base-url: give 1 to %d servers", maxServers)
	}
	for _, u := range o.BaseURLs {
		if _, err := llm.ParseBaseURL(u); err != nil {
			return fmt.Errorf("check %s: %w", o.named("base-url"), err)
		}
	}
	if strings.TrimSpace(o.Model) == "" {
		return fmt.Errorf("no model given: pass --model or set BRIEF_MODEL")
	}
	t := o.Temperature
	if err := o.broken(
		rule{"retries", o.Retries < 0 || o.Retries > maxRetries, fmt.Sprintf(" %d: give 0 to %d", o.Retries, maxRetries)},
		rule{"timeout", o.Timeout <= 0, " must be more than 0 (e.g. 10m): it bounds one request"},
		rule{"idle-timeout", o.IdleTimeout <= 0, " must be more than 0 (e.g. 60s): it bounds a silent stream"},
		rule{"rpm", o.RPM < 0, fmt.Sprintf(" must be 0 (no limit) or more, not %d", o.RPM)},
		rule{"tpm", o.TPM < 0, fmt.Sprintf(" must be 0 (no limit) or more, not %d", o.TPM)},
		rule{"temperature", math.IsNaN(t) || t > 2 || (t < 0 && t != -1), fmt.Sprintf(" %g: give a value from 0 to 2, or -1 for the server's own", t)},
		rule{"verbose", o.Verbose && o.Quiet, " and " + o.named("quiet") + " contradict each other: keep one"},
	); err != nil {
		return err
	}
	return o.readKeyFile()
}

// maxRetries bounds --retries: more is a typo, and would keep a dead
// endpoint busy for hours.
const maxRetries = 100

// validateRun checks the settings of articles and runs; --json is
// --dry-run's only where there is a --dry-run.
func (o *Options) validateRun(dryRunJSON bool) error {
	if !o.BatchWait {
		o.NoWait = true
	}
	if err := o.broken(
		rule{"batch-fallback", !o.Batch && o.BatchFallback, " goes with --batch"},
		rule{map[bool]string{true: "no-wait", false: "batch-wait"}[o.BatchWait], !o.Batch && o.NoWait, " goes with --batch"},
		rule{"batch", o.Batch && o.NoCache, " needs the cache (its results land there): drop " + o.named("no-cache")},
		// --force reads no answer, a batch's neither: every round would
		// submit (and pay for) the same requests again.
		rule{"batch", o.Batch && o.Force, " cannot redo everything with " + o.named("force") + ": a batch's answers land in the cache --force does not read; give a new --cache-tag instead"},
		rule{"batch-discount", o.BatchDiscount <= 0 || o.BatchDiscount > 1, fmt.Sprintf(" %g: give the batch price as a share of the normal one, e.g. 0.5", o.BatchDiscount)},
		rule{"batch-poll", o.BatchPoll < time.Millisecond, " must be positive, e.g. 30s"},
		rule{"concurrency", o.Concurrency < 1 || o.Concurrency > maxSlots, fmt.Sprintf(" must be at least 1 and at most %d, not %d", maxSlots, o.Concurrency)},
		rule{"context", o.Context != 0 && o.Context < translate.MinContext, fmt.Sprintf(" %d is too small: brief needs a window of at least %d tokens; give your model's window, or auto to ask the server", o.Context, translate.MinContext)},
	); err != nil {
		return err
	}
	for i, f := range o.Formats {
		f = strings.ToLower(strings.TrimSpace(f))
		o.Formats[i] = f
		if f != "md" && f != "html" && f != "json" && f != "atom" {
			return fmt.Errorf("%s %q: choose from md, html, json, atom", o.named("format"), f)
		}
	}
	site, err := siteURL(o.SiteURL)
	if err != nil {
		return fmt.Errorf("%s %v", o.named("site-url"), err)
	}
	o.SiteURL = site
	// Amounts are finite and not negative: NaN would compare false with
	// every limit and disable it.
	if err := o.broken(
		rule{"price-in", badAmount(o.PriceIn), fmt.Sprintf(" %g: give an amount in USD, 0 or more", o.PriceIn)},
		rule{"price-out", badAmount(o.PriceOut), fmt.Sprintf(" %g: give an amount in USD, 0 or more", o.PriceOut)},
		rule{"max-cost", badAmount(o.MaxCost), fmt.Sprintf(" %g: give an amount in USD, 0 or more", o.MaxCost)},
		rule{"max-tokens", o.MaxTokens < 0, fmt.Sprintf(" %d: give 0 (no limit) or more", o.MaxTokens)},
		rule{"max-cost", o.MaxCost > 0 && o.PriceIn == 0 && o.PriceOut == 0, " needs prices: give --price-in and --price-out (USD per million tokens)"},
	); err != nil {
		return err
	}
	if o.Since != "" {
		// A usage error, found before any input is read.
		if o.SinceTime, err = parseSince(o.Since, time.Now()); err != nil {
			return fmt.Errorf("%s %v", o.named("since"), err)
		}
	}
	return o.broken(
		rule{"out", strings.TrimSpace(o.Out) == "", " is empty: name the output folder, e.g. --out ./briefing"},
		rule{"json", o.JSON && !o.DryRun && dryRunJSON, " goes with --dry-run (a run writes briefing.json with --format json)"},
		rule{"max-size", o.MaxSize <= 0, fmt.Sprintf(" must be positive, not %d", o.MaxSize)},
		// An article is read whole into memory, and a limit near the
		// largest int64 overflows the read's one-byte-over check.
		rule{"max-size", o.MaxSize > maxMaxSize, fmt.Sprintf(" %d is over 1 GiB: brief reads an article whole into memory; give at most %d", o.MaxSize, maxMaxSize)},
	)
}

const maxMaxSize = 1 << 30

func badAmount(v float64) bool { return v < 0 || math.IsNaN(v) || math.IsInf(v, 0) }

// maxKeyFile bounds what --api-key-file reads: a key is a line, and a
// misnamed file (a log, an image) must not be sent as a header.
const maxKeyFile = 4 << 10

// readKeyFile fills APIKey from --api-key-file unless a key was given
// directly.
func (o *Options) readKeyFile() error {
	if o.APIKeyFile == "" || o.APIKey != "" {
		return nil
	}
	key, err := readKey(o.APIKeyFile)
	if err != nil {
		return fmt.Errorf("%s: %v", o.named("api-key-file"), err)
	}
	o.APIKey, o.origin["api-key"] = key, o.named("api-key-file")
	return nil
}

// readKey reads a key file (--api-key-file, an endpoint's api-key-file).
// The file's content never appears in an error.
func readKey(path string) (string, error) {
	data, fi, err := atomicfile.ReadRegular(path, maxKeyFile)
	switch {
	case errors.Is(err, atomicfile.ErrNotRegular):
		return "", fmt.Errorf("%s is not a regular file (a FIFO, a device or a folder): put the key in a file", path)
	case errors.Is(err, atomicfile.ErrTooLarge):
		return "", fmt.Errorf("%s is larger than %d bytes: it should hold the key alone", path, maxKeyFile)
	case err != nil:
		return "", err
	}
	key := strings.TrimSpace(string(data))
	switch {
	case key == "":
		return "", fmt.Errorf("%s is empty: put the API key in it", path)
	case strings.ContainsAny(key, "\r\n\x00"):
		return "", fmt.Errorf("%s has more than one line: it should hold the key alone", path)
	}
	warnReadable(path, fi, "an API key")
	return key, nil
}

// Warnings gets warnings found while flags are read, before a command has
// its streams: the command line points it at stderr.
var Warnings io.Writer = io.Discard

// warned keeps each file's warning to one line per run.
var warned = map[string]bool{}

// warnReadable warns, once, that a file holding a secret can be read by
// other users (group or world readable), as ssh does for a private key.
func warnReadable(path string, fi fs.FileInfo, what string) {
	if fi == nil || fi.Mode().Perm()&0o044 == 0 || warned[path] {
		return
	}
	warned[path] = true
	fmt.Fprintf(Warnings, "brief: warning: %s holds %s and other users can read it (mode %04o): chmod 600 %s\n",
		safetext.Name(path), what, fi.Mode().Perm(), safetext.Name(path))
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
		return "", fmt.Errorf("%q is not an address: give it as https://news.example/briefing/", s)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", fmt.Errorf("%q: give the full address where the output folder is published, starting with https://", s)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("%q: give the address without user name, query or fragment", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}
