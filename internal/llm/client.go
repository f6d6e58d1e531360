package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/tokens"
	openai "github.com/sashabaranov/go-openai"
)

// DefaultBaseURL is Ollama's OpenAI-compatible endpoint.
const DefaultBaseURL = "http://localhost:11434/v1"

// Defaults for Config fields left zero.
const (
	DefaultTimeout     = 10 * time.Minute
	DefaultIdleTimeout = 60 * time.Second
	DefaultRetries     = 5
	DefaultBackoff     = time.Second
	DefaultMaxBackoff  = 30 * time.Second
	// DefaultMaxRetryAfter caps a server's Retry-After, so a proxy asking
	// for an hour does not silently stall a run.
	DefaultMaxRetryAfter = 2 * time.Minute
	// DefaultLoadNotice is how long the client waits for a first answer
	// before it says the server may be loading the model.
	DefaultLoadNotice = 15 * time.Second
)

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	BaseURL string // e.g. http://localhost:11434/v1 (the default)
	APIKey  string // sent as a Bearer token; never logged or put in errors
	Model   string // required

	// Timeout bounds one HTTP attempt from sending the request to the
	// last token. It is the only bound on the wait for the first token:
	// Ollama loads a model on its first request, which can take minutes
	// before any byte arrives, and a client that gives up makes Ollama
	// abort the load.
	Timeout time.Duration
	// IdleTimeout bounds the gap between two streamed chunks once the
	// first one has arrived; a stream silent for longer is abandoned and
	// retried. It does not apply before the first chunk (see Timeout).
	IdleTimeout time.Duration
	// Retries is how many times a transient failure is retried (so at most
	// Retries+1 attempts); 0 means none. Unlike the other fields, zero is
	// not replaced by a default: callers start from DefaultRetries.
	Retries int
	// RPM and TPM are requests and tokens per minute shared by every
	// request of this client; 0 means no limit.
	RPM, TPM int
	// Temperature is sent with every request; negative leaves it to the
	// server (for models that accept only their own, like OpenAI's o-series).
	Temperature float64

	// HTTPClient is the transport; nil means a plain http.Client (timeouts
	// are applied per request through contexts, not here). The client
	// uses a copy whose CheckRedirect refuses redirects to another origin.
	HTTPClient *http.Client
	// Logf receives one line per retry, fallback and slow start; nil
	// discards them. Lines never contain the API key.
	Logf func(format string, args ...any)
	// Hints say how the caller's user changes a setting, e.g.
	// SettingBaseURL: "check --base-url" (plain text, no %); an error that
	// a setting could fix ends with its hint. Without hints, messages say
	// only what happened.
	Hints map[Setting]string

	// Back-off tuning; zero means the defaults.
	Backoff, MaxBackoff, MaxRetryAfter, LoadNotice time.Duration
	// Sleep waits d or until ctx is done (tests inject one that records
	// and returns at once); nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for rate limits; nil means time.Now.
	Now func() time.Time
}

// Client is the model client. It is safe for concurrent use; all its
// requests share one rate limiter, so a 429 seen by one slows them all.
type Client struct {
	cfg     Config
	oc      *openai.Client
	limiter *limiter
	// http sends every request: base URL query, redirect policy, caps.
	http recordingDoer

	// Capabilities learnt at run time, shared by every request: once the
	// endpoint rejects streaming or JSON mode it is not asked again.
	noStream   atomic.Bool
	noJSON     atomic.Bool
	loadNotice sync.Once

	// The window requests are fitted into (SetWindow), which a confirmed
	// cut revealing a smaller one lowers; and what discovery learnt of
	// the server. refused: the server answered a prompt as too long, so it
	// is one that refuses rather than cuts.
	winMu   sync.Mutex
	window  Window
	server  Server
	refused atomic.Bool

	// cal learns the model's tokens per byte from every answer.
	cal Calibration

	// secrets are what the endpoint's answers may echo and brief never
	// shows (Secrets).
	secrets []string

	statsMu sync.Mutex
	stats   Stats
}

// Stats are running totals of a client's requests.
type Stats struct {
	Requests  int          `json:"requests"`  // HTTP attempts sent
	Completed int          `json:"completed"` // Complete calls that returned a Response
	Retries   int          `json:"retries"`   // attempts that were retries
	Usage     tokens.Usage `json:"usage"`     // over completed calls
}

// Add is the totals of s and o together.
func (s Stats) Add(o Stats) Stats {
	return Stats{Requests: s.Requests + o.Requests, Completed: s.Completed + o.Completed,
		Retries: s.Retries + o.Retries, Usage: s.Usage.Add(o.Usage)}
}

