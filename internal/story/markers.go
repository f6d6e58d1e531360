package story

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Danish wire services mark a resend in its first line: "Opdateret:" (an
// update), "Opdateres" (a first version the agency will resend), "Rettet"
// or "RETTELSE" (a correction). The words are ordinary Danish too ("kritik
// rettet mod ...", "opdateret software"), so they only count as a tag:
// opening the text and followed by a colon, bracket or dash, written in
// capitals, or in brackets.
const (
	markUpdated = 1 << iota
	markPreliminary
	markCorrected
)

var markerWords = map[string]int{
	"opdateret":    markUpdated,
	"opdatering":   markUpdated,
	"opdateres":    markPreliminary,
	"rettet":       markCorrected,
	"rettelse":     markCorrected,
	"korrigeret":   markCorrected,
	"korrektion":   markCorrected,
	"berigtiget":   markCorrected,
	"berigtigelse": markCorrected,
}

// tagPunct may open or close a tag: "(Rettet)", "*Opdateret*", "RETTET -".
const tagPunct = "([*-–—:)]., \"'"

// scanMarkers returns the mark* bits of the tags s carries, and s without
// a leading tag.
func scanMarkers(s string) (kinds int, rest string) {
	rest = s
	// A tag that opens the text, possibly after an opening bracket.
	t := strings.TrimLeft(s, " \t([*-–—\"'")
	w, after := firstWord(t)
	if k := markerWords[strings.ToLower(w)]; k != 0 {
		next, _ := utf8.DecodeRuneInString(after)
		lowerAfter := strings.ToLower(strings.TrimLeft(after, " "))
		if isUpper(w) || after == "" || strings.ContainsRune(":)]-–—*.,", next) ||
			strings.HasPrefix(lowerAfter, "kl.") || strings.HasPrefix(lowerAfter, "klokken") {
			kinds |= k
			rest = strings.TrimLeft(after, tagPunct)
		}
	}
	// Tags further into the first line: in capitals or in brackets.
	for i := 0; i < len(s); {
		start := strings.IndexFunc(s[i:], unicode.IsLetter)
		if start < 0 {
			break
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i+start])
		w, _ := firstWord(s[i+start:])
		if k := markerWords[strings.ToLower(w)]; k != 0 && (isUpper(w) || prev == '(' || prev == '[') {
			kinds |= k
		}
		i += start + len(w)
	}
	return kinds, rest
}

// firstWord returns the leading run of letters of s and what follows it.
func firstWord(s string) (word, after string) {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

func isUpper(w string) bool {
	return w != "" && strings.ToUpper(w) == w && strings.ToLower(w) != w
}
