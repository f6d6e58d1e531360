// Package requestcache is the cache in front of every model call of a run
// (translate, summary, digest, review): a request whose answer the cache
// holds, under the request's key, is answered from it with no call. The
// answers come from earlier runs, from a Batch API batch or from
// `brief batch import`, so results made elsewhere land in the same cache as
// a normal run's and everything after the model call is unchanged. When
// collecting (brief batch export, the next stage of --batch) a request the
// cache cannot answer is kept as a request line instead of sent.
package requestcache

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/tokens"
)

// Line is a request with its key as custom_id: a line of a Batch API
// input file.
type Line = openai.BatchChatCompletionRequest

// Answer is a model answer as the cache keeps it under the request's key.
type Answer struct {
	Text         string       `json:"text"`
	FinishReason string       `json:"finish_reason"`
	Usage        tokens.Usage `json:"usage"`
}

// Key is a request's cache key and custom_id: the run's model name (not
// the name one server knows it by), --cache-tag, and the request body
// (messages, max_tokens, temperature, response format).
func Key(model, tag string, body openai.ChatCompletionRequest) string {
	body.Model = ""
	data, _ := json.Marshal(body)
	return cache.Key("request", model, "tag="+tag, string(data))
}

// ErrDeferred is the answer to a request collected instead of sent: the
// article waits for its batch. It fails only that article.
var ErrDeferred = &llm.Error{Class: llm.ErrArticle, Msg: "waiting for its batch: the request is in the batch file, not answered yet"}

// Completer is the llm.Completer a run's steps talk to, one per model: a
// request whose answer the cache holds is answered from it; a request a
// batch answered with an error fails with that reason; any other goes to
// next, or, while collecting (SetCollecting), is collected and answered
// with ErrDeferred (or, for translate parts with Placeholder set, a
// stand-in answer so the later parts of the article are collected too).
// The completers of a run's models (For) share the cache, the failures,
// the collecting and what was collected.
type Completer struct {
	next        llm.Completer
	body        func(llm.Request) openai.ChatCompletionRequest
	model, tag  string
	Placeholder bool
	*shared
}

type shared struct {
	mu         sync.Mutex
	models     map[string]*Completer // the run's completers by model
	cache      *cache.Cache
	collecting bool
	failed     map[string]error
	lines      []Line
	seen       map[string]bool
	stages     map[string]int
}

// New is the completer of model, keyed with tag, that sends what the cache
// cannot answer to next as body makes it.
func New(next llm.Completer, body func(llm.Request) openai.ChatCompletionRequest, model, tag string) *Completer {
	c := &Completer{next: next, body: body, model: model, tag: tag, shared: &shared{
		models: map[string]*Completer{}, failed: map[string]error{}, seen: map[string]bool{}, stages: map[string]int{}}}
	c.models[model] = c
	return c
}

// For is the completer of another model of the same run (--review-model),
// sharing c's cache, failures, collecting and collected lines.
func (c *Completer) For(next llm.Completer, body func(llm.Request) openai.ChatCompletionRequest, model string) *Completer {
	other := &Completer{next: next, body: body, model: model, tag: c.tag, shared: c.shared}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.models[model] = other
	return other
}

// SetCache sets the cache answers are read from (nil: none).
func (s *shared) SetCache(c *cache.Cache) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cache = c
}

// SetCollecting turns collecting on (no request is sent: each the cache
// cannot answer is kept for Collected) or off.
func (s *shared) SetCollecting(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.collecting = on
}

// Fail makes the request with this key fail with err (a batch's error line).
func (s *shared) Fail(key string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed[key] = err
}

// Line is req as a request line, with its key as custom_id.
func (c *Completer) Line(req llm.Request) Line {
	body := c.body(req)
	body.Model = c.model
	return Line{CustomID: Key(c.model, c.tag, body), Method: "POST", URL: openai.BatchEndpointChatCompletions, Body: body}
}

// Holds reports whether the cache answers req (a batch's answer), so
// Complete would ask no model.
func (c *Completer) Holds(req llm.Request) bool {
	c.mu.Lock()
	store := c.cache
	c.mu.Unlock()
	var a Answer
	return store.Get(c.Line(req).CustomID, &a)
}

