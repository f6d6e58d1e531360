package translate

import (
	"context"
	"fmt"
	"regexp"

	"github.com/brief-news/brief/translate/qa"
)

// Joining: each answer cleaned and fitted back onto its source paragraphs,
// then the whole checked and made a Result.

// outPara is one paragraph of the joined translation; para is the source
// paragraph it translates, -1 when the model's paragraphs did not line up.
type outPara struct {
	para int
	text string
}

// accept cleans a chunk's answer and adds its paragraphs, joining the
// pieces of a paragraph that was sent in parts. An answer with another
// number of paragraphs is kept as it came, unattributed.
func (tr *translation) accept(c chunk, answer string) {
	tr.res.Chunks++
	cleaned, fs := qa.Clean(answer, unitTexts(c.units))
	answered := qa.Paragraphs(cleaned)
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
func placeCleanings(fs []qa.Finding, c chunk, skip int, at []int) []qa.Finding {
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
	res.Paragraphs = texts // never nil: "paragraphs" is a list in JSON
	if tr.nm.Lede && len(texts) > 0 {
		res.Lede, res.Paragraphs = texts[0], texts[1:]
	}
	text := tr.t.qaText(src, texts, tr.nm.Lede)
	checked, pairs, err := text.Check(ctx)
	if err != nil {
		return res, fmt.Errorf("checking the translation: %w", err)
	}
	res.Pairs = pairs
	findings := append(summarizeCleanings(tr.cleanings), checked...)
	findings = append(findings, memoryLeaks(src, texts, tr.rc, tr.nm.Para)...)
	tr.fromMemory(&res)
	quality := len(findings)
	findings = append(summarizeCuts(tr.cuts), findings...)
	res.Findings = findings
	res.Warnings = qa.Messages(findings)
	if len(texts) == 0 {
		return res, &QAError{Findings: findings}
	}
	if bad := text.Unusable(findings); len(bad) > 0 {
		return res, &QAError{Findings: bad, Unusable: true}
	}
	if tr.t.opts.Strict && quality > 0 {
		return res, &QAError{Findings: findings, Strict: true}
	}
	return res, nil
}

// summarizeCuts makes the cut prompts of an article one finding.
func summarizeCuts(cuts []qa.Finding) []qa.Finding {
	if len(cuts) <= 1 {
		return cuts
	}
	f := cuts[0]
	f.Message += fmt.Sprintf(" (%d prompts of this article were cut in all)", len(cuts))
	return []qa.Finding{f}
}

// summarizeCleanings keeps one finding per kind of cleaning, so a chatty
// model gives one note for the article instead of one per chunk.
func summarizeCleanings(fs []qa.Finding) []qa.Finding {
	var out []qa.Finding
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
	ctxNums := qa.Numbers(c.context)
	unitNums := qa.Numbers(c.units[0].text)
	if !qa.NumbersIn(ctxNums, first) {
		return got
	}
	if len(unitNums) > 0 && qa.NumbersIn(unitNums, first) {
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

// unitTexts is the source text of each unit, what an answer translates.
func unitTexts(us []unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.text
	}
	return out
}
