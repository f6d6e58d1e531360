package config

import (
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/wiring"
)

// Settings are the options as wiring takes them; rep (nil: none) gets each
// article's progress and the client's log lines.
func (o *Options) Settings(start time.Time, rep progress.Reporter) wiring.Settings {
	var logf func(string, ...any)
	if rep != nil {
		logf = rep.Logf
	}
	s := wiring.Settings{
		Client: o.ClientConfig(logf),
		Out:    o.Out, From: o.From, Lang: o.Lang, Concurrency: o.Concurrency, ContextTokens: o.Context,
		Formats: o.Formats, Archive: o.Archive, SiteURL: o.SiteURL, PromptsDir: o.Prompts, GlossaryPath: o.Glossary, Strict: o.Strict,
		Review: o.Review || o.ReviewModel != "", ReviewModel: o.ReviewModel,
		MaxSize: o.MaxSize, Verbose: o.Verbose, Since: o.SinceTime, Progress: rep,
		Budget: pipeline.Budget{
			MaxTokens: o.MaxTokens, MaxCost: o.MaxCost, PriceIn: o.PriceIn, PriceOut: o.PriceOut,
		},
		NoMemory: o.NoMemory, CacheDir: o.CacheDir, CacheTag: o.CacheTag, Force: o.Force,
	}
	if !o.SinceTime.IsZero() {
		s.Period = o.SinceTime.Format("2 January 2006") + " – " + start.Format("2 January 2006")
	}
	if o.NoCache {
		s.CacheDir = ""
	}
	// Several servers: keep twice their slots of articles in flight, so
	// a freed slot finds a request waiting instead of waiting for brief
	// (Load has checked the list).
	if servers, _ := o.Servers(); len(servers) > 0 {
		s.Servers = servers
		s.Concurrency = max(s.Concurrency, 2*s.TotalSlots())
	}
	if o.Deadline > 0 {
		s.Budget.Deadline = start.Add(o.Deadline)
	}
	if o.Batch {
		// Batch answers are billed at the batch price (the one digest
		// request too, a small understatement).
		s.Budget.PriceIn *= o.BatchDiscount
		s.Budget.PriceOut *= o.BatchDiscount
	}
	return s
}

// FlagHints are the client's hints: how a user of brief changes each
// setting an endpoint error can point at. The client says what happened;
// the command line says how to fix it.
var FlagHints = map[llm.Setting]string{
	llm.SettingBaseURL: "check --base-url",
	llm.SettingModel:   "check --model (brief models lists what the endpoint serves)",
	llm.SettingAPIKey:  "set OPENAI_API_KEY (or pass --api-key or --api-key-file) to the key for this endpoint",
	llm.SettingTimeout: "a slow model may need a longer --timeout",
	llm.SettingContext: "pass --context with the model's window",
}

// ClientConfig is the endpoint settings as the client takes them; its log
// lines go to logf unless -q.
func (o *Options) ClientConfig(logf func(string, ...any)) llm.Config {
	cfg := llm.Config{
		BaseURL: o.BaseURL(), APIKey: o.APIKey, Model: o.Model,
		Timeout: o.Timeout, IdleTimeout: o.IdleTimeout, Retries: o.Retries,
		RPM: o.RPM, TPM: o.TPM, Temperature: o.Temperature,
		Hints: FlagHints,
	}
	// Retries, fallbacks and a slow model load are worth a line even in
	// cron: they explain a slow or failed run. -q keeps it silent.
	if !o.Quiet {
		cfg.Logf = logf
	}
	return cfg
}

// ChooseWindow is llm.ChooseWindow with the command line's words: a
// window the user gave is "--context".
func ChooseWindow(given int, s llm.Server, model string) llm.Window {
	w := llm.ChooseWindow(given, s, model, FlagHints)
	if w.Source == llm.SourceGiven {
		w.Source = "--context"
	}
	return w
}
