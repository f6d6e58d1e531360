package llm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// With two servers, every request must fit either: the pool's window is
// the smaller one, learnt from each server, and a --context larger than a
// server's is lowered with one line naming that server and the fix.
func TestPoolWindowIsTheSmallestServers(t *testing.T) {
	ollama := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 4096}))
	vllm := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindVLLM, Window: 16384}))
	var lines []string
	var members []llm.Member
	for _, srv := range []*llmtest.Server{vllm, ollama} {
		c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, llm.Member{Client: c, Slots: 2})
	}
	p := llm.NewPool(members, func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) })
	p.SetWindowPolicy(llm.WindowPolicy{Given: 8192})
	if _, ok := p.Window(); ok {
		t.Error("a window before any server was asked")
	}
	n, err := p.ContextWindow(context.Background())
	if err != nil || n != 4096 {
		t.Fatalf("ContextWindow = %d, %v; want the Ollama's 4096", n, err)
	}
	w, ok := p.Window()
	if !ok || w.Tokens != 4096 || w.Source != "Ollama /api/ps" {
		t.Errorf("Window = %+v", w)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], ollama.URL()) || !strings.Contains(lines[0], "OLLAMA_CONTEXT_LENGTH=8192") {
		t.Errorf("lines %q; want one for the Ollama, with the fix", lines)
	}
}
