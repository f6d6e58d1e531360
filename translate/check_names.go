package translate

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The names check: the names of people and organisations in the source
// must be in the translation. A model that "corrects" or garbles a name
// ("Pompeo" to "Pompei") is caught, and so is a source that spells one name
// two ways (the wire once wrote "Kim Yong-un" for Kim Jong-un): the
// translation should not silently fix the source, so the editor sees it.

// name is a name found in a source paragraph.
type name struct {
	text string // as written, possessive ending removed
	para int    // 0-based source paragraph
}

var (
	// nameWordRe is a word that may be part of a name: letters, with
	// hyphens and apostrophes inside ("Jong-un", "O'Brien", "USA's").
	nameWordRe = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-'’][\p{L}\p{M}\p{N}]+)*`)
	// sentenceStartRe ends where a sentence begins: the paragraph's start
	// (after a dash-quote or quotation marks) or after end punctuation.
	sentenceEndBefore = regexp.MustCompile(`(?:^|[.!?:;])[\s"'“”«»()\-–—]*$`)
)

func isUpper(r rune) bool { return unicode.IsUpper(r) }

// capitalised is a word that starts with a capital letter ("Pompeo",
// "FC", "Jong-un" is not: it continues a name after a hyphen only).
func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return isUpper(r)
}

// sourceNames finds the capitalised multi-word names of a paragraph: runs
// of two or more capitalised words separated by single spaces. A run that
// starts a sentence loses its first word (any word is capitalised there),
// and a possessive ending ("'s", "’s") is dropped.
func sourceNames(p string, para int) []name {
	var out []name
	locs := nameWordRe.FindAllStringIndex(p, -1)
	for i := 0; i < len(locs); {
		if !capitalised(p[locs[i][0]:locs[i][1]]) {
			i++
			continue
		}
		j := i + 1
		for j < len(locs) && capitalised(p[locs[j][0]:locs[j][1]]) && p[locs[j-1][1]:locs[j][0]] == " " {
			j++
		}
		start := i
		if sentenceEndBefore.MatchString(p[:locs[i][0]]) {
			start++
		}
		if j-start >= 2 {
			text := p[locs[start][0]:locs[j-1][1]]
			for _, suf := range []string{"'s", "’s", "'", "’"} {
				text = strings.TrimSuffix(text, suf)
			}
			out = append(out, name{text: text, para: para})
		}
		i = j
	}
	return out
}

// normName folds what may differ between correct spellings of one name:
// case, hyphens and spaces ("Kim Jong-un", "Kim Jong Un"), apostrophes,
// and the Danish and German letters English writes as two ("Kjærsgaard",
// "Kjaersgaard"). Punctuation becomes a space.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'æ', 'ä':
			b.WriteString("ae")
		case 'ø', 'ö':
			b.WriteString("oe")
		case 'å':
			b.WriteString("aa")
		case 'ü':
			b.WriteString("ue")
		case '\'', '’':
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// exonyms are the English forms of Danish place, country and institution
// names, whole or word by word, that a faithful translation uses instead.
var exonyms = map[string][]string{
	"koebenhavn": {"copenhagen"}, "danmark": {"denmark"}, "danmarks": {"denmark s", "danish"},
	"nordkorea": {"north korea"}, "sydkorea": {"south korea"}, "tyskland": {"germany"},
	"frankrig": {"france"}, "sverige": {"sweden"}, "norge": {"norway"}, "island": {"iceland"},
	"islands": {"iceland s", "icelandic"}, "groenland": {"greenland"}, "faeroeerne": {"faroe islands", "faroes"},
	"hamborg": {"hamburg"}, "rusland": {"russia"}, "kina": {"china"}, "holland": {"netherlands"},
	"belgien": {"belgium"}, "italien": {"italy"}, "spanien": {"spain"}, "graekenland": {"greece"},
	"tyrkiet": {"turkey", "tuerkiye"}, "polen": {"poland"}, "oestrig": {"austria"}, "schweiz": {"switzerland"},
	"storbritannien": {"britain", "great britain", "united kingdom", "uk"}, "usa": {"us", "united states", "america"},
	"fn": {"un", "united nations"}, "bruxelles": {"brussels"}, "aarhus": {"aarhus", "arhus"},
	"helsingoer": {"elsinore", "helsingor"}, "jylland": {"jutland"}, "sjaelland": {"zealand"}, "fyn": {"funen"},
	"mellemoesten": {"middle east"}, "ukraine": {"ukraine"}, "japan": {"japan"}, "indien": {"india"},
	"egypten": {"egypt"}, "irak": {"iraq"}, "syrien": {"syria"}, "libanon": {"lebanon"}, "finland": {"finland"},
	"estland": {"estonia"}, "letland": {"latvia"}, "litauen": {"lithuania"}, "tjekkiet": {"czech republic", "czechia"},
	"ungarn": {"hungary"}, "rumaenien": {"romania"}, "portugal": {"portugal"}, "mexico": {"mexico"},
	"det hvide hus": {"white house"}, "den europaeiske union": {"european union", "eu"},
	"den europaeiske centralbank": {"european central bank", "ecb"}, "den koreanske halvoe": {"korean peninsula"},
	"de forenede nationer": {"united nations", "un"}, "forenede nationer": {"united nations", "un"},
	"danmarks nationalbank": {"danmarks nationalbank", "national bank of denmark", "danish central bank"},
	"det europaeiske raad":  {"european council"}, "europa parlamentet": {"european parliament"},
	"fc koebenhavn": {"fc copenhagen", "fc koebenhavn"}, "islands brygge": {"islands brygge"},
}

