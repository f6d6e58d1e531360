package llm_test

// Live tests of the context window (issue 10), skipped unless
// BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL name a real server (see
// live_ollama_test.go for the shared setup).

import (
	"errors"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
)

// The server tells its kind and the model's window, and a client holding
// that window catches a prompt longer than it: Ollama cuts it silently
// (ErrPromptCut), vLLM and llama.cpp refuse it; either way it is an
// ErrContextLength, never an answer.
func TestLiveWindowDiscoveryAndCutDetection(t *testing.T) {
	c := liveClient(t, liveConfig(t))
	ctx := liveCtx(t)
	if err := c.Preflight(ctx); err != nil {
		t.Fatalf("preflight: %v", err)
	}
	s := c.Discover(ctx)
	w := llm.ChooseWindow(0, s, liveConfig(t).Model, nil)
	t.Logf("server %s, window %s", s.Name(), w)
	if s.Kind == llm.KindOllama && (s.Version == "" || !strings.HasPrefix(s.WindowSource, "Ollama /api/") || s.Window <= 0) {
		t.Fatalf("Ollama discovery %+v: want its version and a window from /api/ps or /api/show", s)
	}
	if s.Kind == "" {
		t.Skip("the server did not say what it is; nothing more to test against it")
	}
	c.SetWindow(w, s)

	// Far more bytes than the window has tokens, whatever the tokenizer.
	long := strings.Repeat("Byrådet drøftede budgettet for skoler, veje og ældrepleje. ", 6*w.Tokens/50+1)
	_, err := c.Complete(ctx, llm.Request{Stage: "translate", System: "Oversæt til engelsk.", User: long, MaxTokens: 8})
	if !errors.Is(err, llm.ErrContextLength) {
		t.Fatalf("a prompt of %d bytes against a %d-token window: %v; want it caught as too long", len(long), w.Tokens, err)
	}
	t.Logf("caught: %v", err)
	if s.Kind == llm.KindOllama && !errors.Is(err, llm.ErrPromptCut) {
		t.Errorf("Ollama cuts silently; want ErrPromptCut, got %v", err)
	}

	// A short prompt is not mistaken for a cut one.
	if _, err := c.Complete(ctx, llm.Request{Stage: "translate", System: "Oversæt til engelsk.", User: "God morgen.", MaxTokens: 8}); errors.Is(err, llm.ErrPromptCut) {
		t.Errorf("a short prompt reported as cut: %v", err)
	}
}
