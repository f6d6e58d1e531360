package llm_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// The API key and URL password must never reach an error message or a log
// line, whatever the endpoint does, including echoing them back.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	const key = "sk-brief-SECRET-0123456789abcdef"
	const password = "pw-SECRET-hunter22"
	echo := "request with Authorization: Bearer " + key + " failed"

	faults := map[string]llmtest.Reply{
		"500 echoing key":       llmtest.Error(500, "server_error", "", echo),
		"400 echoing key":       llmtest.Error(400, "invalid_request_error", "", echo),
		"404 echoing key":       llmtest.Error(404, "invalid_request_error", "model_not_found", "model not found for "+key),
		"429 echoing key":       llmtest.Error(429, "requests", "rate_limit_exceeded", echo),
		"quota echoing key":     llmtest.Error(429, "insufficient_quota", "insufficient_quota", echo),
		"context echoing key":   llmtest.Error(400, "invalid_request_error", "context_length_exceeded", echo),
		"vllm flat echo":        llmtest.VLLMError(400, echo),
		"plain text echo":       {Status: 502, ContentType: "text/plain", Body: echo},
		"html echo":             {Status: 503, ContentType: "text/html", Body: "<html><title>" + key + "</title></html>"},
		"mid-stream echo":       {Content: "a b c", MidStreamError: llmtest.ErrorEvent("server_error", "", echo), ErrorAfter: 1},
		"cut stream":            {Content: "a b c", Cut: true},
		"hang":                  {Hang: true},
		"reset":                 {Reset: true},
		"content filter":        {Content: "x", FinishReason: "content_filter"},
		"403":                   llmtest.Error(403, "", "", echo),
		"retry-after with echo": {Status: 429, Body: echo, Header: http.Header{"Retry-After": {"1"}}},
	}
	var texts []string
	check := func(name string, c *llm.Client, h *harness, err error) {
		texts = append(texts, name+": "+errText(err), h.Logs())
		r := c.Check(context.Background())
		texts = append(texts, strings.Join(r.Problems, "\n"), r.Endpoint)
	}
	for name, fault := range faults {
		srv := llmtest.New(t, llmtest.WithAPIKey(key))
		srv.SetHandler(func(llmtest.ChatRequest) llmtest.Reply { return fault })
		base := strings.Replace(srv.URL(), "http://", "http://user:"+password+"@", 1)
		c, h := newClient(t, srv, func(c *llm.Config) {
			c.APIKey, c.BaseURL, c.Retries = key, base, 1
			c.Timeout, c.IdleTimeout, c.LoadNotice = 300*time.Millisecond, 100*time.Millisecond, 10*time.Millisecond
		})
		_, err := c.Complete(context.Background(), translateReq())
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		check(name, c, h, err)
		check(name+" preflight", c, h, c.Preflight(context.Background()))
	}

	// A wrong key, which OpenAI echoes in its 401.
	srv := llmtest.New(t, llmtest.WithAPIKey("sk-the-right-one"))
	c, h := newClient(t, srv, func(c *llm.Config) { c.APIKey = key })
	_, err := c.Complete(context.Background(), translateReq())
	check("401", c, h, err)
	check("401 preflight", c, h, c.Preflight(context.Background()))
	if !strings.Contains(errText(err), "rejected the API key") {
		t.Errorf("401 message = %q", errText(err))
	}

	// Unreachable, with credentials in the URL.
	c, h = newClient(t, srv, func(c *llm.Config) {
		c.APIKey, c.BaseURL, c.HTTPClient, c.Retries = key, "http://user:"+password+"@localhost:11434/v1", refused(), 1
	})
	_, err = c.Complete(context.Background(), translateReq())
	check("refused", c, h, err)

	all := strings.Join(texts, "\n")
	if strings.Contains(all, key) || strings.Contains(all, "SECRET") || strings.Contains(all, password) {
		for _, line := range strings.Split(all, "\n") {
			if strings.Contains(line, "SECRET") {
				t.Errorf("secret leaked: %s", line)
			}
		}
	}
	if !strings.Contains(all, "[REDACTED]") {
		t.Errorf("no echo was redacted, so the test did not exercise echoes:\n%s", all)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
