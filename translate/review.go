package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pack"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/translate/qa"
)

// The model's review (--review): a second opinion on a translation. The
// model is sent the source and translation as numbered paragraph pairs and
// asked for the translation's errors as JSON, each with its span, a
// category and a severity: the way GEMBA-MQM (Kocmi and Federmann, WMT
// 2023) got state-of-the-art agreement with human error annotation from a
// model. Its errors become findings marked as the model's.

// ReviewCategories are the error categories the review prompt offers;
// anything else a model answers becomes "other".
var ReviewCategories = []string{"mistranslation", "omission", "addition", "untranslated", "name", "number", "grammar"}

// reviewSeverities in the prompt's words; anything else is "minor".
var reviewSeverities = []string{"critical", "major", "minor"}

// CodeReviewUnreadable: the model's review answer was not the JSON asked for.
const CodeReviewUnreadable = "review-unreadable"

// Limits on what a review answer may add: a model that lists hundreds of
// "errors" or writes essays into a span is not helping the editor.
const (
	maxReviewErrors    = 20 // per request
	maxReviewSpanRunes = 300
	reviewAnswerTokens = 1024 // max_tokens of one review answer
	reviewPairOverhead = 16   // a pair's number and tags around its two texts
)

// Review is the model's review of one translation.
type Review struct {
	Findings []qa.Finding `json:"findings"`
	Usage    tokens.Usage `json:"usage"`
	Requests int          `json:"requests"`
}

// Reviewer asks a model for a translation's errors. It is safe for
// concurrent use.
type Reviewer struct {
	// t's client, prompts, options and estimator: the pairs are sized as
	// a translator sizes its parts, calibrated once the client has
	// measured the model's tokenizer, so a review of a byte-hungry
	// model's translation still fits the window.
	t *Translator
}

// NewReviewer returns a Reviewer; o's From, To and ContextTokens apply.
func NewReviewer(c llm.Completer, p *prompts.Set, o Options) *Reviewer {
	return &Reviewer{t: New(c, p, o)}
}

// reviewVersion changes when the pairs sent or the reading of the answer
// change, so cached reviews are redone.
const reviewVersion = "review/1"

// PromptHash identifies the review prompts and the way answers are read,
// for cache keys.
func (rv *Reviewer) PromptHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", reviewVersion, rv.t.prompts.Hash(prompts.ReviewSystem, prompts.ReviewUser))
	return hex.EncodeToString(h.Sum(nil))
}

// reviewPair is one numbered pair as the prompt shows it.
type reviewPair struct {
	N                   int
	Source, Translation string
	pair                qa.Pair
}

// batches lines the translation up with the source and groups the pairs
// into requests that fit the context window with room for the answer.
func (rv *Reviewer) batches(src, tr []string) [][]reviewPair {
	pairs := qa.Align(src, tr, rv.t.opts.To) // index by index when too different to line up
	rps := make([]reviewPair, len(pairs))
	for i, p := range pairs {
		rps[i] = reviewPair{N: i + 1, pair: p}
		if p.Source > 0 {
			rps[i].Source = prompts.Data(src[p.Source-1])
		}
		if p.Translation > 0 {
			rps[i].Translation = prompts.Data(tr[p.Translation-1])
		}
	}
	budget := rv.t.opts.ContextTokens - reviewAnswerTokens - rv.systemTokens()
	return pack.Greedy(rps, budget, 0, func(rp reviewPair) int {
		return rv.t.est.Tokens(rp.Source) + rv.t.est.Tokens(rp.Translation) + reviewPairOverhead
	})
}

// systemTokens is the review's fixed cost per request: its system prompt
// and the two messages' framing.
func (rv *Reviewer) systemTokens() int {
	return rv.t.est.Tokens(rv.t.prompts.Text(prompts.ReviewSystem)) + 2*messageOverhead
}

// ReviewPlan estimates a review's requests and tokens without calling the
// model (for --dry-run), given the translation's expected size in tokens.
func (rv *Reviewer) ReviewPlan(a article.Article, translationTokens int) Plan {
	src := Original(a)
	srcTokens := 0
	for _, s := range src {
		srcTokens += rv.t.est.Tokens(s)
	}
	sys := rv.systemTokens()
	per := max(1, rv.t.opts.ContextTokens-reviewAnswerTokens-sys)
	n := max(1, (srcTokens+translationTokens+per-1)/per)
	return Plan{Requests: n, PromptTokens: n*sys + srcTokens + translationTokens + reviewPairOverhead*len(src), CompletionTokens: n * reviewAnswerTokens / 4}
}

