package qa

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cleaning: what a model adds around an answer or emits by mistake.

var (
	fenceRe   = regexp.MustCompile("(?m)^[ \t]*```[\\w+-]*[ \t]*$\n?")
	tagRe     = regexp.MustCompile(`(?i)</?(?:article|translation)>`)
	contextRe = regexp.MustCompile(`(?is)<context>.*?</context>`)

	// Prefaces are matched on the first line only.
	prefaceRes = []*regexp.Regexp{
		// "Sure!" or "Certainly." on a line of its own.
		regexp.MustCompile(`(?i)^(?:sure|certainly|of course|absolutely|okay|ok|alright|gladly)\s*[!.]?\s*$`),
		// "Sure! Here is the translation of the article into English:"
		regexp.MustCompile(`(?i)^(?:(?:sure|certainly|of course|absolutely|okay|ok|alright|gladly)\s*[!.,]\s*)?(?:here(?:'s| is| are)|below is|the following is)\b[^\n:]{0,150}?\b(?:translat\w*|version|rendering)\b[^\n:]{0,80}(?::\s*|\s*$)`),
		// "I'll translate the article:" / "Let me translate this."
		regexp.MustCompile(`(?i)^(?:i'll|i will|let me|i'm going to|i am going to) translate\b[^\n]*$`),
		// "**English translation:**", "# Translation", "Translation:" alone
		regexp.MustCompile(`(?i)^[*_#\s]*(?:[a-z]+ )?translation(?: (?:into|to|in) [a-z]+| of the (?:article|text))?[*_\s]*:?[*_\s]*$`),
		// "Translation: Kim Jong-un left ..." keeps what follows.
		regexp.MustCompile(`(?i)^(?:[a-z]+ )?translation:\s+`),
		// Danish prefaces from models that answer in the source language.
		regexp.MustCompile(`(?i)^(?:selvfølgelig|naturligvis|ja)?[!.,]?\s*her er (?:den |min )?oversættelse\w*[^\n:]{0,80}(?::\s*|\s*$)`),
	}
	// Closing remarks are matched against the last paragraphs and sentences.
	closingRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(?:i hope (?:this|that|it|the translation)\b.{0,30}\b(?:helps|helpful|meets|needs|what you)|hope this helps|(?:please )?let me know\b|feel free\b|if you (?:need|have|want|would like) (?:any|more|further|anything|me)\b|is there anything else|do you (?:need|want) (?:any|more|anything)\b|(?:i'm |i am )?(?:happy|glad) to help)`),
		regexp.MustCompile(`(?i)^\(?\s*(?:translator'?s? note|note from the translator|note on the translation|note:[^\n]*\btranslat)`),
		regexp.MustCompile(`(?i)^(?:i have|i've|i kept|i translated|i used|i tried|i did)\b[^\n]*\btranslat\w*`),
		regexp.MustCompile(`(?i)^(?:the (?:above )?translation|this translation)\b[^\n]*\b(?:keeps|preserves|follows|maintains|is|has been)\b`),
		regexp.MustCompile(`(?i)^(?:lad mig vide|jeg håber)\b`),
	}
)

// Clean removes what a model adds around an answer and what small or broken
// models emit by mistake, and says what it removed: invalid UTF-8, control
// and invisible formatting characters, code fences, prompt markup copied back
// (<article>, <context>…</context>), a preface ("Sure! Here is the
// translation:"), a closing remark ("Let me know if…", translator's notes)
// and runaway repetition (a paragraph, sentence or phrase repeated over and
// over). Paragraphs stay separated by blank lines. Only text at the start or
// end is treated as chatter, so the body of a translation is never cut.
//
// source is the source paragraphs the answer translates (nil when
// unknown). Nothing that has a counterpart in the source is removed: markup
// or a fence the source has itself, a preface or closing paragraph when the
// answer has no more paragraphs (or lines, or sentences) than the source
// has there, a repetition the source repeats as often. A suspected remark
// kept for that reason is reported instead. A repetition finding's
// Paragraph is the paragraph of the cleaned answer it was cut from.
func Clean(text string, source []string) (string, []Finding) {
	c := cleaner{source: source}
	text = c.brokenCharacters(text)
	text = c.markup(text)
	text = c.prefaces(strings.TrimSpace(text))
	paras := c.closings(Paragraphs(text))
	paras = c.repetition(paras)
	return strings.Join(paras, "\n\n"), c.fs
}

// cleaner is one answer being cleaned against its source.
type cleaner struct {
	source []string // nil when unknown: its structure cannot be compared
	fs     []Finding
}

func (c *cleaner) add(code, msg string) { c.fs = append(c.fs, Finding{Code: code, Message: msg}) }

// brokenCharacters removes invalid UTF-8, control and invisible characters.
func (c *cleaner) brokenCharacters(text string) string {
	if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
		text = strings.ReplaceAll(strings.ToValidUTF8(text, ""), string(utf8.RuneError), "")
		c.add(CodeInvalidUTF8, "the model's answer contained broken characters (invalid UTF-8); they were removed")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	removed := 0
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r == '\r' || unicode.IsControl(r) || isInvisible(r):
			removed++
			return -1
		}
		return r
	}, text)
	if removed > 0 {
		c.add(CodeControl, fmt.Sprintf("removed %d control or invisible character(s) from the model's answer", removed))
	}
	return text
}