// Complete answers req from the cache, a batch's error, next, or collects it.
func (c *Completer) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	line := c.Line(req)
	c.mu.Lock()
	store, failed, collecting := c.cache, c.failed[line.CustomID], c.collecting
	c.mu.Unlock()
	var a Answer
	if store.Get(line.CustomID, &a) {
		return llm.Response{Text: a.Text, FinishReason: a.FinishReason, Usage: a.Usage}, nil
	}
	if failed != nil {
		return llm.Response{}, failed
	}
	if !collecting {
		resp, err := c.next.Complete(ctx, req)
		if keys, ok := ctx.Value(journalKey{}).(*sync.Map); ok && err == nil && store.Put(line.CustomID, Answer{resp.Text, resp.FinishReason, resp.Usage}) == nil {
			keys.Store(line.CustomID, nil)
		}
		return resp, err
	}
	c.collect(req.Stage, line)
	if c.Placeholder && req.Stage == "translate" {
		return llm.Response{Text: "(answer pending)", FinishReason: string(openai.FinishReasonStop), Attempts: 1, Pending: true}, nil
	}
	return llm.Response{}, ErrDeferred
}

// Journal is ctx with the answers of the requests made under it kept in
// the cache the moment they arrive, so a step interrupted after some were
// paid for (its later parts, its checks) gets them back from the cache
// when it is redone; forget removes them, for a step that ended (its
// result is cached as a whole, or it failed and its retry must ask anew).
func Journal(ctx context.Context, c *cache.Cache) (_ context.Context, forget func()) {
	keys := &sync.Map{}
	return context.WithValue(ctx, journalKey{}, keys), func() {
		keys.Range(func(k, _ any) bool {
			c.Delete(k.(string))
			keys.Delete(k)
			return true
		})
	}
}

// journalKey holds the keys of the answers kept under a Journal's ctx.
type journalKey struct{}

func (s *shared) collect(stage string, l Line) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[l.CustomID] {
		return
	}
	s.seen[l.CustomID] = true
	s.lines = append(s.lines, l)
	s.stages[stage]++
}

// Collected returns the lines collected since it was last called, and how
// many per stage.
func (s *shared) Collected() ([]Line, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, stages := s.lines, s.stages
	s.lines, s.seen, s.stages = nil, map[string]bool{}, map[string]int{}
	return lines, stages
}

// Send sends a collected line's request to its model's server, as a
// plain request (for what a batch left undone), and stores the answer
// under the line's key.
func (c *Completer) Send(ctx context.Context, l Line) error {
	c.mu.Lock()
	to, store := c.models[l.Body.Model], c.cache
	c.mu.Unlock()
	if to == nil {
		return fmt.Errorf("no server of this run serves %s", l.Body.Model)
	}
	req := llm.Request{Stage: "batch-fallback", MaxTokens: l.Body.MaxTokens, JSON: l.Body.ResponseFormat != nil}
	for _, m := range l.Body.Messages {
		if m.Role == openai.ChatMessageRoleSystem {
			req.System = m.Content
		} else {
			req.User = m.Content
		}
	}
	resp, err := to.next.Complete(ctx, req)
	if err != nil {
		return err
	}
	return Store(store, l.CustomID, Answer{Text: resp.Text, FinishReason: resp.FinishReason, Usage: resp.Usage})
}

// Store keeps an answer in the cache under its request's key.
func Store(c *cache.Cache, key string, a Answer) error {
	if err := c.Put(key, a); err != nil {
		return fmt.Errorf("storing the answer of %s: %w", key, err)
	}
	return nil
}

// MarkExported records in the cache that brief wrote the request with this
// key into a request file: only such requests' answers are imported.
func MarkExported(c *cache.Cache, key string) error {
	return c.Put(cache.Key("exported", key), true)
}

// Exported says whether brief exported the request with this key with this
// cache (MarkExported). A result file is anyone's text: a line keyed for a
// request nobody asked for would stand as the model's answer to it.
func Exported(c *cache.Cache, key string) bool {
	var ok bool
	return c.Get(cache.Key("exported", key), &ok) && ok
}

var _ llm.Windowed = (*Completer)(nil)

// ContextWindow is next's window when it knows one (it may ask the
// server). When collecting, or when no server answers, it is 0, so requests
// are planned for the window the run was given (--context), as brief batch
// export planned them: a run over imported answers needs no server, and
// one that does need it fails at its first real request with that
// request's error.
func (c *Completer) ContextWindow(ctx context.Context) (int, error) {
	c.mu.Lock()
	collecting := c.collecting
	c.mu.Unlock()
	w, ok := c.next.(llm.Windowed)
	if !ok || collecting {
		return 0, nil
	}
	n, err := w.ContextWindow(ctx)
	if err != nil && ctx.Err() == nil {
		return 0, nil
	}
	return n, err
}

// TokensPerByte is next's measured tokenizer (llm.TokenRatio), so requests
// planned through the cache, collected or sent, are sized as next's model
// counts (as an earlier run measured it).
func (c *Completer) TokensPerByte() float64 {
	if t, ok := c.next.(llm.TokenRatio); ok {
		return t.TokensPerByte()
	}
	return 0
}
