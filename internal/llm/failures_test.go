package llm_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

func classOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, llm.ErrFatal):
		return "fatal"
	case errors.Is(err, llm.ErrArticle):
		return "article"
	case errors.Is(err, llm.ErrTransient):
		return "transient"
	}
	return "unclassified: " + err.Error()
}

// Each transient fault, once, is retried and the second attempt succeeds.
func TestTransientFaultsAreRetried(t *testing.T) {
	faults := map[string]llmtest.Reply{
		"500":                   llmtest.Error(500, "server_error", "", "The server had an error while processing your request."),
		"502 html":              llmtest.HTML(502),
		"503 ollama queue full": llmtest.Error(503, "api_error", "", "server busy, please try again.  maximum pending requests exceeded"),
		"504 html":              llmtest.HTML(504),
		"connection reset":      {Reset: true},
		"reset mid-stream":      {Content: "one two three four", ResetAfter: 2},
		"hang":                  {Hang: true},
		"stall mid-stream":      {Content: "one two three four", StallAfter: 2},
		"cut before finish":     {Content: "one two three four", Cut: true},
		"cut after two chunks":  {Content: "one two three four", CutAfter: 2},
		"error event in stream": {Content: "one two three", MidStreamError: llmtest.ErrorEvent("server_error", "", "model runner crashed"), ErrorAfter: 1},
		"empty content":         {Content: ""},
		"proxy 429 code string": {Status: 429, Body: `{"error":{"message":"Too Many Requests","type":"","code":"429"}}`},
		"plain text 500":        {Status: 500, ContentType: "text/plain", Body: "Internal Server Error"},
		"vllm flat 503":         llmtest.VLLMError(503, "The engine is overloaded"),
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := llmtest.New(t)
			srv.Enqueue(fault)
			c, h := newClient(t, srv, func(c *llm.Config) {
				// Only the hang and the stall need a timer to end them:
				// short enough to end them quickly, long enough for the
				// normal answer after them on a busy machine under -race
				// (250 ms failed there). The other faults keep the defaults.
				if fault.Hang || fault.StallAfter > 0 {
					c.Timeout = 5 * time.Second
					c.IdleTimeout = 2 * time.Second
				}
			})
			resp, err := c.Complete(context.Background(), translateReq())
			if err != nil {
				t.Fatalf("err = %v (%s), want success after a retry", err, classOf(err))
			}
			if resp.Attempts != 2 || resp.Text != translated || resp.FinishReason != "stop" {
				t.Fatalf("resp = %+v, want the full answer on attempt 2", resp)
			}
			if len(h.Sleeps()) != 1 || !strings.Contains(h.Logs(), "retrying") {
				t.Fatalf("sleeps %v, logs %q: want one logged back-off", h.Sleeps(), h.Logs())
			}
		})
	}
}

// A fault that never clears ends, after the retries, as ErrTransient with
// a sentence about it; a cut stream is never returned as an answer.
func TestPersistentTransientFaultGivesUp(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Content: "half of an answer", Cut: true}
	}))
	c, h := newClient(t, srv, func(c *llm.Config) { c.Retries = 3 })
	resp, err := c.Complete(context.Background(), translateReq())
	if classOf(err) != "transient" || resp.Text != "" {
		t.Fatalf("resp %+v err %v, want ErrTransient and no text", resp, err)
	}
	if srv.Count() != 4 || len(h.Sleeps()) != 3 {
		t.Fatalf("server saw %d requests, client slept %d times; want 4 and 3", srv.Count(), len(h.Sleeps()))
	}
	if msg := err.Error(); !strings.Contains(msg, "stopped before the model finished") || !strings.Contains(msg, "gave up after 4 attempts") {
		t.Fatalf("msg = %q", msg)
	}
	if st := c.Stats(); st.Completed != 0 || st.Retries != 3 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestBackoffIsExponentialWithFullJitter(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.HTML(502) }))
	c, h := newClient(t, srv, func(c *llm.Config) {
		c.Retries = 5
		c.Backoff = time.Second
		c.MaxBackoff = 4 * time.Second
	})
	if _, err := c.Complete(context.Background(), translateReq()); classOf(err) != "transient" {
		t.Fatal(err)
	}
	ceilings := []time.Duration{1, 2, 4, 4, 4}
	sleeps := h.Sleeps()
	if len(sleeps) != len(ceilings) {
		t.Fatalf("sleeps = %v", sleeps)
	}
	for i, d := range sleeps {
		if d <= 0 || d > ceilings[i]*time.Second {
			t.Errorf("sleep %d = %v, want in (0, %v]", i, d, ceilings[i]*time.Second)
		}
	}
	if err := lastErr(c); !strings.Contains(err, "HTML error page") || strings.Contains(err, "<html") {
		t.Errorf("msg = %q, want it to name the HTML page without quoting it", err)
	}
}

