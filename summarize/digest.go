package summarize

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pack"
	"github.com/brief-news/brief/prompts"
)

// Story is what the digest sees of one article: small on purpose.
type Story struct {
	Date     string
	Headline string
	Summary  string
}

// digestOutputTokens is the room left for the digest's answer.
const digestOutputTokens = 700

// Digest writes the briefing's opening paragraph from the stories'
// summaries. When the stories do not fit the context window in one request
// it works map-reduce: a partial digest per batch that fits, then one call
// combining the partial digests (recursively, if even those do not fit). A
// request the server refused or cut for its size does not fail the digest:
// it is planned again for a smaller window (fewer stories a part) until it
// fits.
func (s *Summarizer) Digest(ctx context.Context, stories []Story, period string) (string, Result, error) {
	var total Result
	if len(stories) == 0 {
		return "", total, nil
	}
	window, err := llm.WindowOf(ctx, s.client, s.contextTokens)
	if err != nil {
		return "", total, err
	}
	for {
		text, r, err := s.digestIn(ctx, stories, period, window)
		total.Usage, total.Requests = total.Usage.Add(r.Usage), total.Requests+r.Requests
		if !errors.Is(err, llm.ErrContextLength) {
			return text, total, err
		}
		window = smallerWindow(err, window)
	}
}

// smallerWindow is the window to plan for after a request planned for
// window was refused or cut for its size: what the server read when it cut
// the prompt, else two thirds.
func smallerWindow(err error, window int) int {
	var cut llm.Cut
	if errors.As(err, &cut) && cut.Window < window {
		return cut.Window
	}
	return window * 2 / 3
}

// digestIn is Digest planned for a window of window tokens.
func (s *Summarizer) digestIn(ctx context.Context, stories []Story, period string, window int) (string, Result, error) {
	var total Result
	sysTokens := s.est.Tokens(s.prompts.Text(prompts.DigestSystem)) + 64
	budget := window - digestOutputTokens - sysTokens
	if budget < 200 {
		return "", total, fmt.Errorf("a context window of %d tokens is too small for the digest: raise --context", window)
	}
	for round := 0; ; round++ {
		// A story too large on its own still gets a part of its own (its
		// summary is a few sentences: only absurdly small windows do that).
		batches := pack.Greedy(stories, budget, 0, func(st Story) int { return s.est.Tokens(st.Date+st.Headline+st.Summary) + 8 })
		if len(batches) == 1 {
			text, r, err := s.digestOnce(ctx, batches[0], len(stories), period)
			total.Usage, total.Requests = total.Usage.Add(r.Usage), total.Requests+r.Requests
			return text, total, err
		}
		if round > 8 {
			return "", total, fmt.Errorf("the stories do not fit the context window even in batches: raise --context")
		}
		// The partial digests do not depend on each other: ask for them
		// at once (up to parallel), so a long briefing's digest costs a
		// few request latencies, not one per batch.
		partials := make([]Story, len(batches))
		results := make([]Result, len(batches))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(s.parallel)
		for i, b := range batches {
			g.Go(func() error {
				text, r, err := s.digestOnce(gctx, b, len(b), period)
				results[i] = r
				partials[i] = Story{Headline: fmt.Sprintf("Part %d of %d", i+1, len(batches)), Summary: text}
				return err
			})
		}
		err := g.Wait()
		for _, r := range results {
			total.Usage, total.Requests = total.Usage.Add(r.Usage), total.Requests+r.Requests
		}
		if err != nil {
			return "", total, err
		}
		stories = partials
	}
}

func (s *Summarizer) digestOnce(ctx context.Context, stories []Story, count int, period string) (string, Result, error) {
	sys, user, err := s.digestPrompts(stories, count, period)
	if err != nil {
		return "", Result{}, err
	}
	resp, err := s.client.Complete(ctx, llm.Request{Stage: "digest", System: sys, User: user, MaxTokens: digestOutputTokens})
	res := Result{Usage: resp.Usage, Requests: resp.Attempts}
	if err != nil {
		return "", res, err
	}
	if resp.FinishReason == "length" {
		return "", res, fmt.Errorf("the digest was cut off at %d tokens (finish_reason length); the next run tries again", digestOutputTokens)
	}
	text := strings.TrimSpace(fenceRE.ReplaceAllString(resp.Text, "$1"))
	if text == "" {
		return "", res, fmt.Errorf("the model returned an empty digest")
	}
	return text, res, nil
}

// digestPrompts renders the digest's messages. Headlines and summaries are
// model output made from articles, so they go in as fenced data
// (prompts.Data) like the articles themselves.
func (s *Summarizer) digestPrompts(stories []Story, count int, period string) (sys, user string, err error) {
	fenced := make([]Story, len(stories))
	for i, st := range stories {
		fenced[i] = Story{Date: prompts.Data(st.Date), Headline: prompts.Data(st.Headline), Summary: prompts.Data(st.Summary)}
	}
	data := map[string]any{"To": lang.Name(s.lang), "Count": count, "Period": period, "Stories": fenced}
	return s.prompts.Messages(prompts.DigestSystem, prompts.DigestUser, data)
}
