package llm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

func discoverClient(t *testing.T, cfg llmtest.Config) (*llm.Client, *llmtest.Server) {
	t.Helper()
	srv := llmtest.New(t, llmtest.WithConfig(cfg))
	c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestDiscoverEachServerKind(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cfg        llmtest.Config
		kind       string
		window     int
		source     string
		slots      int
		wantLoaded bool
	}{
		{name: "ollama loads the model and reads /api/ps", cfg: llmtest.Config{Kind: llmtest.KindOllama, Window: 4096},
			kind: llm.KindOllama, window: 4096, source: "/api/ps", wantLoaded: true},
		{name: "old ollama: /api/show capped at Ollama's default", cfg: llmtest.Config{Kind: llmtest.KindOllama, Window: 4096, OldOllama: true},
			kind: llm.KindOllama, window: 4096, source: "/api/show"},
		{name: "old ollama with a Modelfile num_ctx", cfg: llmtest.Config{Kind: llmtest.KindOllama, Window: 16384, OldOllama: true, ModelfileNumCtx: 16384},
			kind: llm.KindOllama, window: 16384, source: "num_ctx"},
		{name: "vllm", cfg: llmtest.Config{Kind: llmtest.KindVLLM, Window: 6144},
			kind: llm.KindVLLM, window: 6144, source: "max_model_len"},
		{name: "llama.cpp", cfg: llmtest.Config{Kind: llmtest.KindLlamaCpp, Window: 3072, Slots: 4},
			kind: llm.KindLlamaCpp, window: 3072, source: "/props", slots: 4},
		{name: "lm studio", cfg: llmtest.Config{Kind: llmtest.KindLMStudio, Window: 5000},
			kind: llm.KindLMStudio, window: 5000, source: "loaded_context_length"},
		{name: "plain openai-compatible", cfg: llmtest.Config{}, kind: "", window: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := discoverClient(t, tc.cfg)
			s := c.Discover(context.Background())
			if s.Kind != tc.kind || s.Window != tc.window || !strings.Contains(s.WindowSource, tc.source) || s.Slots != tc.slots {
				t.Fatalf("Discover = %+v; want kind %q window %d from %q, %d slots", s, tc.kind, tc.window, tc.source, tc.slots)
			}
			if tc.kind == llm.KindOllama && s.Version != llmtest.OllamaVersion {
				t.Errorf("version %q", s.Version)
			}
			if tc.wantLoaded && !srv.Loaded() {
				t.Error("the model was not loaded before /api/ps was read")
			}
		})
	}
}

func TestDiscoverIgnoresOtherModels(t *testing.T) {
	c, _ := discoverClient(t, llmtest.Config{Kind: llmtest.KindVLLM, Window: 6144, Models: []string{"other"}, AnyModel: true})
	if s := c.Discover(context.Background()); s.Window != 0 {
		t.Errorf("took the window of another model: %+v", s)
	}
}

func TestChooseWindow(t *testing.T) {
	ollama := llm.Server{Kind: llm.KindOllama, Window: 4096, WindowSource: "Ollama /api/ps"}
	for _, tc := range []struct {
		name    string
		given   int
		server  llm.Server
		model   string
		tokens  int
		source  string
		guess   bool
		lowered string
	}{
		{"auto takes the server's", 0, ollama, "qwen2.5:7b", 4096, "Ollama /api/ps", false, ""},
		{"a larger --context is lowered, with the fix", 8192, ollama, "qwen2.5:7b", 4096, "Ollama /api/ps", false,
			"a window of 8192 tokens was given, but Ollama gives qwen2.5:7b 4096: using 4096; start Ollama with OLLAMA_CONTEXT_LENGTH=8192 for fewer, longer requests"},
		{"a smaller --context is the user's choice", 2048, ollama, "qwen2.5:7b", 2048, llm.SourceGiven, false, ""},
		{"vllm's fix", 8192, llm.Server{Kind: llm.KindVLLM, Window: 4096, WindowSource: "vLLM"}, "m", 4096, "vLLM", false, "--max-model-len 8192"},
		{"llama.cpp's fix counts the slots", 8192, llm.Server{Kind: llm.KindLlamaCpp, Window: 4096, Slots: 4, WindowSource: "llama.cpp"}, "m", 4096, "llama.cpp", false, "-c 32768"},
		{"a known model", 0, llm.Server{Kind: llm.KindOpenAI}, "gpt-4o-mini", 128000, "a guess: OpenAI does not say; the known window of gpt-4o-mini", true, ""},
		{"provider prefix", 0, llm.Server{}, "openai/gpt-4.1-mini", 1047576, "known window", true, ""},
		{"nothing known", 0, llm.Server{}, "my-model", llm.GuessedWindow, "a guess: the server does not say: pass --context", true, ""},
		{"given and nothing known", 16000, llm.Server{}, "my-model", 16000, llm.SourceGiven, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := llm.ChooseWindow(tc.given, tc.server, tc.model, testHints)
			if w.Tokens != tc.tokens || !strings.Contains(w.Source, tc.source) || w.Guess != tc.guess {
				t.Errorf("ChooseWindow = %+v; want %d from %q (guess %v)", w, tc.tokens, tc.source, tc.guess)
			}
			if (tc.lowered == "") != (w.Lowered == "") || !strings.Contains(w.Lowered, tc.lowered) {
				t.Errorf("Lowered = %q; want %q", w.Lowered, tc.lowered)
			}
		})
	}
}

