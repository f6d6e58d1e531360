package qa

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/brief-news/brief/internal/lang"
)

// The number check: every number of the source must be in the translation,
// in any of the notations a translator may use.

var (
	numberRe = regexp.MustCompile(`\d+(?:[.,:]\d+)*`)
	// yearRangeRe finds the shortened year ranges English likes ("1950-53").
	yearRangeRe = regexp.MustCompile(`\b(\d{2})(\d{2})\s*[-–]\s*(\d{2})\b`)
	klRe        = regexp.MustCompile(`(?i)\b(?:kl\.|klokken)\s*$`)
)

type numberSet map[string]bool

func (s numberSet) addRat(r *big.Rat) { s[r.RatString()] = true }

// in reports whether have holds any of s's values.
func (s numberSet) in(have numberSet) bool {
	for k := range s {
		if have[k] {
			return true
		}
	}
	return false
}

// interpretations adds every value the number token tok can mean. Danish
// writes "1.200,5" where English writes "1,200.5"; source tokens are read the
// Danish way (or plainly when that fails), translation tokens every way, so
// the usual rewrites match and an ambiguous "1,200" is not a false alarm.
func interpretations(tok string, source bool, next string, set numberSet) {
	// Most tokens are plain whole numbers: every reading of them is the
	// same, and exact fractions (a table of them cost seconds) are not needed.
	if n, err := strconv.ParseInt(tok, 10, 64); err == nil && len(tok) <= 9 {
		set[strconv.FormatInt(n, 10)] = true
		if m, ok := lang.ScaleWords[strings.ToLower(strings.TrimRight(next, ".,"))]; ok {
			set[strconv.FormatInt(n*m, 10)] = true
		}
		return
	}
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
		if m, ok := lang.ScaleWords[strings.ToLower(strings.TrimRight(next, ".,"))]; ok {
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
	if lang.Base(to) == "en" {
		ws := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
		for i, w := range ws {
			var n int64 = -1
			if v, ok := lang.EnglishNumberWords[w]; ok {
				n = v
			} else if a, b, ok := strings.Cut(w, "-"); ok { // "twenty-five"
				if x, ok1 := lang.EnglishNumberWords[a]; ok1 {
					if y, ok2 := lang.EnglishNumberWords[b]; ok2 && x >= 20 && y < 10 {
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
				if m, ok := lang.ScaleWords[ws[i+1]]; ok {
					set.addRat(new(big.Rat).Mul(v, new(big.Rat).SetInt64(m)))
				}
			}
		}
	}
	return set
}

// missingNumbers lists the source numbers the translation does not mention
// in any usual notation.
// have is every value the translation mentions (translationNumbers).
func missingNumbers(source []string, have numberSet, label func(int) string) []Finding {
	var fs []Finding
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
			found := want.in(have)
			if !found && len(want) == 0 { // unparseable token (a date like 3.1.2019): check its parts
				found = true
				for _, part := range strings.FieldsFunc(tok, func(r rune) bool { return r == '.' || r == ',' || r == ':' }) {
					if v, ok := new(big.Rat).SetString(part); ok && !have[v.RatString()] {
						found = false
					}
				}
			}
			if !found {
				fs = append(fs, Finding{Code: CodeMissingNumber, SourceParagraph: pi + 1, Evidence: tok,
					Message: fmt.Sprintf("number %s from the source (%s) is missing in the translation", tok, label(pi))})
			}
		}
	}
	if len(fs) > 5 { // one finding listing them
		toks := make([]string, len(fs))
		for i, f := range fs {
			toks[i] = f.Evidence
		}
		return []Finding{{Code: CodeMissingNumber, Message: fmt.Sprintf("%d numbers from the source are missing in the translation: %s", len(fs), strings.Join(toks, ", "))}}
	}
	return fs
}
