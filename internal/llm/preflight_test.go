package llm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// ollama makes a fake server answer as Ollama does besides the OpenAI routes.
func ollama(c *llmtest.Config) { c.Kind = llmtest.KindOllama }

func TestPreflight(t *testing.T) {
	t.Run("listed model needs no completion", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithModels("qwen2.5:7b", "llama3.2:latest"))
		for _, m := range []string{"qwen2.5:7b", "llama3.2", "llama3.2:latest"} {
			c, _ := newClient(t, srv, func(c *llm.Config) { c.Model = m })
			if err := c.Preflight(context.Background()); err != nil {
				t.Fatalf("%s: %v", m, err)
			}
		}
		if srv.Count() != 0 || srv.ModelsCalls() != 3 {
			t.Fatalf("chat requests %d, model listings %d; want 0 and 3", srv.Count(), srv.ModelsCalls())
		}
	})
	t.Run("missing model is fatal with the fix", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithModels("qwen2.5:7b"), ollama)
		c, _ := newClient(t, srv, func(c *llm.Config) { c.Model = "gemma3:4b" })
		err := c.Preflight(context.Background())
		if classOf(err) != "fatal" {
			t.Fatalf("err = %v", err)
		}
		for _, want := range []string{"model gemma3:4b not found at " + srv.URL(), "`ollama pull gemma3:4b`", "--model", "it serves: qwen2.5:7b"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("msg %q lacks %q", err, want)
			}
		}
	})
	t.Run("only Ollama is told to ollama pull", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithModels("qwen2.5:7b"))
		c, _ := newClient(t, srv, func(c *llm.Config) { c.Model = "gemma3:4b" })
		err := c.Preflight(context.Background())
		if classOf(err) != "fatal" || !strings.Contains(err.Error(), "model gemma3:4b not found") || strings.Contains(err.Error(), "ollama") {
			t.Fatalf("err = %v: want the model named, and no Ollama advice for a server that is not Ollama", err)
		}
	})
	t.Run("unlisted model that answers is fine", func(t *testing.T) {
		// llama.cpp lists its model file but answers to any name.
		srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Models: []string{"/models/qwen.gguf"}, AnyModel: true}))
		c, _ := newClient(t, srv, func(c *llm.Config) { c.Model = "qwen" })
		if err := c.Preflight(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no models endpoint falls back to one token", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{NoModelsEndpoint: true}))
		c, _ := newClient(t, srv)
		if err := c.Preflight(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r := srv.Requests(); len(r) != 1 || r[0].MaxTokens != 1 {
			t.Fatalf("requests = %+v, want one with max_tokens 1", r)
		}
	})
	t.Run("cold start is waited for", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{NoModelsEndpoint: true, Latency: 300 * time.Millisecond}))
		c, h := newClient(t, srv, func(c *llm.Config) {
			c.LoadNotice = 20 * time.Millisecond
			c.IdleTimeout = 20 * time.Millisecond
		})
		if err := c.Preflight(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h.Logs(), "may be loading model test-model") {
			t.Fatalf("logs = %q", h.Logs())
		}
	})
	t.Run("base URL without /v1", func(t *testing.T) {
		srv := llmtest.New(t)
		c, _ := newClient(t, srv, func(c *llm.Config) { c.BaseURL = strings.TrimSuffix(srv.URL(), "/v1") })
		err := c.Preflight(context.Background())
		if classOf(err) != "fatal" || !strings.Contains(err.Error(), "usually ends in /v1") || strings.Contains(err.Error(), "ollama pull") {
			t.Fatalf("err = %v, want a hint about the URL, not the model", err)
		}
	})
	t.Run("wrong key is fatal", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithAPIKey("sk-right-key"))
		c, _ := newClient(t, srv, func(c *llm.Config) { c.APIKey = "sk-wrong-key" })
		err := c.Preflight(context.Background())
		if classOf(err) != "fatal" || !strings.Contains(err.Error(), "set OPENAI_API_KEY") || strings.Contains(err.Error(), "sk-wrong-key") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestCheck(t *testing.T) {
	t.Run("a wrong key: the endpoint answered, the key is the problem", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithAPIKey("sk-right-key"))
		c, _ := newClient(t, srv, func(c *llm.Config) { c.APIKey = "sk-wrong-key" })
		r := c.Check(context.Background())
		if r.OK() || !r.Reachable || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "set OPENAI_API_KEY") {
			t.Fatalf("report = %+v, want reachable with one problem about the key", r)
		}
	})
	t.Run("a JSON answer longer than the probe allows is not a JSON-mode failure", func(t *testing.T) {
		var maxTokens int
		srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
			if req.ResponseFormat == nil {
				return llmtest.Text("OK")
			}
			maxTokens = req.MaxTokens
			if req.MaxTokens < 100 { // a thinking model pads its answer
				return llmtest.Reply{Content: `{"ok": tr`, FinishReason: "length"}
			}
			return llmtest.Text(`{"ok": true}`)
		}))
		c, _ := newClient(t, srv)
		r := c.Check(context.Background())
		if !r.OK() || !r.JSONMode {
			t.Fatalf("report = %+v (probe max_tokens %d), want json mode ok", r, maxTokens)
		}
	})
	t.Run("all good", func(t *testing.T) {
		srv := llmtest.New(t)
		c, _ := newClient(t, srv)
		r := c.Check(context.Background())
		if !r.OK() || !r.Reachable || !r.ModelFound || !r.Streaming || !r.JSONMode || r.Latency <= 0 || r.Endpoint != srv.URL() {
			t.Fatalf("report = %+v", r)
		}
	})
	t.Run("no streaming, no JSON mode", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithHandler(llmtest.RejectStreaming(llmtest.RejectJSONMode(nil))))
		c, _ := newClient(t, srv)
		r := c.Check(context.Background())
		if r.OK() || r.Streaming || r.JSONMode || !r.ModelFound || len(r.Problems) != 2 {
			t.Fatalf("report = %+v", r)
		}
		if !strings.Contains(r.Problems[0], "does not stream") || !strings.Contains(r.Problems[1], "JSON mode") {
			t.Fatalf("problems = %q", r.Problems)
		}
	})
	t.Run("model missing", func(t *testing.T) {
		srv := llmtest.New(t, llmtest.WithModels("qwen2.5:7b"), ollama)
		c, _ := newClient(t, srv, func(c *llm.Config) { c.Model = "nope" })
		r := c.Check(context.Background())
		if r.OK() || r.ModelFound || !r.Reachable || !strings.Contains(strings.Join(r.Problems, "\n"), "`ollama pull nope`") {
			t.Fatalf("report = %+v", r)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		c, err := llm.New(llm.Config{BaseURL: "http://127.0.0.1:9/v1", Model: "m", HTTPClient: refused()})
		if err != nil {
			t.Fatal(err)
		}
		r := c.Check(context.Background())
		if r.Reachable || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "cannot reach http://127.0.0.1:9/v1") {
			t.Fatalf("report = %+v", r)
		}
	})
}

func TestRedactURL(t *testing.T) {
	cases := map[string]string{
		"http://localhost:11434/v1":                                         "http://localhost:11434/v1",
		"https://bob:hunter22@llm.example.com/v1":                           "https://llm.example.com/v1",
		"https://llm.example.com/v1?api_key=abc123&region=eu":               "https://llm.example.com/v1?api_key=REDACTED&region=REDACTED",
		"https://x.openai.azure.com/openai?api-version=2024-10-21&code=zz9": "https://x.openai.azure.com/openai?api-version=2024-10-21&code=REDACTED",
		"http://bob:hunter22@bad host/v1":                                   "http://[REDACTED]@bad host/v1",
		"alice:secret@host/v1":                                              "[REDACTED]@host/v1",
		`http:/\alice:secret@host/v1`:                                       `http:/\[REDACTED]@host/v1`,
		"http://bad host/v1?api_key=abc123":                                 "http://bad host/v1?[REDACTED]",
		// A # typed in user:password@ ends the host there: the rest, the
		// password among it, is a fragment.
		"http://bob#hunter22@llm.example.com/v1": "http://bob#REDACTED",
	}
	for in, want := range cases {
		if got := llm.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
