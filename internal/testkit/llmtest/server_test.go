package llmtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/prompts"
)

func client(s *llmtest.Server, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = s.URL()
	return openai.NewClientWithConfig(cfg)
}

func chatReq(system, user string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: llmtest.Model, Messages: []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: system},
		{Role: openai.ChatMessageRoleUser, Content: user},
	}}
}

// streamAll reads a stream to its end and returns the text, the last
// finish_reason and the usage chunk, if any.
func streamAll(t *testing.T, c *openai.Client, req openai.ChatCompletionRequest) (string, string, *openai.Usage, error) {
	t.Helper()
	st, err := c.CreateChatCompletionStream(context.Background(), req)
	if err != nil {
		return "", "", nil, err
	}
	defer st.Close()
	var b strings.Builder
	var finish string
	var usage *openai.Usage
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return b.String(), finish, usage, nil
		}
		if err != nil {
			return b.String(), finish, usage, err
		}
		if chunk.Usage != nil {
			usage = chunk.Usage
		}
		for _, ch := range chunk.Choices {
			b.WriteString(ch.Delta.Content)
			if ch.FinishReason != "" {
				finish = string(ch.FinishReason)
			}
		}
	}
}

const danish = "Regeringen vil bruge 2,5 mia. kroner på nye cykelstier.\n\nDet oplyser transportministeren.\n\n- Det er en god dag, siger hun."

func TestDefaultAnswersTheRealPrompts(t *testing.T) {
	s := llmtest.New(t)
	c := client(s, "")
	p, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string, data any) string {
		t.Helper()
		out, err := p.Render(name, data)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	// Both system prompts: the full one, and the compact one a translation
	// memory's short update request carries.
	var text, finish string
	var usage *openai.Usage
	for _, compact := range []bool{false, true} {
		data := map[string]any{"From": "Danish", "To": "English", "Paragraphs": 3, "Glossary": nil, "References": nil, "Context": "", "Text": danish, "Compact": compact}
		tr := chatReq(render(prompts.TranslateSystem, data), render(prompts.TranslateUser, data))
		tr.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
		var err error
		text, finish, usage, err = streamAll(t, c, tr)
		if err != nil {
			t.Fatal(err)
		}
		if text != llmtest.EnglishTranslation(danish) {
			t.Errorf("compact %v: translation = %q, want EnglishTranslation of the article's 3 paragraphs", compact, text)
		}
	}
	if finish != "stop" {
		t.Errorf("finish_reason = %q, want stop", finish)
	}
	if usage == nil || usage.PromptTokens == 0 || usage.CompletionTokens == 0 {
		t.Errorf("usage chunk = %+v, want token counts", usage)
	}

	sum := chatReq(
		render(prompts.SummarizeSystem, map[string]any{"To": "English"}),
		render(prompts.SummarizeUser, map[string]any{"Text": "EN: The government will spend 2.5 billion kroner on new cycle paths. More follows.\n\nEN: The minister says so."}))
	resp, err := c.CreateChatCompletion(context.Background(), sum)
	if err != nil {
		t.Fatal(err)
	}
	got := resp.Choices[0].Message.Content
	if !strings.Contains(got, `"headline":"The government will spend 2.5 billion kroner on"`) || !strings.Contains(got, `"key_points":["The government will spend 2.5 billion kroner on new cycle paths."`) {
		t.Errorf("summary = %s", got)
	}

	dig := chatReq(
		render(prompts.DigestSystem, map[string]any{"To": "English", "Count": 2, "Period": ""}),
		render(prompts.DigestUser, map[string]any{"Stories": []map[string]string{
			{"Date": "2024-05", "Headline": "Cycle paths funded", "Summary": "Money."},
			{"Date": "", "Headline": "Storm hits Jutland", "Summary": "Wind."},
		}}))
	text, _, _, err = streamAll(t, c, dig)
	if err != nil {
		t.Fatal(err)
	}
	if text != "Digest of 2 stories: Cycle paths funded; Storm hits Jutland." {
		t.Errorf("digest = %q", text)
	}

	stages := []string{}
	for _, r := range s.Requests() {
		stages = append(stages, r.Stage)
	}
	if strings.Join(stages, ",") != "translate,translate,summarize,digest" {
		t.Errorf("logged stages = %v", stages)
	}
	if r := s.Requests()[0]; !r.Stream || !r.IncludeUsage || !strings.Contains(r.User, "<article>") || !strings.Contains(r.System, "translator") {
		t.Errorf("log entry = %+v", r)
	}
}

// Default's translation stands in for a good model's: the paragraphs, names
// and numbers of the source, the rest English, no Danish function word
// left, not even one opening a sentence ("Det"). Untranslated sends the
// Danish back.
func TestDefaultTranslationIsEnglishUntranslatedIsNot(t *testing.T) {
	en := llmtest.EnglishTranslation(danish)
	ps := llmtest.Paragraphs(en)
	if len(ps) != 3 || !strings.HasPrefix(ps[0], "Regeringen ") || !strings.Contains(ps[0], " 2,5 ") {
		t.Errorf("EnglishTranslation = %q, want 3 paragraphs keeping Regeringen and 2,5", en)
	}
	for _, w := range []string{"Det", "det", "vil", "på", "oplyser", "siger"} {
		if strings.Contains(" "+en+" ", " "+w+" ") {
			t.Errorf("EnglishTranslation = %q, still has the Danish %q", en, w)
		}
	}
	c := client(llmtest.New(t, llmtest.WithHandler(llmtest.Untranslated)), "")
	resp, err := c.CreateChatCompletion(context.Background(), chatReq("", "<article>\n"+danish+"\n</article>"))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != llmtest.FakeTranslation(danish) || !strings.HasPrefix(got, "EN: Regeringen vil") {
		t.Errorf("Untranslated = %q, want the Danish back, prefixed EN:", got)
	}
}

