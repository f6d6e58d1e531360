package qa

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words finds which of many terms occur in a text as whole words (as
// ContainsWord does) in one pass over the text's words: each term is
// indexed by its first word, so a text is not searched once per term and
// a glossary of thousands of terms over thousands of paragraphs is not a
// product of the two.
type Words struct {
	terms []string
	first map[string][]int // first word → the terms that start with it
	off   []int            // the byte offset of each term's first word
	other []int            // terms without a word character: searched one by one
}

// NewWords indexes terms; their indexes are what In returns.
func NewWords(terms []string) *Words {
	w := &Words{terms: terms, first: map[string][]int{}, off: make([]int, len(terms))}
	for i, t := range terms {
		start, end, ok := wordSpan(t, 0)
		if !ok {
			w.other = append(w.other, i)
			continue
		}
		w.off[i] = start
		w.first[t[start:end]] = append(w.first[t[start:end]], i)
	}
	return w
}

// In returns the indexes of the terms that occur in hay as whole words, in
// ascending order.
func (w *Words) In(hay string) []int {
	var found []int
	seen := map[int]bool{}
	for _, i := range w.other {
		if ContainsWord(hay, w.terms[i]) {
			found = append(found, i)
		}
	}
	for from := 0; ; {
		start, end, ok := wordSpan(hay, from)
		if !ok {
			break
		}
		from = end
		for _, i := range w.first[hay[start:end]] {
			if !seen[i] && wordAt(hay, w.terms[i], start-w.off[i]) {
				seen[i] = true
				found = append(found, i)
			}
		}
	}
	slices.Sort(found)
	return found
}

// ContainsWord reports whether needle occurs in hay as whole words.
func ContainsWord(hay, needle string) bool {
	for from := 0; from <= len(hay)-len(needle); {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return false
		}
		if wordAt(hay, needle, from+i) {
			return true
		}
		_, size := utf8.DecodeRuneInString(hay[from+i:])
		from += i + size
	}
	return false
}

// wordAt reports whether t is in hay at byte p, between word boundaries.
func wordAt(hay, t string, p int) bool {
	if p < 0 || !strings.HasPrefix(hay[p:], t) {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(hay[:p])
	after, _ := utf8.DecodeRuneInString(hay[p+len(t):])
	return (p == 0 || !isWordRune(before)) && (p+len(t) == len(hay) || !isWordRune(after))
}

// wordSpan is the byte span of the first run of word characters in s at
// or after from.
func wordSpan(s string, from int) (start, end int, ok bool) {
	start = -1
	for i, r := range s[from:] {
		switch w := isWordRune(r); {
		case w && start < 0:
			start = from + i
		case !w && start >= 0:
			return start, from + i, true
		}
	}
	return start, len(s), start >= 0
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
