// Package llmtest is a fake OpenAI chat-completions endpoint for tests and
// benchmarks: an httptest server that speaks the wire format brief's client
// uses (streaming included), answers by a scripted Handler, injects faults
// per request and logs every request so tests can assert on what was sent.
//
// It is a normal package, not a _test file, so testscript Setup functions and
// benchmark binaries can start it too. It imports no testing package: New
// takes any value with Helper and Cleanup (testing.TB has both). In a
// testscript Setup:
//
//	srv := llmtest.NewServer(llmtest.Config{})
//	env.Defer(srv.Close)
//	env.Setenv("LLM_URL", srv.URL()) // and point the binary at it
//
// Scripts can then make single articles fail with the Directive* strings.
package llmtest

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Model is the model name the server lists and accepts by default.
const Model = "test-model"

// ChatRequest is go-openai's request type, as the server decodes it.
type ChatRequest = openai.ChatCompletionRequest

// Handler chooses the reply to one chat request.
type Handler func(req ChatRequest) Reply

// Config configures a Server. The zero value is a working server that
// answers with Default and accepts model Model without an API key.
type Config struct {
	// Batch configures the Batch API (files and batches endpoints).
	Batch BatchAPI
	// APIKey, when set, is required as "Authorization: Bearer KEY"; other
	// requests get 401 with an OpenAI-style body that echoes the key sent
	// (OpenAI echoes part of it), so tests can check the client never
	// prints response bodies containing it.
	APIKey string
	// Handler answers chat requests; nil means Default.
	Handler Handler
	// Models are listed by GET /v1/models and accepted by chat requests;
	// other models get Ollama's 404 "model 'x' not found". Nil means
	// []string{Model}. AnyModel accepts every model name in chat requests.
	Models   []string
	AnyModel bool
	// NoModelsEndpoint makes GET /v1/models answer 404, as some servers do.
	NoModelsEndpoint bool
	// Latency is waited before the response headers of every request (a
	// Reply's own Latency replaces it); TokenLatency between streamed chunks.
	Latency      time.Duration
	TokenLatency time.Duration
	// Slots caps requests served at once (like a local server's parallel
	// slots); requests beyond it wait for a free slot. 0 means no cap.
	Slots int

	// Kind makes the server answer like Ollama, vLLM, llama.cpp or LM
	// Studio (see kinds.go); "" is a plain OpenAI-compatible endpoint
	// that says nothing of its window and refuses a prompt past it as
	// OpenAI does.
	Kind Kind
	// Window is the context window in tokens (PromptTokens) the server
	// applies to chat requests, the Kind's way; 0 applies none.
	Window int
	// AnnouncedWindow is the window the server says it has, when it lies;
	// 0 means Window.
	AnnouncedWindow int
	// TokensPerByte is the server's tokenizer: prompt tokens per byte of
	// the prompt, for the window and the usage it reports. 0 means
	// PromptTokens (a quarter, as a typical tokenizer); 1 is a
	// byte-fallback vocabulary, far worse than brief's estimate.
	TokensPerByte float64
	// OldOllama leaves context_length out of /api/ps, as Ollama before
	// 0.6 did. ModelfileNumCtx puts num_ctx in /api/show's parameters;
	// TrainedContext is model_info's <arch>.context_length (0: 32768).
	OldOllama bool
	// Version is what the server says it is (Ollama's /api/version,
	// llama.cpp's build_info); "" means OllamaVersion and "b6000-llmtest".
	Version         string
	ModelfileNumCtx int
	TrainedContext  int
	// TLS serves HTTPS with httptest's self-signed certificate; trust it
	// through HTTPClient or WriteCert.
	TLS bool
	// Redirect, when set, answers every request with RedirectStatus
	// (default 307) and a Location of Redirect plus the request's path and
	// query, as a misconfigured proxy or a hostile server does.
	Redirect       string
	RedirectStatus int
}

