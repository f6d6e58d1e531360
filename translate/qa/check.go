package qa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/lang"
)

// checker is one Check in progress: the inputs and the alignment of the
// paragraphs.
type checker struct {
	Text
	ctx         context.Context
	label       func(int) string // names a 0-based source paragraph
	srcOf, trOf []int            // 0-based partner, -1 for none
	// aligned is false when the paragraphs could not be lined up (the
	// counts differ too much): the checks then look at the whole text.
	aligned bool
	al      *aligner // nil when the counts are equal
	pairs   []Pair   // the alignment, for the review page
	fs      []Finding
}

// Check compares a translation with its source and returns what an editor
// should know, each finding pinned to its paragraphs with its evidence.
// Paragraphs are lined up by Align, so a dropped paragraph is named. It is
// deterministic and calls no model. Checks that need knowledge of a
// language the package lacks are skipped, except the "still in the source
// language" check, which works for every target but Danish. Paragraphs are
// named by Labels (the lede, when there is one, is paragraph 1 on the
// review page); the glossary's names must appear in their fixed form.
// Every step is near-linear in the article's size or has a work limit past
// which it is skipped with a finding that says so; when ctx ends, Check
// stops and returns its error.
//
// It also returns the alignment (Align's pairs), so the review page does
// not line the paragraphs up again.
func (t Text) Check(ctx context.Context) ([]Finding, []Pair, error) {
	source, translation, label := t.Source, t.Translation, Labels{Lede: t.Lede}.Para
	c := &checker{Text: t, ctx: ctx, label: label}
	whole := strings.Join(translation, "\n\n")
	if strings.TrimSpace(whole) == "" {
		c.add(Finding{Code: CodeEmpty, Message: "the model returned no translation"})
		return c.fs, nil, nil
	}
	if err := c.align(); err != nil {
		return nil, nil, err
	}
	c.paragraphCount()
	c.language(whole)
	for _, f := range missingNumbers(source, c.translationNumbers(whole), label) {
		if f.SourceParagraph > 0 && c.aligned && c.trOf[f.SourceParagraph-1] < 0 {
			continue // the whole paragraph is missing, and reported as such
		}
		if f.SourceParagraph > 0 && c.trOf[f.SourceParagraph-1] >= 0 {
			f.Paragraph = c.trOf[f.SourceParagraph-1] + 1
		}
		c.add(f)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	nf, err := nameFindings(ctx, source, translation, t.Terms, c.pairedOrWhole, label)
	if err != nil {
		return nil, nil, err
	}
	c.add(nf...)
	c.length()
	return c.fs, c.pairs, ctx.Err()
}

// translationNumbers is every value the translation mentions; the
// alignment's index has them already.
func (c *checker) translationNumbers(whole string) numberSet {
	if c.al == nil {
		return translationNumbers(whole, c.To)
	}
	have := make(numberSet, len(c.al.tr.nums))
	for k := range c.al.tr.nums {
		have[k] = true
	}
	return have
}

// pairedOrWhole is the 0-based translation paragraph of source paragraph
// i, -1 when it has none, or -2 when the paragraphs are not lined up.
func (c *checker) pairedOrWhole(i int) int {
	if !c.aligned {
		return -2
	}
	return c.trOf[i]
}

func (c *checker) add(fs ...Finding) { c.fs = append(c.fs, fs...) }

func (c *checker) align() error {
	c.srcOf, c.trOf = slices.Repeat([]int{-1}, len(c.Translation)), slices.Repeat([]int{-1}, len(c.Source))
	pairs, al, err := align(c.ctx, c.Source, c.Translation, c.To)
	switch {
	case errors.Is(err, errTooDifferent):
		c.add(Finding{Code: CodeParagraphs, Message: fmt.Sprintf("the translation has %d paragraphs but the source has %d: too different to line up paragraph by paragraph within the check's work limit, so the checks looked at the whole text", len(c.Translation), len(c.Source))})
		return nil
	case err != nil:
		return err
	}
	c.aligned, c.al, c.pairs = true, al, pairs
	for _, p := range pairs {
		if p.Source > 0 && p.Translation > 0 {
			c.trOf[p.Source-1], c.srcOf[p.Translation-1] = p.Translation-1, p.Source-1
		}
	}
	return nil
}

// paragraphCount names each source paragraph the translation lacks, by its
// opening words, telling a paragraph merged into its neighbour from one
// dropped, and each translation paragraph with no source.
func (c *checker) paragraphCount() {
	if len(c.Source) == len(c.Translation) || !c.aligned {
		return
	}
	before := len(c.fs)
	for i, t := range c.trOf {
		if t >= 0 {
			continue
		}
		f := Finding{Code: CodeParagraphs, SourceParagraph: i + 1, Evidence: strings.TrimSpace(c.Source[i])}
		if j, n := c.mergedInto(i); j >= 0 {
			f.Paragraph = j + 1
			f.Message = fmt.Sprintf("%s of the source (%q) is merged into %s in the translation", c.label(i), openingWords(c.Source[i], 6), c.label(n))
		} else {
			f.Message = fmt.Sprintf("%s of the source (%q) is missing in the translation", c.label(i), openingWords(c.Source[i], 6))
		}
		c.add(f)
	}
	for j, s := range c.srcOf {
		if s >= 0 {
			continue
		}
		c.add(Finding{Code: CodeParagraphs, Paragraph: j + 1, TranslationEvidence: strings.TrimSpace(c.Translation[j]),
			Message: fmt.Sprintf("paragraph %d of the translation (%q) has no paragraph of its own in the source: the model split a paragraph or added text", j+1, openingWords(c.Translation[j], 6))})
	}
	if len(c.fs) == before {
		c.add(Finding{Code: CodeParagraphs, Message: fmt.Sprintf("the translation has %d paragraphs but the source has %d: the model merged, split or dropped paragraphs", len(c.Translation), len(c.Source))})
	}
}

// mergedInto reports whether unpaired source paragraph i was merged into a
// neighbour's translation: that translation is as long as both source
// paragraphs together and carries i's numbers and names. It returns the
// 0-based translation paragraph and the neighbour, or -1.
func (c *checker) mergedInto(i int) (int, int) {
	want := lang.LengthRatio(c.To)
	for _, n := range []int{i - 1, i + 1} {
		if n < 0 || n >= len(c.Source) || c.trOf[n] < 0 {
			continue
		}
		j := c.trOf[n]
		t := c.Translation[j]
		r := float64(utf8.RuneCountInString(t)) / (float64(utf8.RuneCountInString(c.Source[i])+utf8.RuneCountInString(c.Source[n])) * want)
		if r < 0.7 || r > 1.4 {
			continue
		}
		if c.al.pairCost(i, j) < 2.1 {
			return j, n
		}
	}
	return -1, -1
}

// openingWords is the first n words of s, with "…" when there are more.
func openingWords(s string, n int) string {
	ws := strings.Fields(s)
	if len(ws) <= n {
		return strings.Join(ws, " ")
	}
	return strings.Join(ws[:n], " ") + "…"
}

// trLabel names a translation paragraph by its source paragraph when it
// has one, so the message matches the review page's numbers.
func (c *checker) trLabel(j int) string {
	if s := c.srcOf[j]; s >= 0 {
		return c.label(s)
	}
	return fmt.Sprintf("paragraph %d of the translation", j+1)
}

// language: the whole text first; paragraphs only when the whole is fine,
// so a Danish answer gives one finding instead of dozens.
func (c *checker) language(whole string) {
	fromName, toName := lang.Name(lang.Base(c.From)), lang.Name(lang.Base(c.To))
	srcLang := lang.Base(c.From) == "da" && lang.Base(c.To) != "da"
	switch {
	case srcLang && stillDanish(whole, c.To, true):
		c.add(Finding{Code: CodeSourceLanguage, Message: fmt.Sprintf("the translation seems to be still in %s", fromName)})
		return
	case wrongScript(whole, c.To, 20):
		c.add(Finding{Code: CodeTargetLanguage, Message: fmt.Sprintf("the translation does not look like %s: most of its letters are not in the %s alphabet", toName, lang.ScriptOf(c.To))})
		return
	case lang.Base(c.To) == "en" && !looksEnglish(whole, 20, 0.1):
		c.add(Finding{Code: CodeTargetLanguage, Message: "the translation does not look like English"})
		return
	}
	for j, p := range c.Translation {
		f := Finding{Paragraph: j + 1, SourceParagraph: c.srcOf[j] + 1}
		switch {
		case srcLang && stillDanish(p, c.To, false):
			f.Code, f.Message = CodeSourceLanguage, fmt.Sprintf("%s seems to be still in %s", c.trLabel(j), fromName)
			f.TranslationEvidence = danishSentences(p, c.To)
			f.Evidence = f.TranslationEvidence
		case wrongScript(p, c.To, 12):
			f.Code, f.Message = CodeTargetLanguage, fmt.Sprintf("%s does not look like %s", c.trLabel(j), toName)
		case lang.Base(c.To) == "en" && !looksEnglish(p, 12, 0.04):
			f.Code, f.Message = CodeTargetLanguage, fmt.Sprintf("%s does not look like English", c.trLabel(j))
		default:
			continue
		}
		c.add(f)
	}
}

// danishSentences is the longest run of p's sentences that reads as
// Danish (the sentence left untranslated), or all of p.
func danishSentences(p, to string) string {
	for _, s := range Sentences(p) {
		if stillDanish(s, to, false) {
			return strings.TrimSpace(s)
		}
	}
	return strings.TrimSpace(p)
}

// length: a much shorter translation has usually lost text; a much longer
// one has gained commentary.
func (c *checker) length() {
	want := lang.LengthRatio(c.To)
	srcLen, trLen := runeLen(c.Source), runeLen(c.Translation)
	if srcLen >= 300 {
		r := float64(trLen) / float64(srcLen) / want
		switch {
		case r < 0.55:
			c.add(Finding{Code: CodeLength, Message: fmt.Sprintf("the translation is much shorter than the source (%d%% of the usual length): text may be missing", int(r*100))})
		case r > 1.8:
			c.add(Finding{Code: CodeLength, Message: fmt.Sprintf("the translation is much longer than the source (%.1f times the usual length): the model may have added text", r)})
		}
	}
	for i, j := range c.trOf {
		if j < 0 {
			continue
		}
		s, t := utf8.RuneCountInString(c.Source[i]), utf8.RuneCountInString(c.Translation[j])
		if s < 150 {
			continue
		}
		f := Finding{Code: CodeLength, SourceParagraph: i + 1, Paragraph: j + 1}
		switch r := float64(t) / float64(s) / want; {
		case r < 0.4:
			f.Message = fmt.Sprintf("%s is much shorter than in the source: text may be missing", c.label(i))
		case r > 2.5:
			f.Message = fmt.Sprintf("%s is much longer than in the source: the model may have added text", c.label(i))
		default:
			continue
		}
		c.add(f)
	}
}

func runeLen(ps []string) int {
	n := 0
	for _, p := range ps {
		n += utf8.RuneCountInString(p)
	}
	return n
}