// institutionWords mark a name that a translation rightly translates (a
// body, a place described in Danish words): when such a name is missing,
// the check gives the benefit of the doubt rather than a false alarm.
var institutionWords = regexp.MustCompile(`(?i)^(?:det|den|de)$|(?:råd|rådet|ministerium|ministeriet|parti|partiet|styrelse|styrelsen|kommune|region|regionen|domstol|domstolen|universitet|hospital|hospitalet|politi|politiet|forbund|forbundet|tinget|kirke|kirken|huset|nationer|unionen|kommission|kommissionen|parlament|parlamentet|institut|instituttet|bank|banken|halvø|havn|havnen|søen|fjord|bugt|havet|strædet|kanal|kanalen|pladsen|ligaen|landsret|højesteret|byret|ske|iske|erne)$`)

// translatedName reports whether a name looks like a Danish description a
// translation renders in English ("Den Koreanske Halvø").
func translatedName(n string) bool {
	for _, w := range strings.Fields(n) {
		if institutionWords.MatchString(w) {
			return true
		}
	}
	return false
}

// nameIn reports whether the translation (normalised, padded with spaces)
// carries the name in one of its accepted forms: as written, without a
// Danish genitive "s", by its English form, or by its last word (a
// surname) when that is distinctive.
func nameIn(n, tr string) bool {
	norm := normName(n)
	cands := []string{norm, strings.TrimSuffix(norm, "s")}
	cands = append(cands, exonyms[norm]...)
	ws := strings.Fields(norm)
	// Word by word: "FC København" is "FC Copenhagen".
	var swapped []string
	for _, w := range ws {
		if e, ok := exonyms[w]; ok {
			swapped = append(swapped, e[0])
		} else {
			swapped = append(swapped, w)
		}
	}
	cands = append(cands, strings.Join(swapped, " "))
	if last := ws[len(ws)-1]; len(ws) >= 2 && utf8.RuneCountInString(last) >= 4 {
		cands = append(cands, last, strings.TrimSuffix(last, "s"))
	}
	for _, c := range cands {
		if c != "" && strings.Contains(tr, " "+c+" ") {
			return true
		}
	}
	return false
}

