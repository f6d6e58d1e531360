// Package translate turns an article into the target language through an
// llm.Completer: it builds the prompts, sends the article (in chunks that fit
// the context budget), joins the answers and checks them.
package translate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pack"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/prompts"
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
	Findings []Finding `json:"findings,omitempty"`
	// Memory lists the paragraphs (1-based, lede first) that came from the
	// translation memory instead of the model; MemoryTokens is about what
	// sending them would have cost.
	Memory       []int `json:"memory,omitempty"`
	MemoryTokens int   `json:"memory_tokens,omitempty"`
	// Pairs line the translation's paragraphs up with the source's (see
	// Align) as the checks did; nil when they could not. Not stored: a
	// stored translation is checked again.
	Pairs []Pair `json:"-"`
}

// Text is the translation as plain text: lede, then paragraphs, blank-line separated.
func (r Result) Text() string {
	parts := r.Paragraphs
	if r.Lede != "" {
		parts = append([]string{r.Lede}, parts...)
	}
	return strings.Join(parts, "\n\n")
}

// ErrQA marks a translation rejected by its QA findings (--strict, or no
// usable text at all). Such errors also match llm.ErrArticle: the article
// fails, the run goes on.
var ErrQA = errors.New("translation failed the quality checks")

// QAError is returned when QA findings fail an article. Translate returns
// the Result alongside it, so the findings can be recorded.
type QAError struct {
	Findings []Finding
	Strict   bool
	// Unusable: the findings are severe (see Translator.Unusable), so the
	// article fails without --strict.
	Unusable bool
}

