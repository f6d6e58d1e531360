package story

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wire reads a test article in the wire format (" date YYYY-MM lede",
// blank-line separated paragraphs, agency line last) and returns its date
// and its source text as Fingerprint wants it: lede first, no agency line.
func wire(t *testing.T, name string) (date string, paras []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSpace(string(data)), "\n\n")
	head := strings.Fields(blocks[0])
	if len(head) < 3 || head[0] != "date" {
		t.Fatalf("%s: no header line", name)
	}
	body := blocks[1 : len(blocks)-1] // drop the agency line
	return head[1], append([]string{strings.Join(head[2:], " ")}, body...)
}

func fp(t *testing.T, name string) Fingerprint {
	t.Helper()
	_, paras := wire(t, name)
	return FingerprintOf(paras)
}

func TestSameStoryFoldsResendsAndKeepsStoriesApart(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
		why  string
	}{
		{"kontor.txt", "kontor-udvidet.txt", true, "a resend with a paragraph added"},
		{"kontor.txt", "kontor-ny-indledning.txt", true, "a resend with the lede and first paragraph rewritten"},
		{"kontor.txt", "kontor-opdateret.txt", true, "an update marked Opdateret, new lede and a paragraph added"},
		{"kontor-udvidet.txt", "kontor-opdateret.txt", true, "two resends of one story"},
		{"missiler.txt", "missiler-rettet.txt", true, "a correction marked Rettet with one number changed"},
		{"kontor.txt", "missiler.txt", false, "two Korea stories sharing two background paragraphs"},
		{"kontor-opdateret.txt", "missiler-rettet.txt", false, "marked resends of two different stories sharing background"},
		{"kontor.txt", "praesident.txt", false, "a short story that is half shared background"},
		{"missiler-rettet.txt", "praesident.txt", false, "a short story that is half shared background, against a marked text"},
		{"rente.txt", "fodbold.txt", false, "unrelated stories"},
	}
	for _, c := range cases {
		a, b := fp(t, c.a), fp(t, c.b)
		j, cont := Compare(a, b)
		if got := Same(a, b); got != c.same {
			t.Errorf("%s vs %s (%s): same story = %v, want %v (jaccard %.2f, containment %.2f)", c.a, c.b, c.why, got, c.same, j, cont)
		}
		if Same(b, a) != Same(a, b) {
			t.Errorf("%s vs %s: Same is not symmetric", c.a, c.b)
		}
		if strings.Contains(c.why, "background") && j == 0 {
			t.Errorf("%s vs %s: the texts share paragraphs but Compare sees nothing in common", c.a, c.b)
		}
	}
}

func TestFingerprintStaysSmallForLongTexts(t *testing.T) {
	var paras []string
	for i := 0; i < 3000; i++ {
		paras = append(paras, strings.Repeat("ord ", i%7)+"afsnit nummer "+strings.Repeat("x", i%50)+" med en del tekst om emnet "+string(rune('a'+i%26)))
	}
	f := FingerprintOf(paras)
	if len(f.Sketch) > FingerprintSize {
		t.Fatalf("sketch holds %d hashes, want at most %d", len(f.Sketch), FingerprintSize)
	}
	if f.Shingles <= FingerprintSize {
		t.Fatalf("Shingles = %d: the long text's shingles were not counted", f.Shingles)
	}
	// Still comparable: the text against itself with one paragraph added.
	g := FingerprintOf(append(paras, "et helt nyt afsnit til sidst i teksten"))
	if !Same(f, g) {
		j, c := Compare(f, g)
		t.Fatalf("a long text and its resend are not folded (jaccard %.2f, containment %.2f)", j, c)
	}
}

func TestCompare(t *testing.T) {
	a := fp(t, "kontor.txt")
	if j, c := Compare(a, a); j != 1 || c != 1 {
		t.Errorf("a text against itself: jaccard %v containment %v, want 1 and 1", j, c)
	}
	if j, c := Compare(a, fp(t, "fodbold.txt")); j != 0 || c != 0 {
		t.Errorf("unrelated texts: jaccard %v containment %v, want 0 and 0", j, c)
	}
	if j, _ := Compare(a, Fingerprint{}); j != 0 {
		t.Errorf("against an empty fingerprint: jaccard %v, want 0", j)
	}
	if Same(Fingerprint{}, Fingerprint{}) {
		t.Error("two empty fingerprints (no source text) were folded")
	}
}

func TestMarkers(t *testing.T) {
	cases := []struct {
		first                           string
		updated, corrected, preliminary bool
	}{
		{"Opdateret: Kontoret er åbnet igen.", true, false, false},
		{"Opdateret kl. 14.32 Kontoret er åbnet igen.", true, false, false},
		{"OPDATERET Kontoret er åbnet igen.", true, false, false},
		{"Kontoret er åbnet igen (opdateret).", true, false, false},
		{"Opdateres: Kontoret er åbnet igen.", false, false, true},
		{"Kontoret er åbnet igen. OPDATERES", false, false, true},
		{"Rettet: Missilerne fløj 450 kilometer.", false, true, false},
		{"RETTELSE: I en tidligere version stod der 400 kilometer.", false, true, false},
		{"(Rettet) Missilerne fløj 450 kilometer.", false, true, false},
		{"Missilerne fløj 450 kilometer. [Rettelse]", false, true, false},
		// Ordinary Danish, no tags.
		{"Kritikken er rettet mod ministeren.", false, false, false},
		{"Rettet mod ministeren lød kritikken hårdt.", false, false, false},
		{"Opdateret software skal beskytte hospitalerne.", false, false, false},
		{"Listen opdateres hver uge.", false, false, false},
	}
	for _, c := range cases {
		kinds, _ := scanMarkers(c.first)
		updated, corrected, preliminary := kinds&markUpdated != 0, kinds&markCorrected != 0, kinds&markPreliminary != 0
		if updated != c.updated || corrected != c.corrected || preliminary != c.preliminary {
			t.Errorf("%q: updated=%v corrected=%v preliminary=%v, want %v %v %v",
				c.first, updated, corrected, preliminary, c.updated, c.corrected, c.preliminary)
		}
	}
}

func TestFingerprintMarkersOnlyInTheFirstLines(t *testing.T) {
	f := FingerprintOf([]string{"Kontoret er åbnet.", "Første afsnit.", "RETTELSE i tredje afsnit tæller ikke."})
	if f.Corrected {
		t.Error("a marker in the third paragraph was taken as a resend marker")
	}
	f = FingerprintOf([]string{"", "RETTELSE: Kontoret er åbnet."})
	if !f.Corrected {
		t.Error("with no lede, a marker opening the first paragraph was missed")
	}
	if fp(t, "missiler-rettet.txt").Corrected != true || fp(t, "missiler.txt").Corrected {
		t.Error("the Rettet marker of missiler-rettet.txt is not seen, or seen in missiler.txt")
	}
}