// Review asks the model for the errors of translation r of a. llm errors
// pass through with their class; an answer that is not the JSON asked for
// gives one finding saying so, not a failure.
func (rv *Reviewer) Review(ctx context.Context, a article.Article, r Result) (Review, error) {
	src, tr := Original(a), r.Translation()
	nm := qa.Labels{Lede: hasLede(a)}
	var out Review
	for _, batch := range rv.batches(src, tr) {
		data := map[string]any{"From": lang.Name(lang.Base(rv.t.opts.From)), "To": lang.Name(lang.Base(rv.t.opts.To)), "Pairs": batch}
		sys, user, err := rv.t.prompts.Messages(prompts.ReviewSystem, prompts.ReviewUser, data)
		if err != nil {
			return out, err
		}
		resp, err := rv.t.client.Complete(ctx, llm.Request{Stage: "review", System: sys, User: user, MaxTokens: reviewAnswerTokens, JSON: true})
		out.Usage = out.Usage.Add(resp.Usage)
		out.Requests += max(resp.Attempts, 1)
		if err != nil {
			return out, fmt.Errorf("review: %w", err)
		}
		out.Findings = append(out.Findings, reviewFindings(resp.Text, batch, src, tr, nm)...)
	}
	return out, nil
}

// reviewAnswer is the JSON the review prompt asks for.
type reviewAnswer struct {
	Errors []struct {
		Paragraph       json.Number `json:"paragraph"`
		Category        string      `json:"category"`
		Severity        string      `json:"severity"`
		SourceSpan      string      `json:"source_span"`
		TranslationSpan string      `json:"translation_span"`
		Explanation     string      `json:"explanation"`
	} `json:"errors"`
}

// reviewFindings reads a review answer: the JSON object in it (a model may
// wrap it in a code fence or a sentence), each error's pair looked up in
// the batch, its spans kept only when they are really in that paragraph
// (so nothing invented is highlighted), and everything clipped. An answer
// that is not the JSON asked for is one finding saying so.
func reviewFindings(text string, batch []reviewPair, src, tr []string, nm qa.Labels) []qa.Finding {
	i, j := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	var ans reviewAnswer
	if i < 0 || j < i || json.Unmarshal([]byte(text[i:j+1]), &ans) != nil {
		return []qa.Finding{{Code: CodeReviewUnreadable, By: qa.ByModel,
			Message: "the model's review could not be read (its answer was not the JSON asked for); a larger model may do better (--review-model)"}}
	}
	byN := map[int]qa.Pair{}
	for _, p := range batch {
		byN[p.N] = p.pair
	}
	var fs []qa.Finding
	for k, e := range ans.Errors {
		if k == maxReviewErrors {
			break
		}
		f := qa.Finding{By: qa.ByModel, Code: oneOf(strings.ToLower(strings.TrimSpace(e.Category)), ReviewCategories, "other"),
			Severity: oneOf(strings.ToLower(strings.TrimSpace(e.Severity)), reviewSeverities, "minor")}
		n, _ := e.Paragraph.Int64()
		p, ok := byN[int(n)]
		where := "the text"
		if ok {
			f.SourceParagraph, f.Paragraph = p.Source, p.Translation
			if p.Source > 0 {
				f.Evidence = spanIn(e.SourceSpan, src[p.Source-1])
				where = nm.Para(p.Source - 1)
			}
			if p.Translation > 0 {
				f.TranslationEvidence = spanIn(e.TranslationSpan, tr[p.Translation-1])
			}
		}
		what := qa.Clip(qa.CollapseSpace(e.Explanation), maxReviewSpanRunes)
		if what == "" {
			what = fmt.Sprintf("%q", qa.Clip(qa.CollapseSpace(e.TranslationSpan+" "+e.SourceSpan), 80))
		}
		f.Message = fmt.Sprintf("the model's review (%s %s, %s): %s", f.Severity, f.Code, where, what)
		fs = append(fs, f)
	}
	return fs
}

func oneOf(s string, allowed []string, otherwise string) string {
	if slices.Contains(allowed, s) {
		return s
	}
	return otherwise
}

// spanIn is span as it is written in para (the model may change case or
// spacing), or "" when para does not contain it.
func spanIn(span, para string) string {
	span = qa.Clip(qa.CollapseSpace(span), maxReviewSpanRunes)
	if span == "" {
		return ""
	}
	flat := qa.CollapseSpace(para)
	if strings.Contains(flat, span) {
		return span
	}
	lf, ls := strings.ToLower(flat), strings.ToLower(span)
	if k := strings.Index(lf, ls); k >= 0 && len(lf) == len(flat) && len(ls) == len(span) {
		return flat[k : k+len(span)]
	}
	return ""
}
