// Package lang is everything brief knows about human languages: their names
// for prompts, their writing systems, how long a translation into them
// usually is, and the word lists the translation checks use to recognise
// Danish and English. One place, so a new target language is added here and
// nowhere else.
package lang

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Base is the primary language subtag of a BCP 47 code, lower case:
// "pt-BR" -> "pt", "en_GB" -> "en".
func Base(code string) string {
	code = strings.ToLower(strings.ReplaceAll(code, "_", "-"))
	if i := strings.IndexByte(code, '-'); i >= 0 {
		code = code[:i]
	}
	return code
}

// Parse reads a language given as a BCP 47 code ("en", "pt-BR", "en_GB")
// and returns its canonical form ("en-GB"); a name ("english") or a code
// no registry knows ("xx") is an error, since a model would guess at it;
// so are "und" (undetermined) and private-use codes ("qaa", "x-foo"), which
// name no language a model knows.
func Parse(code string) (string, error) {
	tag, err := language.Parse(strings.ReplaceAll(code, "_", "-"))
	if base, _, _ := tag.Raw(); err != nil || base.String() == "und" || base.IsPrivateUse() {
		return "", fmt.Errorf("%q is not a language code", code)
	}
	return tag.String(), nil
}

// Name turns a BCP 47 code into an English language name for prompts and
// messages ("en" -> "English", "pt-BR" -> "Brazilian Portuguese"), using
// CLDR's names from golang.org/x/text; a code it does not know is returned
// as given, which models generally understand too.
func Name(code string) string {
	tag, err := language.Parse(strings.ReplaceAll(code, "_", "-"))
	if err != nil {
		return code
	}
	if name := display.English.Tags().Name(tag); name != "" {
		return name
	}
	return code
}

// Script is a writing system.
type Script int

// The writing systems brief tells apart.
const (
	ScriptUnknown Script = iota
	ScriptLatin
	ScriptCyrillic
	ScriptGreek
	ScriptArabic
	ScriptHebrew
	ScriptCJK
)

// String is the script's English name, for messages.
func (s Script) String() string {
	switch s {
	case ScriptLatin:
		return "Latin"
	case ScriptCyrillic:
		return "Cyrillic"
	case ScriptGreek:
		return "Greek"
	case ScriptArabic:
		return "Arabic"
	case ScriptHebrew:
		return "Hebrew"
	case ScriptCJK:
		return "Chinese, Japanese or Korean"
	}
	return "expected"
}

var langScript = map[string]Script{}

func init() {
	for _, l := range strings.Fields("da en de sv nb no nn fr es it nl fi is pl pt et lv lt fo kl tr cs sk sl hr ro hu sq eu ca gl ga cy mt af sw id ms vi az uz bs") {
		langScript[l] = ScriptLatin
	}
	for _, l := range strings.Fields("ru uk bg be mk sr kk ky mn tg") {
		langScript[l] = ScriptCyrillic
	}
	langScript["el"] = ScriptGreek
	for _, l := range strings.Fields("ar fa ur ps") {
		langScript[l] = ScriptArabic
	}
	langScript["he"] = ScriptHebrew
	langScript["yi"] = ScriptHebrew
	for _, l := range strings.Fields("zh ja ko") {
		langScript[l] = ScriptCJK
	}
}

// ScriptOf is the writing system a language is written in, ScriptUnknown
// for a language brief has no table entry for.
func ScriptOf(code string) Script { return langScript[Base(code)] }

// Contains reports whether letter r belongs to the writing system s; every
// letter belongs to ScriptUnknown.
func (s Script) Contains(r rune) bool {
	switch s {
	case ScriptLatin:
		return unicode.In(r, unicode.Latin)
	case ScriptCyrillic:
		return unicode.In(r, unicode.Cyrillic)
	case ScriptGreek:
		return unicode.In(r, unicode.Greek)
	case ScriptArabic:
		return unicode.In(r, unicode.Arabic)
	case ScriptHebrew:
		return unicode.In(r, unicode.Hebrew)
	case ScriptCJK:
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
	}
	return true
}

// LengthRatio is the usual length of a translation from Danish into the
// language, in characters per source character.
func LengthRatio(to string) float64 {
	switch Base(to) {
	case "zh":
		return 0.35
	case "ja":
		return 0.5
	case "ko":
		return 0.45
	}
	return 1.0
}
