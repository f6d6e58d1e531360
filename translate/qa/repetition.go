package qa

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repetition removal. Small models loop: they write a paragraph, sentence,
// phrase, word or character over and over. But wire copy repeats too (a
// background paragraph or a quotation in an update), and a faithful
// translation repeats what its source repeats. So a repetition is runaway
// only beyond what the source part has: when the source repeats something k
// times in a row, its translation may repeat a unit k times in a row, and
// only the copies beyond k are removed.

// Thresholds without a repeat in the source: how many copies in a row make
// a loop (twice can be deliberate for a sentence, "No. No.", or a word).
const (
	loopParagraphs = 2  // the same paragraph twice in a row
	loopSentence   = 3  // one sentence three times in a row
	loopSentences  = 2  // a run of 2–6 sentences twice in a row
	loopWord       = 4  // one word four times in a row
	loopPhrase     = 3  // a phrase of 2–12 words three times in a row
	loopCharacters = 30 // one character 30 times in a row
	keepCharacters = 3  // what is left of a character run
	maxSentenceRun = 6
	maxPhraseWords = 12
)

// repeatLimits says how often units may repeat in a row within a paragraph
// of a translation, learned from its source: sentences and phrases as
// often as the source repeats a sentence or phrase (the count survives
// translation, the unit length need not), characters as long as the
// source's longest run of one character.
type repeatLimits struct {
	text, chars int
}

// paragraphLimits is how often a paragraph may repeat in a row: as often
// as the source repeats one.
func paragraphLimits(source []string) int {
	return max(1, maxRepeats(sentenceKeys(source), 1))
}

// textLimits is what source text (one paragraph or a whole chunk) allows
// within a paragraph.
func textLimits(source []string) repeatLimits {
	l := repeatLimits{text: 1, chars: 1}
	for _, p := range source {
		sents, words := sentenceKeys(Sentences(p)), wordKeys(strings.Fields(p))
		l.text = max(l.text, maxRepeats(sents, maxSentenceRun), maxRepeats(words, maxPhraseWords))
		l.chars = max(l.chars, longestCharRun(p))
	}
	return l
}

// removeRepetition collapses runaway repetition in paras, the paragraphs of
// an answer to the source paragraphs source (nil when unknown: then nothing
// counts as repeated in the source). It returns the paragraphs kept, a note
// on each removal for the finding, and the 0-based paragraph of the kept
// ones that the first was in.
func removeRepetition(paras, source []string) (out, notes []string, first int) {
	paras, notes, first = collapseParagraphs(paras, paragraphLimits(source))
	aligned := len(paras) == len(source)
	var whole repeatLimits
	if !aligned {
		whole = textLimits(source)
	}
	for i, p := range paras {
		lim := whole
		if aligned {
			lim = textLimits(source[i : i+1])
		}
		q, what := collapseText(p, lim)
		if len(notes) == 0 {
			first = len(out)
		}
		notes = append(notes, what...)
		if strings.TrimSpace(q) != "" {
			out = append(out, q)
		}
	}
	return out, notes, first
}

// collapseParagraphs cuts a paragraph repeated in a row beyond keep copies
// down to keep copies. Short paragraphs (a dash, "No.") are left alone.
func collapseParagraphs(paras []string, keep int) (out, notes []string, first int) {
	for i := 0; i < len(paras); {
		j := i + 1
		for j < len(paras) && normalized(paras[j]) == normalized(paras[i]) {
			j++
		}
		n := j - i
		if n >= max(loopParagraphs, keep+1) && utf8.RuneCountInString(paras[i]) >= 20 {
			if len(notes) == 0 {
				first = len(out)
			}
			notes = append(notes, repeatNote("a paragraph", paras[i], n, keep))
			out = append(out, paras[i:i+keep]...)
		} else {
			out = append(out, paras[i:j]...)
		}
		i = j
	}
	return out, notes, first
}

// collapseText removes runaway sentences, phrases, words and characters
// within one paragraph.
func collapseText(p string, lim repeatLimits) (string, []string) {
	p, removed := collapseSentences(p, lim.text)
	p, words := collapseWords(p, lim.text)
	removed = append(removed, words...)
	if q, n := collapseRuns(p, lim.chars); n > 0 {
		p, removed = q, append(removed, fmt.Sprintf("a character repeated %d times", n))
	}
	return p, removed
}

// repeatNote describes one removal: what was repeated, how often, and how
// often the source has it.
func repeatNote(kind, text string, n, keep int) string {
	src := "once"
	if keep > 1 {
		src = fmt.Sprintf("%d times", keep)
	}
	return fmt.Sprintf("%s repeated %d times in a row where the source has it %s (%q)", kind, n, src, Clip(strings.TrimSpace(text), 40))
}

// normalized is s as compared for repetition: case and spacing ignored.
func normalized(s string) string { return strings.ToLower(CollapseSpace(s)) }