func TestAPIKeyRequired(t *testing.T) {
	s := llmtest.New(t, llmtest.WithAPIKey("sk-right"))
	_, err := client(s, "sk-wrong").CreateChatCompletion(context.Background(), chatReq("", "hi"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_api_key" {
		t.Fatalf("wrong key: err = %v, want 401 invalid_api_key", err)
	}
	if _, err := client(s, "sk-right").CreateChatCompletion(context.Background(), chatReq("", "hi")); err != nil {
		t.Fatalf("right key: %v", err)
	}
	if _, err := client(s, "").ListModels(context.Background()); err == nil {
		t.Fatal("models without key succeeded")
	}
}

func TestModelsAndUnknownModel(t *testing.T) {
	s := llmtest.New(t, llmtest.WithModels("qwen2.5:7b", "llama3.2:latest"))
	c := client(s, "")
	list, err := c.ListModels(context.Background())
	if err != nil || len(list.Models) != 2 || list.Models[0].ID != "qwen2.5:7b" {
		t.Fatalf("models = %+v, %v", list, err)
	}
	req := chatReq("", "hi")
	req.Model = "llama3.2" // :latest is implied, as in Ollama
	if _, err := c.CreateChatCompletion(context.Background(), req); err != nil {
		t.Fatalf("llama3.2 should match llama3.2:latest: %v", err)
	}
	req.Model = "nope:1b"
	_, err = c.CreateChatCompletion(context.Background(), req)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 404 || apiErr.Message != "model 'nope:1b' not found" {
		t.Fatalf("unknown model: %v", err)
	}
}

func TestEnqueuedFaultsThenDefault(t *testing.T) {
	s := llmtest.New(t)
	c := client(s, "")
	s.Enqueue(llmtest.RateLimited("2"), llmtest.Reply{Content: "one two three", Cut: true})
	_, err := c.CreateChatCompletion(context.Background(), chatReq("", "hi"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Fatalf("first = %v, want 429", err)
	}
	text, finish, _, err := streamAll(t, c, chatReq("", "hi"))
	if err != nil || text != "one two three" || finish != "" {
		t.Fatalf("cut stream = %q finish %q err %v; want the text without finish_reason and a plain EOF", text, finish, err)
	}
	text, finish, _, err = streamAll(t, c, chatReq("", "hi"))
	if err != nil || text != "OK" || finish != "stop" {
		t.Fatalf("third = %q %q %v, want the default answer", text, finish, err)
	}
	if s.Count() != 3 || s.Requests()[0].Status != 429 {
		t.Fatalf("log = %+v", s.Requests())
	}
}

func TestStreamFaults(t *testing.T) {
	s := llmtest.New(t)
	c := client(s, "")
	s.Enqueue(llmtest.Reply{Content: "a b c d", MidStreamError: llmtest.ErrorEvent("server_error", "", "overloaded"), ErrorAfter: 2})
	text, _, _, err := streamAll(t, c, chatReq("", "hi"))
	if err == nil || !strings.Contains(err.Error(), "overloaded") || text != "a b " {
		t.Fatalf("mid-stream error: text %q err %v", text, err)
	}
	s.Enqueue(llmtest.Reply{Content: "a b c d", ResetAfter: 2})
	if _, _, _, err := streamAll(t, c, chatReq("", "hi")); err == nil {
		t.Fatal("reset mid-stream gave no error")
	}
	s.Enqueue(llmtest.Reply{Content: "partial", FinishReason: "content_filter"})
	if _, finish, _, _ := streamAll(t, c, chatReq("", "hi")); finish != "content_filter" {
		t.Fatalf("finish = %q", finish)
	}
}

func TestHangEndsWhenClientGivesUp(t *testing.T) {
	s := llmtest.New(t)
	s.Enqueue(llmtest.Reply{Hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := client(s, "").CreateChatCompletion(ctx, chatReq("", "hi"))
		done <- err
	}()
	for s.Count() == 0 {
		// wait for the request to arrive
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSlotsCapParallelRequests(t *testing.T) {
	s := llmtest.New(t, llmtest.WithSlots(2), llmtest.WithLatency(5*time.Millisecond, time.Millisecond))
	c := client(s, "")
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, _, err := streamAll(t, c, chatReq("", "hi")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if s.Count() != 6 || s.MaxServing() > 2 {
		t.Fatalf("count = %d, max served at once = %d, want 6 and at most 2", s.Count(), s.MaxServing())
	}
}

func TestTokensKeepEveryByte(t *testing.T) {
	in := "EN: one  two\n\nEN: three"
	if got := strings.Join(llmtest.Tokens(in), ""); got != in {
		t.Fatalf("joined tokens = %q", got)
	}
	if n := len(llmtest.Tokens(in)); n != 5 {
		t.Fatalf("tokens = %q", llmtest.Tokens(in))
	}
}
