package translate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/translate/qa"
)

// byteTokenizer is an Ollama whose model spends a token per byte (a
// byte-fallback vocabulary), about 2.5 times what EstimateTokens expects of
// Danish, serving a 4,096-token window it reports truthfully: the window is
// right, the estimate is wrong, and only the server's counts can tell.
func byteTokenizer(t *testing.T) (*llmtest.Server, *llm.Client) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 4096, TokensPerByte: 1, Handler: translator}))
	c := newClient(t, srv)
	c.SetWindow(llm.Window{Tokens: 4096, Source: "test"}, llm.Server{Kind: llm.KindOllama, Window: 4096})
	return srv, c
}

func cutRequests(srv *llmtest.Server, from int) (cut []int) {
	for i, r := range srv.Requests()[from:] {
		if r.CutTo > 0 {
			cut = append(cut, from+i)
		}
	}
	return cut
}

// The first answer teaches the real ratio: the part the server cut is redone
// small enough, the parts planned before that answer are re-planned before
// they are sent, and nothing after the first answer is cut, in this article
// or the next.
func TestCalibrationEndsTheCutsAfterTheFirstAnswer(t *testing.T) {
	srv, c := byteTokenizer(t)
	tr := New(c, embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096})
	a := longArticle(12000)
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	cut := cutRequests(srv, 0)
	if len(cut) == 0 {
		t.Fatal("no request was cut: the estimate was never wrong, so this tests nothing")
	}
	if len(cut) > 1 || cut[0] != 0 {
		t.Errorf("requests %v of %d were cut; want only the first, sent before any answer", cut, len(srv.Requests()))
	}
	if c.TokensPerByte() < 0.9 {
		t.Errorf("measured %.2f tokens a byte; the server counts one", c.TokensPerByte())
	}
	var named int
	for _, f := range res.Findings {
		if f.Code == qa.CodePromptCut {
			named++
		}
	}
	if named != len(cut) {
		t.Errorf("%d cut findings for %d cut requests: every cut must be named", named, len(cut))
	}

	before := len(srv.Requests())
	b := longArticle(9000)
	b.ID = "second"
	res, err = tr.Translate(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, b, res)
	if cut := cutRequests(srv, before); len(cut) > 0 {
		t.Errorf("calibrated, yet requests %v of the second article were cut", cut)
	}
	for _, r := range srv.Requests()[before:] {
		if r.PromptTokens+maxTokens(r) > 4096 {
			t.Errorf("request of %d prompt tokens + max_tokens %d does not fit the 4096 window", r.PromptTokens, maxTokens(r))
		}
	}
}

// A calibration kept from an earlier run (Seed) plans the first request
// right: nothing is cut at all.
func TestSeededCalibrationCutsNothing(t *testing.T) {
	srv, c := byteTokenizer(t)
	c.Calibration().Seed(1)
	a := longArticle(12000)
	tr := New(c, embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096})
	plan, err := tr.Plan(a)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if cut := cutRequests(srv, 0); len(cut) > 0 {
		t.Errorf("seeded with the model's ratio, yet requests %v were cut", cut)
	}
	if got := len(srv.Requests()); got != plan.Requests {
		t.Errorf("the plan (dry run) said %d requests, the run sent %d", plan.Requests, got)
	}
	uncalibrated, err := New(newClient(t, srv), embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096}).Plan(a)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Requests <= uncalibrated.Requests || plan.PromptTokens <= uncalibrated.PromptTokens {
		t.Errorf("calibrated plan %d requests / %d prompt tokens, uncalibrated %d / %d: the calibration must show in the estimate",
			plan.Requests, plan.PromptTokens, uncalibrated.Requests, uncalibrated.PromptTokens)
	}
}

// A sentence that cannot fit the window at the measured ratio fails its
// article with that reason instead of being sent to be cut again and again.
func TestSentenceTooLongForTheMeasuredTokenizerFailsTheArticle(t *testing.T) {
	srv, c := byteTokenizer(t)
	// 3,500 bytes without a sentence end: about 1,400 tokens by the
	// estimate, 3,500 by the server's count, and its answer as many again.
	long := strings.Repeat("Rigsrevisionen gennemgik regnskaberne for kommunerne ", 66)
	a := article.Article{ID: "x", Paragraphs: []string{paragraph(0, 2), long + "."}}
	_, err := New(c, embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096}).Translate(context.Background(), a)
	if err == nil || !errors.Is(err, llm.ErrArticle) {
		t.Fatalf("err = %v; want the article failed", err)
	}
	for _, want := range []string{"a single sentence of paragraph 2", "tokens a byte"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := len(cutRequests(srv, 0)); n > 1 {
		t.Errorf("%d requests were cut: after the first the sentence must be known not to fit", n)
	}
}
