package translate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
	sents, changed := collapseRepeats(sents, keys, 6, 3, 2)
	if !changed {
		return p
	}
	return strings.TrimSpace(strings.Join(sents, ""))
}

// collapseWords removes a phrase of 1–12 words repeated right after itself:
// four times for a single word ("very, very, very" is style), three times
// for a longer phrase. Words compare without case and punctuation.
func collapseWords(p string) string {
	ws := strings.Fields(p)
	if len(ws) < 4 {
		return p
	}
	keys := make([]string, len(ws))
	for i, w := range ws {
		keys[i] = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	}
	ws, changed := collapseRepeats(ws, keys, 12, 4, 3)
	if !changed {
		return p
	}
	return strings.Join(ws, " ")
}

// collapseRepeats is the one algorithm behind collapseSentences and
// collapseWords. For each unit length n from 1 to maxLen, a run of n items
// followed by copies of itself is cut down to one copy when there are
// needOne copies in all or more of a single item, needMany of a longer run.
// Items compare by key; an empty key (a sentence or word with nothing to
// compare) never matches, so blank pieces are never collapsed.
func collapseRepeats(items, keys []string, maxLen, needOne, needMany int) ([]string, bool) {
	same := func(a, b, n int) bool {
		for k := 0; k < n; k++ {
			if keys[a+k] != keys[b+k] || keys[a+k] == "" {
				return false
			}
		}
		return true
	}
	changed := false
	for n := 1; n <= maxLen; n++ {
		need := needMany
		if n == 1 {
			need = needOne
		}
		var outI, outK []string
		for i := 0; i < len(items); {
			reps := 1
			for i+(reps+1)*n <= len(items) && same(i, i+reps*n, n) {
				reps++
			}
			if reps >= need {
				outI = append(outI, items[i:i+n]...)
				outK = append(outK, keys[i:i+n]...)
				i += reps * n
				changed = true
				continue
			}
			outI = append(outI, items[i])
			outK = append(outK, keys[i])
			i++
		}
		items, keys = outI, outK
	}
	return items, changed
}

// collapseRuns cuts one character repeated 30 times or more in a row down
// to three.
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
