package qa

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"regexp"
	"slices"
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
)

// startsSentence reports whether a sentence begins at byte i of p: at the
// paragraph's start (after a dash-quote or quotation marks) or after end
// punctuation. It looks back only over that punctuation and space, so a
// long paragraph costs its length, not its square.
func startsSentence(p string, i int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(p[:i])
		switch {
		case strings.ContainsRune(".!?:;", r):
			return true
		case unicode.IsSpace(r) || strings.ContainsRune(`"'“”«»()-–—`, r):
			i -= size
		default:
			return false
		}
	}
	return true
}

// capitalised is a word that starts with a capital letter ("Pompeo",
// "FC", "Jong-un" is not: it continues a name after a hyphen only).
func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
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
		if startsSentence(p, locs[i][0]) {
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

// nameIn reports whether the translation's words carry the name in one
// of its accepted forms: as written, without a Danish genitive "s", by its
// English form, or by its last word (a surname) when that is distinctive.
// It is false when tr's work limit runs out. norm is the name normalised.
func nameIn(norm string, tr *textWords) bool {
	cands := []string{norm, strings.TrimSuffix(norm, "s")}
	cands = append(cands, exonyms[norm]...)
	ws := strings.Fields(norm)
	// Word by word: "FC København" is "FC Copenhagen".
	swapped := slices.Clone(ws)
	for i, w := range ws {
		if e, ok := exonyms[w]; ok {
			swapped[i] = e[0]
		}
	}
	cands = append(cands, strings.Join(swapped, " "))
	if last := ws[len(ws)-1]; len(ws) >= 2 && utf8.RuneCountInString(last) >= 4 {
		cands = append(cands, last, strings.TrimSuffix(last, "s"))
	}
	for _, c := range cands {
		if tr.has(c) {
			return true
		}
	}
	return false
}

// textWords is a normalised text's words and where each occurs, so that a
// phrase is found without scanning the text once per name. left is the
// work (word comparisons) it may still do.
type textWords struct {
	words []string
	at    map[string][]int32
	left  int
}

func newTextWords(normalised string, limit int) *textWords {
	x := &textWords{words: strings.Fields(normalised), at: map[string][]int32{}, left: limit}
	for i, w := range x.words {
		x.at[w] = append(x.at[w], int32(i))
	}
	return x
}

// has reports whether the words of phrase occur in a row, looking only
// where its rarest word is.
func (x *textWords) has(phrase string) bool {
	ws := strings.Fields(phrase)
	if len(ws) == 0 {
		return false
	}
	rare := 0
	for k, w := range ws {
		if len(x.at[w]) < len(x.at[ws[rare]]) {
			rare = k
		}
	}
	for _, p := range x.at[ws[rare]] {
		if x.left--; x.left < 0 {
			return false
		}
		start := int(p) - rare
		if start >= 0 && start+len(ws) <= len(x.words) && slices.Equal(x.words[start:start+len(ws)], ws) {
			return true
		}
	}
	return false
}

// closestName is the run of words in text most like n (as many words, by
// edit distance of the normalised forms), for showing what the translation
// made of a name; "" when nothing is close or when the comparisons would
// cost more than *left (in rune pairs), which they then use up.
func closestName(n, text string, left *int) string {
	want := []rune(normName(n))
	k := len(nameWordRe.FindAllString(n, -1))
	locs := nameWordRe.FindAllStringIndex(text, -1)
	best, bestD := "", max(2, len(want)/3)+1
	for i := 0; i+k <= len(locs); i++ {
		cand := text[locs[i][0]:locs[i+k-1][1]]
		if !capitalised(cand) {
			continue
		}
		got := []rune(normName(cand))
		if abs(len(got)-len(want)) >= bestD {
			continue
		}
		if *left -= len(got) * len(want); *left < 0 {
			return ""
		}
		if d, ok := editDistance(want, got, bestD-1); ok && d > 0 {
			best, bestD = cand, d
		}
	}
	return best
}

// Work limits of the names check, each far above what a 1 MiB article of
// ordinary names needs; past one, the rest of that step is skipped and a
// finding says so.
const (
	namesLookupLimit  = 20_000_000 // words compared finding names in the translation
	namesClosestLimit = 50_000_000 // rune pairs compared for the closest spelling
	spellingLimit     = 5_000_000  // candidate pairs of spellings compared
	// maxSpellingFindings is how many names spelt two ways are listed one
	// by one; the rest are counted in one finding.
	maxSpellingFindings = 20
)

// nameFindings checks the source's names (and the glossary's names that
// occur in it) against the translation. trOf maps a 0-based source
// paragraph to its 0-based translation paragraph, -1 when it has none, -2
// when the paragraphs are not lined up.
func nameFindings(ctx context.Context, source, translation []string, glossary []Term, trOf func(int) int, label func(int) string) ([]Finding, error) {
	var names []name
	for i, p := range source {
		names = append(names, sourceNames(p, i)...)
	}
	forms := spellings(names)
	fs, err := spellingFindings(ctx, forms, label)
	if err != nil {
		return nil, err
	}
	words := newTextWords(normName(strings.Join(translation, " ")), namesLookupLimit)
	closest := namesClosestLimit
	for k, n := range forms {
		if k%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		t := trOf(n.para)
		if t == -1 || nameIn(n.norm, words) || words.left < 0 {
			continue // a dropped paragraph is reported as such
		}
		got := ""
		if t >= 0 {
			got = closestName(n.text, translation[t], &closest)
		}
		if got == "" && translatedName(n.text) {
			continue
		}
		f := Finding{Code: CodeName, SourceParagraph: n.para + 1, Paragraph: max(t+1, 0), Evidence: n.text}
		if got != "" {
			f.TranslationEvidence = got
			f.Message = fmt.Sprintf("the name %q (%s) is %q in the translation: check which is right", n.text, label(n.para), got)
		} else {
			f.Message = fmt.Sprintf("the name %q (%s) is not in the translation", n.text, label(n.para))
		}
		fs = append(fs, f)
	}
	if words.left < 0 {
		fs = append(fs, Finding{Code: CodeName, Message: fmt.Sprintf("the source has too many names (%d) to look each up in the translation within the check's work limit: only some were checked", len(forms))})
	}
	return append(fs, glossaryNameFindings(source, words, glossary, trOf, label)...), nil
}

// spelling is a distinct form of a name: its first occurrence, normalised.
type spelling struct {
	name
	norm  string
	runes []rune
	words int
	// letters has a bit for each letter in it (modulo 64): two edits
	// change at most four, a test far cheaper than the edit distance.
	letters uint64
}

// spellings is the distinct forms of names, in order.
func spellings(names []name) []spelling {
	var forms []spelling
	seen := map[string]bool{}
	for _, n := range names {
		norm := normName(n.text)
		if !seen[norm] {
			seen[norm] = true
			sp := spelling{name: n, norm: norm, runes: []rune(norm), words: len(strings.Fields(norm))}
			for _, r := range sp.runes {
				sp.letters |= 1 << (uint(r) % 64)
			}
			forms = append(forms, sp)
		}
	}
	return forms
}

// spellingFindings reports a name the source spells two ways (one letter
// or two apart), pinned to the first of the two. Names are bucketed before
// they are compared: two spellings at most two edits apart share one of
// the three pieces of the later one's, a little shifted (the pigeonhole
// argument of PassJoin), so each is compared only with the earlier ones
// that share a piece, not with all of them. The first maxSpellingFindings
// pairs are worded one by one and the rest counted.
func spellingFindings(ctx context.Context, forms []spelling, label func(int) string) ([]Finding, error) {
	pairs, complete, err := spellingPairs(ctx, forms)
	if err != nil {
		return nil, err
	}
	var fs []Finding
	for _, p := range pairs[:min(len(pairs), maxSpellingFindings)] {
		a, b := forms[p[0]], forms[p[1]]
		where := label(b.para)
		if b.para == a.para {
			where = "the same paragraph"
		}
		fs = append(fs, Finding{Code: CodeNameSpelling, SourceParagraph: a.para + 1, Evidence: a.text,
			Message: fmt.Sprintf("the source spells a name two ways, %q (%s) and %q (%s): check which is right", a.text, label(a.para), b.text, where)})
	}
	if more := len(pairs) - maxSpellingFindings; more > 0 {
		fs = append(fs, Finding{Code: CodeNameSpelling, Message: fmt.Sprintf("the source spells %d more names two ways", more)})
	}
	if !complete {
		fs = append(fs, Finding{Code: CodeNameSpelling, Message: fmt.Sprintf("the source has too many similar names (%d distinct) to compare them all within the check's work limit: only some were compared", len(forms))})
	}
	return fs, nil
}

// spellingPairs is the pairs (earlier, later) of forms spelt two ways, in
// order, and whether all were compared within spellingLimit. Each form is
// looked up by the three pieces of the earlier forms it might be near,
// only where such a piece can be in it: the i-th piece (1-based) of an
// earlier form of length l, at p in it, is at most i-1 places from p and
// at most 3-i from p plus the difference in length (PassJoin's
// position-aware selection for two edits).
func spellingPairs(ctx context.Context, forms []spelling) ([][2]int, bool, error) {
	type pieceKey struct {
		length, piece int
		hash          uint64
	}
	index := map[pieceKey][]int32{}
	stamp := make([]int, len(forms)) // the last form that compared with each, +1
	var pairs [][2]int
	work := 0
	for i, b := range forms {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		lb := len(b.runes)
		for l := max(lb-2, 3); l <= lb+2 && work <= spellingLimit; l++ {
			delta := lb - l
			for k := range 3 {
				start, size := piece(l, k)
				lo, hi := max(start-k, start+delta-(2-k), 0), min(start+k, start+delta+(2-k), lb-size)
				for s := lo; s <= hi; s++ {
					for _, ai := range index[pieceKey{l, k, hashRunes(b.runes[s : s+size])}] {
						if stamp[ai] == i+1 {
							continue
						}
						stamp[ai] = i + 1
						if work++; work > spellingLimit {
							break
						}
						if spelledTwoWays(&forms[ai], &forms[i]) {
							pairs = append(pairs, [2]int{int(ai), i})
						}
					}
				}
			}
		}
		if lb >= 3 {
			for k := range 3 {
				start, size := piece(lb, k)
				key := pieceKey{lb, k, hashRunes(b.runes[start : start+size])}
				index[key] = append(index[key], int32(i))
			}
		}
	}
	slices.SortFunc(pairs, func(x, y [2]int) int { return cmp.Or(x[0]-y[0], x[1]-y[1]) })
	return pairs, work <= spellingLimit, nil
}

// spelledTwoWays: a, the earlier, and b have as many words, differ in more
// than a plural "s", and are one or two edits apart, at most one in four
// of a's letters.
func spelledTwoWays(a, b *spelling) bool {
	if a.words != b.words || abs(len(a.runes)-len(b.runes)) > 2 || bits.OnesCount64(a.letters^b.letters) > 4 || strings.TrimSuffix(a.norm, "s") == strings.TrimSuffix(b.norm, "s") {
		return false
	}
	d, ok := editDistance(a.runes, b.runes, 2)
	return ok && d*4 <= len(a.runes)
}

// piece is the start and size of the k-th of three near-equal pieces of a
// string of length l.
func piece(l, k int) (start, size int) {
	start = l * k / 3
	return start, l*(k+1)/3 - start
}

func hashRunes(rs []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		h = (h ^ uint64(r)) * 1099511628211
	}
	return h
}

