package qa

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/brief-news/brief/internal/lang"
)

// The language checks: is the translation still (partly) in Danish, is it
// in the target language at all. The word lists and scripts are
// internal/lang's; the thresholds are QA's.

// Unchecked says what the checks miss in a translation from a language
// other than Danish, the one source language they know; "" from Danish.
func Unchecked(from string) string {
	if lang.Base(from) == "da" {
		return ""
	}
	return fmt.Sprintf("the checks know only Danish as a source language: a translation left in %s is not caught, and numbers and names are read as Danish writes them", lang.Name(from))
}

// stillDanish reports whether text reads as Danish. whole relaxes the
// thresholds slightly: a whole article gives more evidence than a paragraph.
func stillDanish(text, to string, whole bool) bool {
	ws := lang.Words(text)
	if len(ws) < 6 {
		return false
	}
	list, useLetters := lang.DanishDistinctWords(to)
	hits := 0
	for _, w := range ws {
		if list[w] {
			hits++
		}
	}
	if useLetters {
		// Danish "i" (in) is written in lower case; English "I" is not.
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if w == "i" {
				hits++
			}
		}
	}
	ratio := float64(hits) / float64(len(ws))
	if !useLetters {
		return hits >= 2 && ratio >= 0.06
	}
	letters, aoe := countLetters(text, lang.IsDanishLetter)
	// Names keep their æ/ø/å in a translation (Løkke, Aarhus, Ærø), so
	// the letters only add weight to function words, never decide alone.
	danishLetters := aoe >= 2 && float64(aoe)/float64(letters) >= 0.008
	if whole {
		return ratio >= 0.15 || (ratio >= 0.08 && danishLetters)
	}
	return ratio >= 0.2 || (ratio >= 0.12 && danishLetters)
}

// looksEnglish reports whether text has the function words every English
// sentence has; texts under minWords words are given the benefit of doubt.
func looksEnglish(text string, minWords int, minRatio float64) bool {
	ws := lang.Words(text)
	if len(ws) < minWords {
		return true
	}
	hits := 0
	for _, w := range ws {
		if lang.EnglishWords[w] {
			hits++
		}
	}
	return float64(hits)/float64(len(ws)) >= minRatio
}

// wrongScript reports whether most letters of text are outside the target
// language's script (a broken model answering in Chinese, say).
func wrongScript(text, to string, minLetters int) bool {
	sc := lang.ScriptOf(to)
	if sc == lang.ScriptUnknown {
		return false
	}
	letters, in := countLetters(text, sc.Contains)
	return letters >= minLetters && float64(in) < 0.5*float64(letters)
}

// countLetters counts the letters of text, and those of them that are in.
func countLetters(text string, in func(rune) bool) (letters, inside int) {
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if in(r) {
				inside++
			}
		}
	}
	return letters, inside
}
