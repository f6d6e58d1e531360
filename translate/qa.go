package translate

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brief-news/brief/prompts"
)

// Finding is one QA observation about a translation, for an editor: it goes
// to the manifest as a warning, into the article file as a visible note and
// onto the story in the briefing.
type Finding struct {
	// Code names the kind of finding (one of the Code* constants), for
	// programs; Message is the sentence for people.
	Code string `json:"code"`
	// Paragraph is the 1-based paragraph the finding is about, 0 for the
	// text as a whole.
	Paragraph int    `json:"paragraph,omitempty"`
	Message   string `json:"message"`
}

func (f Finding) String() string { return f.Message }

// Finding codes.
const (
	CodeSourceLanguage = "source-language"     // still (partly) in the source language
	CodeTargetLanguage = "not-target-language" // does not look like the target language
	CodeMissingNumber  = "missing-number"      // a number of the source is not in the translation
	CodeParagraphs     = "paragraph-count"     // paragraphs merged, split or dropped
	CodeLength         = "length-ratio"        // far shorter or longer than expected
	CodeChatter        = "chatter"             // preface, closing remark or code fence removed
	CodeControl        = "control-characters"  // control or invisible characters removed
	CodeInvalidUTF8    = "invalid-utf8"        // broken characters removed
	CodeRepetition     = "repetition"          // runaway repetition removed
	CodeEmpty          = "empty"               // no translation at all
)

// Messages returns the findings' messages, for Result.Warnings and the like.
func Messages(fs []Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

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
	fromName, toName := langName(from), langName(to)
	srcLang := baseLang(from) == "da" && baseLang(to) != "da"
	switch {
	case srcLang && stillDanish(whole, to, true):
		add(0, CodeSourceLanguage, "the translation seems to be still in %s", fromName)
	case wrongScript(whole, to, 20):
		add(0, CodeTargetLanguage, "the translation does not look like %s: most of its letters are not in the %s alphabet", toName, scriptName(scriptOf(to)))
	case baseLang(to) == "en" && !looksEnglish(whole, 20, 0.1):
		add(0, CodeTargetLanguage, "the translation does not look like English")
	default:
		for i, p := range translation {
			switch {
			case srcLang && stillDanish(p, to, false):
				add(i+1, CodeSourceLanguage, "%s seems to be still in %s", label(i), fromName)
			case wrongScript(p, to, 12):
				add(i+1, CodeTargetLanguage, "%s does not look like %s", label(i), toName)
			case baseLang(to) == "en" && !looksEnglish(p, 12, 0.04):
				add(i+1, CodeTargetLanguage, "%s does not look like English", label(i))
			}
		}
	}

	fs = append(fs, missingNumbers(source, whole, to, label)...)

	// Length: a much shorter translation has usually lost text; a much
	// longer one has gained commentary.
	want := expectedLengthRatio(to)
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

func langName(code string) string { return prompts.LanguageName(baseLang(code)) }

func scriptName(s script) string {
	switch s {
	case scriptLatin:
		return "Latin"
	case scriptCyrillic:
		return "Cyrillic"
	case scriptGreek:
		return "Greek"
	case scriptArabic:
		return "Arabic"
	case scriptHebrew:
		return "Hebrew"
	case scriptCJK:
		return "Chinese, Japanese or Korean"
	}
	return "expected"
}

// --- language ---------------------------------------------------------------

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// danishWords are frequent Danish function words that are not also common
// English words (so no "at", "for", "over", "under", "man", "her", "men").
var danishWords = wordSet(`og det der ikke til på af med som har var blev efter også hvor når siger
	sagde skal vil kan være været havde bliver deres mange alle hvad dette disse blandt mellem ifølge
	hos uden igen endnu siden meget fordi eller fra sig selv nogle ingen kun nu hvis skulle ville
	kunne både et en er den jeg vi hun ud mod op hvilket hvorfor noget andre sine sin sit samt mens
	nye ny får fik gik går kom første sammen derfor således dag år procent kroner mandag tirsdag
	onsdag torsdag fredag lørdag søndag`)

// Norwegian and Swedish share most function words with Danish; these are
// the frequent Danish ones they spell differently, used when the target is
// a Scandinavian language.
var danishNotNorwegian = wordSet(`af hvad efter blev havde ud mod nu siger sagde bliver været gik nogle
	noget mellem igennem blandt sådan hvilke fik`)
var danishNotSwedish = wordSet(`og ikke af hvad havde ud også være været siger sagde til når hun jeg
	hvor bliver meget nogle noget mellem blandt ifølge hvis deres kunne skulle ville`)

// englishWords are frequent English function words that are not also
// common Danish words (so no "to", "for", "by", "her", "at").
var englishWords = wordSet(`the of and in a is was that on with as from he she it said has have had be
	been were are will his their they an not but this which who would after also its there than about`)

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// stillDanish reports whether text reads as Danish. whole relaxes the
// thresholds slightly: a whole article gives more evidence than a paragraph.
func stillDanish(text, to string, whole bool) bool {
	ws := words(text)
	if len(ws) < 6 {
		return false
	}
	list, useLetters := danishWords, true
	switch baseLang(to) {
	case "nb", "no", "nn", "fo", "is":
		list, useLetters = danishNotNorwegian, false
	case "sv":
		list, useLetters = danishNotSwedish, false
	}
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
	letters, aoe := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			switch unicode.ToLower(r) {
			case 'æ', 'ø', 'å':
				aoe++
			}
		}
	}
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
	ws := words(text)
	if len(ws) < minWords {
		return true
	}
	hits := 0
	for _, w := range ws {
		if englishWords[w] {
			hits++
		}
	}
	return float64(hits)/float64(len(ws)) >= minRatio
}

