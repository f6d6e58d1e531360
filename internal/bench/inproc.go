package bench

import (
	"context"
	"io"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/llmtest"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// InProcess runs the pipeline in this process, wired the way `brief run`
// wires it (llm.New → translate.New / summarize.New → pipeline.Run), so a
// benchmark can profile it with -cpuprofile or -memprofile.
type InProcess struct {
	URL    string
	Inputs string
	Out    string
	Cache  string // "" = no cache
	Jobs   int
	// RPM and TPM are the client's limits, like --rpm and --tpm.
	RPM, TPM int
	// Wrap, when set, wraps the client that translate and summarize call,
	// to try a change in how requests are issued without editing the
	// pipeline.
	Wrap func(llm.Completer) llm.Completer
	// Articles is how many articles are in flight at once; 0 means Jobs,
	// as in `brief run`.
	Articles int
}

// Result is what an in-process run did.
type Result struct {
	Wall    time.Duration
	Outcome pipeline.Outcome
	Client  llm.Stats
}

// Run runs the pipeline once over every article in p.Inputs.
func (p InProcess) Run(ctx context.Context) (Result, error) {
	start := time.Now()
	inputs, err := article.Discover([]string{p.Inputs}, article.DiscoverOptions{Exclude: []string{p.Out}})
	if err != nil {
		return Result{}, err
	}
	jobs := make([]pipeline.Job, len(inputs))
	for i, in := range inputs {
		jobs[i] = pipeline.Job{Source: in.Path, ID: in.ID, Skip: in.Skip}
	}
	client, err := llm.New(llm.Config{BaseURL: p.URL, Model: llmtest.Model, RPM: p.RPM, TPM: p.TPM})
	if err != nil {
		return Result{}, err
	}
	if err := client.Preflight(ctx); err != nil {
		return Result{}, err
	}
	var c llm.Completer = client
	if p.Wrap != nil {
		c = p.Wrap(c)
	}
	ps, err := prompts.Load("")
	if err != nil {
		return Result{}, err
	}
	var store *cache.Cache
	if p.Cache != "" {
		if store, err = cache.Open(p.Cache); err != nil {
			return Result{}, err
		}
	}
	conc := p.Articles
	if conc <= 0 {
		conc = p.Jobs
	}
	cfg := pipeline.Config{
		OutDir: p.Out, Concurrency: conc, Model: llmtest.Model, Endpoint: p.URL,
		From: "da", Lang: "en", Formats: []string{"md"},
		Load:       func(path string) (article.Article, error) { return article.ReadFile(path, article.Options{}) },
		Translator: translate.New(c, ps, translate.Options{From: "da", To: "en"}),
		Summarizer: summarize.New(c, ps, "en", 0),
		Cache:      store,
		Progress:   progress.New(io.Discard, len(jobs), false, true),
	}
	out := pipeline.Run(ctx, cfg, jobs)
	return Result{Wall: time.Since(start), Outcome: out, Client: client.Stats()}, out.Fatal
}

// Limit returns a wrap for InProcess.Wrap that lets at most n requests be
// in flight at once, whatever the number of articles in flight: what
// separating the two in the pipeline would do.
func Limit(n int) func(llm.Completer) llm.Completer {
	return func(c llm.Completer) llm.Completer {
		return &limited{c: c, sem: make(chan struct{}, n)}
	}
}

type limited struct {
	c   llm.Completer
	sem chan struct{}
}

func (l *limited) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return llm.Response{}, ctx.Err()
	}
	defer func() { <-l.sem }()
	return l.c.Complete(ctx, req)
}
