package llmtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

func chat(t *testing.T, srv *llmtest.Server, user string, maxTokens int) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(openai.ChatCompletionRequest{Model: llmtest.Model, MaxTokens: maxTokens, Messages: []openai.ChatCompletionMessage{
		{Role: "system", Content: "You are a professional news translator. Translate every paragraph."},
		{Role: "user", Content: user},
	}})
	resp, err := http.Post(srv.URL()+"/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out
}

func longArticle() string {
	var b strings.Builder
	b.WriteString("<article>\n")
	for i := range 300 {
		b.WriteString("Afsnit " + strings.Repeat("x", i%7) + ": Byrådet drøftede budgettet for skoler og veje.\n\n")
	}
	return b.String() + "</article>"
}

func TestOllamaModeCutsLikeOllama(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 1024}))
	status, out := chat(t, srv, longArticle(), 0)
	if status != 200 {
		t.Fatalf("status %d; Ollama answers a cut prompt with 200", status)
	}
	usage := out["usage"].(map[string]any)
	if usage["prompt_tokens"].(float64) != 1024 {
		t.Errorf("prompt_tokens %v; Ollama reports the window", usage["prompt_tokens"])
	}
	answer := out["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"].(string)
	if strings.Contains(answer, "Afsnit :") {
		t.Errorf("the answer translates the article's start, which a cut drops: %.80q", answer)
	}
	r := srv.Requests()[0]
	if r.CutTo != 1024 || r.PromptTokens <= 1024 {
		t.Errorf("log %+v", r)
	}
	// a short prompt is not cut
	if _, out := chat(t, srv, "<article>\nHej.\n</article>", 0); out["usage"].(map[string]any)["prompt_tokens"].(float64) >= 1024 {
		t.Error("a short prompt reported as the window")
	}
	if v := getJSON(t, strings.TrimSuffix(srv.URL(), "/v1")+"/api/version"); v["version"] != llmtest.OllamaVersion {
		t.Errorf("/api/version %v", v)
	}
	ps := getJSON(t, strings.TrimSuffix(srv.URL(), "/v1")+"/api/ps")
	if m := ps["models"].([]any); len(m) != 1 || m[0].(map[string]any)["context_length"].(float64) != 1024 {
		t.Errorf("/api/ps %v", ps)
	}
}

func TestVLLMModeRefusesPastMaxModelLen(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindVLLM, Window: 1024}))
	if status, out := chat(t, srv, longArticle(), 100); status != 400 || !strings.Contains(out["message"].(string), "maximum context length is 1024") {
		t.Errorf("%d %v; want vLLM's 400", status, out)
	}
	if status, _ := chat(t, srv, "<article>\nHej.\n</article>", 1000); status != 400 {
		t.Errorf("%d: prompt plus max_tokens past the window must be refused", status)
	}
	if status, _ := chat(t, srv, "<article>\nHej.\n</article>", 100); status != 200 {
		t.Errorf("%d for a fitting request", status)
	}
	m := getJSON(t, srv.URL()+"/models")["data"].([]any)[0].(map[string]any)
	if m["max_model_len"].(float64) != 1024 {
		t.Errorf("/v1/models %v", m)
	}
}

func TestLlamaCppModeProps(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindLlamaCpp, Window: 1024, Slots: 2}))
	p := getJSON(t, strings.TrimSuffix(srv.URL(), "/v1")+"/props")
	if p["default_generation_settings"].(map[string]any)["n_ctx"].(float64) != 1024 || p["total_slots"].(float64) != 2 {
		t.Errorf("/props %v", p)
	}
	if status, out := chat(t, srv, longArticle(), 0); status != 400 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "context size") {
		t.Errorf("%d %v", status, out)
	}
}

func TestLyingModeAnnouncesMoreThanItGives(t *testing.T) {
	cfg, err := llmtest.ModeConfig("lying", 1024)
	if err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t, llmtest.WithConfig(cfg))
	chat(t, srv, "<article>\nHej.\n</article>", 0) // loads the model
	ps := getJSON(t, strings.TrimSuffix(srv.URL(), "/v1")+"/api/ps")
	if ps["models"].([]any)[0].(map[string]any)["context_length"].(float64) != 4096 {
		t.Errorf("/api/ps %v; want the announced 4096", ps)
	}
	if _, out := chat(t, srv, longArticle(), 0); out["usage"].(map[string]any)["prompt_tokens"].(float64) != 1024 {
		t.Errorf("cut at %v; want 1024", out["usage"])
	}
	if _, err := llmtest.ModeConfig("nosuch", 1); err == nil {
		t.Error("unknown mode accepted")
	}
}