// A long prompt to an Ollama with a 4,096-token window comes back 200 with
// prompt_tokens = 4096 and an answer to the wrong text: the client must
// report the cut, never the answer.
func TestClientReportsOllamaCut(t *testing.T) {
	c, srv := discoverClient(t, llmtest.Config{Kind: llmtest.KindOllama, Window: 4096})
	s := c.Discover(context.Background())
	c.SetWindow(llm.ChooseWindow(0, s, llmtest.Model, nil), s)
	user := "<article>\n" + strings.Repeat("Byrådet drøftede budgettet for skoler og veje i aften. ", 400) + "\n</article>"
	resp, err := c.Complete(context.Background(), llm.Request{Stage: "translate", System: "Translate.", User: user})
	if !errors.Is(err, llm.ErrPromptCut) || !errors.Is(err, llm.ErrContextLength) || !errors.Is(err, llm.ErrArticle) {
		t.Fatalf("err = %v; want a prompt cut", err)
	}
	if !strings.Contains(err.Error(), "cut the prompt to 4096 tokens") {
		t.Errorf("message %q does not name the cut", err)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].CutTo != 4096 {
		t.Errorf("server log %+v: want one request cut to 4096", r)
	}
	if resp.Usage.PromptTokens != 4096 || c.Stats().Usage.PromptTokens != 4096 {
		t.Errorf("usage %+v / stats %+v: the cut request was paid for and must count", resp.Usage, c.Stats().Usage)
	}
}

// A server that announces 16,384 tokens and cuts at 4,096 is caught. A
// report of 4,096 could be a prompt of that size, so the first cut, before
// any measurement, is redone without touching the window; once an answer
// has measured the tokenizer and it agrees the prompt was larger, later
// requests are fitted to what the server really gives.
func TestLyingServerLowersTheWindow(t *testing.T) {
	cfg, err := llmtest.ModeConfig("lying", 4096)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	srv := llmtest.New(t, llmtest.WithConfig(cfg))
	c, _ := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }})
	s := c.Discover(context.Background())
	w := llm.ChooseWindow(0, s, llmtest.Model, nil)
	if w.Tokens != 4*4096 {
		t.Fatalf("the lying server announced %+v; want 16384", s)
	}
	c.SetWindow(w, s)
	sentence := "Byrådet drøftede budgettet for skoler og veje i aften. "
	long := llm.Request{Stage: "translate", System: "Translate.", User: strings.Repeat(sentence, 400)}
	for i, want := range []int{16384, 4096} {
		_, err = c.Complete(context.Background(), long)
		var cut llm.Cut
		if !errors.Is(err, llm.ErrPromptCut) || !errors.As(err, &cut) || cut.Window != 4096 {
			t.Fatalf("cut %d: err = %v; want the cut to 4096 caught", i+1, err)
		}
		if got := c.Window(); got.Tokens != want {
			t.Errorf("window %+v after cut %d; want %d", got, i+1, want)
		}
		if _, err := c.Complete(context.Background(), llm.Request{Stage: "translate", System: "Translate.", User: strings.Repeat(sentence, 40)}); err != nil {
			t.Fatal(err)
		}
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "cut a prompt at") {
		t.Errorf("log %q; want one line saying the window was lowered", logged)
	}
}