// Request is one logged chat request.
type Request struct {
	Time           time.Time
	Model          string
	System         string
	User           string
	Stage          string // Stage(req) of the request: "translate", "summarize", "digest" or ""
	MaxTokens      int
	MaxCompletion  int // max_completion_tokens
	Stream         bool
	IncludeUsage   bool   // stream_options.include_usage
	ResponseFormat string // "" or the response_format type, e.g. "json_object"
	Status         int    // HTTP status answered
	// PromptTokens is the server's token count of the prompt sent
	// (PromptTokens); CutTo is the window it was cut to, 0 if it was not.
	PromptTokens int
	CutTo        int
	Raw          openai.ChatCompletionRequest
	Query        string // the URL's raw query
}

// Server is a running fake endpoint. Its methods are safe for concurrent use.
type Server struct {
	cfg   Config
	ts    *httptest.Server
	done  chan struct{}
	slots chan struct{}

	batch *batchStore

	mu          sync.Mutex
	handler     Handler
	queue       []Reply
	log         []Request
	modelsCalls int
	hits        int
	auths       []string // Authorization headers received
	inFlight    int
	maxInFlight int
	serving     int
	maxServing  int
	loaded      bool // an Ollama-kind server has loaded the model
	closeOnce   sync.Once
}

// NewServer starts a server; call Close when done.
func NewServer(cfg Config) *Server {
	if cfg.Models == nil {
		cfg.Models = []string{Model}
	}
	s := &Server{cfg: cfg, done: make(chan struct{}), handler: cfg.Handler}
	if s.handler == nil {
		s.handler = Default
	}
	if cfg.Slots > 0 {
		s.slots = make(chan struct{}, cfg.Slots)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", s.models)
	s.registerKind(mux)
	s.registerBatchAPI(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Ollama answers unknown paths with a plain-text 404.
		http.Error(w, "404 page not found", http.StatusNotFound)
	})
	var h http.Handler = mux
	if cfg.Redirect != "" {
		h = http.HandlerFunc(s.redirect)
	}
	h = s.counting(h)
	if cfg.TLS {
		s.ts = httptest.NewTLSServer(h)
	} else {
		s.ts = httptest.NewServer(h)
	}
	return s
}

// counting counts every HTTP request, whatever its path.
func (s *Server) counting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits++
		if a := r.Header.Get("Authorization"); a != "" {
			s.auths = append(s.auths, a)
		}
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request) {
	status := s.cfg.RedirectStatus
	if status == 0 {
		status = http.StatusTemporaryRedirect
	}
	to := strings.TrimRight(s.cfg.Redirect, "/") + r.URL.Path
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", to)
	w.WriteHeader(status)
}

// Hits is the number of HTTP requests received, of any method and path.
func (s *Server) Hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// Authorizations are the Authorization headers of every HTTP request that
// carried one, of any path: what a server learnt of the client's keys.
func (s *Server) Authorizations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// Root is the server's URL without "/v1", e.g. for Config.Redirect.
func (s *Server) Root() string { return s.ts.URL }

// HTTPClient is a client that trusts the server's TLS certificate.
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// WriteCert writes the server's TLS certificate as PEM to path, for a
// process told to trust it through SSL_CERT_FILE.
func (s *Server) WriteCert(path string) error {
	if s.ts.Certificate() == nil {
		return fmt.Errorf("llmtest: not a TLS server")
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
	return os.WriteFile(path, b, 0o644)
}

// TB is the part of testing.TB that New needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// Option changes a Config for New.
type Option func(*Config)

// WithHandler answers chat requests with h.
func WithHandler(h Handler) Option { return func(c *Config) { c.Handler = h } }

// WithAPIKey requires the key as a Bearer token.
func WithAPIKey(key string) Option { return func(c *Config) { c.APIKey = key } }

// WithModels lists and accepts these models.
func WithModels(models ...string) Option { return func(c *Config) { c.Models = models } }

// WithLatency waits d before answering each request and tok between streamed chunks.
func WithLatency(d, tok time.Duration) Option {
	return func(c *Config) { c.Latency, c.TokenLatency = d, tok }
}

// WithSlots serves at most n requests at once.
func WithSlots(n int) Option { return func(c *Config) { c.Slots = n } }

// WithConfig replaces the whole Config.
func WithConfig(cfg Config) Option { return func(c *Config) { *c = cfg } }

// New starts a server that is closed when the test ends.
func New(t TB, opts ...Option) *Server {
	t.Helper()
	var cfg Config
	for _, o := range opts {
		o(&cfg)
	}
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL a client is configured with: the server's root + "/v1".
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// Close releases hanging handlers and stops the server.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// SetHandler replaces the handler for later requests.
func (s *Server) SetHandler(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		h = Default
	}
	s.handler = h
}

// Enqueue makes the next len(replies) chat requests answer with these
// replies, in order, before the handler is consulted again. It is the
// simple way to script "fail twice, then work".
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// Requests returns a copy of the chat request log, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count is the number of chat requests received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// ModelsCalls is the number of GET /v1/models requests received.
func (s *Server) ModelsCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modelsCalls
}