func (e *QAError) Error() string {
	if e.Unusable {
		return unusableMessage(e.Findings)
	}
	msg := "the translation failed the quality checks"
	if e.Strict {
		msg += " (--strict)"
	}
	return msg + ": " + strings.Join(Messages(e.Findings), "; ")
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

// Plan is what translating an article will cost, estimated without calling
// the model (for --dry-run). Redone parts are not foreseen.
type Plan struct {
	// Requests is the number of chat requests (one per chunk).
	Requests int `json:"requests"`
	// PromptTokens is the estimated prompt size summed over the requests.
	PromptTokens int `json:"prompt_tokens"`
	// CompletionTokens is the expected answer size summed over the requests
	// (an upper estimate, not the max_tokens sent).
	CompletionTokens int         `json:"completion_tokens"`
	Chunks           []ChunkPlan `json:"chunks"`
}

// ChunkPlan is one planned request.
type ChunkPlan struct {
	// FirstParagraph and Paragraphs say which source paragraphs (0-based,
	// the lede counting as paragraph 0 when there is one) the chunk holds;
	// a paragraph too long for one request is spread over several chunks.
	FirstParagraph   int `json:"first_paragraph"`
	Paragraphs       int `json:"paragraphs"`
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	MaxTokens        int `json:"max_tokens"`
	GlossaryTerms    int `json:"glossary_terms"`
}

// Plan splits a into the chunks Translate would send and estimates their
// tokens. The error is the one Translate would fail with when the article
// cannot fit (e.g. a sentence longer than the context allows).
func (t *Translator) Plan(a article.Article) (Plan, error) {
	src := sourceParagraphs(a)
	if len(src) == 0 {
		return Plan{}, errNothing
	}
	chunks, err := t.planUnknown(src, t.recall(src), names{lede: hasLede(a)})
	var p Plan
	for _, c := range chunks {
		p.Requests++
		p.PromptTokens += c.promptTokens
		p.CompletionTokens += c.expectOut
		first := c.units[0].para
		p.Chunks = append(p.Chunks, ChunkPlan{
			FirstParagraph: first, Paragraphs: c.units[len(c.units)-1].para - first + 1,
			PromptTokens: c.promptTokens, CompletionTokens: c.expectOut, MaxTokens: c.maxTokens,
			GlossaryTerms: c.terms,
		})
	}
	return p, err
}

// unit is a paragraph, or a run of sentences of a paragraph too long to be
// sent whole.
type unit struct {
	para  int // index into the source paragraphs (lede first)
	text  string
	piece bool // part of a split paragraph
	cost  float64
	terms []int    // glossary terms occurring in text
	ref   *tm.Pair // a remembered pair near this paragraph, as a reference
}

func (t *Translator) unit(para int, text string, piece bool) unit {
	return unit{para: para, text: text, piece: piece, cost: llm.TokenCost(text), terms: t.opts.Glossary.matchIndexes(text)}
}

func (t *Translator) units(src []string) []unit {
	us := make([]unit, len(src))
	for i, p := range src {
		us[i] = t.unit(i, p, false)
	}
	return us
}

// chunk is one request: consecutive units plus the paragraph before them as
// context.
type chunk struct {
	units        []unit
	context      string
	sys, user    string
	promptTokens int // estimated, chat template included
	expectOut    int // estimated answer size with margin
	maxTokens    int
	terms        int // glossary terms in the prompt
}

func (c chunk) text() string {
	parts := make([]string, len(c.units))
	for i, u := range c.units {
		parts[i] = u.text
	}
	return strings.Join(parts, "\n\n")
}

func (t *Translator) fits(c chunk) bool {
	return c.promptTokens+c.expectOut <= t.opts.ContextTokens && c.expectOut <= t.opts.MaxOutputTokens
}

// build renders the prompts for units with the given context paragraph and
// sizes the request.
func (t *Translator) build(us []unit, ctxText string) (chunk, error) {
	c := chunk{units: us, context: ctxText}
	text := c.text()
	terms := t.opts.Glossary.Match(text)
	c.terms = len(terms)
	data := map[string]any{
		"From":       lang.Name(t.opts.From),
		"To":         lang.Name(t.opts.To),
		"Paragraphs": len(us),
		"Glossary":   fencedTerms(terms),
		"References": references(us),
		// What the article says goes in as data that cannot close the
		// fences around it (see prompts.Data).
		"Context": prompts.Data(ctxText),
		"Text":    prompts.Data(text),
	}
	var err error
	if c.sys, err = t.prompts.Render(prompts.TranslateSystem, data); err != nil {
		return c, err
	}
	if c.user, err = t.prompts.Render(prompts.TranslateUser, data); err != nil {
		return c, err
	}
	t.size(&c)
	return c, nil
}

// fencedTerms are glossary terms as prompt data: a shared glossary file is
// text brief did not write, and a term must not close <glossary> or pass
// for a chat-template token any more than the article can.
func fencedTerms(terms []Term) []Term {
	out := make([]Term, len(terms))
	for i, t := range terms {
		out[i] = Term{Source: prompts.Data(t.Source), Target: prompts.Data(t.Target)}
	}
	return out
}

// size estimates c's prompt and answer with what the estimator knows now.
func (t *Translator) size(c *chunk) {
	c.promptTokens = t.est.Tokens(c.sys) + t.est.Tokens(c.user) + messageOverhead
	srcTokens := t.est.Tokens(c.text())
	c.expectOut = int(float64(srcTokens)*outputFactor(t.opts.To)) + outputSlack
	c.maxTokens = maxTokensFor(srcTokens, c.expectOut, c.promptTokens, t.opts)
}

// maxTokensFor is the max_tokens of a part: about twice the source's
// (already high) token estimate, and at least the expected answer, but
// never more than the room the prompt leaves in the window (or the server
// would drop prompt tokens to make room) nor the output cap. Not all the
// room the prompt leaves: a TPM budget reserves max_tokens for every
// request in flight, and asking 4,096 for a 300-token answer reserved it
// many times over. A part that does hit the limit (finish_reason length)
// is split and redone, so a low guess costs a retry, never text.
func maxTokensFor(srcTokens, expectOut, promptTokens int, o Options) int {
	want := max(2*srcTokens+outputSlack, expectOut)
	return min(want, o.ContextTokens-promptTokens, o.MaxOutputTokens)
}

// contextText is the context paragraph for a chunk starting after prev:
// prev's text, cut to its last sentences when it would take more than an
// eighth of the window.
func (t *Translator) contextText(prev string) string {
	limit := t.opts.ContextTokens / 8
	if t.est.Tokens(prev) <= limit {
		return prev
	}
	sents := splitSentences(prev)
	out := ""
	for i := len(sents) - 1; i >= 0; i-- {
		cand := sents[i] + out
		if t.est.Tokens(cand) > limit {
			break
		}
		out = cand
	}
	return strings.TrimSpace(out)
}

// plan packs units greedily into chunks that fit the window, splitting a
// paragraph on sentences when it does not fit alone. prev is the text before
// the first unit ("" at the start of the article).
func (t *Translator) plan(us []unit, prev string, nm names) ([]chunk, error) {
	us = append([]unit(nil), us...)
	var chunks []chunk
	for i := 0; i < len(us); {
		ctxText := ""
		if i > 0 {
			ctxText = t.contextText(us[i-1].text)
		} else if prev != "" {
			ctxText = t.contextText(prev)
		}
		c, err := t.build(us[i:i+1], ctxText)
		if err != nil {
			return chunks, err
		}
		if !t.fits(c) {
			halves, ok := t.splitUnit(us[i])
			if !ok {
				return chunks, t.cannotFit(c, "", nm)
			}
			us = append(us[:i], append(halves, us[i+1:]...)...)
			continue
		}
		// Grow the chunk by adding up the units' costs (rendering the
		// prompts for every candidate would be quadratic in a long
		// article), then render once to confirm, backing off if the
		// prompt templates made it larger than the sum.
		j := t.grow(us, i, c)
		for ; j > i+1; j-- {
			exact, err := t.build(us[i:j], ctxText)
			if err != nil {
				return chunks, err
			}
			if t.fits(exact) {
				c = exact
				break
			}
		}
		chunks = append(chunks, c)
		i = j
	}
	return chunks, nil
}

// grow returns the end (exclusive) of the longest run of units from i that
// should fit, given c, the measured chunk of unit i alone: every further unit
// adds its text and a paragraph break to the prompt and, times the output
// factor, to the expected answer, plus the prompt lines of glossary terms
// not yet in the chunk.
func (t *Translator) grow(us []unit, i int, c chunk) int {
	const paragraphBreak = 2 // "\n\n"
	const glossaryHeader = 24
	f := outputFactor(t.opts.To)
	used, out := float64(c.promptTokens+c.expectOut), float64(c.expectOut)
	seen := map[int]bool{}
	for _, k := range us[i].terms {
		seen[k] = true
	}
	j := i + 1
	for ; j < len(us); j++ {
		cost := t.est.Adjust(us[j].cost, len(us[j].text))
		add := (cost + paragraphBreak) * (1 + f)
		addOut := (cost + paragraphBreak) * f
		var fresh []int
		for _, k := range us[j].terms {
			if !seen[k] {
				fresh = append(fresh, k)
				term := t.opts.Glossary.Terms[k]
				add += t.est.Cost(fmt.Sprintf("\n%q → %q", term.Source, term.Target))
			}
		}
		if len(fresh) > 0 && len(seen) == 0 {
			add += glossaryHeader
		}
		if used+add > float64(t.opts.ContextTokens) || out+addOut > float64(t.opts.MaxOutputTokens) {
			break
		}
		used, out = used+add, out+addOut
		for _, k := range fresh {
			seen[k] = true
		}
	}
	return j
}

// withCuts adds to an article's failure how many of its prompts the server
// cut: those findings are lost with the result, and every cut must be
// accounted for.
func (tr *translation) withCuts(err error) error {
	if len(tr.cuts) == 0 || !errors.Is(err, llm.ErrArticle) {
		return err
	}
	return fmt.Errorf("%w (%d prompts of this article were cut in all)", err, len(tr.cuts))
}

// afterCut adds the server's cut to a part's failure to fit: the cut is
// what showed that the part needs more tokens than planned.
func afterCut(err error, cut string) error {
	if err == nil || cut == "" {
		return err
	}
	return fmt.Errorf("%w, as shown when %s", err, cut)
}

// refit re-sizes c with what the estimator knows now; ok is false when it
// no longer fits the window.
func (t *Translator) refit(c chunk) (chunk, bool) {
	t.size(&c)
	return c, t.fits(c)
}

// cannotFit is the article's failure when a single sentence does not fit.
func (t *Translator) cannotFit(c chunk, why string, nm names) error {
	if why == "" {
		why = fmt.Sprintf("it needs about %d tokens with its instructions and answer", c.promptTokens+c.expectOut)
	}
	if r := t.est.Ratio(); r > 0 {
		why += fmt.Sprintf("; the server's counts show this model spends about %.2f tokens a byte", r)
	}
	return articleError("a single sentence of %s does not fit in the model's context window of %d tokens (%s): raise --context if the model supports a larger window, or shorten the glossary",
		nm.para(c.units[0].para), t.opts.ContextTokens, why)
}

// articleError is a failure of this article only, worded for the user.
func articleError(format string, args ...any) error {
	return &llm.Error{Class: llm.ErrArticle, Msg: fmt.Sprintf(format, args...)}
}

var errNothing = articleError("nothing to translate: the article has no text")

// names labels source paragraphs (indexes into the lede-first list) the way
// the review page numbers them: from 1, the lede (when there is one) first
// and called "the lede" (the page marks it so).
type names struct{ lede bool }

func (n names) para(i int) string {
	if n.lede && i == 0 {
		return "the lede"
	}
	return fmt.Sprintf("paragraph %d", i+1)
}

func (n names) span(c chunk) string {
	first, last := c.units[0].para, c.units[len(c.units)-1].para
	if first == last {
		return n.para(first)
	}
	return fmt.Sprintf("paragraphs %d–%d", first+1, last+1)
}

func hasLede(a article.Article) bool { return strings.TrimSpace(a.Lede) != "" }

// splitUnit splits a unit in two on a sentence boundary near the middle
// (by estimated tokens). ok is false for a single sentence.
func (t *Translator) splitUnit(u unit) ([]unit, bool) {
	sents := splitSentences(u.text)
	if len(sents) < 2 {
		return nil, false
	}
	a, b := pack.Halves(sents, t.est.Tokens)
	return []unit{t.unit(u.para, strings.TrimSpace(strings.Join(a, "")), true), t.unit(u.para, strings.TrimSpace(strings.Join(b, "")), true)}, true
}

// splitChunk splits a chunk's units in two halves of similar size, or its
// single unit on sentences; ok is false when it is a single sentence.
func (t *Translator) splitChunk(us []unit) ([][]unit, bool) {
	if len(us) == 1 {
		halves, ok := t.splitUnit(us[0])
		if !ok {
			return nil, false
		}
		return [][]unit{halves[:1], halves[1:]}, true
	}
	a, b := pack.Halves(us, func(u unit) int { return t.est.Tokens(u.text) })
	return [][]unit{a, b}, true
}

func sourceParagraphs(a article.Article) []string {
	var src []string
	if strings.TrimSpace(a.Lede) != "" {
		src = append(src, strings.TrimSpace(a.Lede))
	}
	for _, p := range a.Paragraphs {
		if p = strings.TrimSpace(p); p != "" {
			src = append(src, p)
		}
	}
	return src
}

// outPara is one paragraph of the joined translation; para is the source
// paragraph it translates, -1 when the model's paragraphs did not line up.
type outPara struct {
	para int
	text string
}

// sized is t fitted to the client's context window when the client knows
// it (the --context auto case: the server was asked), else t.
func (t *Translator) sized(ctx context.Context) (*Translator, error) {
	n, err := llm.WindowOf(ctx, t.client, t.opts.ContextTokens)
	if err != nil || n == t.opts.ContextTokens {
		return t, err
	}
	sized := *t
	sized.opts.ContextTokens = n
	return &sized, nil
}

// Translate translates the lede and every paragraph of a. The agency credit
// is metadata and is not sent. Long articles go in chunks that fit
// Options.ContextTokens; a chunk whose answer was cut (finish_reason
// "length"), whose prompt the server cut (llm.ErrPromptCut; noted as a
// CodePromptCut finding, which --strict does not fail) or that the endpoint
// rejected as too long is split smaller and redone. The joined translation is cleaned (Clean) and checked against the source;
// the findings are Result.Warnings. Errors: llm errors pass through with
// their class; an article that cannot fit, that comes back empty or that
// has findings under Options.Strict fails with an error matching
// llm.ErrArticle (the last two as a *QAError, with the Result filled in).
func (t *Translator) Translate(ctx context.Context, a article.Article) (Result, error) {
	src := sourceParagraphs(a)
	if len(src) == 0 {
		return Result{}, errNothing
	}
	t, err := t.sized(ctx)
	if err != nil {
		return Result{}, err
	}
	tr := &translation{t: t, nm: names{lede: hasLede(a)}, src: src, rc: t.recall(src)}
	if tr.queue, err = t.planUnknown(src, tr.rc, tr.nm); err != nil {
		return Result{}, err
	}
	for len(tr.queue) > 0 {
		if err := tr.next(ctx); err != nil {
			return tr.res, tr.withCuts(err)
		}
	}
	tr.fill(len(src))
	return tr.result(ctx, src)
}

// translation is one article's Translate in progress: the chunks still to
// send and what the ones sent gave.
type translation struct {
	t         *Translator
	nm        names
	src       []string
	rc        recalled // what the memory holds of src
	filled    int      // source paragraphs before this one are in out or queued
	queue     []chunk
	res       Result
	out       []outPara
	cleanings []Finding
	cuts      []Finding // prompts the server cut, redone smaller
	lastCut   string    // why the last cut part was redone
	lastText  string    // source text of the last unit translated, for context
}

// next sends the first chunk of the queue; an answer that was cut, or a
// prompt that did not fit, puts the chunk back as two smaller ones.
func (tr *translation) next(ctx context.Context) error {
	tr.fill(tr.queue[0].units[0].para)
	c, ok := tr.t.refit(tr.queue[0])
	if !ok {
		return tr.replan(c)
	}
	resp, err := tr.t.client.Complete(ctx, llm.Request{Stage: "translate", System: c.sys, User: c.user, MaxTokens: c.maxTokens})
	tr.res.Usage = tr.res.Usage.Add(resp.Usage)
	tr.res.Requests += max(resp.Attempts, 1)
	why := ""
	switch {
	case errors.Is(err, llm.ErrPromptCut):
		why = err.Error()
		tr.lastCut = why
		tr.cuts = append(tr.cuts, Finding{Code: CodePromptCut, Message: fmt.Sprintf("%s for %s: redone in smaller parts", why, tr.nm.span(c))})
		if resized, err := tr.resize(ctx); resized || err != nil {
			return err
		}
	case errors.Is(err, llm.ErrContextLength):
		why = "the endpoint rejected the prompt as too long for the context window"
	case err != nil:
		return fmt.Errorf("translating %s: %w", tr.nm.span(c), err)
	case resp.FinishReason == "length":
		why = "the answer was cut off at the length limit (finish_reason length)"
	case resp.FinishReason == "content_filter":
		return articleError("the endpoint's content filter stopped the translation of %s", tr.nm.span(c))
	}
	if why != "" {
		return tr.split(c, why)
	}
	tr.queue = tr.queue[1:]
	tr.accept(c, resp.Text)
	return nil
}

// resize fits the rest of the article to the client's window when a cut
// lowered it: each queued part is planned anew at the real size (with the
// context it had; parts are never merged, so the paragraphs the memory
// gives stay between them), instead of each part planned for the old
// window being cut and split in turn.
func (tr *translation) resize(ctx context.Context) (bool, error) {
	t, err := tr.t.sized(ctx)
	if err != nil || t.opts.ContextTokens >= tr.t.opts.ContextTokens {
		return false, err
	}
	tr.t = t
	var queue []chunk
	for _, c := range tr.queue {
		cs, err := t.plan(c.units, c.context, tr.nm)
		if err != nil {
			return true, afterCut(err, tr.lastCut)
		}
		queue = append(queue, cs...)
	}
	tr.queue = queue
	return true, nil
}

// split replaces the first chunk of the queue by its two halves, each
// planned anew with the paragraph before it as context and its own
// glossary terms; a chunk of one sentence cannot be split and fails.
func (tr *translation) split(c chunk, why string) error {
	parts, ok := tr.t.splitChunk(c.units)
	if !ok {
		return tr.t.cannotFit(c, why, tr.nm)
	}
	smaller, err := tr.t.plan(parts[0], tr.lastText, tr.nm)
	if err != nil {
		return afterCut(err, tr.lastCut)
	}
	second, err := tr.t.plan(parts[1], parts[0][len(parts[0])-1].text, tr.nm)
	if err != nil {
		return afterCut(err, tr.lastCut)
	}
	tr.queue = append(append(smaller, second...), tr.queue[1:]...)
	return nil
}

// replan replaces the first chunk of the queue, which an answer since it
// was planned showed to be too large for the model's tokenizer, by chunks
// planned to the measured ratio: before it is sent, not after the server
// cut it.
func (tr *translation) replan(c chunk) error {
	smaller, err := tr.t.plan(c.units, tr.lastText, tr.nm)
	if err != nil {
		return afterCut(err, tr.lastCut)
	}
	tr.queue = append(smaller, tr.queue[1:]...)
	return nil
}

// accept cleans a chunk's answer and adds its paragraphs, joining the
// pieces of a paragraph that was sent in parts. An answer with another
// number of paragraphs is kept as it came, unattributed.
func (tr *translation) accept(c chunk, answer string) {
	tr.res.Chunks++
	cleaned, fs := Clean(answer, unitTexts(c.units))
	answered := splitParagraphs(cleaned)
	got := dropEchoedContext(answered, c)
	var at []int // where each answer paragraph went in tr.out, when they line up
	if len(got) == len(c.units) {
		for i, u := range c.units {
			if u.piece && len(tr.out) > 0 && tr.out[len(tr.out)-1].para == u.para {
				tr.out[len(tr.out)-1].text += " " + got[i]
			} else {
				tr.out = append(tr.out, outPara{para: u.para, text: got[i]})
			}
			at = append(at, len(tr.out)-1)
		}
	} else {
		for _, g := range got {
			tr.out = append(tr.out, outPara{para: -1, text: g})
		}
	}
	tr.cleanings = append(tr.cleanings, placeCleanings(fs, c, len(answered)-len(got), at)...)
	tr.lastText = c.units[len(c.units)-1].text
}

// placeCleanings turns the answer paragraph a cleaning finding names into
// the article's numbering (source and translation, lede first, 1-based):
// skip is how many answer paragraphs were dropped at its start (an echoed
// context), at where each remaining one went. A paragraph that cannot be
// placed (the answer did not line up) is left out.
func placeCleanings(fs []Finding, c chunk, skip int, at []int) []Finding {
	for i := range fs {
		k := fs[i].Paragraph - skip
		fs[i].Paragraph = 0
		if fs[i].SourceParagraph == 0 && k >= 1 && k <= len(at) {
			fs[i].SourceParagraph = c.units[k-1].para + 1
			fs[i].Paragraph = at[k-1] + 1
		}
	}
	return fs
}

// result joins the translated paragraphs and checks them against the
// source src; when ctx ends during the checks, it returns ctx's error.
func (tr *translation) result(ctx context.Context, src []string) (Result, error) {
	res := tr.res
	texts := make([]string, len(tr.out))
	for i, o := range tr.out {
		texts[i] = o.text
	}
	if tr.nm.lede && len(texts) > 0 {
		res.Lede, res.Paragraphs = texts[0], texts[1:]
	} else {
		res.Paragraphs = texts
	}
	if res.Paragraphs == nil {
		res.Paragraphs = []string{}
	}
	opts := tr.t.opts
	checked, pairs, err := check(ctx, src, texts, opts.From, opts.To, tr.nm.para, opts.Glossary)
	if err != nil {
		return res, fmt.Errorf("checking the translation: %w", err)
	}
	res.Pairs = pairs
	findings := append(summarizeCleanings(tr.cleanings), checked...)
	findings = append(findings, memoryLeaks(src, texts, tr.rc, tr.nm.para)...)
	tr.fromMemory(&res)
	quality := len(findings)
	findings = append(summarizeCuts(tr.cuts), findings...)
	res.Findings = findings
	res.Warnings = Messages(findings)
	if len(texts) == 0 {
		return res, &QAError{Findings: findings}
	}
	if bad := unusable(src, texts, opts.From, opts.To, findings); len(bad) > 0 {
		return res, &QAError{Findings: bad, Unusable: true}
	}
	if opts.Strict && quality > 0 {
		return res, &QAError{Findings: findings, Strict: true}
	}
	return res, nil
}

// summarizeCuts makes the cut prompts of an article one finding.
func summarizeCuts(cuts []Finding) []Finding {
	if len(cuts) <= 1 {
		return cuts
	}
	f := cuts[0]
	f.Message += fmt.Sprintf(" (%d prompts of this article were cut in all)", len(cuts))
	return []Finding{f}
}

// summarizeCleanings keeps one finding per kind of cleaning, so a chatty
// model gives one note for the article instead of one per chunk.
func summarizeCleanings(fs []Finding) []Finding {
	var out []Finding
	count := map[string]int{}
	index := map[string]int{}
	for _, f := range fs {
		kind := quotedRe.ReplaceAllString(f.Message, "")
		count[kind]++
		if _, ok := index[kind]; !ok {
			index[kind] = len(out)
			out = append(out, f)
		}
	}
	for kind, i := range index {
		if n := count[kind]; n > 1 {
			out[i].Message += fmt.Sprintf(" (also in %d other parts of the article)", n-1)
		}
	}
	return out
}

var quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// dropEchoedContext removes a translation of the context paragraph that a
// model put before the chunk's own paragraphs despite being told not to: the
// answer then has exactly one paragraph too many, and the first one is about
// as long as the context and carries its numbers.
func dropEchoedContext(got []string, c chunk) []string {
	if c.context == "" || len(got) != len(c.units)+1 {
		return got
	}
	first := got[0]
	ratio := float64(len([]rune(first))) / float64(max(1, len([]rune(c.context))))
	if ratio < 0.6 || ratio > 1.6 {
		return got
	}
	ctxNums := numberRe.FindAllString(c.context, -1)
	unitNums := numberRe.FindAllString(c.units[0].text, -1)
	if !numbersIn(ctxNums, first) {
		return got
	}
	if len(unitNums) > 0 && numbersIn(unitNums, first) {
		return got // it carries the first paragraph's numbers: keep it
	}
	if len(ctxNums) == 0 && len(unitNums) == 0 {
		// Nothing to tell them apart but length.
		r := float64(len([]rune(first))) / float64(max(1, len([]rune(c.units[0].text))))
		if r >= 0.6 && r <= 1.6 {
			return got
		}
	}
	return got[1:]
}

// numbersIn reports whether every source number token is mentioned in text.
func numbersIn(toks []string, text string) bool {
	have := translationNumbers(text, "")
	for _, n := range toks {
		want := numberSet{}
		interpretations(n, true, "", want)
		hit := false
		for k := range want {
			hit = hit || have[k]
		}
		if !hit {
			return false
		}
	}
	return true
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

// unitTexts is the source text of each unit, what an answer translates.
func unitTexts(us []unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.text
	}
	return out
}

// cleaningCodes are the findings Clean makes from a model's raw answer,
// and a number leaked from a memory reference; they cannot be redone from
// the joined translation, so Recheck keeps them.
var cleaningCodes = map[string]bool{CodeChatter: true, CodeControl: true, CodeInvalidUTF8: true, CodeRepetition: true, CodeMemoryNumber: true}

// Recheck redoes the deterministic checks of a stored translation of a
// against its source, keeping what cleaning found when it was made: a
// cached translation gets the current checks (and their paragraph numbers
// and evidence) without a model call. It returns ctx's error when ctx ends
// first.
func (t *Translator) Recheck(ctx context.Context, a article.Article, r Result) (Result, error) {
	src := sourceParagraphs(a)
	var kept []Finding
	for _, f := range r.Findings {
		if cleaningCodes[f.Code] || f.By != "" {
			kept = append(kept, f)
		}
	}
	checked, pairs, err := check(ctx, src, r.Translation(), t.opts.From, t.opts.To, names{lede: hasLede(a)}.para, t.opts.Glossary)
	if err != nil {
		return r, fmt.Errorf("checking the stored translation: %w", err)
	}
	r.Findings, r.Pairs = append(kept, checked...), pairs
	r.Warnings = Messages(r.Findings)
	return r, nil
}

// Original is the source text of a as the review shows it beside the
// translation: lede first, then the paragraphs.
func Original(a article.Article) []string { return sourceParagraphs(a) }

// Translation is r's text as the review lines it up: lede first.
func (r Result) Translation() []string {
	if r.Lede == "" {
		return r.Paragraphs
	}
	return append([]string{r.Lede}, r.Paragraphs...)
}
