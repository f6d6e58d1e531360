package story

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// manyStories makes n stories about a few hundred topics, each topic's
// texts sharing a background paragraph, some of them resent.
func manyStories(n int) []Story {
	r := rand.New(rand.NewSource(1))
	vocab := strings.Fields("regeringen ministeren landet byen politiet borgerne aftalen kritikken beslutningen forslaget valget krigen handlen banken renten prisen skatten skolen kampen holdet sejren")
	names := strings.Fields("Anders Berit Carsten Dorthe Erik Frida Gustav Hanne Ib Jette Karl Lone Mads Nina Ole Pia")
	places := strings.Fields("Aarhus Odense Aalborg Esbjerg Randers Kolding Horsens Vejle Roskilde Herning Silkeborg Næstved")
	sentence := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[r.Intn(len(vocab))]
		}
		return strings.Join(ws, " ")
	}
	var out []Story
	for i := 0; i < n; i++ {
		topic := i % 300
		bg := fmt.Sprintf("baggrund for emne %d: %s", topic, sentence(20))
		paras := []string{sentence(12)}
		for p := 0; p < 8; p++ {
			paras = append(paras, sentence(25))
		}
		paras = append(paras, bg)
		id := fmt.Sprintf("s%05d", i)
		who := names[topic%len(names)] + " " + names[(topic/len(names))%len(names)] + "sen"
		where := places[topic%len(places)]
		out = append(out, Story{
			ID: id, Date: fmt.Sprintf("2019-%02d", 1+i%12),
			Headline:    fmt.Sprintf("%s speaks in %s about topic %d", who, where, topic),
			Summary:     fmt.Sprintf("%s said in %s on Monday that the %s plan would go ahead.", who, where, vocab[topic%len(vocab)]),
			Fingerprint: FingerprintOf(paras),
		})
		if i%10 == 0 { // a resend with a paragraph added
			out = append(out, Story{ID: id + "-v2", Date: out[len(out)-1].Date,
				Headline: out[len(out)-1].Headline, Summary: out[len(out)-1].Summary,
				Fingerprint: FingerprintOf(append(paras, sentence(20)))})
		}
	}
	return out
}

func BenchmarkOrganize3000(b *testing.B) {
	ss := manyStories(3000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Organize(ss)
	}
}

func TestOrganizeManyStoriesFoldsEveryResend(t *testing.T) {
	ss := manyStories(1000)
	groups := Organize(ss)
	shown, folded := 0, 0
	for _, g := range groups {
		for _, s := range g.Stories {
			shown++
			folded += len(s.EarlierVersions)
			for _, v := range s.EarlierVersions {
				if v.ID+"-v2" != s.ID {
					t.Errorf("%s folded under %s, which is not its resend", v.ID, s.ID)
				}
			}
		}
	}
	if shown+folded != len(ss) || folded != 100 {
		t.Errorf("%d stories in, %d shown + %d folded; want the 100 resends folded and nothing lost", len(ss), shown, folded)
	}
	// Each topic's stories share a person and a place: one group per
	// topic, and no two topics chained together by a shared first name,
	// city or common word.
	for _, g := range groups {
		topic := func(s Story) string { return s.Headline[strings.LastIndex(s.Headline, " "):] }
		for _, s := range g.Stories[1:] {
			if topic(s) != topic(g.Stories[0]) {
				t.Errorf("group %q mixes topic%s and topic%s", g.Title, topic(g.Stories[0]), topic(s))
				break
			}
		}
	}
	if len(groups) != 300 {
		t.Errorf("%d groups, want one per topic (300)", len(groups))
	}
}