// wrongScript reports whether most letters of text are outside the target
// language's script (a broken model answering in Chinese, say).
func wrongScript(text, to string, minLetters int) bool {
	sc := scriptOf(to)
	if sc == scriptUnknown {
		return false
	}
	letters, in := 0, 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if inScript(r, sc) {
				in++
			}
		}
	}
	return letters >= minLetters && float64(in) < 0.5*float64(letters)
}

// --- numbers ----------------------------------------------------------------

var (
	numberRe = regexp.MustCompile(`\d+(?:[.,:]\d+)*`)
	// yearRangeRe finds the shortened year ranges English likes ("1950-53").
	yearRangeRe = regexp.MustCompile(`\b(\d{2})(\d{2})\s*[-–]\s*(\d{2})\b`)
	klRe        = regexp.MustCompile(`(?i)\b(?:kl\.|klokken)\s*$`)
)

// scaleWords multiply the number before them: "1,2 mio." may become
// "1.2 million" or "1,200,000".
var scaleWords = map[string]int64{
	"thousand": 1e3, "thousands": 1e3, "tusind": 1e3, "tusinde": 1e3, "k": 1e3, "tausend": 1e3, "mille": 1e3,
	"million": 1e6, "millions": 1e6, "mio": 1e6, "mln": 1e6, "millioner": 1e6, "millionen": 1e6, "m": 1e6,
	"billion": 1e9, "billions": 1e9, "bn": 1e9, "mia": 1e9, "mia.": 1e9, "milliard": 1e9, "milliarder": 1e9, "milliarden": 1e9, "mrd": 1e9,
}

// englishNumberWords lets "3" in the source be "three" (or "third") in an
// English translation.
var englishNumberWords = map[string]int64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
	"thousand": 1000, "million": 1e6, "billion": 1e9, "dozen": 12, "once": 1, "twice": 2,
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
	"eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
}

type numberSet map[string]bool

func (s numberSet) addRat(r *big.Rat) { s[r.RatString()] = true }

// interpretations adds every value the number token tok can mean. Danish
// writes "1.200,5" where English writes "1,200.5"; source tokens are read the
// Danish way (or plainly when that fails), translation tokens every way, so
// the usual rewrites match and an ambiguous "1,200" is not a false alarm.
func interpretations(tok string, source bool, next string, set numberSet) {
	var vals []*big.Rat
	if v, ok := parseConvention(tok, '.', ','); ok {
		vals = append(vals, v)
	}
	if !source || len(vals) == 0 {
		if v, ok := parseConvention(tok, ',', '.'); ok {
			vals = append(vals, v)
		}
		if v, ok := parsePlain(tok); ok {
			vals = append(vals, v)
		}
	}
	for _, v := range vals {
		set.addRat(v)
		if m, ok := scaleWords[strings.ToLower(strings.TrimRight(next, ".,"))]; ok {
			set.addRat(new(big.Rat).Mul(v, new(big.Rat).SetInt64(m)))
		}
	}
	// Clock times: "14.30" may be "14:30", "2:30 pm" or "2.30pm".
	if h, m, ok := clock(tok); ok {
		set[fmt.Sprintf("t%d:%02d", h, m)] = true
		if !source && h <= 12 {
			set[fmt.Sprintf("t%d:%02d", (h+12)%24, m)] = true
		}
	}
}