// InFlight is the chat requests open now (waiting for a slot included):
// a test that must act while requests hang waits for it, not for a time.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight is the most chat requests that were open at the same time
// (waiting for a slot included).
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// MaxServing is the most chat requests served at the same time, which
// Slots caps.
func (s *Server) MaxServing() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxServing
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if got == s.cfg.APIKey {
		return true
	}
	msg := "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
	if got != "" {
		msg = fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.", got)
	}
	Error(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", msg).writeStatus(w)
	return false
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.modelsCalls++
	s.mu.Unlock()
	if !s.authorized(w, r) {
		return
	}
	if s.cfg.NoModelsEndpoint {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	list := struct {
		Object string           `json:"object"`
		Data   []map[string]any `json:"data"`
	}{Object: "list", Data: []map[string]any{}}
	for _, m := range s.cfg.Models {
		e := map[string]any{"id": m, "object": "model", "created": 1700000000, "owned_by": "llmtest"}
		for k, v := range s.modelExtras() {
			e[k] = v
		}
		list.Data = append(list.Data, e)
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) acceptsModel(m string) bool {
	if s.cfg.AnyModel {
		return true
	}
	for _, x := range s.cfg.Models {
		if x == m || x == m+":latest" || m == x+":latest" {
			return true
		}
	}
	return false
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	// The request stops counting as in flight just before its last byte
	// goes out: once the client has read it, it may send the next one
	// while this handler is still returning, and MaxInFlight must not
	// count that as one request too many.
	done := sync.OnceFunc(func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	})
	defer done()
	r = r.WithContext(context.WithValue(r.Context(), lastByteKey{}, done))

	var req openai.ChatCompletionRequest
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	entry := Request{Time: time.Now(), Raw: req, Model: req.Model, MaxTokens: req.MaxTokens,
		MaxCompletion: req.MaxCompletionTokens, Stream: req.Stream, Stage: Stage(req), Query: r.URL.RawQuery}
	entry.System, entry.User = Messages(req)
	if req.StreamOptions != nil {
		entry.IncludeUsage = req.StreamOptions.IncludeUsage
	}
	if req.ResponseFormat != nil {
		entry.ResponseFormat = string(req.ResponseFormat.Type)
	}

	var reply Reply
	switch {
	case !s.authorized(w, r):
		entry.Status = http.StatusUnauthorized
		s.record(entry)
		return
	case err != nil:
		reply = Error(http.StatusBadRequest, "invalid_request_error", "", "We could not parse the JSON body of your request.")
	case !s.acceptsModel(req.Model):
		reply = OllamaModelNotFound(req.Model)
	default:
		reply = s.answer(req, &entry)
	}
	entry.Status = reply.status()
	s.record(entry)

	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	s.mu.Lock()
	s.serving++
	s.maxServing = max(s.maxServing, s.serving)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.serving--
		s.mu.Unlock()
	}()
	s.serve(w, r, req, reply)
}

