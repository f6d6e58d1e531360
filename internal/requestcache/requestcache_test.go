package requestcache

import (
	"context"
	"errors"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
)

func TestKeyDependsOnTheRequestAndModelNotTheServersName(t *testing.T) {
	body := openai.ChatCompletionRequest{Model: "Qwen/Qwen2.5-7B-Instruct", MaxTokens: 100, Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "a"}}}
	renamed := body
	renamed.Model = "qwen2.5:7b"
	if Key("qwen2.5:7b", "", body) != Key("qwen2.5:7b", "", renamed) {
		t.Error("the server's name for the model changed the key")
	}
	more := body
	more.MaxTokens = 200
	for name, k := range map[string]string{
		"max_tokens": Key("qwen2.5:7b", "", more), "model": Key("other", "", body), "tag": Key("qwen2.5:7b", "q4", body),
	} {
		if k == Key("qwen2.5:7b", "", body) {
			t.Errorf("another %s gave the same key", name)
		}
	}
}

// sent counts the requests that reach the server.
type sent struct{ n int }

func (s *sent) Complete(context.Context, llm.Request) (llm.Response, error) {
	s.n++
	return llm.Response{Text: "live", FinishReason: "stop"}, nil
}

func body(req llm.Request) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Messages: []openai.ChatCompletionMessage{{Role: "user", Content: req.User}}}
}

// Another model's completer (the review's) answers from the same cache
// and, when the run collects, collects into the same lines instead of
// sending: brief batch export --review-model sent its review requests.
func TestEveryModelsRequestsGoThroughOneCache(t *testing.T) {
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	server := &sent{}
	collecting := New(server, body, "m", "")
	collecting.SetCache(c)
	collecting.SetCollecting(true)
	review := collecting.For(server, body, "reviewer")
	req := llm.Request{Stage: "review", User: "pairs"}
	if _, err := review.Complete(context.Background(), req); !errors.Is(err, ErrDeferred) || server.n != 0 {
		t.Fatalf("collecting: err %v, %d requests sent; want it deferred and none sent", err, server.n)
	}
	lines, stages := collecting.Collected()
	if len(lines) != 1 || stages["review"] != 1 || lines[0].Body.Model != "reviewer" || lines[0].CustomID != Key("reviewer", "", lines[0].Body) {
		t.Fatalf("collected %+v %v: want the review's line under the review model's key", lines, stages)
	}
	if err := Store(c, lines[0].CustomID, Answer{Text: "imported", FinishReason: "stop"}); err != nil {
		t.Fatal(err)
	}
	live := New(server, body, "m", "")
	live.SetCache(c)
	if r, err := live.For(server, body, "reviewer").Complete(context.Background(), req); err != nil || r.Text != "imported" || server.n != 0 {
		t.Fatalf("answer %q, %v, %d sent: want the imported answer and nothing sent", r.Text, err, server.n)
	}
	if r, _ := live.For(server, body, "reviewer").Complete(context.Background(), llm.Request{User: "new"}); r.Text != "live" || server.n != 1 {
		t.Fatalf("a request the cache cannot answer: %q, %d sent", r.Text, server.n)
	}
}
