package story

import (
	"slices"
	"strings"
	"unicode"
)

// shingleWords is the length of the word shingles. Five words are long
// enough that stock phrases ("siger han til Reuters") rarely make two
// different stories look alike, and short enough that a changed word only
// disturbs the shingles around it.
const shingleWords = 5

// FingerprintOf summarises an article's source text for folding wire resends.
// paragraphs is the source text: the header's lede sentence first (or ""),
// then the body paragraphs, without the agency line. The result holds at
// most FingerprintSize hashes, whatever the text's length, plus the
// resend markers found in the lede or first paragraph; compute it once per
// article and drop the text.
func FingerprintOf(paragraphs []string) Fingerprint {
	var fp Fingerprint
	var hashes []uint64
	first := 0 // resend markers only count in the first two non-empty parts
	for _, p := range paragraphs {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if first < 2 {
			first++
			// Shingle the text without its tag, so "Opdateret: X" and
			// "X" still look alike.
			var kinds int
			kinds, p = scanMarkers(p)
			fp.Updated = fp.Updated || kinds&markUpdated != 0
			fp.Corrected = fp.Corrected || kinds&markCorrected != 0
			fp.Preliminary = fp.Preliminary || kinds&markPreliminary != 0
		}
		hashes = appendShingles(hashes, words(p))
	}
	slices.Sort(hashes)
	uniq := slices.Compact(hashes)
	fp.Shingles = len(uniq)
	// A copy, so as not to pin the big array; nil for a text of no words.
	fp.Sketch = append([]uint64(nil), uniq[:min(len(uniq), FingerprintSize)]...)
	return fp
}

// words lower-cases text and splits it into letter/digit words; punctuation
// and quote styles do not matter to whether two texts repeat each other.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// appendShingles adds the hashes of a paragraph's word shingles. Shingles
// do not cross paragraph breaks, so an inserted paragraph changes only its
// own shingles. A paragraph shorter than a shingle is one shingle.
func appendShingles(dst []uint64, ws []string) []uint64 {
	if len(ws) == 0 {
		return dst
	}
	if len(ws) < shingleWords {
		return append(dst, hashWords(ws))
	}
	for i := 0; i+shingleWords <= len(ws); i++ {
		dst = append(dst, hashWords(ws[i:i+shingleWords]))
	}
	return dst
}

// hashWords is FNV-1a over the words with a separator, then a 64-bit
// finaliser, so the sketch's "smallest values" are a fair random sample.
func hashWords(ws []string) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range ws {
		for i := 0; i < len(w); i++ {
			h ^= uint64(w[i])
			h *= 1099511628211
		}
		h ^= 0xff // separator: "ab c" and "a bc" differ
		h *= 1099511628211
	}
	// splitmix64 finaliser.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Compare estimates how much two source texts overlap: jaccard is shared
// shingles over all shingles of both; containment is shared shingles over
// the smaller text's shingles (1 when the smaller text is wholly inside the
// larger). Both are exact when the texts have at most
// FingerprintSize shingles, and otherwise within a few hundredths.
func Compare(a, b Fingerprint) (jaccard, containment float64) {
	if a.Shingles == 0 || b.Shingles == 0 {
		return 0, 0
	}
	// The k smallest values of the union of two bottom-k sketches are the
	// k smallest of the union of the texts, and a value among them is in a
	// text exactly when it is in that text's sketch.
	k := FingerprintSize
	sa, sb := a.Sketch, b.Sketch
	seen, both := 0, 0
	i, j := 0, 0
	for seen < k && (i < len(sa) || j < len(sb)) {
		switch {
		case j >= len(sb) || i < len(sa) && sa[i] < sb[j]:
			i++
		case i >= len(sa) || sb[j] < sa[i]:
			j++
		default:
			both++
			i++
			j++
		}
		seen++
	}
	if seen == 0 {
		return 0, 0
	}
	jaccard = float64(both) / float64(seen)
	// |A∩B| = J·|A∪B| and |A∪B| = (|A|+|B|)/(1+J).
	small := min(a.Shingles, b.Shingles)
	containment = jaccard * float64(a.Shingles+b.Shingles) / ((1 + jaccard) * float64(small))
	return jaccard, min(containment, 1)
}