// answer is the reply to an accepted chat request: the next queued reply,
// else the window's refusal, else the handler's answer to what the model
// reads (a cut prompt, with prompt_tokens the window, on an Ollama).
func (s *Server) answer(req openai.ChatCompletionRequest, e *Request) Reply {
	read, reported, refusal := s.overWindow(req, e)
	s.mu.Lock()
	if len(s.queue) > 0 {
		reply := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return reply
	}
	h := s.handler
	s.mu.Unlock()
	if refusal != nil {
		return *refusal
	}
	reply := h(read)
	if reported > 0 && reply.Content == "" && reply.status() == http.StatusOK {
		// A model that lost its instructions still answers: it carries
		// on with the text it was left.
		_, kept := Messages(read)
		reply.Content = FakeTranslation(strings.TrimSpace(strings.ReplaceAll(kept, "</article>", "")))
	}
	if reported == 0 && s.cfg.TokensPerByte > 0 && reply.status() == http.StatusOK {
		reported = s.promptTokens(Messages(read))
	}
	if reported > 0 && reply.Usage == nil {
		reply.Usage = &openai.Usage{PromptTokens: reported, CompletionTokens: len(reply.Content)/4 + 1}
		reply.Usage.TotalTokens = reply.Usage.PromptTokens + reply.Usage.CompletionTokens
	}
	return reply
}

func (s *Server) record(e Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, e)
}

// wait sleeps d, returning false if the client went away or the server closed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// hang blocks until the client gives up or the server closes.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest, rep Reply) {
	latency := s.cfg.Latency
	if rep.Latency != 0 {
		latency = rep.Latency
	}
	tokLatency := s.cfg.TokenLatency
	if rep.TokenLatency != 0 {
		tokLatency = rep.TokenLatency
	}
	if rep.Hang {
		s.hang(r)
		return
	}
	if !s.wait(r, latency) {
		return
	}
	if rep.Reset {
		reset(w)
		return
	}
	for k, vs := range rep.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		rep.writeStatus(w)
		return
	}
	if req.Stream && !rep.IgnoreStream {
		s.stream(w, r, req, rep, tokLatency)
		return
	}
	if rep.Flood != 0 {
		s.floodJSON(w, r, rep)
		return
	}
	body := completionJSON(req, rep)
	if rep.MidStreamError != "" {
		body = []byte(rep.MidStreamError)
	}
	if rep.Cut || rep.CutAfter > 0 || rep.StallAfter > 0 || rep.ResetAfter > 0 {
		// A non-streaming answer can only break mid-body: send half.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush()
		switch {
		case rep.StallAfter > 0:
			s.hang(r)
		case rep.ResetAfter > 0:
			reset(w)
		}
		return
	}
	beforeLastByte(r)
	writeRaw(w, http.StatusOK, "application/json", body)
}

type lastByteKey struct{}

// beforeLastByte ends the request's in-flight count (see chat).
func beforeLastByte(r *http.Request) {
	if done, ok := r.Context().Value(lastByteKey{}).(func()); ok {
		done()
	}
}

// reset closes the connection abruptly with a TCP RST, as a crashed or
// restarted server does.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest, rep Reply, tokLatency time.Duration) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()

	created := time.Now().Unix()
	chunk := func(delta map[string]any, finish string, usage *openai.Usage, noChoices bool) {
		c := map[string]any{
			"id": "chatcmpl-llmtest", "object": "chat.completion.chunk", "created": created,
			"model": req.Model, "system_fingerprint": "fp_llmtest",
		}
		if noChoices {
			c["choices"] = []any{}
		} else {
			var fr any
			if finish != "" {
				fr = finish
			}
			c["choices"] = []any{map[string]any{"index": 0, "delta": delta, "finish_reason": fr}}
		}
		if usage != nil {
			c["usage"] = usage
		}
		b, _ := json.Marshal(c)
		fmt.Fprintf(w, "data: %s\n\n", b)
		_ = rc.Flush()
	}

	tokens := Tokens(rep.Content)
	chunk(map[string]any{"role": "assistant", "content": ""}, "", nil, false)
	for i, tok := range tokens {
		if rep.MidStreamError != "" && i == rep.ErrorAfter {
			fmt.Fprintf(w, "data: %s\n\n", rep.MidStreamError)
			_ = rc.Flush()
			return
		}
		if rep.StallAfter > 0 && i == rep.StallAfter {
			s.hang(r)
			return
		}
		if rep.ResetAfter > 0 && i == rep.ResetAfter {
			reset(w)
			return
		}
		if rep.CutAfter > 0 && i == rep.CutAfter {
			return
		}
		if i > 0 && !s.wait(r, tokLatency) {
			return
		}
		chunk(map[string]any{"content": tok}, "", nil, false)
	}
	if rep.MidStreamError != "" {
		fmt.Fprintf(w, "data: %s\n\n", rep.MidStreamError)
		_ = rc.Flush()
		return
	}
	if rep.Flood != 0 && !s.flood(w, r, rep, chunk) {
		return
	}
	if rep.Cut {
		// The connection closes cleanly after the content but before any
		// finish_reason or [DONE]: what a crashed or restarted model
		// server behind a proxy looks like.
		return
	}
	chunk(map[string]any{}, rep.finish(), nil, false)
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage && !rep.NoUsage {
		u := rep.usage(req)
		chunk(nil, "", &u, true)
	}
	beforeLastByte(r)
	fmt.Fprint(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}

