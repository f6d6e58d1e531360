package render

import (
	"slices"
	"testing"
)

// The review highlights evidence where it stands as whole words: "30"
// does not light up inside "1930" or "30th", and "Øresund" is a word of
// its own, not a part of "Øresundsbroen".
func TestEvidenceIsMarkedAsWholeWords(t *testing.T) {
	for _, c := range []struct {
		text, evidence string
		want           [][2]int
	}{
		{"In 1930 it was 30, not 30th.", "30", [][2]int{{15, 17}}},
		{"Øresundsbroen og Øresund", "Øresund", [][2]int{{18, 26}}},
		{"Øresund", "Øresund", [][2]int{{0, 8}}},
		{"the score 38-30 and 38-30.", "38-30", [][2]int{{10, 15}, {20, 25}}},
		{"(see above) and see", "(see", [][2]int{{0, 4}}},
		{"a POMPEO, Pompeo", "pompeo", [][2]int{{2, 8}, {10, 16}}},
	} {
		if got := spans(c.text, []string{c.evidence}); !slices.Equal(got, c.want) {
			t.Errorf("%q in %q: %v, want %v", c.evidence, c.text, got, c.want)
		}
	}
}
