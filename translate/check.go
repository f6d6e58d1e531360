package translate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/lang"
)

// Check compares a translation with its source, paragraph by paragraph
// (source[i] is expected to correspond to translation[i]), and returns what
// an editor should know. It is deterministic and calls no model. from and to
// are language codes ("da", "en"); checks that need knowledge of a language
// the package lacks are skipped, except the "still in the source language"
// check, which works for every target but Danish.
func Check(source, translation []string, from, to string) []Finding {
	return check(source, translation, from, to, func(i int) string { return fmt.Sprintf("paragraph %d", i+1) })
}

// check is Check with paragraph labels chosen by the caller (Translate calls
// the first one "the lede" when the article has one).
func check(source, translation []string, from, to string, label func(int) string) []Finding {
	var fs []Finding
	add := func(par int, code, format string, args ...any) {
		fs = append(fs, Finding{Code: code, Paragraph: par, Message: fmt.Sprintf(format, args...)})
	}
	whole := strings.Join(translation, "\n\n")
	if strings.TrimSpace(whole) == "" {
		add(0, CodeEmpty, "the model returned no translation")
		return fs
	}
	aligned := len(source) == len(translation)
	if !aligned {
		add(0, CodeParagraphs, "the translation has %d paragraphs but the source has %d: the model merged, split or dropped paragraphs", len(translation), len(source))
	}

	// Language: the whole text first; paragraphs only when the whole is
	// fine, so a Danish answer gives one finding instead of dozens.
	fromName, toName := lang.Name(lang.Base(from)), lang.Name(lang.Base(to))
	srcLang := lang.Base(from) == "da" && lang.Base(to) != "da"
	switch {
	case srcLang && stillDanish(whole, to, true):
		add(0, CodeSourceLanguage, "the translation seems to be still in %s", fromName)
	case wrongScript(whole, to, 20):
		add(0, CodeTargetLanguage, "the translation does not look like %s: most of its letters are not in the %s alphabet", toName, lang.ScriptOf(to))
	case lang.Base(to) == "en" && !looksEnglish(whole, 20, 0.1):
		add(0, CodeTargetLanguage, "the translation does not look like English")
	default:
		for i, p := range translation {
			switch {
			case srcLang && stillDanish(p, to, false):
				add(i+1, CodeSourceLanguage, "%s seems to be still in %s", label(i), fromName)
			case wrongScript(p, to, 12):
				add(i+1, CodeTargetLanguage, "%s does not look like %s", label(i), toName)
			case lang.Base(to) == "en" && !looksEnglish(p, 12, 0.04):
				add(i+1, CodeTargetLanguage, "%s does not look like English", label(i))
			}
		}
	}

	fs = append(fs, missingNumbers(source, whole, to, label)...)

	// Length: a much shorter translation has usually lost text; a much
	// longer one has gained commentary.
	want := lang.LengthRatio(to)
	srcLen, trLen := runeLen(source), runeLen(translation)
	if srcLen >= 300 {
		r := float64(trLen) / float64(srcLen) / want
		switch {
		case r < 0.55:
			add(0, CodeLength, "the translation is much shorter than the source (%d%% of the usual length): text may be missing", int(r*100))
		case r > 1.8:
			add(0, CodeLength, "the translation is much longer than the source (%.1f times the usual length): the model may have added text", r)
		}
	}
	if aligned {
		for i := range source {
			s, t := utf8.RuneCountInString(source[i]), utf8.RuneCountInString(translation[i])
			if s < 150 {
				continue
			}
			r := float64(t) / float64(s) / want
			switch {
			case r < 0.4:
				add(i+1, CodeLength, "%s is much shorter than in the source: text may be missing", label(i))
			case r > 2.5:
				add(i+1, CodeLength, "%s is much longer than in the source: the model may have added text", label(i))
			}
		}
	}
	return fs
}

func runeLen(ps []string) int {
	n := 0
	for _, p := range ps {
		n += utf8.RuneCountInString(p)
	}
	return n
}