// editDistance is the edit distance of a and b when it is at most k,
// computed in a band of the table 2k+1 wide, so a long name costs its
// length times k and not its square.
func editDistance(a, b []rune, k int) (int, bool) {
	if abs(len(a)-len(b)) > k {
		return 0, false
	}
	inf, width := k+1, 2*k+1
	prev, cur := make([]int, width), make([]int, width)
	// prev[d+k] is the distance of a[:i] and b[:i+d].
	for d := -k; d <= k; d++ {
		prev[d+k] = inf
		if d >= 0 {
			prev[d+k] = d
		}
	}
	for i := 1; i <= len(a); i++ {
		best := inf
		for d := -k; d <= k; d++ {
			j := i + d
			v := inf
			switch {
			case j < 0 || j > len(b):
			case j == 0:
				v = i
			default:
				sub := prev[d+k]
				if a[i-1] != b[j-1] {
					sub++
				}
				v = sub
				if d+k+1 < width {
					v = min(v, prev[d+k+1]+1) // a[i-1] deleted
				}
				if d+k-1 >= 0 {
					v = min(v, cur[d+k-1]+1) // b[j-1] inserted
				}
			}
			cur[d+k] = min(v, inf)
			best = min(best, cur[d+k])
		}
		if best > k {
			return 0, false
		}
		prev, cur = cur, prev
	}
	d := prev[len(b)-len(a)+k]
	return d, d <= k
}

