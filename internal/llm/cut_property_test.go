package llm_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"

	briefarticle "github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/summarize"
	"github.com/brief-news/brief/translate"
)

// judged is a client as brief's pool uses it (its window known to the
// planners) that records, for every chat request in order, whether the
// client called its prompt cut.
type judged struct {
	*llm.Client
	mu  sync.Mutex
	cut []bool
}

func (j *judged) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := j.Client.Complete(ctx, req)
	if ctx.Err() != nil {
		return resp, err // not sent: the digest's other part failed
	}
	j.mu.Lock()
	j.cut = append(j.cut, errors.Is(err, llm.ErrPromptCut))
	j.mu.Unlock()
	return resp, err
}

func (j *judged) ContextWindow(context.Context) (int, error) { return j.Window().Tokens, nil }

// cutServer is one fake the property runs against: honest ones never cut
// (they answer 400 past the window, or have none); Ollama-like ones cut a
// prompt past the window silently, keeping its start and end.
type cutServer struct {
	family string
	cuts   bool
	cfg    llmtest.Config
}

func cutServers() []cutServer {
	var out []cutServer
	for _, cpt := range []float64{1, 2, 3, 4, 5, 6} { // 1: a token a byte
		tpb := 1 / cpt
		for _, w := range []int{0, 2048, 4096, 8192, 32768} {
			out = append(out, cutServer{"honest OpenAI-like (window never said)", false, llmtest.Config{Window: w, TokensPerByte: tpb}})
			if w == 0 {
				continue
			}
			out = append(out,
				cutServer{"honest vLLM (window said)", false, llmtest.Config{Kind: llmtest.KindVLLM, Window: w, TokensPerByte: tpb}},
				cutServer{"honest llama.cpp (window said)", false, llmtest.Config{Kind: llmtest.KindLlamaCpp, Window: w, TokensPerByte: tpb}},
				cutServer{"honest LM Studio (window said)", false, llmtest.Config{Kind: llmtest.KindLMStudio, Window: w, TokensPerByte: tpb}},
				cutServer{"Ollama-like (window said)", true, llmtest.Config{Kind: llmtest.KindOllama, Window: w, TokensPerByte: tpb}},
				cutServer{"Ollama-like (window unknown)", true, llmtest.Config{Kind: llmtest.KindOllama, Window: w, TokensPerByte: tpb, OldOllama: true}},
			)
		}
	}
	return out
}

// tally counts, for one family of servers, what the servers did and what
// the client said.
type tally struct {
	requests, packed, cut, caught, missed, falseCuts int
}

// The property: over every tokenizer (1 token a byte, 2 to 6 characters a
// token), window (none, 2,048 to 32,768; said or not) and kind of server,
// and thousands of prompt sizes (random, and what the digest and review
// packers make), the client calls no prompt cut that an honest server
// read whole, lowers no honest server's window, and catches every prompt
// an Ollama-like server cut.
func TestCutDetectionProperty(t *testing.T) {
	ps, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 2026))
	tallies := map[string]*tally{}
	for _, cs := range cutServers() {
		tl := tallies[cs.family]
		if tl == nil {
			tl = &tally{}
			tallies[cs.family] = tl
		}
		name := fmt.Sprintf("%s, window %d, %.2f tokens a byte", cs.family, cs.cfg.Window, cs.cfg.TokensPerByte)
		runCutServer(t, name, cs, ps, rng, tl)
	}
	families := make([]string, 0, len(tallies))
	for f := range tallies {
		families = append(families, f)
	}
	sort.Strings(families)
	total := tally{}
	for _, f := range families {
		tl := tallies[f]
		t.Logf("%-40s %5d requests (%4d digest or review), %4d cut by the server: %4d caught, %d missed; %d called cut but read whole",
			f, tl.requests, tl.packed, tl.cut, tl.caught, tl.missed, tl.falseCuts)
		total.requests += tl.requests
		total.cut += tl.cut
		total.caught += tl.caught
	}
	t.Logf("in all: %d requests, %d cut, %d caught", total.requests, total.cut, total.caught)
	if total.requests < 3000 || total.cut < 200 {
		t.Errorf("%d requests, %d cut: too few to say anything", total.requests, total.cut)
	}
}

