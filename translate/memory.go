package translate

import (
	"context"
	"fmt"
	"slices"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/translate/qa"
)

// The translation memory's two steps around a translation: before
// planning, paragraphs the memory holds word for word are filled in and
// not sent (recall); paragraphs it holds nearly go with the remembered pair
// as a reference. After QA, the pipeline stores the paragraphs that passed
// (Passing).

// WithMemory returns a Translator that asks m before it sends a paragraph
// (nil: none).
func (t *Translator) WithMemory(m *tm.Memory) *Translator {
	c := *t
	c.mem = m
	return &c
}

// recalled is what the memory gave for an article's source paragraphs:
// known[i] is paragraph i's remembered translation ("" if none), ref[i] a
// near pair to follow (nil if none), same[i] the earlier paragraph of the
// article that paragraph i repeats (-1 if none): it is sent once, and
// reads the same both times.
type recalled struct {
	known []string
	ref   []*tm.Pair
	same  []int
}

// MemoryParagraphs bounds the articles the memory serves: a wire story
// has a few dozen paragraphs, and each paragraph costs the memory a few
// file operations (lookups, and storing it after QA), so a pathological
// article of thousands is neither looked up nor remembered.
const MemoryParagraphs = 200

// recall looks src's paragraphs up in the memory (and in src itself).
func (t *Translator) recall(src []string) recalled {
	r := recalled{known: make([]string, len(src)), ref: make([]*tm.Pair, len(src)), same: slices.Repeat([]int{-1}, len(src))}
	if t.mem == nil || len(src) > MemoryParagraphs {
		return r
	}
	first := map[string]int{}
	for i, p := range src {
		n := tm.Normalize(p)
		if k, ok := first[n]; ok {
			r.known[i], r.same[i] = r.known[k], k
			continue
		}
		first[n] = i
		if k, ok := t.mem.Recall(p); ok {
			r.known[i] = k
		} else if near, ok := t.mem.Near(p); ok {
			r.ref[i] = &near
		}
	}
	return r
}

// fills tells whether rc fills in paragraphs that are not sent: remembered
// ones, or repeats of the article's own.
func (rc recalled) fills() bool {
	return slices.ContainsFunc(rc.known, func(k string) bool { return k != "" }) || slices.ContainsFunc(rc.same, func(k int) bool { return k >= 0 })
}

// sending is t for the paragraphs of an article rc does not hold: when it
// holds some, a copy marked partial, so a request of a few of them gets
// the compact instructions (see compactParts).
func (t *Translator) sending(rc recalled) *Translator {
	if !slices.ContainsFunc(rc.known, func(k string) bool { return k != "" }) {
		return t
	}
	c := *t
	c.partial = true
	return &c
}

// asCollected is what the memory recalls of src as the run found it,
// when that is all the client holds answers for: a batch was collected
// with the memory before the run learnt what it recalls now, and sending
// the article again with that would pay for it twice (and, from an
// offline batch engine, fail it). Otherwise rc.
func (t *Translator) asCollected(ctx context.Context, src []string, rc recalled, nm qa.Labels) recalled {
	h, ok := t.client.(interface{ Holds(llm.Request) bool })
	if !ok {
		return rc
	}
	found := recalled{known: slices.Clone(rc.known), ref: slices.Clone(rc.ref), same: rc.same}
	changed := false
	for i, p := range src {
		if rc.known[i] != "" && t.mem.Learnt(p) || rc.ref[i] != nil && t.mem.Learnt(rc.ref[i].Source) {
			changed, found.known[i], found.ref[i] = true, "", nil
			if near, ok := t.mem.AsFound().Near(p); ok {
				found.ref[i] = &near
			}
		}
	}
	if !changed {
		return rc
	}
	chunks, err := t.sending(found).planUnknown(ctx, src, found, nm)
	if err != nil || len(chunks) == 0 {
		return rc
	}
	for _, c := range chunks {
		if !h.Holds(llm.Request{Stage: "translate", System: c.sys, User: c.user, MaxTokens: c.maxTokens}) {
			return rc
		}
	}
	return found
}