func sentenceKeys(sents []string) []string {
	keys := make([]string, len(sents))
	for i, s := range sents {
		keys[i] = normalized(s)
	}
	return keys
}

func wordKeys(ws []string) []string {
	keys := make([]string, len(ws))
	for i, w := range ws {
		keys[i] = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	}
	return keys
}

// collapseSentences removes a run of 1–6 sentences repeated right after
// itself beyond what is looping (loopSentence, loopSentences) and beyond
// keep copies, leaving keep copies.
func collapseSentences(p string, keep int) (string, []string) {
	sents := Sentences(p)
	sents, reps := collapseRepeats(sents, sentenceKeys(sents), maxSentenceRun, loopSentence, loopSentences, keep)
	if reps == nil {
		return p, nil
	}
	return strings.TrimSpace(strings.Join(sents, "")), notes("a sentence", "", reps, keep)
}

// collapseWords removes a phrase of 1–12 words repeated right after itself
// beyond what is looping (loopWord, loopPhrase) and beyond keep copies.
// Words compare without case and punctuation.
func collapseWords(p string, keep int) (string, []string) {
	ws := strings.Fields(p)
	ws, reps := collapseRepeats(ws, wordKeys(ws), maxPhraseWords, loopWord, loopPhrase, keep)
	if reps == nil {
		return p, nil
	}
	return strings.Join(ws, " "), notes("a phrase", " ", reps, keep)
}

// repeat is one run cut down: its unit and how many copies there were.
type repeat struct {
	unit   []string
	copies int
}

func notes(kind, sep string, reps []repeat, keep int) []string {
	out := make([]string, len(reps))
	for i, r := range reps {
		out[i] = repeatNote(kind, strings.Join(r.unit, sep), r.copies, keep)
	}
	return out
}

// collapseRepeats is the one algorithm behind collapseSentences and
// collapseWords. For each unit length n from 1 to maxLen, a run of n items
// followed by copies of itself is cut down to keep copies when it has more
// than keep copies and is a loop: needOne copies or more of a single item,
// needMany of a longer unit. Items compare by key; an empty key (a sentence
// or word with nothing to compare) never matches, so blank pieces are never
// collapsed. Each unit length costs one pass (see repeatRuns).
func collapseRepeats(items, keys []string, maxLen, needOne, needMany, keep int) ([]string, []repeat) {
	var reps []repeat
	for n := 1; n <= maxLen; n++ {
		need := needMany
		if n == 1 {
			need = needOne
		}
		need = max(need, keep+1)
		run := repeatRuns(keys, n)
		var outI, outK []string
		for i := 0; i < len(items); {
			if copies := run[i]/n + 1; copies >= need {
				outI = append(outI, slices.Repeat(items[i:i+n], keep)...)
				outK = append(outK, slices.Repeat(keys[i:i+n], keep)...)
				reps = append(reps, repeat{unit: items[i : i+n], copies: copies})
				i += copies * n
				continue
			}
			outI = append(outI, items[i])
			outK = append(outK, keys[i])
			i++
		}
		items, keys = outI, outK
	}
	return items, reps
}

// repeatRuns says, for each position i, for how many positions from i on
// each key equals the one n further (empty keys never do): the unit of n
// keys at i is followed by run[i]/n copies of itself. One pass from the
// end, so a text of one word repeated costs its length, not its square.
func repeatRuns(keys []string, n int) []int {
	run := make([]int, len(keys)+1)
	for i := len(keys) - n - 1; i >= 0; i-- {
		if keys[i] != "" && keys[i] == keys[i+n] {
			run[i] = run[i+1] + 1
		}
	}
	return run
}

// maxRepeats is the most copies in a row of any unit of 1 to maxLen keys.
func maxRepeats(keys []string, maxLen int) int {
	best := 1
	for n := 1; n <= maxLen; n++ {
		for _, r := range repeatRuns(keys, n) {
			best = max(best, r/n+1)
		}
	}
	return best
}

// longestCharRun is the length of the longest run of one character in s.
func longestCharRun(s string) int {
	best, run := 0, 0
	var prev rune = -1
	for _, r := range s {
		if r == prev {
			run++
		} else {
			run = 1
		}
		prev = r
		best = max(best, run)
	}
	return best
}

// collapseRuns cuts one character repeated loopCharacters times or more in
// a row, and longer than the source's longest run keep, down to
// keepCharacters (or keep) copies; n is the longest run it cut.
func collapseRuns(p string, keep int) (string, int) {
	need := max(loopCharacters, keep+1)
	left := max(keepCharacters, keep)
	rs := []rune(p)
	var out []rune
	cut := 0
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		if j-i >= need {
			out = append(out, slices.Repeat(rs[i:i+1], left)...)
			cut = max(cut, j-i)
		} else {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	if cut == 0 {
		return p, 0
	}
	return string(out), cut
}
