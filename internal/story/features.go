package story

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// features are what a story is about, from its English headline and
// summary: the names in it (capitalised runs like "Kim Jong-un", "North
// Korea", "European Central Bank"), the single words of those names (so
// "Trump" meets "Donald Trump"), and key terms (other content words).
type features struct {
	names map[string]string // key ("kim jong un") → how this story writes it
	words map[string]bool   // the words of all names: "kim", "jong", "un"
	terms map[string]string // stem → word as written: "rais" → "raises"
}

type token struct {
	text       string // as written, without possessive
	key        string // lower case, dots dropped
	cap        bool   // starts with a capital
	acronym    bool   // all capitals, two letters or more: "US", "ECB"
	sentStart  bool
	gapBefore  bool // punctuation between this and the previous token
	possessive bool // "Korea's": a name ends here
}

// tokenize splits text into word tokens, noting sentence starts and
// punctuation between words (a comma ends a name: "Kim, Xi").
func tokenize(s string) []token {
	var out []token
	sentStart, gap := true, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordStart(r) {
			if !unicode.IsSpace(r) {
				gap = true
			}
			if r == '.' || r == '!' || r == '?' {
				sentStart = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			// Hyphens, apostrophes and dots may stand inside a word:
			// "Jong-un", "Korea's", "U.S".
			next, _ := utf8.DecodeRuneInString(s[j+size:])
			if !isWordStart(r) && !(strings.ContainsRune("-'’.", r) && isWordStart(next)) {
				break
			}
			j += size
		}
		// A word ends in a letter or digit, so "'s" is all a possessive
		// can end in, and the word does not start with it.
		t := token{sentStart: sentStart, gapBefore: gap}
		t.text, t.possessive = strings.CutSuffix(s[i:j], "'s")
		if !t.possessive {
			t.text, t.possessive = strings.CutSuffix(s[i:j], "’s")
		}
		first, _ := utf8.DecodeRuneInString(t.text)
		t.cap = unicode.IsUpper(first)
		letters := strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return -1
		}, t.text)
		t.acronym = utf8.RuneCountInString(letters) >= 2 && strings.ToUpper(letters) == letters && strings.ToLower(letters) != letters
		t.key = strings.ToLower(strings.ReplaceAll(t.text, ".", ""))
		out = append(out, t)
		sentStart, gap = false, false
		i = j
	}
	return out
}

