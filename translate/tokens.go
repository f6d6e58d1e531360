package translate

import (
	"strings"
	"unicode"
)

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
	switch scriptOf(to) {
	case scriptLatin:
		return 1.2
	case scriptCJK:
		return 1.5
	case scriptUnknown:
		return 2.2
	default: // Cyrillic, Greek, Arabic, Hebrew...
		return 2.2
	}
}

// expectedLengthRatio is the usual length of a translation from Danish into
// the target language, in characters per source character.
func expectedLengthRatio(to string) float64 {
	switch baseLang(to) {
	case "zh":
		return 0.35
	case "ja":
		return 0.5
	case "ko":
		return 0.45
	}
	return 1.0
}

type script int

const (
	scriptUnknown script = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptCJK
)

func baseLang(code string) string {
	code = strings.ToLower(strings.ReplaceAll(code, "_", "-"))
	if i := strings.IndexByte(code, '-'); i >= 0 {
		code = code[:i]
	}
	return code
}

var langScript = map[string]script{}

func init() {
	for _, l := range strings.Fields("da en de sv nb no nn fr es it nl fi is pl pt et lv lt fo kl tr cs sk sl hr ro hu sq eu ca gl ga cy mt af sw id ms vi az uz bs") {
		langScript[l] = scriptLatin
	}
	for _, l := range strings.Fields("ru uk bg be mk sr kk ky mn tg") {
		langScript[l] = scriptCyrillic
	}
	langScript["el"] = scriptGreek
	for _, l := range strings.Fields("ar fa ur ps") {
		langScript[l] = scriptArabic
	}
	langScript["he"] = scriptHebrew
	langScript["yi"] = scriptHebrew
	for _, l := range strings.Fields("zh ja ko") {
		langScript[l] = scriptCJK
	}
}

func scriptOf(code string) script { return langScript[baseLang(code)] }

// inScript reports whether letter r belongs to the writing system sc.
func inScript(r rune, sc script) bool {
	switch sc {
	case scriptLatin:
		return unicode.In(r, unicode.Latin)
	case scriptCyrillic:
		return unicode.In(r, unicode.Cyrillic)
	case scriptGreek:
		return unicode.In(r, unicode.Greek)
	case scriptArabic:
		return unicode.In(r, unicode.Arabic)
	case scriptHebrew:
		return unicode.In(r, unicode.Hebrew)
	case scriptCJK:
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
	}
	return true
}