// planUnknown plans the paragraphs the memory does not hold, together as
// one text: a request per run of new paragraphs would pay the whole
// system prompt again for each, more than the remembered paragraphs save.
// The paragraph before the first of them goes along as context, so the new
// text reads on from it.
func (t *Translator) planUnknown(ctx context.Context, src []string, rc recalled, nm qa.Labels) ([]chunk, error) {
	var us []unit
	for i, u := range t.units(src) {
		if rc.known[i] == "" && rc.same[i] < 0 {
			u.ref = rc.ref[i]
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return nil, nil
	}
	prev := ""
	if first := us[0].para; first > 0 {
		prev = src[first-1]
	}
	return t.plan(ctx, us, prev, nm)
}

// fill adds the remembered paragraphs before source paragraph upTo to the
// translation, and at the end (upTo = len(src)) puts every paragraph in
// source order: the new ones were sent together, the remembered ones
// between them were not.
func (tr *translation) fill(upTo int) {
	for ; tr.filled < upTo; tr.filled++ {
		text := tr.rc.known[tr.filled]
		if k := tr.rc.same[tr.filled]; text == "" && k >= 0 {
			// translated in an earlier part: the part holding it was
			// sent before the one after this paragraph
			if j := slices.IndexFunc(tr.out, func(o outPara) bool { return o.para == k }); j >= 0 {
				text = tr.out[j].text
			}
		}
		if text != "" {
			tr.out = append(tr.out, outPara{para: tr.filled, text: text})
			tr.lastText = tr.src[tr.filled]
		}
	}
	if upTo == len(tr.src) && !slices.ContainsFunc(tr.out, func(o outPara) bool { return o.para < 0 }) {
		slices.SortStableFunc(tr.out, func(a, b outPara) int { return a.para - b.para })
	}
}

// fromMemory notes on res which paragraphs came from the memory (1-based,
// lede first) and about how many tokens sending them would have cost.
func (tr *translation) fromMemory(res *Result) {
	for i, k := range tr.rc.known {
		if k != "" {
			res.Memory = append(res.Memory, i+1)
			res.MemoryTokens += tr.t.est.Tokens(tr.src[i]) + tr.t.est.Tokens(k)
		}
	}
}

// references are the near pairs of a chunk's whole paragraphs, fenced like
// the article (a remembered pair may come from an imported TMX file).
func references(us []unit) []tm.Pair {
	var out []tm.Pair
	for _, u := range us {
		if u.ref != nil && !u.piece {
			out = append(out, tm.Pair{Source: prompts.Data(u.ref.Source), Target: prompts.Data(u.ref.Target)})
		}
	}
	return out
}

// memoryLeaks finds numbers of a near reference's source that the
// article's paragraph does not have but its translation does: the model
// copied the old figure instead of translating the new one.
func memoryLeaks(src, texts []string, rc recalled, label func(int) string) []qa.Finding {
	if len(texts) != len(src) {
		return nil
	}
	var fs []qa.Finding
	for i, ref := range rc.ref {
		if ref == nil {
			continue
		}
		now := map[string]bool{}
		for _, n := range qa.Numbers(src[i]) {
			now[n] = true
		}
		for _, n := range qa.Numbers(ref.Source) {
			if now[n] || qa.NumbersIn([]string{n}, src[i]) || !qa.NumbersIn([]string{n}, texts[i]) {
				continue
			}
			now[n] = true // once per number
			fs = append(fs, qa.Finding{Code: qa.CodeMemoryNumber, SourceParagraph: i + 1, Paragraph: i + 1,
				Message: fmt.Sprintf("%s has %s, a number of the remembered translation it was given as a reference; the source does not", label(i), n)})
		}
	}
	return fs
}

// Passing returns the paragraphs of r, a translation of a that passed QA,
// that may be remembered: none when the translation's paragraphs do not
// line up with the source's or a finding is about the text as a whole
// (besides a prompt the server cut, which was redone), and of the rest
// those no finding of brief's and no major or critical one of the model's
// review names.
func (t *Translator) Passing(a article.Article, r Result) []tm.Pair {
	src, out := Original(a), r.Translation()
	if len(src) != len(out) || len(src) > MemoryParagraphs {
		return nil
	}
	bad := map[int]bool{}
	for _, f := range r.Findings {
		switch {
		case f.Code == qa.CodePromptCut || f.By != "" && f.Severity == "minor":
		case f.SourceParagraph == 0 && f.Paragraph == 0:
			return nil
		default:
			bad[f.SourceParagraph], bad[f.Paragraph] = true, true
		}
	}
	shifted := qa.Shifted(src, out, t.opts.To)
	var pairs []tm.Pair
	for i := range src {
		if !bad[i+1] && !shifted[i] {
			pairs = append(pairs, tm.Pair{Source: src[i], Target: out[i]})
		}
	}
	return pairs
}
