package qa

import (
	"fmt"
	"strings"

	"github.com/brief-news/brief/internal/lang"
)

// Unusable picks out of a translation's findings those that make it
// unusable rather than worth an editor's look (none for a translation to
// keep): no text, far too short,
// most paragraphs missing, still in the source language as a whole, or as
// a whole in the wrong script. Such a translation fails the article: it is
// not cached, and the next run tries again. Every other finding stays a
// warning, among them a single paragraph left in the source language. The
// rules read the findings' codes and paragraph numbers and the texts'
// lengths, never the findings' message text.
func (t Text) Unusable(fs []Finding) []Finding {
	source, translation, from, to := t.Source, t.Translation, t.From, t.To
	var bad, missing []Finding
	for _, f := range fs {
		whole := f.Paragraph == 0 && f.SourceParagraph == 0
		switch {
		case f.By != "":
			// the model's own review grades itself
		case f.Code == CodeEmpty:
			bad = append(bad, f)
		case whole && f.Code == CodeTargetLanguage && wrongScript(strings.Join(translation, "\n\n"), to, 20):
			// Only the wrong script: a results table or a list of names
			// may fairly "not look like English", and must not fail
			// every week.
			bad = append(bad, f)
		case whole && f.Code == CodeSourceLanguage && echoed(source, translation):
			f.Message = "the model sent the source text back untranslated"
			bad = append(bad, f)
		case whole && f.Code == CodeSourceLanguage:
			f.Message = "it is still in " + lang.Name(lang.Base(from))
			bad = append(bad, f)
		case f.Code == CodeParagraphs && f.SourceParagraph > 0 && f.Paragraph == 0:
			missing = append(missing, f)
		}
	}
	r := float64(runeLen(translation)) / float64(max(runeLen(source), 1)) / lang.LengthRatio(to)
	// Paragraphs the alignment cannot pair in a translation of the full
	// length were merged, not lost: only a short one has lost them.
	if len(source) >= 3 && len(missing)*2 > len(source) && r < 0.7 {
		bad = append(bad, Finding{Code: CodeParagraphs,
			Message: fmt.Sprintf("%d of the source's %d paragraphs are missing in the translation", len(missing), len(source))})
	}
	if runeLen(source) >= 200 && r < 0.3 {
		bad = append(bad, Finding{Code: CodeLength,
			Message: fmt.Sprintf("the translation is far too short (%d%% of the usual length)", int(r*100))})
	}
	return bad
}

// echoed reports whether translation is source sent back: word for word
// as a whole (spacing and paragraph breaks aside), or most of the source's
// paragraphs copied unchanged.
func echoed(source, translation []string) bool {
	norm := CollapseSpace
	if norm(strings.Join(source, " ")) == norm(strings.Join(translation, " ")) {
		return true
	}
	src := map[string]bool{}
	for _, p := range source {
		src[norm(p)] = true
	}
	copied := 0
	for _, p := range translation {
		if n := norm(p); n != "" && src[n] {
			copied++
		}
	}
	return len(source) >= 2 && copied*2 > len(source)
}
