package story

import (
	_ "embed"
	"strings"
)

// stopwords are English words that say nothing about which story a
// headline or summary is about: function words, reporting verbs, dates,
// titles in front of names, and the agencies and home country every story
// in a Danish wire briefing mentions. Any of them in capitals ("On Monday",
// "President Trump") is not part of a name either.
var stopwords = toSet(stopwordList)

//go:embed stopwords.txt
var stopwordList string

// capsStop are acronyms that are not what a story is about: agencies and
// media. Other all-capital words (US, EU, NATO, ECB) are names.
var capsStop = toSet(`afp ap dpa tt ntb bbc cnn tv ok`)

// connectors may stand inside a name: "Bank of England", "Charles de Gaulle".
var connectors = toSet(`of de der den van von la le du da al bin el y`)

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