var _ Completer = (*Client)(nil)

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, &Error{Class: ErrFatal, Msg: withHints(cfg.Hints, "no model configured", SettingModel)}
	}
	base, err := ParseBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Msg = withHints(cfg.Hints, e.Msg, SettingBaseURL)
		}
		return nil, err
	}
	// The query goes with every request (recordingDoer); BaseURL is
	// what paths are appended to.
	query, secrets := base.RawQuery, Secrets(base.String(), cfg.APIKey)
	base.RawQuery, base.ForceQuery = "", false
	cfg.BaseURL = base.String()
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	doer := recordingDoer{c: cfg.HTTPClient, query: query}
	oc.HTTPClient = doer
	// Some gateways send SSE comment lines (": processing") while a model
	// thinks; go-openai counts them and fails a stream after 300.
	oc.EmptyMessagesLimit = 1 << 20
	return &Client{
		cfg:     cfg,
		http:    doer,
		oc:      openai.NewClientWithConfig(oc),
		limiter: newLimiter(cfg.RPM, cfg.TPM, cfg.MaxRetryAfter+cfg.MaxRetryAfter/10, cfg.Now, cfg.Sleep),
		secrets: secrets,
	}, nil
}

// withDefaults is cfg with every unset timing, retry and clock setting at
// its default, and an HTTP client that keeps API calls at their origin.
func (cfg Config) withDefaults() Config {
	orDefault := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	orDefault(&cfg.Timeout, DefaultTimeout)
	orDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	orDefault(&cfg.Backoff, DefaultBackoff)
	orDefault(&cfg.MaxBackoff, DefaultMaxBackoff)
	orDefault(&cfg.MaxRetryAfter, DefaultMaxRetryAfter)
	orDefault(&cfg.LoadNotice, DefaultLoadNotice)
	cfg.Retries = max(cfg.Retries, 0)
	// API calls carry the key and the articles: they never follow a
	// redirect to another origin, whatever client the caller passed.
	cfg.HTTPClient = SameOriginClient(cfg.HTTPClient)
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// Endpoint is the base URL without credentials, for manifests and logs.
func (c *Client) Endpoint() string {
	if c.http.query != "" {
		return RedactURL(c.cfg.BaseURL + "?" + c.http.query)
	}
	return RedactURL(c.cfg.BaseURL)
}

// Stats returns the running totals.
func (c *Client) Stats() Stats {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	return c.stats
}

func (c *Client) count(f func(*Stats)) {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	f(&c.stats)
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf == nil {
		return
	}
	c.cfg.Logf("%s", safetext.Redact(fmt.Sprintf(format, args...), c.secrets...))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Complete sends req and returns the finished answer. Transient failures
// are retried with back-off; the error returned is an *Error of class
// ErrFatal, ErrArticle or (retries exhausted) ErrTransient, or the context's
// error when ctx ends.
func (c *Client) Complete(ctx context.Context, req Request) (Response, error) {
	resp, err := c.complete(ctx, req)
	c.count(func(s *Stats) {
		s.Usage = s.Usage.Add(resp.Usage) // a cut prompt was still paid for
		if err == nil {
			s.Completed++
		}
	})
	return resp, err
}

func (c *Client) complete(ctx context.Context, req Request) (Response, error) {
	var (
		attempts  int
		unreached = true // every attempt so far failed to connect
	)
	for retry := 0; ; {
		if err := c.limiter.wait(ctx, estimateTokens(req)); err != nil {
			return Response{}, cmp.Or(context.Cause(ctx), err)
		}
		attempts++
		c.count(func(s *Stats) {
			s.Requests++
			if attempts > 1 {
				s.Retries++
			}
		})
		stream, jsonMode := !c.noStream.Load(), req.JSON && !c.noJSON.Load()
		resp, info, err := c.attempt(ctx, req, stream, jsonMode)
		c.limiter.observe(info.headers())
		if err == nil {
			resp.Attempts = attempts
			if cut, ok := c.measure(req, resp); ok {
				return resp, &Error{Class: ErrArticle, Msg: cut.Error(), Err: errors.Join(ErrContextLength, ErrPromptCut, cut)}
			}
			return resp, nil
		}
		if ctx.Err() != nil {
			return Response{}, context.Cause(ctx)
		}
		if c.dropRejectedFeature(err, stream, jsonMode) {
			continue
		}
		e := c.classify(err, info)
		if errors.Is(e, ErrContextLength) {
			c.refused.Store(true)
		}
		if !isRefused(err) {
			unreached = false
		}
		if !errors.Is(e.Class, ErrTransient) {
			return Response{}, e
		}
		if retry >= c.cfg.Retries || handOff(ctx, err) {
			return Response{}, c.giveUp(e, attempts, unreached)
		}
		retry++
		delay, fromServer := c.delay(retry, info)
		if dl, ok := ctx.Deadline(); ok && c.cfg.Now().Add(delay).After(dl) {
			return Response{}, c.giveUp(e, attempts, unreached)
		}
		c.logf("%s: %s (attempt %d of %d); retrying in %s", req.Stage, e.Msg, attempts, c.cfg.Retries+1, delay.Round(time.Millisecond))
		if info.status == http.StatusTooManyRequests || fromServer {
			// A server-set pause pauses the whole pool: the limit is the
			// endpoint's, not this request's, and the limiter's wait
			// before the next attempt does the sleeping, for this worker too.
			c.limiter.pause(delay)
		} else if err := c.cfg.Sleep(ctx, delay); err != nil {
			return Response{}, cmp.Or(context.Cause(ctx), err)
		}
	}
}

// dropRejectedFeature turns off streaming or JSON mode when the server
// refused the request for it, and says whether it did. Capability
// fallbacks are not failures: the caller asks again at once without the
// feature, for this and every later request.
func (c *Client) dropRejectedFeature(err error, stream, jsonMode bool) bool {
	switch {
	case stream && streamRejected(err):
		c.noStream.Store(true)
		c.logf("%s does not stream answers; using non-streaming requests (a slow answer then only ends at the %s request timeout)", c.Endpoint(), c.cfg.Timeout)
		return true
	case jsonMode && jsonRejected(err):
		c.noJSON.Store(true)
		c.logf("%s rejects JSON mode (response_format); asking without it", c.Endpoint())
		return true
	}
	return false
}

// giveUp turns the last transient failure into the final error.
func (c *Client) giveUp(e *Error, attempts int, unreached bool) *Error {
	if unreached {
		// Never reached the server at all: no later request will either.
		return &Error{Class: ErrFatal, Msg: c.unreachableMsg(e.Err), Err: e.Err}
	}
	msg := e.Msg
	if attempts > 1 {
		msg = fmt.Sprintf("%s (gave up after %d attempts; try again later, or lower the number of parallel jobs)", e.Msg, attempts)
	}
	return &Error{Class: ErrTransient, Status: e.Status, Msg: msg, Err: e.Err}
}

// delay is how long to wait before retry number n (1-based): what the
// server asked for when it said, else exponential back-off with full jitter.
func (c *Client) delay(n int, info *respInfo) (time.Duration, bool) {
	if d, ok := serverDelay(info.headers(), info.status, c.cfg.Now()); ok {
		d = min(d, c.cfg.MaxRetryAfter)
		// Up to a tenth more, so a pool paused together does not wake
		// together.
		return d + time.Duration(rand.Int64N(int64(d)/10+1)), true
	}
	ceil := min(c.cfg.Backoff<<min(n-1, 20), c.cfg.MaxBackoff)
	return time.Duration(rand.Int64N(int64(ceil)) + 1), false
}

// estimateTokens guesses a request's token cost for the TPM budget before
// it is sent: its text plus the answer it may produce.
func estimateTokens(req Request) int {
	return estimate(req.System) + estimate(req.User) + req.MaxTokens
}

// estimate guesses tokens from text: about three characters a token for
// Danish and English news text with common tokenizers.
func estimate(s string) int {
	if s == "" {
		return 0
	}
	return utf8.RuneCountInString(s)/3 + 1
}

// attempt sends one HTTP request and reads the whole answer.
func (c *Client) attempt(ctx context.Context, req Request, stream, jsonMode bool) (Response, *respInfo, error) {
	info := &respInfo{caps: capsFor(req.MaxTokens)}
	actx, cancel := context.WithCancelCause(context.WithValue(ctx, infoKey{}, info))
	defer cancel(nil)
	actx, cancelT := context.WithTimeoutCause(actx, c.cfg.Timeout, errAttemptTimeout)
	defer cancelT()

	// A silent first minute is normal while a local server loads the
	// model; say so once rather than looking hung.
	notice := time.AfterFunc(c.cfg.LoadNotice, func() {
		if !info.started.Load() {
			c.loadNotice.Do(func() {
				c.logf("no answer from %s yet: the server may be loading model %s, which can take minutes on first use; waiting up to %s",
					c.Endpoint(), c.cfg.Model, c.cfg.Timeout)
			})
		}
	})
	defer notice.Stop()

	req.JSON = jsonMode
	oreq := c.ChatBody(req)
	send := c.plainOnce
	if stream {
		oreq.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
		send = c.streamOnce
	}
	resp, err := send(actx, cancel, oreq, info)
	if cause := context.Cause(actx); err != nil && cause != nil && ctx.Err() == nil {
		err = cause // our own timers (errIdle, errAttemptTimeout) ended the attempt: say which
	}
	if err != nil {
		return Response{}, info, err
	}
	if resp.Usage == (tokens.Usage{}) {
		resp.Usage = tokens.Usage{PromptTokens: estimate(req.System) + estimate(req.User), CompletionTokens: estimate(resp.Text), Estimated: true}
	}
	return resp, info, checkAnswer(resp)
}

// withMaxTokens retries a request go-openai refused to send because the
// model is a reasoning model that only takes max_completion_tokens (Ollama
// ignores that field, so max_tokens is the default).
func withMaxTokens[T any](oreq *openai.ChatCompletionRequest, send func() (T, error)) (T, error) {
	r, err := send()
	if errors.Is(err, openai.ErrReasoningModelMaxTokensDeprecated) && oreq.MaxTokens > 0 {
		oreq.MaxCompletionTokens, oreq.MaxTokens = oreq.MaxTokens, 0
		r, err = send()
	}
	return r, err
}

func (c *Client) streamOnce(ctx context.Context, cancel context.CancelCauseFunc, oreq openai.ChatCompletionRequest, info *respInfo) (Response, error) {
	st, err := withMaxTokens(&oreq, func() (*openai.ChatCompletionStream, error) {
		return c.oc.CreateChatCompletionStream(ctx, oreq)
	})
	if err != nil {
		return Response{}, err
	}
	defer st.Close()
	if ct := info.headers().Get("Content-Type"); ct != "" && !strings.Contains(ct, "event-stream") {
		// The server ignored stream:true and sent one JSON body, which
		// go-openai's SSE reader cannot parse.
		return Response{}, errStreamIgnored
	}
	var (
		text   strings.Builder
		finish string
		usage  *openai.Usage
	)
	// The idle clock starts with the first chunk: before it the server
	// may still be loading the model or reading the prompt.
	idle := time.AfterFunc(c.cfg.IdleTimeout, func() { cancel(errIdle) })
	idle.Stop()
	defer idle.Stop()
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Response{}, err
		}
		idle.Reset(c.cfg.IdleTimeout)
		if chunk.Usage != nil {
			usage = chunk.Usage
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			text.WriteString(ch.Delta.Content)
			if text.Len() > info.caps.text {
				info.overCap.Store(true)
				return Response{}, errTooLong
			}
			if ch.FinishReason != "" {
				finish = string(ch.FinishReason)
			}
		}
	}
	if finish == "" {
		// go-openai reports a clean end and an early close alike as
		// io.EOF; without a finish_reason the answer may be cut short.
		return Response{}, errCutStream
	}
	resp := Response{Text: text.String(), FinishReason: finish}
	if usage != nil {
		resp.Usage = tokens.Usage{PromptTokens: usage.PromptTokens, CompletionTokens: usage.CompletionTokens}
	}
	return resp, nil
}

