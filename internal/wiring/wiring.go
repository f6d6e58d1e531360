// Package wiring builds a run the one way brief builds it: discover the
// inputs, make the client, load the prompts and glossary, make the
// translator and summarizer, and fill a pipeline.Config. `brief run`, the
// in-process benchmark and the pipeline tests all call it, so what is
// tested and measured is wired exactly as users run it (cli/cli's Factory
// is the model). It holds the defaults every caller starts from.
package wiring

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// Settings are what a run is built from: `brief run`'s flags after the
// config layers, or a test's or benchmark's choice starting from Defaults.
type Settings struct {
	// Client configures the endpoint client; Logf, when set, gets its
	// retry and slow-load lines (and the line of a server taken out).
	Client llm.Config
	// Servers, when set, are the run's endpoints instead of Client's
	// BaseURL, APIKey and Model; each request goes to one with a free slot.
	Servers     []Server
	Out         string // output folder
	From, Lang  string
	Concurrency int // articles in flight at once
	// ContextTokens is --context: the model's context window, 0 to ask
	// each server (auto). A server that gives less wins either way.
	ContextTokens int
	Formats       []string
	Archive       bool   // keep a dated copy of the briefing
	SiteURL       string // where OUT is served, for absolute feed links; "" = relative
	PromptsDir    string // "" = the embedded prompts
	GlossaryPath  string // "" = no glossary
	Strict        bool
	// Review asks a model for each translation's errors (--review):
	// ReviewModel, or the run's model when "".
	Review      bool
	ReviewModel string
	MaxSize     int64 // input files larger than this are skipped
	Verbose     bool
	// Since, when set, keeps only the inputs dated (or modified) since
	// then (--since); Period names the window in the briefing.
	Since   time.Time
	Period  string
	LeftOut string // what --since left out, said in the briefing
	Budget  pipeline.Budget
	// CacheDir is the cache folder, "" for none; with Force it is written
	// but not read.
	CacheDir string
	Force    bool
	// CacheTag keeps results apart in the cache from others of the same
	// model name (--cache-tag).
	CacheTag string
	// NoMemory turns the translation memory off (--no-memory).
	NoMemory bool
	// Progress reports each article; nil reports nothing.
	Progress progress.Reporter
}

// Defaults are the settings of `brief run` with no flags: the flags take
// their defaults from here, so tests and benchmarks that start from it
// run what a user runs.
func Defaults() Settings {
	return Settings{
		Client: llm.Config{
			BaseURL:     llm.DefaultBaseURL,
			Model:       DefaultModel,
			Timeout:     llm.DefaultTimeout,
			IdleTimeout: llm.DefaultIdleTimeout,
			Retries:     llm.DefaultRetries,
			Temperature: DefaultTemperature,
		},
		Out:           "./briefing",
		From:          "da",
		Lang:          "en",
		Concurrency:   4,
		ContextTokens: 0, // auto: ask the server
		Formats:       []string{"md"},
		MaxSize:       1 << 20,
		CacheDir:      cache.DefaultDir(),
	}
}

// DefaultModel is a multilingual model that runs on an ordinary laptop
// under Ollama and writes good English from Danish; see docs/servers.md.
const DefaultModel = "qwen2.5:7b"

// DefaultTemperature is low: a translation should say what the source says,
// not vary from run to run; a little above 0 avoids the loops small models
// fall into when decoding greedily.
const DefaultTemperature = 0.2

// Inputs are the inputs below paths a run takes (the output folder left
// out when it sits inside an input folder): with Since set, those in the
// window. found counts them all.
func (s Settings) Inputs(paths []string) (kept []article.Input, found int, err error) {
	outAbs, _ := filepath.Abs(s.Out)
	inputs, err := article.Discover(paths, outAbs)
	switch {
	case err != nil:
		return nil, 0, err
	case len(inputs) == 0:
		return nil, 0, fmt.Errorf("no *.txt articles found in %s", strings.Join(paths, ", "))
	case s.Since.IsZero():
		return inputs, len(inputs), nil
	}
	return article.Since(inputs, s.Since, s.Loader()), len(inputs), nil
}

// Loader reads one input the way the run reads it: through its folder's
// os.Root, never blocking on a pipe.
func (s Settings) Loader() func(article.Input) (article.Article, error) {
	return func(in article.Input) (article.Article, error) { return article.ReadInput(in, s.MaxSize) }
}

// Run is a wired run: the pipeline's Config and the servers behind it.
type Run struct {
	Config pipeline.Config
	Pool   *llm.Pool
	// Requests is the request cache every model call goes through: it
	// answers from the cache (earlier runs, a batch, an import) and sends
	// the rest to Pool (the review model's to its own pool).
	Requests *requestcache.Completer
	s        Settings
	cals     []serverCalibration
}