func lastErr(c *llm.Client) string {
	_, err := c.Complete(context.Background(), translateReq())
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRetryAfterHonoured(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		header   http.Header
		want     time.Duration
		statusOK bool
	}{
		"seconds":         {http.Header{"Retry-After": {"7"}}, 7 * time.Second, false},
		"http date":       {http.Header{"Retry-After": {now.Add(30 * time.Second).Format(http.TimeFormat)}}, 30 * time.Second, false},
		"retry-after-ms":  {http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"1"}}, 250 * time.Millisecond, false},
		"reset requests":  {http.Header{"X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"1m30s"}, "X-Ratelimit-Remaining-Tokens": {"900"}, "X-Ratelimit-Reset-Tokens": {"20ms"}}, 90 * time.Second, false},
		"reset tokens":    {http.Header{"X-Ratelimit-Remaining-Tokens": {"0"}, "X-Ratelimit-Reset-Tokens": {"20ms"}}, 20 * time.Millisecond, false},
		"capped at 2m":    {http.Header{"Retry-After": {"3600"}}, 2 * time.Minute, false},
		"503 retry-after": {http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		"reset on 6m0s":   {http.Header{"X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"6m0s"}}, 2 * time.Minute, false},
		// A hostile or broken server's absurd pauses are capped too, not
		// turned into a negative duration (a panic in the jitter).
		"infinite":   {http.Header{"Retry-After": {"inf"}}, 2 * time.Minute, false},
		"past int64": {http.Header{"Retry-After-Ms": {"1e300"}}, 2 * time.Minute, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := llmtest.New(t)
			fault := llmtest.RateLimited("")
			if tc.statusOK {
				fault = llmtest.Error(503, "server_error", "", "loading")
			}
			fault.Header = tc.header
			srv.Enqueue(fault)
			c, h := newClient(t, srv, func(c *llm.Config) { c.Now = func() time.Time { return now } })
			resp, err := c.Complete(context.Background(), translateReq())
			if err != nil || resp.Attempts != 2 {
				t.Fatalf("resp %+v err %v", resp, err)
			}
			// The worker that saw it waits (up to a tenth more, to spread
			// the pool's wake-ups); the shared pause is already over for it.
			s := h.Sleeps()
			if len(s) == 0 || s[0] < tc.want || s[0] > tc.want+tc.want/10+time.Millisecond {
				t.Fatalf("sleeps = %v, want first in [%v, %v]", s, tc.want, tc.want+tc.want/10)
			}
		})
	}
}

// One worker's 429 pauses every other worker of the same client.
func TestRateLimitPausesThePool(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.RateLimited("7"))
	c, h := newClient(t, srv)
	if _, err := c.Complete(context.Background(), translateReq()); err != nil {
		t.Fatal(err)
	}
	// A's own back-off was the first sleep. B starts after A was told to
	// wait; the shared pause makes B wait before it sends anything.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := c.Complete(context.Background(), translateReq()); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	s := h.Sleeps()
	if len(s) != 2 || s[1] < 6*time.Second {
		t.Fatalf("sleeps = %v: the second worker should have waited out the 429's Retry-After before sending", s)
	}
	if srv.Count() != 3 {
		t.Fatalf("requests = %d", srv.Count())
	}
}

func TestNearlySpentBudgetSlowsDown(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := llmtest.New(t)
	rep := llmtest.Default
	srv.SetHandler(func(r llmtest.ChatRequest) llmtest.Reply {
		out := rep(r)
		out.Header = http.Header{"X-Ratelimit-Limit-Requests": {"100"}, "X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"20s"}}
		return out
	})
	c, h := newClient(t, srv, func(c *llm.Config) { c.Now = func() time.Time { return now } })
	for range 2 {
		if _, err := c.Complete(context.Background(), translateReq()); err != nil {
			t.Fatal(err)
		}
	}
	if s := h.Sleeps(); len(s) != 1 || s[0] != 20*time.Second {
		t.Fatalf("sleeps = %v, want one 20s pause before the second request, without any 429", s)
	}
}

func TestRPMSpacesRequests(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := llmtest.New(t)
	c, h := newClient(t, srv, func(c *llm.Config) {
		c.RPM = 30
		c.Now = func() time.Time { return now }
	})
	for range 2 {
		if _, err := c.Complete(context.Background(), translateReq()); err != nil {
			t.Fatal(err)
		}
	}
	if s := h.Sleeps(); len(s) != 1 || s[0] != 2*time.Second {
		t.Fatalf("sleeps = %v, want one 2s wait (30 requests a minute)", s)
	}
}

func TestFatalAndArticleFailuresAreNotRetried(t *testing.T) {
	cases := []struct {
		name  string
		reply llmtest.Reply
		class string
		want  []string
	}{
		{"insufficient quota", llmtest.InsufficientQuota(), "fatal", []string{"no quota left", "retrying will not help"}},
		{"ollama model not found", llmtest.OllamaModelNotFound(llmtest.Model), "fatal", []string{"model test-model not found at http://127.0.0.1:", "--model"}},
		{"openai model not found", llmtest.Error(404, "invalid_request_error", "model_not_found", "The model `test-model` does not exist"), "fatal", []string{"model test-model not found", "--model"}},
		{"403", llmtest.Error(403, "permission_error", "", "forbidden"), "fatal", []string{"HTTP 403"}},
		{"content filter", llmtest.Reply{Content: "EN:", FinishReason: "content_filter"}, "article", []string{"content filter"}},
		{"context length", llmtest.ContextLength(), "article", []string{"too long", "context"}},
		{"context length vllm flat", llmtest.VLLMError(400, "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens."), "article", []string{"too long", "4096"}},
		{"context length mid-stream", llmtest.Reply{Content: "a b", MidStreamError: llmtest.ErrorEvent("invalid_request_error", "context_length_exceeded", "input too long"), ErrorAfter: 1}, "article", []string{"too long"}},
		{"other 400", llmtest.Error(400, "invalid_request_error", "", "temperature must be at most 2"), "article", []string{"HTTP 400", "temperature must be at most 2"}},
		{"vllm flat 400", llmtest.VLLMError(400, "bad sampling params"), "article", []string{"bad sampling params"}},
		{"quota only in a flat body's code", llmtest.Reply{Status: 429, Body: `{"message":"Too Many Requests","code":"insufficient_quota"}`}, "fatal", []string{"no quota left"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.Enqueue(tc.reply)
			c, h := newClient(t, srv)
			_, err := c.Complete(context.Background(), translateReq())
			if got := classOf(err); got != tc.class {
				t.Fatalf("class = %s (%v), want %s", got, err, tc.class)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("msg %q lacks %q", err.Error(), w)
				}
			}
			if srv.Count() != 1 || len(h.Sleeps()) != 0 {
				t.Errorf("requests %d, sleeps %v: want no retry", srv.Count(), h.Sleeps())
			}
		})
	}
}

func TestFinishReasonLengthIsReturned(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Content: "EN: Regeringen vil", FinishReason: "length"})
	c, _ := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil || resp.FinishReason != "length" || resp.Text != "EN: Regeringen vil" {
		t.Fatalf("resp %+v err %v: the caller decides what to do with a truncated answer", resp, err)
	}
}

