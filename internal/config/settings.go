package config

import (
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/wiring"
)

// Settings are the options as wiring takes them, with no progress and the
// client's log lines nowhere.
func (o *Options) Settings(start time.Time) wiring.Settings {
	s := wiring.Settings{
		Client: o.ClientConfig(nil),
		Out:    o.Out, From: o.From, Lang: o.Lang, Concurrency: o.Concurrency, ContextTokens: o.Context,
		Formats: o.Formats, Archive: o.Archive, SiteURL: o.SiteURL, PromptsDir: o.Prompts, GlossaryPath: o.Glossary, Strict: o.Strict,
		Review: o.Review || o.ReviewModel != "", ReviewModel: o.ReviewModel,
		MaxSize: o.MaxSize, Verbose: o.Verbose, Since: o.SinceTime,
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
	if servers := o.servers(); len(servers) > 0 {
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

// hints are the client's hints: how this user changes each setting an
// endpoint error can point at, named where it was set (a flag, the
// environment, brief.yaml). The client says what happened; the options
// say how to fix it.
func (o *Options) hints() map[llm.Setting]string {
	key := "check the key " + o.named("api-key") + " gave: it is not this endpoint's"
	switch {
	case o.APIKey == "" && o.keyWithheld:
		server := "the default local Ollama"
		if from := o.origin["base-url"]; from != "" {
			server = "the server " + from + " names"
		}
		key = "OPENAI_API_KEY is set but was withheld from " + server + " on purpose: brief sends it only to a server named with --base-url, OPENAI_BASE_URL or brief.yaml; name this one there, or pass its key with --api-key-file"
	case o.APIKey == "":
		key = "set OPENAI_API_KEY (or pass --api-key or --api-key-file) to the key for this endpoint"
	}
	return map[llm.Setting]string{
		llm.SettingBaseURL: "check " + o.named("base-url"),
		llm.SettingModel:   "check " + o.named("model") + " (brief models lists what the endpoint serves)",
		llm.SettingAPIKey:  key,
		llm.SettingTimeout: "a slow model may need a longer " + o.named("timeout"),
		llm.SettingContext: "set " + o.named("context") + " to the model's window",
	}
}

// ClientConfig is the endpoint settings as the client takes them, for the
// first --base-url (the one server of check and models); its log lines go
// to logf unless -q.
func (o *Options) ClientConfig(logf func(string, ...any)) llm.Config {
	cfg := llm.Config{
		BaseURL: o.BaseURLs[0], APIKey: o.APIKey, Model: o.Model,
		Timeout: o.Timeout, IdleTimeout: o.IdleTimeout, Retries: o.Retries,
		RPM: o.RPM, TPM: o.TPM, Temperature: o.Temperature,
		Hints: o.hints(),
	}
	// Retries, fallbacks and a slow model load are worth a line even in
	// cron: they explain a slow or failed run. -q keeps it silent.
	if !o.Quiet {
		cfg.Logf = logf
	}
	return cfg
}

// ChooseWindow is llm.ChooseWindow of --context with the user's words: a
// window the user gave is "--context" (or "context in brief.yaml").
func (o *Options) ChooseWindow(s llm.Server, model string) llm.Window {
	w := llm.ChooseWindow(o.Context, s, model, o.hints())
	if w.Source == llm.SourceGiven {
		w.Source = o.named("context")
	}
	return w
}

// servers are the run's endpoints when there are several: the config
// file's endpoints, else each --base-url (all sharing --api-key and
// --model); nil for the usual one server.
func (o *Options) servers() []wiring.Server {
	if len(o.Endpoints) > 0 || len(o.BaseURLs) < 2 {
		return o.Endpoints
	}
	var out []wiring.Server
	for _, u := range o.BaseURLs {
		out = append(out, wiring.Server{BaseURL: u, APIKey: o.APIKey})
	}
	return out
}
