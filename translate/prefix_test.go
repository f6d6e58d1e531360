package translate

import (
	"context"
	"fmt"
	"testing"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// Servers (Ollama, vLLM, llama.cpp, OpenAI) reuse the computed prefix that
// requests share, up to the first byte that differs; so everything that
// varies per part must come after the system prompt.
func TestEveryPartOfEveryArticleSharesOneSystemPrompt(t *testing.T) {
	g, err := ParseGlossary("g.tsv", []byte("Havnefogeden\tthe harbourmaster\nsygehus\tsuper hospital\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	tr := newTranslator(t, srv, Options{ContextTokens: 2048, Glossary: g})
	long := longArticle(12000)
	long.Paragraphs[2] += " " + fmt.Sprintf(bank[10][0], "55")
	short := article.Article{ID: "short", Paragraphs: []string{paragraph(1, 2)}}
	for _, a := range []article.Article{long, short} {
		res, err := tr.Translate(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		assertTranslated(t, a, res)
	}
	reqs := srv.Requests()
	glossaryParts, contextParts := 0, 0
	for i, r := range reqs {
		if r.System != reqs[0].System {
			t.Fatalf("request %d's system prompt differs from the first:\n%s\nfirst:\n%s", i+1, r.System, reqs[0].System)
		}
		if llmtest.Between(r.User, "<glossary>", "</glossary>") != "" {
			glossaryParts++
		}
		if llmtest.Between(r.User, "<context>", "</context>") != "" {
			contextParts++
		}
	}
	if glossaryParts == 0 || glossaryParts == len(reqs) || contextParts == 0 {
		t.Errorf("of %d requests %d had glossary terms and %d context: the test should vary both", len(reqs), glossaryParts, contextParts)
	}
}

// max_tokens is what the part may need (about twice its source), not all
// the room left in the window: a TPM budget reserves max_tokens for every
// request in flight.
func TestMaxTokensFollowsThePartsSource(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	tr := newTranslator(t, srv, Options{ContextTokens: 32768})
	a := article.Article{ID: "a", Lede: fmt.Sprintf(bank[0][0], "7"), Paragraphs: []string{paragraph(1, 3), paragraph(2, 4)}}
	if _, err := tr.Translate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests for a short article", len(reqs))
	}
	src := llm.EstimateTokens(llmtest.Between(reqs[0].User, "<article>", "</article>"))
	if got := maxTokens(reqs[0]); got < src || got > 2*src+outputSlack {
		t.Errorf("max_tokens %d for a part of about %d source tokens; want between %d and %d", got, src, src, 2*src+outputSlack)
	}
}
