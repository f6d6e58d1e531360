package summarize

import (
	"github.com/brief-news/brief/prompts"
)

// Estimate is what summarising is expected to cost, for --dry-run, which
// calls nothing. It lives here, next to the requests it predicts, so a
// change to them changes the prediction too.
type Estimate struct {
	Requests         int
	PromptTokens     int
	CompletionTokens int
}

// Typical answer sizes, for estimates only. The requests leave more room
// (summaryOutputTokens, digestOutputTokens) so an answer is not cut.
const (
	// a headline, two or three sentences and up to five key points, as JSON
	summaryExpectedTokens = 250
	// one paragraph
	digestExpectedTokens = 300
	// a story's date, headline and summary in the digest prompt
	digestStoryTokens = 80
)

// EstimateSummary is the expected cost of summarising a translation of
// about translationTokens tokens (shortened to fit, as Summarize does).
func (s *Summarizer) EstimateSummary(translationTokens int) Estimate {
	overhead := s.est.Tokens(s.prompts.Text(prompts.SummarizeSystem) + s.prompts.Text(prompts.SummarizeUser))
	text := min(translationTokens, max(s.contextTokens-summaryOutputTokens-overhead-64, 0))
	return Estimate{Requests: 1, PromptTokens: overhead + text, CompletionTokens: summaryExpectedTokens}
}

// EstimateDigest is the expected cost of the digest over n stories: one
// request when they fit the context window, else one per batch and one
// combining the partial digests.
func (s *Summarizer) EstimateDigest(n int) Estimate {
	if n == 0 {
		return Estimate{}
	}
	sys := s.est.Tokens(s.prompts.Text(prompts.DigestSystem)+s.prompts.Text(prompts.DigestUser)) + 64
	budget := max(s.contextTokens-digestOutputTokens-sys, digestStoryTokens)
	batches := (n*digestStoryTokens + budget - 1) / budget
	e := Estimate{Requests: batches, PromptTokens: batches*sys + n*digestStoryTokens, CompletionTokens: batches * digestExpectedTokens}
	if batches > 1 {
		e.Requests++
		e.PromptTokens += sys + batches*digestExpectedTokens
		e.CompletionTokens += digestExpectedTokens
	}
	return e
}
