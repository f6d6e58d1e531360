package lang

import (
	"strings"
	"unicode"
)

// WordSet is a set of lower-case words.
type WordSet map[string]bool

func wordSet(s string) WordSet {
	m := WordSet{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Words splits text into lower-case words of letters only.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// DanishWords are frequent Danish function words that are not also common
// English words (so no "at", "for", "over", "under", "man", "her", "men").
var DanishWords = wordSet(`og det der ikke til på af med som har var blev efter også hvor når siger
	sagde skal vil kan være været havde bliver deres mange alle hvad dette disse blandt mellem ifølge
	hos uden igen endnu siden meget fordi eller fra sig selv nogle ingen kun nu hvis skulle ville
	kunne både et en er den jeg vi hun ud mod op hvilket hvorfor noget andre sine sin sit samt mens
	nye ny får fik gik går kom første sammen derfor således dag år procent kroner mandag tirsdag
	onsdag torsdag fredag lørdag søndag`)

// DanishNotNorwegian and DanishNotSwedish are the frequent Danish function
// words that Norwegian (and Faroese, Icelandic) or Swedish spell
// differently: those languages share most function words with Danish, so
// only these tell Danish apart from them.
var (
	DanishNotNorwegian = wordSet(`af hvad efter blev havde ud mod nu siger sagde bliver været gik nogle
	noget mellem igennem blandt sådan hvilke fik`)
	DanishNotSwedish = wordSet(`og ikke af hvad havde ud også være været siger sagde til når hun jeg
	hvor bliver meget nogle noget mellem blandt ifølge hvis deres kunne skulle ville`)
)

// DanishDistinctWords is the word list that tells Danish apart from the
// target language to, and whether Danish letters (æ, ø, å) and the
// lower-case "i" add evidence: they do against English and most languages,
// not against the other Scandinavian ones, which share them.
func DanishDistinctWords(to string) (list WordSet, lettersCount bool) {
	switch Base(to) {
	case "nb", "no", "nn", "fo", "is":
		return DanishNotNorwegian, false
	case "sv":
		return DanishNotSwedish, false
	}
	return DanishWords, true
}

// IsDanishLetter reports whether r is one of the letters Danish has and
// English lacks.
func IsDanishLetter(r rune) bool {
	switch unicode.ToLower(r) {
	case 'æ', 'ø', 'å':
		return true
	}
	return false
}

// EnglishWords are frequent English function words that are not also
// common Danish words (so no "to", "for", "by", "her", "at").
var EnglishWords = wordSet(`the of and in a is was that on with as from he she it said has have had be
	been were are will his their they an not but this which who would after also its there than about`)

// ScaleWords multiply the number before them, in Danish, English and a few
// neighbours: "1,2 mio." may become "1.2 million" or "1,200,000".
var ScaleWords = map[string]int64{
	"thousand": 1e3, "thousands": 1e3, "tusind": 1e3, "tusinde": 1e3, "k": 1e3, "tausend": 1e3, "mille": 1e3,
	"million": 1e6, "millions": 1e6, "mio": 1e6, "mln": 1e6, "millioner": 1e6, "millionen": 1e6, "m": 1e6,
	"billion": 1e9, "billions": 1e9, "bn": 1e9, "mia": 1e9, "mia.": 1e9, "milliard": 1e9, "milliarder": 1e9, "milliarden": 1e9, "mrd": 1e9,
}

// EnglishNumberWords lets "3" in the source be "three" (or "third") in an
// English translation.
var EnglishNumberWords = map[string]int64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
	"thousand": 1000, "million": 1e6, "billion": 1e9, "dozen": 12, "once": 1, "twice": 2,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
	"eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}
