package translate

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/translate/qa"
)

// The send loop: each planned request sent, and a part the server cut or
// refused for its size split or re-planned at the window it really has.

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
// qa.CodePromptCut finding, which --strict does not fail) or that the
// endpoint rejected as too long is split smaller and redone. The joined
// translation is cleaned (qa.Clean) and checked against the source;
// the findings are Result.Warnings. Errors: llm errors pass through with
// their class; an article that cannot fit, that comes back empty or that
// has findings under Options.Strict fails with an error matching
// llm.ErrArticle (the last two as a *QAError, with the Result filled in).
func (t *Translator) Translate(ctx context.Context, a article.Article) (Result, error) {
	src := Original(a)
	if len(src) == 0 {
		return Result{}, errNothing
	}
	t, err := t.sized(ctx)
	if err != nil {
		return Result{}, err
	}
	nm := qa.Labels{Lede: hasLede(a)}
	rc := t.asCollected(ctx, src, t.recall(src), nm)
	tr := &translation{t: t.sending(rc), nm: nm, src: src, rc: rc}
	if tr.queue, err = tr.t.planUnknown(ctx, src, tr.rc, tr.nm); err != nil {
		return Result{}, err
	}
	for len(tr.queue) > 0 {
		if err := tr.next(ctx); err != nil {
			return tr.res, tr.withCuts(err)
		}
	}
	tr.fill(len(src))
	if !tr.linedUp() {
		// the paragraphs filled in without sending have no place in an
		// answer whose paragraphs do not line up: the article goes whole,
		// as without the memory, so none is lost or out of order and the
		// mismatch is a finding
		res, err := t.WithMemory(nil).Translate(ctx, a)
		res.Usage, res.Requests = res.Usage.Add(tr.res.Usage), res.Requests+tr.res.Requests
		return res, err
	}
	return tr.result(ctx, src)
}

// linedUp tells whether the answers' paragraphs lined up with the source
// paragraphs sent, so the ones filled in without sending have their place
// (without any, there is nothing to place; a stand-in answer has nothing
// to line up, and sending the article again would collect it twice).
func (tr *translation) linedUp() bool {
	return tr.pending || !tr.rc.fills() || len(tr.out) == len(tr.src) && !slices.ContainsFunc(tr.out, func(o outPara) bool { return o.para < 0 })
}

// translation is one article's Translate in progress: the chunks still to
// send and what the ones sent gave.
type translation struct {
	t         *Translator
	nm        qa.Labels
	src       []string
	rc        recalled // what the memory holds of src
	filled    int      // source paragraphs before this one are in out or queued
	queue     []chunk
	res       Result
	out       []outPara
	cleanings []qa.Finding
	cuts      []qa.Finding // prompts the server cut, redone smaller
	lastCut   string       // why the last cut part was redone
	lastText  string       // source text of the last unit translated, for context
	pending   bool         // an answer was a stand-in (a batch is collected)
}

// next sends the first chunk of the queue; an answer that was cut, or a
// prompt that did not fit, puts the chunk back as two smaller ones.
func (tr *translation) next(ctx context.Context) error {
	tr.fill(tr.queue[0].units[0].para)
	// Re-sized with what the estimator knows now: an answer since it
	// was planned may have shown the model's tokenizer makes more of the
	// text, and then it is planned anew to the measured ratio, before it
	// is sent rather than after the server cut it.
	c := tr.queue[0]
	if tr.t.size(&c); !tr.t.fits(c) {
		return tr.requeue(ctx, c.units)
	}
	resp, err := tr.t.client.Complete(ctx, llm.Request{Stage: "translate", System: c.sys, User: c.user, MaxTokens: c.maxTokens})
	tr.res.Usage = tr.res.Usage.Add(resp.Usage)
	tr.res.Requests += max(resp.Attempts, 1)
	tr.pending = tr.pending || resp.Pending
	why := ""
	switch {
	case errors.Is(err, llm.ErrPromptCut):
		why = err.Error()
		tr.lastCut = why
		tr.cuts = append(tr.cuts, qa.Finding{Code: qa.CodePromptCut, Message: fmt.Sprintf("%s for %s: redone in smaller parts", why, spanLabel(tr.nm, c))})
		if resized, err := tr.resize(ctx); resized || err != nil {
			return err
		}
	case errors.Is(err, llm.ErrContextLength):
		why = "the endpoint rejected the prompt as too long for the context window"
	case err != nil:
		return fmt.Errorf("translating %s: %w", spanLabel(tr.nm, c), err)
	case resp.FinishReason == "length":
		why = "the answer was cut off at the length limit (finish_reason length)"
	case resp.FinishReason == "content_filter":
		return articleError("the endpoint's content filter stopped the translation of %s", spanLabel(tr.nm, c))
	}
	if why != "" {
		return tr.split(ctx, c, why)
	}
	tr.queue = tr.queue[1:]
	tr.accept(c, resp.Text)
	return nil
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
		cs, err := t.plan(ctx, c.units, c.context, tr.nm)
		if err != nil {
			return true, afterCut(err, tr.lastCut)
		}
		queue = append(queue, cs...)
	}
	tr.queue = queue
	return true, nil
}

// split replaces the first chunk of the queue by its two halves, each
// planned anew with its own glossary terms; a chunk of one sentence cannot
// be split and fails.
func (tr *translation) split(ctx context.Context, c chunk, why string) error {
	a, b, ok := tr.t.halves(c.units)
	if !ok {
		return tr.t.cannotFit(c, why, tr.nm)
	}
	return tr.requeue(ctx, a, b)
}

// requeue replaces the first chunk of the queue by runs of its units
// planned anew, each with the paragraph before it as context.
func (tr *translation) requeue(ctx context.Context, runs ...[]unit) error {
	var queue []chunk
	prev := tr.lastText
	for _, us := range runs {
		cs, err := tr.t.plan(ctx, us, prev, tr.nm)
		if err != nil {
			return afterCut(err, tr.lastCut)
		}
		queue, prev = append(queue, cs...), us[len(us)-1].text
	}
	tr.queue = append(queue, tr.queue[1:]...)
	return nil
}
