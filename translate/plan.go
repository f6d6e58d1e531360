package translate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pack"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/translate/qa"
)

// Chunk planning: an article cut into units (paragraphs, or sentences of
// one too long) and the units packed into requests that fit the window.

// Plan is what translating an article will cost, estimated without calling
// the model (for --dry-run). Redone parts are not foreseen.
type Plan struct {
	// Requests is the number of chat requests (one per chunk).
	Requests int
	// PromptTokens is the estimated prompt size summed over the requests.
	PromptTokens int
	// CompletionTokens is the expected answer size summed over the requests
	// (an upper estimate, not the max_tokens sent).
	CompletionTokens int
}

// Plan splits a into the chunks Translate would send and estimates their
// tokens. The error is the one Translate would fail with when the article
// cannot fit (e.g. a sentence longer than the context allows).
func (t *Translator) Plan(a article.Article) (Plan, error) {
	src := Original(a)
	if len(src) == 0 {
		return Plan{}, errNothing
	}
	rc := t.recall(src)
	chunks, err := t.sending(rc).planUnknown(context.Background(), src, rc, qa.Labels{Lede: hasLede(a)})
	p := Plan{Requests: len(chunks)}
	for _, c := range chunks {
		p.PromptTokens += c.promptTokens
		p.CompletionTokens += c.expectOut
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
}

func (c chunk) text() string { return strings.Join(unitTexts(c.units), "\n\n") }

func (t *Translator) fits(c chunk) bool {
	return c.promptTokens+c.expectOut <= t.opts.ContextTokens && c.expectOut <= t.opts.MaxOutputTokens
}

// build renders the prompts for units with the given context paragraph and
// sizes the request.
func (t *Translator) build(us []unit, ctxText string) (chunk, error) {
	c := chunk{units: us, context: ctxText}
	text := c.text()
	data := map[string]any{
		"From":       lang.Name(t.opts.From),
		"To":         lang.Name(t.opts.To),
		"Compact":    t.partial && len(us) <= compactParts,
		"Paragraphs": len(us),
		"Glossary":   fencedTerms(t.opts.Glossary.Match(text)),
		"References": references(us),
		// What the article says goes in as data that cannot close the
		// fences around it (see prompts.Data).
		"Context": prompts.Data(ctxText),
		"Text":    prompts.Data(text),
	}
	var err error
	if c.sys, c.user, err = t.prompts.Messages(prompts.TranslateSystem, prompts.TranslateUser, data); err != nil {
		return c, err
	}
	t.size(&c)
	return c, nil
}

// compactParts is the most paragraphs a request of an article the memory
// partly holds carries with the compact instructions (translate.system's
// .Compact: every rule, in a third of the words). Such a request (an
// update's new paragraphs) is mostly its instructions otherwise; an
// article sent whole keeps the full ones. Both are fixed for a run, so a
// server's prefix cache still serves each.
const compactParts = 5

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

// messageOverhead is what the chat template adds around the system and user
// messages and the start of the answer (role markers, special tokens).
const messageOverhead = 16

// outputSlack is added to every expected answer for the paragraph separators
// and the odd extra word.
const outputSlack = 16

// outputFactor is the expected answer size in estimated tokens per estimated
// source token, for a target language. The estimate counts letters by script,
// so a target in a non-Latin script costs more estimated tokens for the same
// text; the factors carry a margin because a reply cut at max_tokens has to be
// redone in smaller parts.
func outputFactor(to string) float64 {
	switch lang.ScriptOf(to) {
	case lang.ScriptLatin:
		return 1.2
	case lang.ScriptCJK:
		return 1.5
	default: // Cyrillic, Greek, Arabic, Hebrew, unknown...
		return 2.2
	}
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
	sents := qa.Sentences(prev)
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
func (t *Translator) plan(ctx context.Context, us []unit, prev string, nm qa.Labels) ([]chunk, error) {
	us = append([]unit(nil), us...)
	var chunks []chunk
	for i := 0; i < len(us); {
		// A 1 MiB article is thousands of chunks: a deadline or a signal
		// must not wait for all of them to be planned.
		if err := ctx.Err(); err != nil {
			return chunks, err
		}
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
			a, b, ok := t.halves(us[i : i+1])
			if !ok {
				return chunks, t.cannotFit(c, "", nm)
			}
			us = slices.Replace(us, i, i+1, a[0], b[0])
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

// cannotFit is the article's failure when a single sentence does not fit.
func (t *Translator) cannotFit(c chunk, why string, nm qa.Labels) error {
	if why == "" {
		why = fmt.Sprintf("it needs about %d tokens with its instructions and answer", c.promptTokens+c.expectOut)
	}
	if r := t.est.Ratio(); r > 0 {
		why += fmt.Sprintf("; the server's counts show this model spends about %.2f tokens a byte", r)
	}
	return articleError("a single sentence of %s does not fit in the model's context window of %d tokens (%s): raise --context if the model supports a larger window, or shorten the glossary",
		nm.Para(c.units[0].para), t.opts.ContextTokens, why)
}

// spanLabel names the source paragraphs of c, as nm qa.Labels one.
func spanLabel(nm qa.Labels, c chunk) string {
	first, last := c.units[0].para, c.units[len(c.units)-1].para
	if first == last {
		return nm.Para(first)
	}
	return fmt.Sprintf("paragraphs %d–%d", first+1, last+1)
}

// halves splits units in two of similar size (by estimated tokens): two
// runs of them, or a single one's sentences near the middle; ok is false
// for a single sentence.
func (t *Translator) halves(us []unit) (a, b []unit, ok bool) {
	if len(us) > 1 {
		a, b = pack.Halves(us, func(u unit) int { return t.est.Tokens(u.text) })
		return a, b, true
	}
	sents := qa.Sentences(us[0].text)
	if len(sents) < 2 {
		return nil, nil, false
	}
	x, y := pack.Halves(sents, t.est.Tokens)
	piece := func(ss []string) []unit {
		return []unit{t.unit(us[0].para, strings.TrimSpace(strings.Join(ss, "")), true)}
	}
	return piece(x), piece(y), true
}
