// Package translate turns an article into the target language through an
// llm.Completer: it builds the prompts, sends the article (in chunks that fit
// the context budget), joins the answers and checks them.
package translate

import (
	"context"
	"fmt"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/prompts"
)

// Options are the per-run translation settings.
type Options struct {
	From string // source language code, e.g. "da"
	To   string // target language code, e.g. "en"
	// ContextTokens is the model's context window; 0 means DefaultContext.
	ContextTokens int
}

// DefaultContext is a context window most current local models have.
const DefaultContext = 8192

// Result is a translated article.
type Result struct {
	// Lede is the translated header lede ("" when the article has none).
	Lede string `json:"lede,omitempty"`
	// Paragraphs are the translated body paragraphs.
	Paragraphs []string  `json:"paragraphs"`
	Usage      llm.Usage `json:"usage"`
	Requests   int       `json:"requests"`
	// Warnings are QA findings an editor should see.
	Warnings []string `json:"warnings,omitempty"`
}

// Text is the translation as plain text: lede, then paragraphs, blank-line separated.
func (r Result) Text() string {
	parts := r.Paragraphs
	if r.Lede != "" {
		parts = append([]string{r.Lede}, parts...)
	}
	return strings.Join(parts, "\n\n")
}

// Translator translates articles. It is safe for concurrent use.
type Translator struct {
	client  llm.Completer
	prompts *prompts.Set
	opts    Options
}

// New returns a Translator.
func New(c llm.Completer, p *prompts.Set, o Options) *Translator {
	if o.ContextTokens <= 0 {
		o.ContextTokens = DefaultContext
	}
	return &Translator{client: c, prompts: p, opts: o}
}

// PromptHash identifies the prompt texts (and, later, glossary) for cache keys.
func (t *Translator) PromptHash() string {
	return t.prompts.Hash(prompts.TranslateSystem, prompts.TranslateUser)
}

// Translate translates the lede and every paragraph of a. The agency credit
// is metadata and is not sent.
func (t *Translator) Translate(ctx context.Context, a article.Article) (Result, error) {
	src := a.Paragraphs
	if a.Lede != "" {
		src = append([]string{a.Lede}, src...)
	}
	if len(src) == 0 {
		return Result{}, fmt.Errorf("nothing to translate")
	}
	data := map[string]any{
		"From":       prompts.LanguageName(t.opts.From),
		"To":         prompts.LanguageName(t.opts.To),
		"Paragraphs": len(src),
		"Glossary":   nil,
		"Context":    "",
		"Text":       strings.Join(src, "\n\n"),
	}
	sys, err := t.prompts.Render(prompts.TranslateSystem, data)
	if err != nil {
		return Result{}, err
	}
	user, err := t.prompts.Render(prompts.TranslateUser, data)
	if err != nil {
		return Result{}, err
	}
	resp, err := t.client.Complete(ctx, llm.Request{Stage: "translate", System: sys, User: user, MaxTokens: t.opts.ContextTokens / 2})
	if err != nil {
		return Result{}, err
	}
	res := Result{Usage: resp.Usage, Requests: resp.Attempts}
	if resp.FinishReason == "length" {
		return res, fmt.Errorf("translation was cut off at the output limit (finish_reason length): raise --context")
	}
	out := splitParagraphs(resp.Text)
	if a.Lede != "" && len(out) > 0 {
		res.Lede, out = out[0], out[1:]
	}
	res.Paragraphs = out
	return res, nil
}

func splitParagraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
