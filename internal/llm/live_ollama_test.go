package llm_test

// Live tests against a real server (restic's pattern): they run only when
// BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL name one, and skip otherwise.
// .ci/ollama.sh sets them for a real Ollama serving the tiny random-weight
// model of internal/testkit/tinymodel, whose answers are garbage: these tests assert
// the wire behaviour brief depends on, never what the prose says.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
)

func liveConfig(t *testing.T) llm.Config {
	t.Helper()
	base, model := os.Getenv("BRIEF_TEST_BASE_URL"), os.Getenv("BRIEF_TEST_MODEL")
	if base == "" || model == "" {
		t.Skip("set BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL to run the tests against a real server")
	}
	return llm.Config{BaseURL: base, Model: model, Timeout: 5 * time.Minute}
}

func liveClient(t *testing.T, cfg llm.Config) *llm.Client {
	t.Helper()
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestLivePreflightAndCheck(t *testing.T) {
	c := liveClient(t, liveConfig(t))
	if err := c.Preflight(liveCtx(t)); err != nil {
		t.Fatalf("preflight against the live server: %v", err)
	}
	r := c.Check(liveCtx(t))
	if !r.Reachable || !r.ModelFound || !r.Streaming {
		t.Fatalf("check: %+v, want the server reachable, the model found and answers streamed", r)
	}
	// The random-weight model may well break JSON even under Ollama's
	// grammar (max_tokens cuts the object): then check must say so, naming
	// the model, and report nothing else.
	if r.JSONMode != r.OK() || (!r.OK() && (len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "not JSON") || !strings.Contains(r.Problems[0], r.Model))) {
		t.Errorf("check: json_mode=%v problems=%q", r.JSONMode, r.Problems)
	}
}

// An unknown model is a fatal error that names the model; the preflight a
// run makes first says how to get it with ollama, because the server is
// Ollama (it answers /api/version), even on a port that is not Ollama's
// default. A server that only words its 404 like Ollama is not told that.
func TestLiveUnknownModel(t *testing.T) {
	cfg := liveConfig(t)
	cfg.Model = "brief-no-such-model"
	cfg.Retries = -1
	_, err := liveClient(t, cfg).Complete(liveCtx(t), llm.Request{Stage: "translate", User: "Hej.", MaxTokens: 4})
	if !errors.Is(err, llm.ErrFatal) {
		t.Fatalf("unknown model: got %v, want a fatal error", err)
	}
	var e *llm.Error
	if !errors.As(err, &e) || e.Status != http.StatusNotFound {
		t.Fatalf("unknown model: %v, want the server's 404", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "brief-no-such-model") {
		t.Errorf("unknown model message %q: want the model named", msg)
	}
	err = liveClient(t, cfg).Preflight(liveCtx(t))
	if !errors.Is(err, llm.ErrFatal) || !strings.Contains(err.Error(), "brief-no-such-model") || !strings.Contains(err.Error(), "ollama pull brief-no-such-model") {
		t.Errorf("preflight with an unknown model: %v, want a fatal error naming it and the ollama pull hint", err)
	}
}

// wire records what went over the connection, so a test can tell a
// streamed answer from a plain one.
type wire struct {
	mu       sync.Mutex
	requests []string
	types    []string
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		w.mu.Lock()
		w.requests = append(w.requests, string(b))
		w.mu.Unlock()
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		w.mu.Lock()
		w.types = append(w.types, resp.Header.Get("Content-Type"))
		w.mu.Unlock()
	}
	return resp, err
}

// The answer streams (server-sent events), reports the server's own usage
// (stream_options.include_usage), and finishes with a reason.
func TestLiveStreaming(t *testing.T) {
	cfg := liveConfig(t)
	w := &wire{}
	cfg.HTTPClient = &http.Client{Transport: w}
	resp, err := liveClient(t, cfg).Complete(liveCtx(t), llm.Request{Stage: "translate", System: "Oversæt til engelsk.", User: "Regeringen fremlægger i dag sit forslag til finansloven.", MaxTokens: 32})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.requests) != 1 || !strings.Contains(w.requests[0], `"stream":true`) || !strings.HasPrefix(w.types[0], "text/event-stream") {
		t.Fatalf("want one streamed request, got requests %q with content types %q", w.requests, w.types)
	}
	if resp.Usage.Estimated || resp.Usage.PromptTokens <= 0 || resp.Usage.CompletionTokens <= 0 {
		t.Errorf("usage %+v: want the server's counts, not an estimate", resp.Usage)
	}
	if resp.FinishReason != "stop" && resp.FinishReason != "length" {
		t.Errorf("finish reason %q", resp.FinishReason)
	}
	if resp.Usage.CompletionTokens > 32 {
		t.Errorf("max_tokens 32 sent, the server produced %d tokens", resp.Usage.CompletionTokens)
	}
}

// JSON mode is accepted (no fallback request without it); the garbage model
// answers within the grammar or not at all, and either is a Response.
func TestLiveJSONMode(t *testing.T) {
	cfg := liveConfig(t)
	w := &wire{}
	cfg.HTTPClient = &http.Client{Transport: w}
	resp, err := liveClient(t, cfg).Complete(liveCtx(t), llm.Request{Stage: "summarize", System: "Svar i JSON.", User: "Skriv en overskrift.", MaxTokens: 48, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.requests) != 1 || !strings.Contains(w.requests[0], `"response_format":{"type":"json_object"}`) {
		t.Fatalf("want one request in JSON mode, got %q", w.requests)
	}
	if resp.Usage.Estimated || resp.Usage.PromptTokens <= 0 {
		t.Errorf("usage %+v: want the server's counts", resp.Usage)
	}
}
