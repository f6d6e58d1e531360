package story

import (
	"slices"
	"testing"
)

// A name is a run of capitalised words, split at stop words and trimmed
// of connectors: what a group's title and its links are made of.
func TestNameSpans(t *testing.T) {
	for text, want := range map[string][]string{
		"Secretary of State Mike Pompeo met the press": {"Mike Pompeo"},
		"North Korea's leader Kim Jong-un":             {"North Korea", "Kim Jong-un"},
		"South Korea’s Moon Jae-in and Japan's Abe":    {"South Korea", "Moon Jae-in", "Japan", "Abe"},
		"the Bank of England raised rates":             {"Bank of England"},
		"Kim, Xi and Moon met in Seoul":                {"Kim", "Xi", "Moon", "Seoul"},
		"a flight from Charles de Gaulle airport":      {"Charles de Gaulle"},
		"President Donald Trump of the US":             {"Donald Trump", "US"},
	} {
		spans, _ := nameSpans(tokenize(text))
		var got []string
		for _, sp := range spans {
			got = append(got, sp.surface())
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: names %q, want %q", text, got, want)
		}
	}
}