// parseConvention reads tok with the given thousands and decimal separators.
func parseConvention(tok string, thousands, decimal byte) (*big.Rat, bool) {
	intPart, frac := tok, ""
	if i := strings.IndexByte(tok, decimal); i >= 0 {
		intPart, frac = tok[:i], tok[i+1:]
		if strings.ContainsAny(frac, ".,:") {
			return nil, false
		}
	}
	if strings.IndexByte(intPart, ':') >= 0 {
		return nil, false
	}
	groups := strings.Split(intPart, string(thousands))
	for i, g := range groups {
		if g == "" || (i > 0 && len(g) != 3) || (i == 0 && len(groups) > 1 && len(g) > 3) {
			return nil, false
		}
	}
	s := strings.Join(groups, "")
	if frac != "" {
		s += "." + frac
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// parsePlain reads a token with at most one separator as a decimal number.
func parsePlain(tok string) (*big.Rat, bool) {
	if strings.Count(tok, ".")+strings.Count(tok, ",")+strings.Count(tok, ":") != 1 || strings.Contains(tok, ":") {
		return nil, false
	}
	return new(big.Rat).SetString(strings.Replace(tok, ",", ".", 1))
}

func clock(tok string) (h, m int, ok bool) {
	i := strings.IndexAny(tok, ".:")
	if i < 1 || i > 2 || len(tok)-i-1 != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(tok[:i])
	m, err2 := strconv.Atoi(tok[i+1:])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// nextWord is the word right after position i in s (skipping spaces).
func nextWord(s string, i int) string {
	rest := strings.TrimLeft(s[i:], " \u00a0")
	if rest == "" {
		return ""
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || (r != '.' && unicode.IsPunct(r)) })
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// translationNumbers is every value the translation mentions.
func translationNumbers(text, to string) numberSet {
	set := numberSet{}
	for _, loc := range numberRe.FindAllStringIndex(text, -1) {
		interpretations(text[loc[0]:loc[1]], false, nextWord(text, loc[1]), set)
		// "1,200,000" is also 1200 000 read with spaces: nothing to add; but
		// a lone token split by a decimal point may be two numbers in a
		// score or date written "2.1" — add the parts too.
		for _, part := range strings.FieldsFunc(text[loc[0]:loc[1]], func(r rune) bool { return r == '.' || r == ',' || r == ':' }) {
			if v, ok := new(big.Rat).SetString(part); ok {
				set.addRat(v)
			}
		}
	}
	for _, m := range yearRangeRe.FindAllStringSubmatch(text, -1) {
		if v, ok := new(big.Rat).SetString(m[1] + m[3]); ok {
			set.addRat(v)
		}
	}
	if baseLang(to) == "en" {
		ws := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
		for i, w := range ws {
			var n int64 = -1
			if v, ok := englishNumberWords[w]; ok {
				n = v
			} else if a, b, ok := strings.Cut(w, "-"); ok { // "twenty-five"
				if x, ok1 := englishNumberWords[a]; ok1 {
					if y, ok2 := englishNumberWords[b]; ok2 && x >= 20 && y < 10 {
						n = x + y
					}
				}
			}
			if n < 0 {
				continue
			}
			v := new(big.Rat).SetInt64(n)
			set.addRat(v)
			if i+1 < len(ws) {
				if m, ok := scaleWords[ws[i+1]]; ok {
					set.addRat(new(big.Rat).Mul(v, new(big.Rat).SetInt64(m)))
				}
			}
		}
	}
	return set
}

// missingNumbers lists the source numbers the translation does not mention
// in any usual notation.
func missingNumbers(source []string, translation, to string, label func(int) string) []Finding {
	have := translationNumbers(translation, to)
	type miss struct {
		tok string
		par int
	}
	var missing []miss
	seen := map[string]bool{}
	for pi, p := range source {
		for _, loc := range numberRe.FindAllStringIndex(p, -1) {
			tok := p[loc[0]:loc[1]]
			if seen[tok] {
				continue
			}
			seen[tok] = true
			want := numberSet{}
			interpretations(tok, true, nextWord(p, loc[1]), want)
			// "kl. 14" is "2 pm" in English.
			if n, err := strconv.Atoi(tok); err == nil && n >= 13 && n <= 23 && klRe.MatchString(p[:loc[0]]) {
				want.addRat(new(big.Rat).SetInt64(int64(n - 12)))
			}
			found := false
			for k := range want {
				if have[k] {
					found = true
					break
				}
			}
			if !found && len(want) == 0 { // unparseable token (a date like 3.1.2019): check its parts
				found = true
				for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '.' || r == ',' || r == ':' }) {
					if v, ok := new(big.Rat).SetString(part); ok && !have[v.RatString()] {
						found = false
					}
				}
			}
			if !found {
				missing = append(missing, miss{tok, pi})
			}
		}
	}
	if len(missing) > 5 {
		toks := make([]string, len(missing))
		for i, m := range missing {
			toks[i] = m.tok
		}
		return []Finding{{Code: CodeMissingNumber, Message: fmt.Sprintf("%d numbers from the source are missing in the translation: %s", len(missing), strings.Join(toks, ", "))}}
	}
	var fs []Finding
	for _, m := range missing {
		fs = append(fs, Finding{Code: CodeMissingNumber, Paragraph: m.par + 1,
			Message: fmt.Sprintf("number %s from the source (%s) is missing in the translation", m.tok, label(m.par))})
	}
	return fs
}

// --- cleaning ---------------------------------------------------------------

var (
	fenceRe   = regexp.MustCompile("(?m)^[ \t]*```[\\w+-]*[ \t]*$\n?")
	tagRe     = regexp.MustCompile(`(?i)</?(?:article|translation)>`)
	contextRe = regexp.MustCompile(`(?is)<context>.*?</context>`)

	// Prefaces are matched on the first line only.
	prefaceRes = []*regexp.Regexp{
		// "Sure!" or "Certainly." on a line of its own.
		regexp.MustCompile(`(?i)^(?:sure|certainly|of course|absolutely|okay|ok|alright|gladly)\s*[!.]?\s*$`),
		// "Sure! Here is the translation of the article into English:"
		regexp.MustCompile(`(?i)^(?:(?:sure|certainly|of course|absolutely|okay|ok|alright|gladly)\s*[!.,]\s*)?(?:here(?:'s| is| are)|below is|the following is)\b[^\n:]{0,150}?\b(?:translat\w*|version|rendering)\b[^\n:]{0,80}(?::\s*|\s*$)`),
		// "I'll translate the article:" / "Let me translate this."
		regexp.MustCompile(`(?i)^(?:i'll|i will|let me|i'm going to|i am going to) translate\b[^\n]*$`),
		// "**English translation:**", "# Translation", "Translation:" alone
		regexp.MustCompile(`(?i)^[*_#\s]*(?:[a-z]+ )?translation(?: (?:into|to|in) [a-z]+| of the (?:article|text))?[*_\s]*:?[*_\s]*$`),
		// "Translation: Kim Jong-un left ..." keeps what follows.
		regexp.MustCompile(`(?i)^(?:[a-z]+ )?translation:\s+`),
		// Danish prefaces from models that answer in the source language.
		regexp.MustCompile(`(?i)^(?:selvfølgelig|naturligvis|ja)?[!.,]?\s*her er (?:den |min )?oversættelse\w*[^\n:]{0,80}(?::\s*|\s*$)`),
	}
	// Closing remarks are matched against the last paragraphs and sentences.
	closingRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(?:i hope (?:this|that|it|the translation)\b.{0,30}\b(?:helps|helpful|meets|needs|what you)|hope this helps|(?:please )?let me know\b|feel free\b|if you (?:need|have|want|would like) (?:any|more|further|anything|me)\b|is there anything else|do you (?:need|want) (?:any|more|anything)\b|(?:i'm |i am )?(?:happy|glad) to help)`),
		regexp.MustCompile(`(?i)^\(?\s*(?:translator'?s? note|note from the translator|note on the translation|note:[^\n]*\btranslat)`),
		regexp.MustCompile(`(?i)^(?:i have|i've|i kept|i translated|i used|i tried|i did)\b[^\n]*\btranslat\w*`),
		regexp.MustCompile(`(?i)^(?:the (?:above )?translation|this translation)\b[^\n]*\b(?:keeps|preserves|follows|maintains|is|has been)\b`),
		regexp.MustCompile(`(?i)^(?:lad mig vide|jeg håber)\b`),
	}
	// Sentences end at end punctuation, or at a line break (lists, lines
	// of verse or results without punctuation).
	sentenceEndRe = regexp.MustCompile(`[.!?…]["”»)]?\s+|\n+`)
)

// Clean removes what a model adds around an answer and what small or broken
// models emit by mistake, and says what it removed: invalid UTF-8, control
// and invisible formatting characters, code fences, prompt markup copied back
// (<article>, <context>…</context>), a preface ("Sure! Here is the
// translation:"), a closing remark ("Let me know if…", translator's notes)
// and runaway repetition (a paragraph, sentence or phrase repeated over and
// over). Paragraphs stay separated by blank lines. Only text at the start or
// end is treated as chatter, so the body of a translation is never cut.
func Clean(text string) (string, []Finding) {
	var fs []Finding
	add := func(code, msg string) { fs = append(fs, Finding{Code: code, Message: msg}) }

	if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
		text = strings.ReplaceAll(strings.ToValidUTF8(text, ""), string(utf8.RuneError), "")
		add(CodeInvalidUTF8, "the model's answer contained broken characters (invalid UTF-8); they were removed")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	removed := 0
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r == '\r' || unicode.IsControl(r) || isInvisible(r):
			removed++
			return -1
		}
		return r
	}, text)
	if removed > 0 {
		add(CodeControl, fmt.Sprintf("removed %d control or invisible character(s) from the model's answer", removed))
	}

	if fenceRe.MatchString(text) {
		text = fenceRe.ReplaceAllString(text, "")
		add(CodeChatter, "removed a code fence (```) the model put around its answer")
	}
	if contextRe.MatchString(text) || tagRe.MatchString(text) {
		text = contextRe.ReplaceAllString(text, "")
		text = tagRe.ReplaceAllString(text, "")
		add(CodeChatter, "removed prompt markup the model copied into its answer")
	}

	text = strings.TrimSpace(text)
	for {
		line, rest, _ := strings.Cut(text, "\n")
		cut := ""
		for _, re := range prefaceRes {
			if loc := re.FindStringIndex(line); loc != nil && loc[0] == 0 {
				cut = line[:loc[1]]
				text = strings.TrimSpace(line[loc[1]:] + "\n" + rest)
				break
			}
		}
		if cut == "" {
			break
		}
		add(CodeChatter, fmt.Sprintf("removed the model's preface %q", clip(strings.TrimSpace(cut), 60)))
	}

	paras := splitParagraphs(text)
	for len(paras) > 0 {
		last := paras[len(paras)-1]
		if matchAny(closingRes, last) {
			add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", clip(last, 60)))
			paras = paras[:len(paras)-1]
			continue
		}
		// A closing remark glued to the last sentence of the text.
		sents := splitSentences(last)
		if len(sents) > 1 && matchAny(closingRes, sents[len(sents)-1]) {
			add(CodeChatter, fmt.Sprintf("removed the model's closing remark %q", clip(sents[len(sents)-1], 60)))
			paras[len(paras)-1] = strings.TrimSpace(strings.Join(sents[:len(sents)-1], ""))
			continue
		}
		break
	}

	paras, rep := removeRepetition(paras)
	if rep {
		add(CodeRepetition, "removed runaway repetition from the model's answer (a phrase, sentence or paragraph repeated over and over)")
	}
	return strings.Join(paras, "\n\n"), fs
}