func TestNullContentIsRetried(t *testing.T) {
	var n atomic.Int32
	srv := llmtest.New(t, llmtest.WithHandler(llmtest.RejectStreaming(func(r llmtest.ChatRequest) llmtest.Reply {
		if n.Add(1) == 1 {
			return llmtest.Reply{NullContent: true} // Ollama does this
		}
		return llmtest.Default(r)
	})))
	c, _ := newClient(t, srv)
	resp, err := c.Complete(context.Background(), translateReq())
	// Streaming rejected, then null content, then the answer.
	if err != nil || resp.Attempts != 3 || resp.Text != translated {
		t.Fatalf("resp %+v err %v", resp, err)
	}
}

// A model that takes longer to load than IdleTimeout still succeeds: the
// idle clock only runs between tokens.
func TestColdStartIsNotAnIdleTimeout(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Reply{Content: "EN: loaded at last", Latency: 400 * time.Millisecond})
	c, h := newClient(t, srv, func(c *llm.Config) {
		c.IdleTimeout = 50 * time.Millisecond
		c.LoadNotice = 20 * time.Millisecond
	})
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil || resp.Attempts != 1 {
		t.Fatalf("resp %+v err %v, want success on the first attempt", resp, err)
	}
	if !strings.Contains(h.Logs(), "loading model test-model") {
		t.Errorf("logs = %q, want a note that the model may be loading", h.Logs())
	}
}