// New wires a run from s. It opens no cache and calls no endpoint: the
// preflight runs before the first model call (see preflighted), and the
// caller opens the cache with OpenCache or PeekCache once it holds the
// output folder.
func New(s Settings) (*Run, error) {
	ps, err := prompts.Load(s.PromptsDir)
	if err != nil {
		return nil, err
	}
	var glossary *translate.Glossary
	if s.GlossaryPath != "" {
		if glossary, err = translate.LoadGlossary(s.GlossaryPath); err != nil {
			return nil, err
		}
	}
	// The pool runs each server's preflight before that server's first
	// model call, not before the run: a fully cached re-run needs no
	// endpoint at all, and a dead one is still found once.
	pool, cals, err := newPool(s)
	if err != nil {
		return nil, err
	}
	pool.SetWindowPolicy(llm.WindowPolicy{Given: s.ContextTokens, Verbose: s.Verbose})
	// Until a server is asked (and for --dry-run, which asks none)
	// requests are planned for the window brief would guess.
	planned := llm.ChooseWindow(s.ContextTokens, llm.Server{}, s.Client.Model, s.Client.Hints).Tokens
	completer := requestcache.New(pool, pool.ChatBody, s.Client.Model, s.CacheTag)
	tr := translate.New(completer, ps, translate.Options{
		From: s.From, To: s.Lang, ContextTokens: planned, Glossary: glossary, Strict: s.Strict,
	})
	reviewer, reviewModel, reviewPool, err := s.reviewer(completer, ps, planned)
	if err != nil {
		return nil, err
	}
	stats := pool.Stats
	if reviewPool != nil {
		stats = func() llm.Stats { return pool.Stats().Add(reviewPool.Stats()) }
	}
	sum := summarize.New(completer, ps, s.Lang, planned)
	sum.SetParallel(s.Concurrency)
	if s.Progress == nil {
		s.Progress = progress.New(io.Discard, 0, false, true)
	}
	cfg := pipeline.Config{
		OutDir: s.Out, Concurrency: s.Concurrency, Model: s.Client.Model, Endpoint: s.endpointIdentity(),
		CacheTag: s.CacheTag, NoMemory: s.NoMemory, Temperature: s.Client.Temperature,
		From: s.From, Lang: s.Lang, Formats: s.Formats, Archive: s.Archive, SiteURL: s.SiteURL, Strict: s.Strict, Period: s.Period, LeftOut: s.LeftOut, Verbose: s.Verbose,
		Load: s.Loader(), Translator: tr, Summarizer: sum, Progress: s.Progress, ClientStats: stats, Now: time.Now,
		ContextWindow: pool.Window,
		Budget:        s.Budget, Reviewer: reviewer, ReviewModel: reviewModel,
	}
	return &Run{Config: cfg, Pool: pool, Requests: completer, s: s, cals: cals}, nil
}

// OpenCache opens the cache for the run, creating it when missing; with
// Force the run writes results but reads none.
func (r *Run) OpenCache() error {
	if r.s.CacheDir == "" {
		return nil
	}
	c, err := cache.Open(r.s.CacheDir)
	if err != nil {
		return err
	}
	r.Config.Cache = c
	if r.s.Force {
		r.Config.Cache = c.WriteOnly()
	}
	r.Requests.SetCache(r.Config.Cache)
	// Even --force starts from the measured tokenizer: redoing the
	// results does not make the model's tokenizer any different.
	r.loadCalibrations(c, true)
	return nil
}

// PeekCache opens an existing cache for reading only, creating nothing
// (for --dry-run); with Force nothing would be read, so it opens none.
func (r *Run) PeekCache() {
	var peek *cache.Cache
	if r.s.CacheDir != "" {
		peek = cache.OpenExisting(r.s.CacheDir)
	}
	if !r.s.Force {
		r.Config.Cache = peek
	}
	r.Requests.SetCache(r.Config.Cache)
	// The measured tokenizer is read even with --force: the dry run
	// estimates with it.
	r.loadCalibrations(peek, false)
}

// EndpointIdentity is the endpoint as the manifest shows it and the cache
// keys it: credentials removed, scheme and host lower-cased, no trailing
// slash, so ".../v1/" and ".../v1" do not re-buy every translation.
func EndpointIdentity(baseURL string) string {
	u, err := url.Parse(llm.RedactURL(baseURL))
	if err != nil {
		return llm.RedactURL(baseURL)
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String()
}

// reviewer is the run's reviewer (nil without --review): on the run's own
// servers, asking ReviewModel when one is named, through a pool of its own
// (returned, so its requests are counted with the run's), and through the
// run's request cache like every other model call.
func (s Settings) reviewer(completer *requestcache.Completer, ps *prompts.Set, window int) (*translate.Reviewer, string, *llm.Pool, error) {
	if !s.Review {
		return nil, "", nil, nil
	}
	model := s.Client.Model
	var own *llm.Pool
	if s.ReviewModel != "" && s.ReviewModel != s.Client.Model {
		rs := s
		rs.Client.Model = s.ReviewModel
		rs.Servers = append([]Server(nil), s.Servers...)
		for i := range rs.Servers {
			rs.Servers[i].Model = ""
		}
		pool, _, err := newPool(rs) // its calibration lives for the run only
		if err != nil {
			return nil, "", nil, err
		}
		completer, model, own = completer.For(pool, pool.ChatBody, s.ReviewModel), s.ReviewModel, pool
	}
	return translate.NewReviewer(completer, ps, translate.Options{From: s.From, To: s.Lang, ContextTokens: window}), model, own, nil
}