func (c *Client) plainOnce(ctx context.Context, _ context.CancelCauseFunc, oreq openai.ChatCompletionRequest, info *respInfo) (Response, error) {
	r, err := withMaxTokens(&oreq, func() (openai.ChatCompletionResponse, error) {
		return c.oc.CreateChatCompletion(ctx, oreq)
	})
	if err != nil {
		return Response{}, err
	}
	if len(r.Choices) > 0 && len(r.Choices[0].Message.Content) > info.caps.text {
		info.overCap.Store(true)
		return Response{}, errTooLong
	}
	return answerOf(r)
}

// answerOf is the Response in a whole (not streamed) chat completion: a
// live one or a Batch API result. A complete body is a finished answer even
// when the server leaves finish_reason out.
func answerOf(r openai.ChatCompletionResponse) (Response, error) {
	if len(r.Choices) == 0 {
		return Response{}, errNoChoices
	}
	resp := Response{
		Text:         r.Choices[0].Message.Content,
		FinishReason: cmp.Or(string(r.Choices[0].FinishReason), string(openai.FinishReasonStop)),
		Usage:        tokens.Usage{PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens},
	}
	return resp, checkAnswer(resp)
}

// checkAnswer turns finished-but-unusable answers into errors.
func checkAnswer(r Response) error {
	switch {
	case r.FinishReason == string(openai.FinishReasonContentFilter):
		return errContentFilter
	case strings.TrimSpace(r.Text) == "" && r.FinishReason != string(openai.FinishReasonLength):
		return errEmpty
	}
	return nil
}

// greedyTemperature is as good as greedy decoding (logits a thousandth
// apart end up e^1000 apart) yet cannot overflow: Ollama's llama.cpp runner
// divides the logits by it in float32, and the smallest float32 (1e-45)
// made them infinite, the softmax NaN, and the runner abort on an
// assertion (found by the live suite against a real Ollama).
const greedyTemperature = 1e-6

// temperature as go-openai sends it: it leaves a zero out of the request
// (omitempty), so an asked-for 0 goes as greedyTemperature, and "server's
// choice" as 0.
func (c *Client) temperature() float32 {
	switch t := c.cfg.Temperature; {
	case t < 0:
		return 0
	case t == 0:
		return greedyTemperature
	default:
		return float32(t)
	}
}
