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
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(code, "_", "-")), "-")
	return base
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
	if name := display.English.Tags().Name(tag); err == nil && name != "" {
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

// scripts are each Script's English name (for messages), its letters and
// the languages (base codes) written in it.
var scripts = [...]struct {
	name    string
	letters []*unicode.RangeTable
	langs   string
}{
	ScriptUnknown: {name: "expected"},
	ScriptLatin: {"Latin", []*unicode.RangeTable{unicode.Latin},
		"da en de sv nb no nn fr es it nl fi is pl pt et lv lt fo kl tr cs sk sl hr ro hu sq eu ca gl ga cy mt af sw id ms vi az uz bs"},
	ScriptCyrillic: {"Cyrillic", []*unicode.RangeTable{unicode.Cyrillic}, "ru uk bg be mk sr kk ky mn tg"},
	ScriptGreek:    {"Greek", []*unicode.RangeTable{unicode.Greek}, "el"},
	ScriptArabic:   {"Arabic", []*unicode.RangeTable{unicode.Arabic}, "ar fa ur ps"},
	ScriptHebrew:   {"Hebrew", []*unicode.RangeTable{unicode.Hebrew}, "he yi"},
	ScriptCJK: {"Chinese, Japanese or Korean",
		[]*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul}, "zh ja ko"},
}

// String is the script's English name, for messages.
func (s Script) String() string { return scripts[s].name }

var langScript = map[string]Script{}

func init() {
	for s, sc := range scripts {
		for _, l := range strings.Fields(sc.langs) {
			langScript[l] = Script(s)
		}
	}
}

// ScriptOf is the writing system a language is written in, ScriptUnknown
// for a language brief has no table entry for.
func ScriptOf(code string) Script { return langScript[Base(code)] }

// Contains reports whether letter r belongs to the writing system s; every
// letter belongs to ScriptUnknown.
func (s Script) Contains(r rune) bool {
	return s == ScriptUnknown || unicode.In(r, scripts[s].letters...)
}

// LengthRatio is the usual length of a translation from Danish into the
// language, in characters per source character.
func LengthRatio(to string) float64 {
	if r, ok := shorterIn[Base(to)]; ok {
		return r
	}
	return 1.0
}

// shorterIn are the languages whose translations are usually shorter than
// the Danish, with their LengthRatio.
var shorterIn = map[string]float64{"zh": 0.35, "ja": 0.5, "ko": 0.45}