// runCutServer sends random prompts, a digest and a review to one fake
// and adds what happened to tl.
func runCutServer(t *testing.T, name string, cs cutServer, ps *prompts.Set, rng *rand.Rand, tl *tally) {
	t.Helper()
	ctx := context.Background()
	cfg := cs.cfg
	// A short answer to everything: what is measured is the prompt.
	cfg.Handler = func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Text(`{"errors": []}`) }
	srv := llmtest.New(t, llmtest.WithConfig(cfg))
	c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Discover(ctx)
	c.SetWindow(llm.ChooseWindow(0, s, llmtest.Model, nil), s)
	start := c.Window()
	j := &judged{Client: c}

	// Prompts from a few tokens to twice the window, fewer of the largest
	// (they cost the most bytes, not the most insight).
	most, count := cmp.Or(2*cs.cfg.Window, 8192), 12
	if most > 16384 {
		count = 4
	}
	for range count {
		n := 64 + rng.IntN(most)
		bytes := int(float64(n-8) / cs.cfg.TokensPerByte)
		_, _ = j.Complete(ctx, llm.Request{Stage: "translate", System: "Translate the article.", User: danishText(rng, bytes), MaxTokens: 256})
	}
	sum := summarize.New(j, ps, "en", 0)
	sum.SetParallel(1)
	_, _, _ = sum.Digest(ctx, randomStories(rng), "")
	rv := translate.NewReviewer(j, ps, translate.Options{From: "da", To: "en", ContextTokens: c.Window().Tokens})
	a := randomArticle(rng)
	_, _ = rv.Review(ctx, a, translate.Result{Lede: a.Lede, Paragraphs: a.Paragraphs})

	reqs := srv.Requests()
	if len(reqs) != len(j.cut) {
		t.Fatalf("%s: the server logged %d chat requests, the client answered %d", name, len(reqs), len(j.cut))
	}
	for i, r := range reqs {
		tl.requests++
		if r.Stage == "digest" || r.Stage == "review" {
			tl.packed++
		}
		switch said := j.cut[i]; {
		case r.CutTo > 0 && said:
			tl.cut++
			tl.caught++
		case r.CutTo > 0:
			tl.cut++
			tl.missed++
			t.Errorf("%s: a prompt of %d tokens (%s) was cut to %d and not caught", name, r.PromptTokens, r.Stage, r.CutTo)
		case said:
			tl.falseCuts++
			if !cs.cuts {
				t.Errorf("%s: a prompt of %d tokens (%s) was read whole and called cut", name, r.PromptTokens, r.Stage)
			} else if r.PromptTokens < cs.cfg.Window-8 && !isCommonWindow(r.PromptTokens) {
				t.Errorf("%s: a prompt of %d tokens, not a window's size, was read whole and called cut", name, r.PromptTokens)
			}
		}
	}
	if w := c.Window(); !cs.cuts && w != start {
		t.Errorf("%s: the window went from %s to %s, yet the server cut nothing", name, start, w)
	} else if cs.cuts && w.Tokens < cs.cfg.Window && w.Tokens < start.Tokens {
		t.Errorf("%s: the window was lowered to %s, below the server's %d", name, w, cs.cfg.Window)
	}
}

// isCommonWindow: n is a few tokens under a size servers default to, which
// an Ollama-like server's count can be by chance (a suspicion, redone).
func isCommonWindow(n int) bool {
	for w := 2048; w <= 131072; w *= 2 {
		if n <= w && n >= w-8 {
			return true
		}
	}
	return false
}

var danishWords = strings.Fields("Byrådet i Århus vedtog torsdag et budget på 412 millioner kroner til skoler, veje og ældrepleje. " +
	"Ifølge borgmesteren skal 37 nye lærere ansættes i løbet af 2027, så klasserne bliver mindre. " +
	"Oppositionen kritiserede, at der kun er afsat 12,5 millioner til vedligeholdelse af kommunens bygninger. " +
	"- Vi har gjort, hvad vi kunne, sagde Mette Frederiksen efter mødet i Næstved.")

// danishText is Danish-looking text of about n bytes.
func danishText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(danishWords[rng.IntN(len(danishWords))])
		b.WriteByte(' ')
	}
	return strings.ToValidUTF8(b.String()[:n], "")
}

func randomStories(rng *rand.Rand) []summarize.Story {
	stories := make([]summarize.Story, 3+rng.IntN(150))
	for i := range stories {
		stories[i] = summarize.Story{Date: "2026-11", Headline: fmt.Sprintf("Council story %d", i),
			Summary: strings.Repeat("The council met and agreed on a budget for schools and roads. ", 1+rng.IntN(8))}
	}
	return stories
}

func randomArticle(rng *rand.Rand) briefarticle.Article {
	a := briefarticle.Article{ID: "x", Lede: danishText(rng, 120)}
	for range 3 + rng.IntN(60) {
		a.Paragraphs = append(a.Paragraphs, danishText(rng, 80+rng.IntN(900)))
	}
	return a
}