func isWordStart(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isStop: a token that is never part of a name.
func (t token) isStop() bool {
	if t.acronym {
		return capsStop[t.key]
	}
	return stopwords[t.key]
}

// span is a candidate name: a run of one text's tokens.
type span []token

// nameSpans finds the capitalised runs of a text, split at stop words and
// trimmed of connectors: "Secretary of State Mike Pompeo" gives "Mike
// Pompeo"; "North Korea's leader Kim Jong-un" gives "North Korea" and "Kim
// Jong-un".
func nameSpans(toks []token) (spans []span, inName []bool) {
	inName = make([]bool, len(toks))
	// emit keeps toks[from:to] as a name, trimmed of connectors at its edges.
	emit := func(from, to int) {
		for from < to && !toks[from].cap {
			from++
		}
		for to > from && !toks[to-1].cap {
			to--
		}
		if from < to {
			spans = append(spans, toks[from:to])
			for k := from; k < to; k++ {
				inName[k] = true
			}
		}
	}
	start := 0 // the current run is toks[start:i]
	flush := func(end int) {
		for k := start; k < end; k++ {
			if toks[k].cap && toks[k].isStop() {
				emit(start, k)
				start = k + 1
			}
		}
		emit(start, end)
	}
	for i, t := range toks {
		joins := i > start && !t.gapBefore && !toks[i-1].possessive
		switch {
		case t.cap && (joins || i == start): // the run goes on
		case t.cap:
			flush(i)
			start = i
		case joins && connectors[t.key] && i+1 < len(toks) && toks[i+1].cap && !toks[i+1].gapBefore: // "of" in "Bank of England"
		default:
			flush(i)
			start = i + 1
		}
	}
	flush(len(toks))
	return spans, inName
}

func (s span) key() string {
	parts := make([]string, len(s))
	for i, t := range s {
		parts[i] = strings.ReplaceAll(t.key, "-", " ")
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func (s span) surface() string {
	parts := make([]string, len(s))
	for i, t := range s {
		parts[i] = t.text
	}
	return strings.Join(parts, " ")
}

// titleCase reports a headline Written Like This, whose capitals say
// nothing about names.
func titleCase(toks []token) bool {
	long, caps := 0, 0
	for _, t := range toks[min(1, len(toks)):] {
		if utf8.RuneCountInString(t.text) >= 4 && !t.acronym {
			long++
			if t.cap {
				caps++
			}
		}
	}
	return long >= 3 && caps*10 >= long*6
}

// text is one story's headline and summary, tokenised, with the names
// found in each.
type text []part

type part struct {
	toks   []token
	spans  []span
	inName []bool // toks[i] is in one of spans
}

func storyText(headline, summary string) text {
	var t text
	for _, s := range []string{headline, summary} {
		p := part{toks: tokenize(s)}
		if len(p.toks) == 0 {
			continue
		}
		if len(t) == 0 && titleCase(p.toks) {
			p.inName = make([]bool, len(p.toks)) // its capitals name nothing
		} else {
			p.spans, p.inName = nameSpans(p.toks)
		}
		t = append(t, p)
	}
	return t
}

// knownNames collects name words seen where a capital means a name (not at
// a sentence start), so "Kim leaves Beijing" can count "Kim" as a name
// when some summary wrote "leader Kim".
func knownNames(texts []text, known map[string]bool) {
	for _, tx := range texts {
		for _, p := range tx {
			for _, sp := range p.spans {
				if len(sp) == 1 && sp[0].sentStart {
					continue
				}
				for _, t := range sp {
					known[t.key] = true
				}
			}
		}
	}
}

func extract(tx text, known map[string]bool) features {
	f := features{names: map[string]string{}, words: map[string]bool{}, terms: map[string]string{}}
	for _, p := range tx {
		for _, sp := range p.spans {
			if len(sp) == 1 && sp[0].sentStart && !known[sp[0].key] {
				// "Talks stall": a capital only because it starts the
				// sentence. Let it count as a term below.
				continue
			}
			k := sp.key()
			if _, ok := f.names[k]; !ok {
				f.names[k] = sp.surface()
			}
			for _, w := range strings.Fields(k) {
				if !connectors[w] && !stopwords[w] {
					f.words[w] = true
				}
			}
		}
		for i, t := range p.toks {
			if p.inName[i] && !(t.sentStart && !known[t.key]) {
				continue
			}
			for _, w := range strings.Split(t.key, "-") {
				if st := stem(w); termOK(w) {
					if _, ok := f.terms[st]; !ok {
						f.terms[st] = w
					}
				}
			}
		}
	}
	// A word that is a name somewhere is not also a term.
	for w := range f.words {
		delete(f.terms, stem(w))
	}
	// "Trump" next to "Donald Trump" in one story is the same person: keep
	// the longer name only, so one person does not count twice.
	for k := range f.names {
		for other := range f.names {
			if other != k && len(other) > len(k) && containsWords(other, k) {
				delete(f.names, k)
				break
			}
		}
	}
	return f
}

func termOK(w string) bool {
	if utf8.RuneCountInString(w) < 4 || stopwords[w] {
		return false
	}
	return strings.IndexFunc(w, unicode.IsLetter) >= 0
}

// stem folds the inflections English summaries use, so "raises", "raised"
// and "raise" are one term. It only has to map related words together,
// not to produce a word; titles show the word as written.
func stem(w string) string {
	for _, suf := range []string{"ing", "ies", "ed", "es", "s"} {
		if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 3 &&
			!(suf == "s" && (strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"))) {
			w = strings.TrimSuffix(w, suf)
			if suf == "ies" {
				w += "y"
			}
			break
		}
	}
	return strings.TrimSuffix(w, "e")
}

// containsWords reports whether every word of short is a word of long.
func containsWords(long, short string) bool {
	words := strings.Fields(long)
	for _, w := range strings.Fields(short) {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return true
}
