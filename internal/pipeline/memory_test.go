package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// shared is a background paragraph (eight words or more) two stories carry.
const shared = "Øresundsbroen har siden åbningen i 2000 forbundet Danmark og Sverige med både vej og jernbane."

func writeStory(t *testing.T, dir, name, lede, own string) article.Input {
	t.Helper()
	p := filepath.Join(dir, name+".txt")
	text := " date 2026-11 " + lede + "\n\n" + own + "\n\n" + shared + "\n\n/ritzau/\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return article.Input{Path: p, ID: name}
}

// An article whose translation the cache holds does not wait for another
// one translating a paragraph they share: it needs nothing from it.
func TestACachedArticleDoesNotWaitForOneTranslatingASharedParagraph(t *testing.T) {
	dir := t.TempDir()
	a := writeStory(t, dir, "a-bro", "Broen var lukket i nat.", "Broen over Øresund var lukket i flere timer i nat på grund af storm.")
	b := writeStory(t, dir, "b-tog", "Togene kører igen.", "Togene mellem København og Malmø kører igen efter en længere pause.")
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	aDone := make(chan struct{})
	bSent := make(chan struct{})
	var aWaited atomic.Bool
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if llmtest.Stage(req) == "translate" && strings.Contains(req.Messages[len(req.Messages)-1].Content, "Malmø") {
			close(bSent)
			// Hold b's translation until a is done; a bound only so the
			// failure is a message rather than a hung test.
			select {
			case <-aDone:
			case <-time.After(20 * time.Second):
				aWaited.Store(true)
			}
		}
		return llmtest.Default(req)
	}))
	cfg := newConfig(t, srv, c)
	cfg.Concurrency = 2
	if out := pipeline.Run(context.Background(), cfg, []article.Input{a}); out.Manifest.Totals.OK != 1 {
		t.Fatalf("first run: %+v", out.Manifest.Totals)
	}

	load := cfg.Load
	cfg.Load = func(in article.Input) (article.Article, error) {
		if in.ID == a.ID {
			<-bSent // b has claimed the shared paragraph and is translating it
		}
		return load(in)
	}
	cfg.Progress = &recorder{done: func(source string) {
		if source == a.Path {
			close(aDone)
		}
	}}
	out := pipeline.Run(context.Background(), cfg, []article.Input{b, a})
	if aWaited.Load() {
		t.Error("the cached article did not finish while the other was translating their shared paragraph: it waited for it")
	}
	if tot := out.Manifest.Totals; tot.OK != 1 || tot.Cached != 1 {
		t.Errorf("second run: %+v, want 1 ok and 1 cached", tot)
	}
}