// attributionRe finds a quotation's attribution ("…, says the mayor"):
// such a sentence is the article's, never the model's chatter.
var attributionRe = regexp.MustCompile(`(?i)\b(?:says|said|siger|sagde|tells|told|writes|wrote|skriver)\b`)

func matchAny(res []*regexp.Regexp, s string) bool {
	s = strings.TrimSpace(s)
	if attributionRe.MatchString(s) {
		return false
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// isInvisible is the formatting characters that have no business in news
// text: zero-width spaces, byte order marks, bidirectional overrides.
func isInvisible(r rune) bool {
	switch {
	case r == '\u200b', r == '\ufeff', r == '\u2060', r == '\u00ad':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// splitSentences splits after sentence-ending punctuation, keeping every
// character (so joining the parts gives the text back).
func splitSentences(p string) []string {
	var out []string
	start := 0
	for _, loc := range sentenceEndRe.FindAllStringIndex(p, -1) {
		out = append(out, p[start:loc[1]])
		start = loc[1]
	}
	if start < len(p) {
		out = append(out, p[start:])
	}
	return out
}

// removeRepetition collapses what a looping model produces: the same
// paragraph twice or more in a row, the same sentence three times or more
// in a row, a phrase of 2–12 words three times or more in a row, a word four
// times or more in a row, and one character 30 times or more in a row.
func removeRepetition(paras []string) ([]string, bool) {
	changed := false
	var out []string
	for _, p := range paras {
		if len(out) > 0 && utf8.RuneCountInString(p) >= 20 && normalized(out[len(out)-1]) == normalized(p) {
			changed = true
			continue
		}
		if q := collapseSentences(p); q != p {
			p, changed = q, true
		}
		if q := collapseWords(p); q != p {
			p, changed = q, true
		}
		if q := collapseRuns(p); q != p {
			p, changed = q, true
		}
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out, changed
}

func normalized(s string) string { return strings.ToLower(collapseSpace(s)) }

// collapseSentences removes a run of 1–6 sentences repeated right after
// itself: three times for a single sentence (twice can be deliberate:
// "No. No."), twice for a longer run, which natural text never does.
func collapseSentences(p string) string {
	sents := splitSentences(p)
	if len(sents) < 3 {
		return p
	}
	keys := make([]string, len(sents))
	for i, s := range sents {
		keys[i] = normalized(s)
	}
	same := func(a, b, m int) bool {
		for k := 0; k < m; k++ {
			if keys[a+k] != keys[b+k] {
				return false
			}
		}
		return true
	}
	changed := false
	for m := 1; m <= 6; m++ {
		need := 2
		if m == 1 {
			need = 3
		}
		var outS, outK []string
		for i := 0; i < len(sents); {
			reps := 1
			for i+(reps+1)*m <= len(sents) && same(i, i+reps*m, m) {
				reps++
			}
			if reps >= need {
				outS = append(outS, sents[i:i+m]...)
				outK = append(outK, keys[i:i+m]...)
				i += reps * m
				changed = true
				continue
			}
			outS = append(outS, sents[i])
			outK = append(outK, keys[i])
			i++
		}
		sents, keys = outS, outK
	}
	if !changed {
		return p
	}
	return strings.TrimSpace(strings.Join(sents, ""))
}

func collapseWords(p string) string {
	ws := strings.Fields(p)
	if len(ws) < 4 {
		return p
	}
	key := func(w string) string {
		return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	}
	keys := make([]string, len(ws))
	for i, w := range ws {
		keys[i] = key(w)
	}
	same := func(a, b, n int) bool {
		for k := 0; k < n; k++ {
			if keys[a+k] != keys[b+k] || keys[a+k] == "" {
				return false
			}
		}
		return true
	}
	changed := false
	for n := 1; n <= 12; n++ {
		need := 3
		if n == 1 {
			need = 4
		}
		var outW, outK []string
		for i := 0; i < len(ws); {
			reps := 1
			for i+(reps+1)*n <= len(ws) && same(i, i+reps*n, n) {
				reps++
			}
			if reps >= need {
				outW = append(outW, ws[i:i+n]...)
				outK = append(outK, keys[i:i+n]...)
				i += reps * n
				changed = true
				continue
			}
			outW = append(outW, ws[i])
			outK = append(outK, keys[i])
			i++
		}
		ws, keys = outW, outK
	}
	if !changed {
		return p
	}
	return strings.Join(ws, " ")
}

func collapseRuns(p string) string {
	rs := []rune(p)
	var out []rune
	changed := false
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		if j-i >= 30 {
			out = append(out, rs[i], rs[i], rs[i])
			changed = true
		} else {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	if !changed {
		return p
	}
	return string(out)
}
