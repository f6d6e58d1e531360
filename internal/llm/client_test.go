package llm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// harness records what the client logged and how long it chose to sleep,
// with sleeps returning at once so back-off never slows the tests.
type harness struct {
	mu     sync.Mutex
	logs   []string
	sleeps []time.Duration
}

func (h *harness) logf(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, fmt.Sprintf(format, args...))
}

func (h *harness) sleep(ctx context.Context, d time.Duration) error {
	h.mu.Lock()
	h.sleeps = append(h.sleeps, d)
	h.mu.Unlock()
	return ctx.Err()
}

func (h *harness) Logs() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.logs, "\n")
}

func (h *harness) Sleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// testHints are hints as a command line would word them: the tests check
// that an error a setting can fix ends with that setting's hint.
var testHints = map[llm.Setting]string{
	llm.SettingBaseURL: "check --base-url",
	llm.SettingModel:   "check --model",
	llm.SettingAPIKey:  "set OPENAI_API_KEY",
	llm.SettingTimeout: "a slow model may need a longer --timeout",
	llm.SettingContext: "pass --context with the model's window",
}

func newClient(t *testing.T, srv *llmtest.Server, mod ...func(*llm.Config)) (*llm.Client, *harness) {
	t.Helper()
	h := &harness{}
	cfg := llm.Config{
		BaseURL:     srv.URL(),
		Model:       llmtest.Model,
		Timeout:     5 * time.Second,
		IdleTimeout: 2 * time.Second,
		Retries:     llm.DefaultRetries,
		Hints:       testHints,
		Logf:        h.logf,
		Sleep:       h.sleep,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, h
}

const article = "Regeringen vil bruge 2,5 mia. kroner på cykelstier.\n\nDet oplyser ministeren."

// translated is the fake endpoint's whole answer to translateReq.
var translated = llmtest.EnglishTranslation(article)

func translateReq() llm.Request {
	return llm.Request{
		Stage:     "translate",
		System:    "You are a professional news translator.",
		User:      "<article>\n" + article + "\n</article>",
		MaxTokens: 512,
	}
}

func TestCompleteStreamsAndReportsUsage(t *testing.T) {
	srv := llmtest.New(t)
	c, _ := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != translated || resp.FinishReason != "stop" || resp.Attempts != 1 {
		t.Fatalf("resp = %+v, want the fake translation, stop, 1 attempt", resp)
	}
	if resp.Usage.Estimated || resp.Usage.PromptTokens == 0 || resp.Usage.CompletionTokens == 0 {
		t.Errorf("usage = %+v, want the endpoint's reported usage", resp.Usage)
	}
	r := srv.Requests()[0]
	if !r.Stream || !r.IncludeUsage || r.MaxTokens != 512 || r.MaxCompletion != 0 || r.Model != llmtest.Model {
		t.Errorf("request = %+v, want stream with include_usage and max_tokens 512", r)
	}
	if r.System != "You are a professional news translator." || !strings.Contains(r.User, "cykelstier") {
		t.Errorf("messages not sent as system+user: %+v", r)
	}
	if st := c.Stats(); st.Requests != 1 || st.Completed != 1 || st.Usage != resp.Usage {
		t.Errorf("stats = %+v", st)
	}
}

func TestUsageEstimatedWhenEndpointReportsNone(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		rep := llmtest.Default(r)
		rep.NoUsage = true
		return rep
	}))
	c, _ := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil {
		t.Fatal(err)
	}
	// About three characters a token.
	wantCompletion := len([]rune(resp.Text))/3 + 1
	if !resp.Usage.Estimated || resp.Usage.CompletionTokens != wantCompletion || resp.Usage.PromptTokens == 0 {
		t.Fatalf("usage = %+v, want estimated with %d completion tokens", resp.Usage, wantCompletion)
	}
}

func TestJSONModeSent(t *testing.T) {
	srv := llmtest.New(t)
	c, _ := newClient(t, srv)
	req := translateReq()
	req.JSON = true
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].ResponseFormat; got != "json_object" {
		t.Fatalf("response_format = %q, want json_object", got)
	}
}

