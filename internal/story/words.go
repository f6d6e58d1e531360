package story

import "strings"

// stopwords are English words that say nothing about which story a
// headline or summary is about: function words, reporting verbs, dates,
// titles in front of names, and the agencies and home country every story
// in a Danish wire briefing mentions. Any of them in capitals ("On Monday",
// "President Trump") is not part of a name either.
var stopwords = toSet(`
a about above after again against ago all also am among an and another any are around as at
be been before being below between both but by can could did do does doing down during each
either else ever every few for from further had has have having he her here hers him his how
however i if in into is it its itself just least less like made make many may me might more
most much must my near neither never new no nor not now of off on once one only or other our
out over own per rather same say says said see seen she should since so some still such than
that the their theirs them then there these they this those though through thus to too under
until up upon us very via was we were what when where whether which while who whom whose why
will with within without would yet you your
according added adds announced asked believes claims comment comments confirmed described
expected including reported reports reportedly saying stated statement statements told tells
writes wrote
today tonight yesterday tomorrow week weeks weekend month months year years day days time
morning afternoon evening night earlier later last next first second third recent recently
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
mr mrs ms dr president presidents prime minister ministers secretary chairman chairwoman
chair leader leaders chief head spokesman spokeswoman spokesperson official officials
foreign state general king queen prince princess sir lord
news agency agencies source sources newspaper report
ritzau reuters afp ap dpa tt ntb bloomberg
denmark danish dane danes
people percent number part
`)

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
