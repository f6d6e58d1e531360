package llm_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// The client says what happened; how to fix it is the caller's to word.
// Without Config.Hints no message names a flag, and with them each fixable
// failure ends with the hint for the setting that fixes it.
func TestMessagesNameNoFlagAndEndWithTheCallersHint(t *testing.T) {
	flag := regexp.MustCompile(`--[a-z]`)
	for _, tc := range []struct {
		name  string
		reply llmtest.Reply
		cfg   func(*llm.Config)
		hint  string
	}{
		{"rejected key", llmtest.Error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key"), nil, "set OPENAI_API_KEY"},
		{"unknown model", llmtest.OllamaModelNotFound(llmtest.Model), nil, "check --model"},
		{"no chat API", llmtest.Error(404, "not_found", "", "no such route"), nil, "check --base-url"},
		{"slow model", llmtest.Reply{Hang: true}, func(c *llm.Config) { c.Timeout = 50 * time.Millisecond }, "--timeout"},
		{"unreachable", llmtest.Reply{}, func(c *llm.Config) { c.HTTPClient = refused() }, "check --base-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t, llmtest.WithHandler(func(openai.ChatCompletionRequest) llmtest.Reply { return tc.reply }))
			for _, hints := range []map[llm.Setting]string{nil, testHints} {
				c, _ := newClient(t, srv, func(c *llm.Config) {
					c.Hints, c.Retries = hints, 0
					if tc.cfg != nil {
						tc.cfg(c)
					}
				})
				_, err := c.Complete(context.Background(), translateReq())
				if err == nil {
					t.Fatal("no error")
				}
				msg := err.Error()
				switch {
				case hints == nil && flag.MatchString(msg):
					t.Errorf("without hints the message names a flag: %q", msg)
				case hints != nil && !regexp.MustCompile(regexp.QuoteMeta(tc.hint)+`$`).MatchString(msg):
					t.Errorf("with hints the message does not end with %q: %q", tc.hint, msg)
				}
			}
		})
	}
}