// floodBlock is what a flood repeats: 4 KiB of answer text.
var floodBlock = strings.Repeat("flood ", 4096/6)

// flood streams rep.Flood bytes of text after the content (without end
// when negative), as content chunks or, with FloodLine, as one data line
// without a newline. It says whether the stream may go on to finish.
func (s *Server) flood(w http.ResponseWriter, r *http.Request, rep Reply, chunk func(map[string]any, string, *openai.Usage, bool)) bool {
	rc := http.NewResponseController(w)
	if rep.FloodLine {
		fmt.Fprint(w, `data: {"id":"chatcmpl-llmtest","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"`)
	}
	for sent := int64(0); rep.Flood < 0 || sent < rep.Flood; sent += int64(len(floodBlock)) {
		select {
		case <-r.Context().Done():
			return false
		case <-s.done:
			return false
		default:
		}
		if !rep.FloodLine {
			chunk(map[string]any{"content": floodBlock}, "", nil, false)
			continue
		}
		if _, err := io.WriteString(w, floodBlock); err != nil {
			return false
		}
		_ = rc.Flush()
	}
	if rep.FloodLine {
		fmt.Fprint(w, `"},"finish_reason":null}]}`+"\n\n")
	}
	return true
}

// floodJSON answers a non-streaming request with a completion whose
// content is rep.Flood bytes long (without end when negative).
func (s *Server) floodJSON(w http.ResponseWriter, r *http.Request, rep Reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, `{"id":"chatcmpl-llmtest","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"`)
	for sent := int64(0); rep.Flood < 0 || sent < rep.Flood; sent += int64(len(floodBlock)) {
		if r.Context().Err() != nil {
			return
		}
		if _, err := io.WriteString(w, floodBlock); err != nil {
			return
		}
	}
	fmt.Fprint(w, `"},"finish_reason":"stop"}]}`)
}

// Tokens splits text into stream chunks of about one word each, keeping
// every byte (spaces and newlines stay with the word before them).
func Tokens(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		if (text[i] == ' ' || text[i] == '\n') && (i+1 == len(text) || (text[i+1] != ' ' && text[i+1] != '\n')) {
			out = append(out, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func completionJSON(req openai.ChatCompletionRequest, rep Reply) []byte {
	var content any = rep.Content
	if rep.NullContent {
		content = nil
	}
	resp := map[string]any{
		"id": "chatcmpl-llmtest", "object": "chat.completion", "created": time.Now().Unix(),
		"model": req.Model, "system_fingerprint": "fp_llmtest",
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"finish_reason": rep.finish(),
		}},
	}
	if !rep.NoUsage {
		resp["usage"] = rep.usage(req)
	}
	b, _ := json.Marshal(resp)
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	writeRaw(w, status, "application/json", b)
}

func writeRaw(w http.ResponseWriter, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Messages returns the request's system prompt and its last user message.
func Messages(req openai.ChatCompletionRequest) (system, user string) {
	for _, m := range req.Messages {
		switch m.Role {
		case openai.ChatMessageRoleSystem, "developer":
			system = m.Content
		case openai.ChatMessageRoleUser:
			user = m.Content
		}
	}
	return system, user
}