// glossaryNameFindings: a glossary term that is a name (capitalised) and
// occurs in the source must appear in its fixed form.
func glossaryNameFindings(source []string, words *textWords, terms []Term, trOf func(int) int, label func(int) string) []Finding {
	var missing []Term // capitalised, and their fixed form not in the translation
	for _, term := range terms {
		if capitalised(term.Source) && !words.has(normName(term.Target)) && words.left >= 0 {
			missing = append(missing, term)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sources := make([]string, len(missing))
	for k, term := range missing {
		sources[k] = term.Source
	}
	// One pass over the source, not one per term: the first paragraph of each.
	first, left := make([]int, len(missing)), len(missing)
	index := NewWords(sources)
	for i := 0; i < len(source) && left > 0; i++ {
		for _, k := range index.In(source[i]) {
			if first[k] == 0 {
				first[k], left = i+1, left-1
			}
		}
	}
	var fs []Finding
	for k, term := range missing {
		if i := first[k] - 1; i >= 0 {
			fs = append(fs, Finding{Code: CodeName, SourceParagraph: i + 1, Paragraph: max(trOf(i)+1, 0), Evidence: term.Source,
				Message: fmt.Sprintf("the glossary name %q (%s) should be %q in the translation, which lacks it", term.Source, label(i), term.Target)})
		}
	}
	return fs
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
