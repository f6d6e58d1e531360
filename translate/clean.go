package translate

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
func Clean(text string) (string, []Finding) {
	var fs []Finding
	add := func(code, msg string) { fs = append(fs, Finding{Code: code, Message: msg}) }

	if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
		text = strings.ReplaceAll(strings.ToValidUTF8(text, ""), string(utf8.RuneError), "")
		add(CodeInvalidUTF8, "the model's answer contained broken characters (invalid UTF-8); they were removed")
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
		add(CodeControl, fmt.Sprintf("removed %d control or invisible character(s) from the model's answer", removed))
	}

	if fenceRe.MatchString(text) {
		text = fenceRe.ReplaceAllString(text, "")
		add(CodeChatter, "removed a code fence (```) the model put around its answer")
	}
	if contextRe.MatchString(text) || tagRe.MatchString(text) {
		text = contextRe.ReplaceAllString(text, "")
		text = tagRe.ReplaceAllString(text, "")
		add(CodeChatter, "removed prompt markup the model copied into its answer")
	}

	text = strings.TrimSpace(text)
	for {
		line, rest, _ := strings.Cut(text, "\n")
		cut := ""
		for _, re := range prefaceRes {
			if loc := re.FindStringIndex(line); loc != nil && loc[0] == 0 {
				cut = line[:loc[1]]
				text = strings.TrimSpace(line[loc[1]:] + "\n" + rest)
				break
			}
		}
		if cut == "" {
			break
		}
		add(CodeChatter, fmt.Sprintf("removed the model's preface %q", clip(strings.TrimSpace(cut), 60)))
	}

	paras := splitParagraphs(text)
	for len(paras) > 0 {
		last := paras[len(paras)-1]
		if matchAny(closingRes, last) {
			add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", clip(last, 60)))
			paras = paras[:len(paras)-1]
			continue
		}
		// A closing remark glued to the last sentence of the text.
		sents := splitSentences(last)
		if len(sents) > 1 && matchAny(closingRes, sents[len(sents)-1]) {
			add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", clip(sents[len(sents)-1], 60)))
			paras[len(paras)-1] = strings.TrimSpace(strings.Join(sents[:len(sents)-1], ""))
			continue
		}
		break
	}

	paras, rep := removeRepetition(paras)
	if rep {
		add(CodeRepetition, "removed runaway repetition from the model's answer (a phrase, sentence or paragraph repeated over and over)")
	}
	return strings.Join(paras, "\n\n"), fs
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
	switch {
	case r == '\u200b', r == '\ufeff', r == '\u2060', r == '\u00ad':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
