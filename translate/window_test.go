package translate

import (
	"context"
	"errors"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/translate/qa"
)

// windowed is a Completer that knows its window, as the CLI's is after
// asking the server.
type windowed struct {
	llm.Completer
	n     int
	asked int
}

func (w *windowed) ContextWindow(context.Context) (int, error) { w.asked++; return w.n, nil }

// With the server's window known, an article is fitted to it whatever the
// configured window says: no request to an Ollama with 2,048 tokens is cut.
func TestTranslateFitsTheClientsWindow(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 2048, Handler: translator}))
	a := longArticle(12000)
	w := &windowed{Completer: newClient(t, srv), n: 2048}
	res, err := New(w, embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 8192}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if w.asked == 0 {
		t.Error("the client's window was never asked")
	}
	for _, r := range srv.Requests() {
		if r.CutTo != 0 || r.PromptTokens+maxTokens(r) > 2048 {
			t.Errorf("request of %d prompt tokens + %d max_tokens (cut to %d) does not fit 2048", r.PromptTokens, maxTokens(r), r.CutTo)
		}
	}
	for _, f := range res.Findings {
		if f.Code == qa.CodePromptCut {
			t.Errorf("finding %q: nothing was cut", f.Message)
		}
	}
}

// A server that says 8,192 and cuts at 2,048 (the lying mode): the cut parts
// are redone, the text is whole, and the article carries a finding naming
// the cut, which --strict does not count as a quality failure.
func TestCutPromptIsRedoneAndNamed(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 2048, AnnouncedWindow: 8192, Handler: translator}))
	a := longArticle(12000)
	res, err := New(discovered(t, srv), embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 8192, Strict: true}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	cut := 0
	for _, r := range srv.Requests() {
		if r.CutTo > 0 {
			cut++
		}
	}
	if cut == 0 {
		t.Fatal("the test article was never cut: it does not test anything")
	}
	var named []string
	for _, f := range res.Findings {
		if f.Code == qa.CodePromptCut {
			named = append(named, f.Message)
		}
	}
	if len(named) != 1 || !strings.Contains(named[0], "cut the prompt to 2048 tokens") || !strings.Contains(named[0], "redone in smaller parts") {
		t.Errorf("findings %q; want one naming the cut to 2048 tokens", named)
	}
	if len(res.Warnings) == 0 {
		t.Error("no warning: the cut must reach the manifest")
	}
}

// An Ollama that reports every prompt as its whole window never lets an
// answer through: the article fails with the cut as its reason.
func TestServerThatKeepsCuttingFailsTheArticle(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 4096, Handler: func(req openai.ChatCompletionRequest) llmtest.Reply {
		r := translator(req)
		r.Usage = &openai.Usage{PromptTokens: 4096, CompletionTokens: 10}
		return r
	}}))
	a := article.Article{ID: "x", Paragraphs: []string{paragraph(0, 2), paragraph(1, 2)}}
	_, err := New(discovered(t, srv), embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096}).Translate(context.Background(), a)
	if err == nil || !errors.Is(err, llm.ErrArticle) {
		t.Fatalf("err = %v; want the article failed", err)
	}
	if !strings.Contains(err.Error(), "cut the prompt to 4096 tokens") {
		t.Errorf("error %q does not name the cut", err)
	}
}

// poolLike is brief's client the way the pool hands it out: its window is
// the one the client holds now, lowered by a confirmed cut.
type poolLike struct{ *llm.Client }

func (p poolLike) ContextWindow(context.Context) (int, error) { return p.Window().Tokens, nil }

// Once a cut the calibration confirms shows the server's real window, the
// rest of the article is planned at that size: one cut, not one for every
// part planned for the window the server claimed.
func TestACutReplansTheRestOfTheArticle(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 2048, AnnouncedWindow: 8192, Handler: translator}))
	c := discovered(t, srv)
	c.Calibration().Seed(0.25) // the fake's tokenizer, as an earlier run measured it
	a := longArticle(40000)
	res, err := New(poolLike{c}, embeddedPrompts(t), Options{From: "da", To: "en"}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if c.Window().Tokens != 2048 {
		t.Errorf("window %s after the cut; want 2048", c.Window())
	}
	if cut := cutRequests(srv, 0); len(cut) != 1 {
		t.Errorf("requests %v of %d were cut; want only the first, planned for the window the server claimed", cut, len(srv.Requests()))
	}
}
