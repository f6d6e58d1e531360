// Package translate turns an article into the target language through an
// llm.Completer: it builds the prompts, sends the article (in chunks that fit
// the context budget), joins the answers and checks them.
package translate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/translate/qa"
)

// Options are the per-run translation settings.
type Options struct {
	From string // source language code, e.g. "da"
	To   string // target language code, e.g. "en"
	// ContextTokens is the model's context window; 0 means llm.DefaultWindow.
	// Every request's prompt plus max_tokens stays within it.
	ContextTokens int
	// Glossary holds fixed translations; only the terms occurring in a
	// chunk go into that chunk's prompt. nil means none.
	Glossary *Glossary
	// Strict makes any QA finding fail the article (a *QAError).
	Strict bool
	// MaxOutputTokens caps max_tokens and so the size of a chunk's answer;
	// 0 means DefaultMaxOutput. Hosted models refuse a larger max_tokens
	// than they can produce, and long answers drift.
	MaxOutputTokens int
}

// DefaultMaxOutput is the answer size every current model can produce.
const DefaultMaxOutput = 4096

// MinContext is the smallest window the prompts fit in with room for text.
const MinContext = 1024

// Result is a translated article.
type Result struct {
	// Lede is the translated header lede ("" when the article has none).
	Lede string `json:"lede,omitempty"`
	// Paragraphs are the translated body paragraphs.
	Paragraphs []string `json:"paragraphs"`
	// Usage sums every request, including those redone in smaller parts.
	Usage tokens.Usage `json:"usage"`
	// Requests counts HTTP requests (client retries and redone parts included).
	Requests int `json:"requests"`
	// Chunks is how many parts the article was finally translated in.
	Chunks int `json:"chunks"`
	// Warnings are QA findings an editor should see (Findings' messages).
	Warnings []string `json:"warnings,omitempty"`
	// Findings are the same QA findings with their codes.
	Findings []qa.Finding `json:"findings,omitempty"`
	// Memory lists the paragraphs (1-based, lede first) that came from the
	// translation memory instead of the model; MemoryTokens is about what
	// sending them would have cost.
	Memory       []int `json:"memory,omitempty"`
	MemoryTokens int   `json:"memory_tokens,omitempty"`
	// Pairs line the translation's paragraphs up with the source's (see
	// Align) as the checks did; nil when they could not. Not stored: a
	// stored translation is checked again.
	Pairs []qa.Pair `json:"-"`
}

// Text is the translation as plain text: lede, then paragraphs, blank-line separated.
func (r Result) Text() string {
	return strings.Join(r.Translation(), "\n\n")
}

// ErrQA marks a translation rejected by its QA findings (--strict, or no
// usable text at all). Such errors also match llm.ErrArticle: the article
// fails, the run goes on.
var ErrQA = errors.New("translation failed the quality checks")

// QAError is returned when QA findings fail an article. Translate returns
// the Result alongside it, so the findings can be recorded.
type QAError struct {
	Findings []qa.Finding
	Strict   bool
	// Unusable: the findings are severe (see qa.Text.Unusable), so the
	// article fails without --strict.
	Unusable bool
}

func (e *QAError) Error() string {
	if e.Unusable {
		return "the translation is unusable: " + strings.Join(qa.Messages(e.Findings), "; ") + " (not cached: the next run tries again)"
	}
	msg := "the translation failed the quality checks"
	if e.Strict {
		msg += " (--strict)"
	}
	return msg + ": " + strings.Join(qa.Messages(e.Findings), "; ")
}

func (e *QAError) Unwrap() []error { return []error{ErrQA, llm.ErrArticle} }

// Translator translates articles. It is safe for concurrent use.
type Translator struct {
	client  llm.Completer
	prompts *prompts.Set
	opts    Options
	// est sizes text for planning: llm.EstimateTokens, or more once the
	// client has measured that its model's tokenizer makes more of it.
	est llm.Estimator
	// mem holds paragraphs translated before (WithMemory); nil: none.
	mem *tm.Memory
	// partial: this copy sends what the memory did not hold of an
	// article (see recall).
	partial bool
}

// New returns a Translator.
func New(c llm.Completer, p *prompts.Set, o Options) *Translator {
	if o.ContextTokens <= 0 {
		o.ContextTokens = llm.DefaultWindow
	}
	if o.MaxOutputTokens <= 0 {
		o.MaxOutputTokens = DefaultMaxOutput
	}
	return &Translator{client: c, prompts: p, opts: o, est: llm.EstimatorFor(c)}
}

// TokensPerByte is the model's tokens per byte planning assumes, measured
// from the server's counts (with a margin), 0 before any measurement. A
// dry run shows it when an earlier run left one in the cache.
func (t *Translator) TokensPerByte() float64 { return t.est.Ratio() }

// algorithmVersion changes when chunking, cleaning or joining change what a
// translation looks like, so cached translations are redone.
const algorithmVersion = "translate/3"

// PromptHash identifies everything besides the source text, model and
// languages that shapes a translation: the prompt texts, the glossary and
// the way answers are chunked, cleaned and joined. Use it in cache keys.
func (t *Translator) PromptHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", algorithmVersion, t.prompts.Hash(prompts.TranslateSystem, prompts.TranslateUser), t.opts.Glossary.Hash())
	return hex.EncodeToString(h.Sum(nil))
}

// articleError is a failure of this article only, worded for the user.
func articleError(format string, args ...any) error {
	return &llm.Error{Class: llm.ErrArticle, Msg: fmt.Sprintf(format, args...)}
}

var errNothing = articleError("nothing to translate: the article has no text")

func hasLede(a article.Article) bool { return strings.TrimSpace(a.Lede) != "" }

// Original is the source text of a as the checks and the review read it
// beside the translation: lede first, then the paragraphs.
func Original(a article.Article) []string {
	var src []string
	for _, p := range append([]string{a.Lede}, a.Paragraphs...) {
		if p = strings.TrimSpace(p); p != "" {
			src = append(src, p)
		}
	}
	return src
}

// QA is what the checks read of r, a translation of a: the pipeline
// re-checks a stored translation with it (qa.Text.Recheck, Unusable).
func (t *Translator) QA(a article.Article, r Result) qa.Text {
	return t.qaText(Original(a), r.Translation(), hasLede(a))
}

func (t *Translator) qaText(src, tr []string, lede bool) qa.Text {
	var terms []qa.Term
	if t.opts.Glossary != nil {
		terms = t.opts.Glossary.Terms
	}
	return qa.Text{Source: src, Translation: tr, From: t.opts.From, To: t.opts.To, Lede: lede, Terms: terms}
}

// WithChecks is r with fs as its findings and warnings, and pairs as
// its paragraphs lined up.
func (r Result) WithChecks(fs []qa.Finding, pairs []qa.Pair) Result {
	r.Findings, r.Warnings, r.Pairs = fs, qa.Messages(fs), pairs
	return r
}

// Translation is r's text as the review lines it up: lede first.
func (r Result) Translation() []string {
	if r.Lede == "" {
		return r.Paragraphs
	}
	return append([]string{r.Lede}, r.Paragraphs...)
}
