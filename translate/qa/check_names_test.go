package qa

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/article"
)

// handball is an invented article with a score, names and a place name
// English writes differently; handballEN a faithful translation.
var (
	handball = []string{
		"Danmark er i semifinalen ved VM i håndbold efter en sejr over Egypten i Herning.",
		"Danmark vandt onsdag aften kvartfinalen 38-30, og Mikkel Hansen scorede ni mål.",
		"- Vi spillede vores bedste kamp i turneringen, siger landstræner Nikolaj Jacobsen.",
		"Semifinalen spilles fredag i Hamborg mod Frankrig.",
		"USA's udenrigsminister, Mike Pompeo, overværede kampen fra tribunen sammen med Kim Jong-un.",
		"Finalen spilles søndag i Herning.",
	}
	handballEN = []string{
		"Denmark are in the semi-finals of the World Handball Championship after beating Egypt in Herning.",
		"Denmark won the quarter-final 38-30 on Wednesday evening, and Mikkel Hansen scored nine goals.",
		"- We played our best game of the tournament, says national coach Nikolaj Jacobsen.",
		"The semi-final will be played on Friday in Hamburg against France.",
		"US Secretary of State Mike Pompeo watched the match from the stands together with Kim Jong Un.",
		"The final will be played on Sunday in Herning.",
	}
)

func withCode(fs []Finding, code string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func TestCheckAcceptsNameVariantsAndEnglishPlaceNames(t *testing.T) {
	// "Kim Jong Un" for "Kim Jong-un", "Hamburg" for "Hamborg".
	if fs := checkAll(handball, handballEN, "da", "en"); len(fs) != 0 {
		t.Fatalf("findings on a faithful translation: %q", Messages(fs))
	}
}

func TestCheckNamesADroppedParagraph(t *testing.T) {
	dropped := append(append([]string(nil), handballEN[:3]...), handballEN[4:]...)
	fs := checkAll(handball, dropped, "da", "en")
	if len(fs) != 1 {
		t.Fatalf("findings = %q, want one naming the dropped paragraph", Messages(fs))
	}
	f := fs[0]
	if f.Code != CodeParagraphs || f.SourceParagraph != 4 || f.Paragraph != 0 ||
		f.Evidence != handball[3] || !strings.Contains(f.Message, `paragraph 4 of the source ("Semifinalen spilles fredag i Hamborg mod…") is missing`) {
		t.Fatalf("finding = %+v", f)
	}
	want := []Pair{{1, 1}, {2, 2}, {3, 3}, {4, 0}, {5, 4}, {6, 5}}
	if got := Align(handball, dropped, "en"); !equalPairs(got, want) {
		t.Fatalf("Align = %v, want %v", got, want)
	}
	// The last paragraph dropped: found by its number-free, name-free text
	// too, because the others still line up.
	if got := Align(handball, handballEN[:5], "en"); !equalPairs(got, []Pair{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 0}}) {
		t.Fatalf("last dropped: Align = %v", got)
	}
}