// closestName is the run of words in text most like n (as many words, by
// edit distance of the normalised forms), for showing what the translation
// made of a name; "" when nothing is close.
func closestName(n, text string) string {
	want := normName(n)
	k := len(nameWordRe.FindAllString(n, -1))
	locs := nameWordRe.FindAllStringIndex(text, -1)
	best, bestD := "", max(2, utf8.RuneCountInString(want)/3)+1
	for i := 0; i+k <= len(locs); i++ {
		cand := text[locs[i][0]:locs[i+k-1][1]]
		if !capitalised(cand) {
			continue
		}
		if d := editDistance(want, normName(cand)); d > 0 && d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// nameFindings checks the source's names (and the glossary's names that
// occur in it) against the translation. trOf maps a 0-based source
// paragraph to its 0-based translation paragraph, -1 when it has none.
func nameFindings(source, translation []string, glossary *Glossary, trOf func(int) int, label func(int) string) []Finding {
	var names []name
	for i, p := range source {
		names = append(names, sourceNames(p, i)...)
	}
	var fs []Finding
	fs = append(fs, spellingFindings(names, label)...)
	whole := " " + normName(strings.Join(translation, " ")) + " "
	seen := map[string]bool{}
	for _, n := range names {
		key := normName(n.text)
		if seen[key] {
			continue
		}
		seen[key] = true
		t := trOf(n.para)
		if t < 0 || nameIn(n.text, whole) {
			continue // a dropped paragraph is reported as such
		}
		got := closestName(n.text, translation[t])
		if got == "" && translatedName(n.text) {
			continue
		}
		f := Finding{Code: CodeName, SourceParagraph: n.para + 1, Paragraph: t + 1, Evidence: n.text}
		if got != "" {
			f.TranslationEvidence = got
			f.Message = fmt.Sprintf("the name %q (%s) is %q in the translation: check which is right", n.text, label(n.para), got)
		} else {
			f.Message = fmt.Sprintf("the name %q (%s) is not in the translation", n.text, label(n.para))
		}
		fs = append(fs, f)
	}
	return append(fs, glossaryNameFindings(source, whole, glossary, trOf, label)...)
}

// spellingFindings reports a name the source spells two ways (one letter
// or two apart), pinned to the first of the two. Each spelling is compared
// once, at its first occurrence, so a long article costs the square of its
// distinct names, not of its mentions.
func spellingFindings(names []name, label func(int) string) []Finding {
	type form struct {
		name
		norm  string
		words int
	}
	var forms []form
	seen := map[string]bool{}
	for _, n := range names {
		norm := normName(n.text)
		if !seen[norm] {
			seen[norm] = true
			forms = append(forms, form{n, norm, len(strings.Fields(norm))})
		}
	}
	var fs []Finding
	for i, a := range forms {
		for _, b := range forms[i+1:] {
			if a.words != b.words || strings.TrimSuffix(a.norm, "s") == strings.TrimSuffix(b.norm, "s") {
				continue
			}
			if d := editDistance(a.norm, b.norm); d > 2 || d*4 > utf8.RuneCountInString(a.norm) {
				continue
			}
			where := label(b.para)
			if b.para == a.para {
				where = "the same paragraph"
			}
			fs = append(fs, Finding{Code: CodeNameSpelling, SourceParagraph: a.para + 1, Evidence: a.text,
				Message: fmt.Sprintf("the source spells a name two ways, %q (%s) and %q (%s): check which is right", a.text, label(a.para), b.text, where)})
		}
	}
	return fs
}

// glossaryNameFindings: a glossary term that is a name (capitalised) and
// occurs in the source must appear in its fixed form.
func glossaryNameFindings(source []string, whole string, g *Glossary, trOf func(int) int, label func(int) string) []Finding {
	if g == nil {
		return nil
	}
	var fs []Finding
	for _, term := range g.Terms {
		if !capitalised(term.Source) || strings.Contains(whole, " "+normName(term.Target)+" ") {
			continue
		}
		for i, p := range source {
			if !containsWord(p, term.Source) {
				continue
			}
			f := Finding{Code: CodeName, SourceParagraph: i + 1, Evidence: term.Source,
				Message: fmt.Sprintf("the glossary name %q (%s) should be %q in the translation, which lacks it", term.Source, label(i), term.Target)}
			if t := trOf(i); t >= 0 {
				f.Paragraph = t + 1
			}
			fs = append(fs, f)
			break
		}
	}
	return fs
}