func TestStreamingRejectedFallsBackToPlain(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(llmtest.RejectStreaming(nil)))
	c, h := newClient(t, srv)
	for i := range 2 {
		resp, err := c.Complete(context.Background(), translateReq())
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		// Attempts counts HTTP requests, the rejected one included.
		if wantAttempts := 2 - i; resp.Text != translated || resp.Attempts != wantAttempts {
			t.Fatalf("request %d: resp = %+v, want %d attempts", i, resp, wantAttempts)
		}
	}
	reqs := srv.Requests()
	// The first request learns streaming is unsupported; later ones do
	// not ask again.
	if len(reqs) != 3 || !reqs[0].Stream || reqs[1].Stream || reqs[2].Stream {
		t.Fatalf("stream flags of requests = %v", streams(reqs))
	}
	if !strings.Contains(h.Logs(), "does not stream") {
		t.Errorf("fallback not logged: %q", h.Logs())
	}
}

func TestStreamIgnoredFallsBackToPlain(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		rep := llmtest.Default(r)
		rep.IgnoreStream = true
		return rep
	}))
	c, _ := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil || resp.Text != translated {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	if got := streams(srv.Requests()); len(got) != 2 || !got[0] || got[1] {
		t.Fatalf("stream flags = %v, want true then false", got)
	}
}

func streams(reqs []llmtest.Request) []bool {
	var out []bool
	for _, r := range reqs {
		out = append(out, r.Stream)
	}
	return out
}

func TestJSONModeRejectedRetriedWithout(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(llmtest.RejectJSONMode(nil)))
	c, _ := newClient(t, srv)
	req := translateReq()
	req.JSON = true
	resp, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text == "" {
		t.Fatal("empty text")
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].ResponseFormat != "json_object" || reqs[1].ResponseFormat != "" {
		t.Fatalf("requests = %d, formats %q then %q; want json_object then none", len(reqs), reqs[0].ResponseFormat, reqs[len(reqs)-1].ResponseFormat)
	}
}

func TestRateLimitedThenOK(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.RateLimited(""))
	c, h := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 || srv.Count() != 2 {
		t.Fatalf("attempts = %d, server saw %d; want 2", resp.Attempts, srv.Count())
	}
	if st := c.Stats(); st.Retries != 1 || st.Requests != 2 {
		t.Errorf("stats = %+v", st)
	}
	if !strings.Contains(h.Logs(), "rate limiting") || !strings.Contains(h.Logs(), "retrying in") {
		t.Errorf("retry not logged: %q", h.Logs())
	}
}

func TestNewRequiresModelAndHTTPURL(t *testing.T) {
	if _, err := llm.New(llm.Config{BaseURL: "http://x/v1", Hints: testHints}); !errors.Is(err, llm.ErrFatal) || !strings.Contains(err.Error(), "--model") {
		t.Errorf("no model: %v", err)
	}
	if _, err := llm.New(llm.Config{BaseURL: "localhost:11434", Model: "m"}); !errors.Is(err, llm.ErrFatal) {
		t.Errorf("bad URL: %v", err)
	}
}

func TestTemperatureGoesWithEveryRequest(t *testing.T) {
	for _, c := range []struct {
		set  float64
		want func(float32) bool
		what string
	}{
		{0.2, func(t float32) bool { return t == 0.2 }, "0.2"},
		// Not the smallest float32: Ollama's runner divides logits by it and
		// aborts on the infinities.
		{0, func(t float32) bool { return t > 1e-9 && t <= 1e-6 }, "greedy (near 0, yet no overflow when a server divides by it)"},
		{-1, func(t float32) bool { return t == 0 }, "left out (the server's own)"},
	} {
		var got float32 = -99
		srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
			got = req.Temperature
			return llmtest.Text("ok")
		}))
		cl, _ := newClient(t, srv, func(cfg *llm.Config) { cfg.Temperature = c.set })
		if _, err := cl.Complete(context.Background(), llm.Request{User: "hej"}); err != nil {
			t.Fatal(err)
		}
		if !c.want(got) {
			t.Errorf("temperature %v sent as %v, want %s", c.set, got, c.what)
		}
	}
}