// markup removes code fences and prompt markup, unless the source has them.
func (c *cleaner) markup(text string) string {
	src := strings.Join(c.source, "\n\n")
	if fenceRe.MatchString(text) && !fenceRe.MatchString(src) {
		text = fenceRe.ReplaceAllString(text, "")
		c.add(CodeChatter, "removed a code fence (```) the model put around its answer")
	}
	removed := false
	for _, re := range []*regexp.Regexp{contextRe, tagRe} {
		if re.MatchString(text) && !re.MatchString(src) {
			text = re.ReplaceAllString(text, "")
			removed = true
		}
	}
	if removed {
		c.add(CodeChatter, "removed prompt markup the model copied into its answer")
	}
	return text
}

// prefaces removes the model's prefaces from the first line, one after the
// other. A whole line goes only when the answer has a line or paragraph
// more than the source; a preface the source starts with stays.
func (c *cleaner) prefaces(text string) string {
	if len(c.source) > 0 {
		first, _, _ := strings.Cut(c.source[0], "\n")
		if prefaceAt(first) > 0 {
			return text
		}
	}
	for {
		line, rest, _ := strings.Cut(text, "\n")
		end := prefaceAt(line)
		if end == 0 {
			return text
		}
		cut := strings.TrimSpace(line[:end])
		if strings.TrimSpace(line[end:]) == "" && !c.extraLine(text) {
			c.add(CodeChatter, fmt.Sprintf("the first line reads like a preface of the model (%q) but was kept: the source has a line there", Clip(cut, 60)))
			return text
		}
		text = strings.TrimSpace(line[end:] + "\n" + rest)
		c.add(CodeChatter, fmt.Sprintf("removed the model's preface %q", Clip(cut, 60)))
	}
}

// prefaceAt is the end of the preface the line starts with, 0 for none.
func prefaceAt(line string) int {
	for _, re := range prefaceRes {
		if loc := re.FindStringIndex(line); loc != nil && loc[0] == 0 && loc[1] > 0 {
			return loc[1]
		}
	}
	return 0
}

// extraLine says whether the answer text has more paragraphs than the
// source, or its first paragraph more lines than the source's first.
func (c *cleaner) extraLine(text string) bool {
	if c.source == nil {
		return true
	}
	paras := Paragraphs(text)
	if len(paras) > len(c.source) {
		return true
	}
	return len(paras) > 0 && len(c.source) > 0 && lineCount(paras[0]) > lineCount(c.source[0])
}

func lineCount(s string) int { return strings.Count(strings.TrimSpace(s), "\n") + 1 }

// closings removes the model's closing remarks from the end: a last
// paragraph when the answer has more paragraphs than the source, a last
// sentence when the last paragraph has more sentences than the source's.
func (c *cleaner) closings(paras []string) []string {
	for len(paras) > 0 {
		last := paras[len(paras)-1]
		if matchAny(closingRes, last) {
			if c.source != nil && len(paras) <= len(c.source) {
				c.add(CodeChatter, fmt.Sprintf("the last paragraph reads like a remark of the model (%q) but was kept: the source has a paragraph there", Clip(last, 60)))
				return paras
			}
			c.add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", Clip(last, 60)))
			paras = paras[:len(paras)-1]
			continue
		}
		// A closing remark glued to the last sentence of the text.
		sents := Sentences(last)
		if len(sents) > 1 && matchAny(closingRes, sents[len(sents)-1]) && c.extraSentence(len(sents)) {
			c.add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", Clip(sents[len(sents)-1], 60)))
			paras[len(paras)-1] = strings.TrimSpace(strings.Join(sents[:len(sents)-1], ""))
			continue
		}
		return paras
	}
	return paras
}

// extraSentence says whether a last paragraph of n sentences has more than
// the source's last paragraph.
func (c *cleaner) extraSentence(n int) bool {
	if len(c.source) == 0 { // unknown or empty
		return true
	}
	return n > len(Sentences(c.source[len(c.source)-1]))
}

// repetition removes runaway repetition beyond what the source repeats.
func (c *cleaner) repetition(paras []string) []string {
	paras, notes, first := removeRepetition(paras, c.source)
	if len(notes) == 0 {
		return paras
	}
	// Paragraph is the cleaned answer's paragraph with the (first) cut;
	// Translate turns it into the article's numbering.
	c.fs = append(c.fs, Finding{Code: CodeRepetition, Paragraph: first + 1,
		Message: "removed runaway repetition from the model's answer: " + strings.Join(notes, "; ")})
	return paras
}

// attributionRe finds a quotation's attribution ("…, says the mayor"):
// such a sentence is the article's, never the model's chatter.
var attributionRe = regexp.MustCompile(`(?i)\b(?:says|said|siger|sagde|tells|told|writes|wrote|skriver)\b`)

func matchAny(res []*regexp.Regexp, s string) bool {
	s = strings.TrimSpace(s)
	if attributionRe.MatchString(s) {
		return false
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// isInvisible is the formatting characters that have no business in news
// text: zero-width spaces, byte order marks, bidirectional overrides.
func isInvisible(r rune) bool {
	return strings.ContainsRune("\u200b\ufeff\u2060\u00ad", r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}
