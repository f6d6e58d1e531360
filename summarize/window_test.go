package summarize

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

type windowed struct {
	llm.Completer
	n int
}

func (w windowed) ContextWindow(context.Context) (int, error) { return w.n, nil }

// A summary and a digest are fitted to the window the client learnt from
// the server, not to the one configured: an Ollama with 2,048 tokens cuts
// neither.
func TestSummaryAndDigestFitTheClientsWindow(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 2048}))
	s := New(windowed{mustClient(t, srv), 2048}, embeddedPrompts(t), "en", 32768)
	var ps []string
	for i := 0; i < 200; i++ {
		ps = append(ps, fmt.Sprintf("EN: Paragraph %d of a very long council report about budgets, schools and roads.", i))
	}
	if _, err := s.Summarize(context.Background(), strings.Join(ps, "\n\n")); err != nil {
		t.Fatal(err)
	}
	var stories []Story
	for i := 0; i < 60; i++ {
		stories = append(stories, Story{Headline: fmt.Sprintf("Story %d about the council", i), Summary: strings.Repeat("The council met and decided many things about roads. ", 6)})
	}
	if _, _, err := s.Digest(context.Background(), stories, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if r.CutTo != 0 {
			t.Errorf("a %s request of %d tokens was cut to %d", r.Stage, r.PromptTokens, r.CutTo)
		}
	}
	if !strings.Contains(srv.Requests()[0].User, "left out for length") {
		t.Error("the summary prompt was not shortened to the client's window")
	}
}

// A digest planned for more window than the server gives is not lost: the
// request the server refuses (an OpenAI-like 400) or cuts (an Ollama that
// says 8,192 and gives 2,048) is planned again with fewer stories a part
// until every request fits, and the briefing has its digest.
func TestDigestShrinksUntilItFits(t *testing.T) {
	for _, cfg := range []llmtest.Config{
		{Window: 2048},
		{Kind: llmtest.KindOllama, Window: 2048, AnnouncedWindow: 8192},
	} {
		t.Run(cmp.Or(string(cfg.Kind), "openai"), func(t *testing.T) {
			srv := llmtest.New(t, llmtest.WithConfig(cfg))
			c := mustClient(t, srv)
			server := c.Discover(context.Background())
			c.SetWindow(llm.ChooseWindow(8192, server, llmtest.Model, nil), server)
			s := New(windowed{c, 8192}, embeddedPrompts(t), "en", 8192)
			var stories []Story
			for i := 0; i < 60; i++ {
				stories = append(stories, Story{Headline: fmt.Sprintf("Story %d about the council", i), Summary: strings.Repeat("The council met and decided many things about roads. ", 6)})
			}
			digest, _, err := s.Digest(context.Background(), stories, "")
			if err != nil || digest == "" {
				t.Fatalf("digest %q, err %v; want a digest", digest, err)
			}
			reqs := srv.Requests()
			misfits := 0
			for _, r := range reqs {
				if r.Status >= 400 || r.CutTo != 0 {
					misfits++
				}
			}
			if misfits == 0 {
				t.Fatal("every digest request fitted: this tests nothing")
			}
			if r := reqs[len(reqs)-1]; r.Status >= 400 || r.CutTo != 0 || !strings.Contains(r.User, "Part 1 of") {
				t.Errorf("the last request (status %d, cut to %d) is not a combining digest that fitted", r.Status, r.CutTo)
			}
		})
	}
}

// A summary planned for far more window than the server has (32,768
// against an OpenAI-like 2,048) is shortened until the server takes it, not
// failed after one refusal.
func TestSummaryShrinksUntilItFits(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Window: 2048}))
	s := New(windowed{mustClient(t, srv), 32768}, embeddedPrompts(t), "en", 32768)
	var ps []string
	for i := 0; i < 1000; i++ {
		ps = append(ps, fmt.Sprintf("EN: Paragraph %d of a very long council report about budgets, schools and roads.", i))
	}
	res, err := s.Summarize(context.Background(), strings.Join(ps, "\n\n"))
	if err != nil || res.Headline == "" {
		t.Fatalf("summary %+v, err %v; want one", res.Summary, err)
	}
	if reqs := srv.Requests(); len(reqs) < 4 || reqs[len(reqs)-1].Status != 200 {
		t.Errorf("%d requests; want at least three refused, then one that fitted", len(reqs))
	}
}