func equalPairs(a, b []Pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckCatchesAChangedName(t *testing.T) {
	tr := append([]string(nil), handballEN...)
	tr[4] = strings.Replace(tr[4], "Pompeo", "Pompei", 1)
	fs := checkAll(handball, tr, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeName {
		t.Fatalf("findings = %q, want one name finding", Messages(fs))
	}
	f := fs[0]
	if f.SourceParagraph != 5 || f.Paragraph != 5 || f.Evidence != "Mike Pompeo" || f.TranslationEvidence != "Mike Pompei" ||
		!strings.Contains(f.Message, `"Mike Pompeo"`) || !strings.Contains(f.Message, `"Mike Pompei"`) {
		t.Fatalf("finding = %+v, want both forms shown", f)
	}
	// A name left out entirely.
	tr[4] = "The US Secretary of State watched the match from the stands together with Kim Jong Un."
	if fs := withCode(checkAll(handball, tr, "da", "en"), CodeName); len(fs) != 1 || !strings.Contains(fs[0].Message, `"Mike Pompeo" (paragraph 5) is not in the translation`) {
		t.Fatalf("dropped name: findings = %q", Messages(fs))
	}
}

func TestCheckShowsASourceMisspelling(t *testing.T) {
	src := append([]string(nil), handball...)
	src[0] = "Nordkoreas leder, Kim Yong-un, var til stede, da Danmark i Herning besejrede Egypten."
	en := append([]string(nil), handballEN...)
	// The model silently "fixes" the source's spelling.
	en[0] = "North Korean leader Kim Jong-un was present when Denmark beat Egypt in Herning."
	fs := checkAll(src, en, "da", "en")
	spell, names := withCode(fs, CodeNameSpelling), withCode(fs, CodeName)
	if len(spell) != 1 || spell[0].SourceParagraph != 1 || spell[0].Evidence != "Kim Yong-un" {
		t.Fatalf("spelling findings = %q", Messages(spell))
	}
	if len(names) != 1 || names[0].TranslationEvidence != "Kim Jong-un" {
		t.Fatalf("the corrected name is not shown: %q", Messages(names))
	}
	// The model keeps the source's spelling: the editor still sees it.
	en[0] = "North Korean leader Kim Yong-un was present when Denmark beat Egypt in Herning."
	fs = checkAll(src, en, "da", "en")
	if len(withCode(fs, CodeNameSpelling)) != 1 || len(withCode(fs, CodeName)) != 0 {
		t.Fatalf("faithful misspelling: findings = %q", Messages(fs))
	}
}

func TestCheckGlossaryNames(t *testing.T) {
	g := []Term{{Source: "Mikkel Hansen", Target: "Mikkel Hansen (AaB)"}}
	fs, _, err := Text{Source: handball, Translation: handballEN, From: "da", To: "en", Terms: g}.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Code != CodeName || fs[0].SourceParagraph != 2 || !strings.Contains(fs[0].Message, "glossary name") {
		t.Fatalf("findings = %q", Messages(fs))
	}
}

// corpusEN are faithful English translations of testdata/articles, as a
// good model writes them (institutions and places in their English forms).
var corpusEN = map[string][]string{
	"havnebad-lukket.txt": {
		"The harbour bath at Islands Brygge has closed after measurements showed too many bacteria in the water.",
		"Copenhagen Municipality has closed the harbour bath at Islands Brygge after water samples on Tuesday showed too high a level of coliform bacteria.",
		"According to the municipality, the cause is the heavy downpours on Monday evening, which made the sewers overflow.",
		"Bathers can follow the water quality on the municipality's website, where a warning system shows whether it is safe to jump in.",
		"The municipality expects the bath to reopen within a couple of days, once the water is clean again.",
	},
	"korea-samtaler.txt": {
		"South Korea's president urges the US and North Korea to stick to the negotiations ahead of a new summit.",
		"South Korea's president, Moon Jae-in, wants Washington and Pyongyang to continue talks on the nuclear disarmament of the Korean Peninsula.",
		"He said this on Monday at a meeting with his advisers in Seoul, the news agency Reuters writes.",
		"According to the president, it is crucial that both sides show a willingness to make concessions if a coming summit is to lead to concrete agreements.",
		"Diplomats from the two countries have met several times in recent weeks to prepare the summit, but no date has been announced yet.",
	},
	"nationalbanken-rente.txt": {
		"The National Bank cuts its interest rate by a quarter of a percentage point, following the European Central Bank.",
		"Danmarks Nationalbank is cutting its key interest rate by 0.25 percentage points on Thursday.",
		"This comes a few hours after the European Central Bank (ECB) in Frankfurt made the same decision.",
		"The National Bank pursues a fixed exchange rate policy against the euro and therefore usually follows the ECB's rate changes.",
		"- Inflation has come down a good deal, and that leaves room for a lower rate, says a chief economist in a comment.",
		"For homeowners with variable-rate loans, the rate cut means a slightly smaller payment from the next term.",
	},
	"superliga-derby.txt": {
		"Brøndby won Sunday evening's derby against FC Copenhagen 2-1 after a late goal at home.",
		"Brøndby IF beat FC Copenhagen 2-1 in the Superliga on Sunday.",
		"The visitors took the lead after half an hour, when a header from a corner found its way into the net.",
		"After the break Brøndby equalised from the penalty spot, and in the final minutes a substitute striker secured the win with a low shot into the far corner.",
		"- These are the kind of evenings you dream of as a child. The atmosphere at the stadium was absolutely fantastic, said the goalscorer after the match.",
		"With the win Brøndby move up to second place, two points behind the leaders.",
	},
	"vulkan-island.txt": {
		"A new volcanic eruption on the Reykjanes peninsula has led Icelandic authorities to evacuate a popular spa.",
		"A volcanic eruption began on Thursday morning north of the fishing town of Grindavík in south-western Iceland.",
		"Lava is flowing out of a fissure several kilometres long, the Icelandic Meteorological Office says, according to the news agency AFP.",
		"Guests and staff at a nearby spa were sent away in buses shortly after the eruption.",
		"Keflavík airport is not affected, and air traffic is running normally, Reuters writes.",
	},
}

func TestCheckNoFindingsOnTheCleanCorpus(t *testing.T) {
	for file, en := range corpusEN {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "articles", file))
		if err != nil {
			t.Fatal(err)
		}
		a, err := article.Parse(file, data, 0)
		if err != nil {
			t.Fatal(err)
		}
		src := append([]string{a.Lede}, a.Paragraphs...)
		if fs := checkAll(src, en, "da", "en"); len(fs) != 0 {
			t.Errorf("%s: findings on a faithful translation: %q", file, Messages(fs))
		}
	}
}