func TestOverallTimeoutEndsAHangingAttempt(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Hang: true} }))
	c, _ := newClient(t, srv, func(c *llm.Config) {
		c.Timeout = 100 * time.Millisecond
		c.Retries = 1
	})
	_, err := c.Complete(context.Background(), translateReq())
	if classOf(err) != "transient" || !strings.Contains(err.Error(), "no complete answer within 100ms") || !strings.Contains(err.Error(), "--timeout") {
		t.Fatalf("err = %v", err)
	}
	if st := c.Stats(); st.Requests != 2 || st.Retries != 1 {
		t.Fatalf("stats = %+v, want 2 attempts", st)
	}
}

func TestCancelledContextIsReturnedAsIs(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Hang: true} }))
	c, _ := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Count() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Complete(ctx, translateReq())
	if !errors.Is(err, context.Canceled) || errors.Is(err, llm.ErrTransient) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestGiveUpBeforeDeadline(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.RateLimited("60"))
	c, h := newClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Complete(ctx, translateReq())
	if classOf(err) != "transient" || len(h.Sleeps()) != 0 {
		t.Fatalf("err %v, sleeps %v: a wait past the deadline should end the call at once", err, h.Sleeps())
	}
}

// refused is an HTTP client whose every dial is refused, as when nothing
// listens on the port.
func refused() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		},
	}}
}

func TestUnreachableEndpointIsFatal(t *testing.T) {
	h := &harness{}
	c, err := llm.New(llm.Config{BaseURL: "http://localhost:11434/v1", Model: "qwen2.5:7b", HTTPClient: refused(), Sleep: h.sleep, Logf: h.logf, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Complete(context.Background(), translateReq())
	if classOf(err) != "fatal" || !strings.Contains(err.Error(), "cannot reach http://localhost:11434/v1") || !strings.Contains(err.Error(), "`ollama serve`") {
		t.Fatalf("Complete: %v", err)
	}
	if len(h.Sleeps()) != 2 {
		t.Errorf("sleeps = %v: a refused connection is retried (the server may be restarting) before giving up", h.Sleeps())
	}
	err = c.Preflight(context.Background())
	if classOf(err) != "fatal" || !strings.Contains(err.Error(), "Ollama does not seem to be running") {
		t.Fatalf("Preflight: %v", err)
	}
}

func TestTPMReservesEstimatedTokens(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := llmtest.New(t)
	c, h := newClient(t, srv, func(c *llm.Config) {
		c.TPM = 600 // 10 tokens a second, one second's worth at once
		c.Now = func() time.Time { return now }
	})
	// 299 characters ≈ 100 tokens, plus the 200 the answer may use.
	req := llm.Request{User: strings.Repeat("a", 299), MaxTokens: 200}
	for range 3 {
		if _, err := c.Complete(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	// The clock stands still, so each wait is from the start: the budget
	// is spent evenly, 300 tokens every 30s, less the first second's 10.
	if s := h.Sleeps(); len(s) != 3 || s[0] != 29*time.Second || s[1] != 59*time.Second || s[2] != 89*time.Second {
		t.Fatalf("sleeps = %v, want 29s, 59s, 89s: 300 tokens a request at 10 a second", s)
	}
}

// Many workers on one client: totals add up and the race detector stays
// quiet.
func TestConcurrentUseKeepsStats(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithSlots(2))
	srv.Enqueue(llmtest.HTML(502), llmtest.RateLimited("1"))
	c, _ := newClient(t, srv)
	var wg sync.WaitGroup
	var total atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Complete(context.Background(), translateReq())
			if err != nil {
				t.Error(err)
				return
			}
			total.Add(int64(resp.Usage.Total()))
		}()
	}
	wg.Wait()
	st := c.Stats()
	if st.Completed != 8 || st.Requests != 10 || st.Retries != 2 || int64(st.Usage.Total()) != total.Load() {
		t.Fatalf("stats = %+v, usage sum %d", st, total.Load())
	}
}

// The directives let end-to-end scripts fail one article through Default.
func TestDefaultDirectivesFailOneRequest(t *testing.T) {
	srv := llmtest.New(t)
	c, _ := newClient(t, srv)
	for directive, class := range map[string]string{
		llmtest.DirectiveContentFilter: "article",
		llmtest.DirectiveContextLength: "article",
		llmtest.DirectiveEmpty:         "transient",
	} {
		req := translateReq()
		req.User = "<article>\n" + directive + "\n</article>"
		if _, err := c.Complete(context.Background(), req); classOf(err) != class {
			t.Errorf("%s: %v, want %s", directive, err, class)
		}
	}
}
