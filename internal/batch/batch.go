// Package batch moves brief's model requests through files in the Batch
// API's JSONL format instead of one HTTP request each: OpenAI's
// /v1/batches (and Azure's and LiteLLM's), or an offline engine such as
// `vllm run-batch`, which reads the same request file and writes the same
// result file.
//
// Every request has a key (Key) that is its line's custom_id and the cache
// entry its answer is stored under. A run answers a request from that entry
// when it has one (Replay), so results computed elsewhere land in the same
// cache as a normal run's and everything after the model call (QA, files,
// the briefing) is unchanged.
package batch

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

// Line is one request line of a Batch API input file.
type Line = openai.BatchChatCompletionRequest

// Answer is a model answer as the cache keeps it under the request's key.
type Answer struct {
	Text         string       `json:"text"`
	FinishReason string       `json:"finish_reason"`
	Usage        tokens.Usage `json:"usage"`
}

// Key is a request's custom_id and cache key: the run's model name (not
// the name one server knows it by), --cache-tag, and the request body
// (messages, max_tokens, temperature, response format).
func Key(model, tag string, body openai.ChatCompletionRequest) string {
	body.Model = ""
	data, _ := json.Marshal(body)
	return cache.Key("request", model, "tag="+tag, string(data))
}

// ErrDeferred is the answer to a request the Replay collected instead of
// sending: the article waits for the batch. It fails only that article.
var ErrDeferred = &llm.Error{Class: llm.ErrArticle, Msg: "waiting for its batch: the request is in the batch file, not answered yet"}

// Replay is the Completer a run talks to: a request whose answer the cache
// holds (imported or fetched from a batch) is answered from it with no
// model call; a request a batch answered with an error fails with that
// reason; any other goes to Next, or, with Next nil, is collected for a
// request file and answered with ErrDeferred (or, for translate parts with
// Placeholder set, a stand-in answer so the later parts of the article are
// collected too).
type Replay struct {
	Next        llm.Completer
	Body        func(llm.Request) openai.ChatCompletionRequest
	Model, Tag  string
	Placeholder bool

	mu     sync.Mutex
	cache  *cache.Cache
	failed map[string]error
	lines  []Line
	seen   map[string]bool
	stages map[string]int
}

// SetCache sets the cache answers are read from (nil: none).
func (r *Replay) SetCache(c *cache.Cache) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache = c
}

// Fail makes the request with this key fail with err (a batch's error line).
func (r *Replay) Fail(key string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = map[string]error{}
	}
	r.failed[key] = err
}

// Line is req as a request line, with its key as custom_id.
func (r *Replay) Line(req llm.Request) Line {
	body := r.Body(req)
	body.Model = r.Model
	return Line{CustomID: Key(r.Model, r.Tag, body), Method: "POST", URL: openai.BatchEndpointChatCompletions, Body: body}
}

// Complete answers req from the cache, a batch's error, Next, or collects it.
func (r *Replay) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	line := r.Line(req)
	r.mu.Lock()
	c, failed := r.cache, r.failed[line.CustomID]
	r.mu.Unlock()
	var a Answer
	if c.Get(line.CustomID, &a) {
		return llm.Response{Text: a.Text, FinishReason: a.FinishReason, Usage: a.Usage}, nil
	}
	if failed != nil {
		return llm.Response{}, failed
	}
	if r.Next != nil {
		return r.Next.Complete(ctx, req)
	}
	r.collect(req.Stage, line)
	if r.Placeholder && req.Stage == "translate" {
		return llm.Response{Text: "(answer pending)", FinishReason: string(openai.FinishReasonStop), Attempts: 1}, nil
	}
	return llm.Response{}, ErrDeferred
}

func (r *Replay) collect(stage string, l Line) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[l.CustomID] {
		return
	}
	if r.seen == nil {
		r.seen, r.stages = map[string]bool{}, map[string]int{}
	}
	r.seen[l.CustomID] = true
	r.lines = append(r.lines, l)
	r.stages[stage]++
}

// Collected returns the lines collected so far and how many per stage.
func (r *Replay) Collected() ([]Line, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	stages := make(map[string]int, len(r.stages))
	for k, v := range r.stages {
		stages[k] = v
	}
	return append([]Line(nil), r.lines...), stages
}

// Reset forgets the collected lines.
func (r *Replay) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines, r.seen, r.stages = nil, nil, nil
}

// Store keeps a batch's answer in the cache under its key.
func Store(c *cache.Cache, key string, a Answer) error {
	if err := c.Put(key, a); err != nil {
		return fmt.Errorf("storing the answer of %s: %w", key, err)
	}
	return nil
}

var _ llm.Windowed = (*Replay)(nil)

// ContextWindow is Next's window when it knows one (it may ask the
// server). When collecting, or when no server answers, it is 0, so requests
// are planned for the window the run was given (--context), as brief batch
// export planned them: a run over imported answers needs no server, and
// one that does need it fails at its first real request with that
// request's error.
func (r *Replay) ContextWindow(ctx context.Context) (int, error) {
	w, ok := r.Next.(llm.Windowed)
	if !ok {
		return 0, nil
	}
	n, err := w.ContextWindow(ctx)
	if err != nil && ctx.Err() == nil {
		return 0, nil
	}
	return n, err
}

// TokensPerByte is Next's measured tokenizer (llm.TokenRatio), so requests
// planned through the replay are sized as Next's model counts; 0 when
// collecting a batch, which has no answers to measure.
func (r *Replay) TokensPerByte() float64 {
	if t, ok := r.Next.(llm.TokenRatio); ok {
		return t.TokensPerByte()
	}
	return 0
}
