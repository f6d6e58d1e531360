package qa

import (
	"context"
	"strings"
	"testing"
)

// An invented Danish article and a faithful English translation of it.
var (
	qaSource = []string{
		"Byrådet i Vejle har vedtaget et budget på 1.200 millioner kroner for 2024, og det er mere end sidste år.",
		"Ledigheden i kommunen steg med 3,5 procent, og den 42-årige Mette Hansen blev ny borgmester efter valget.",
		"Kampen på stadion endte 2-1 efter en scoring i det 89. minut, og der var 12.500 tilskuere på lægterne.",
		"Kl. 14.30 mødtes de 3 partier for at tale om havnen, som blev bygget fra 1950 til 1953.",
	}
	qaEnglish = []string{
		"Vejle City Council has adopted a budget of 1.2 billion kroner for 2024, which is more than last year.",
		"Unemployment in the municipality rose by 3.5 percent, and 42-year-old Mette Hansen became the new mayor after the election.",
		"The match at the stadium ended 2-1 after a goal in the 89th minute, and there were 12,500 spectators in the stands.",
		"At 2:30 pm the three parties met to talk about the harbour, which was built in 1950-53.",
	}
)

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func TestCheckAcceptsAFaithfulTranslationWithUsualRewrites(t *testing.T) {
	if fs := checkAll(qaSource, qaEnglish, "da", "en"); len(fs) != 0 {
		t.Fatalf("findings on a good translation: %q", Messages(fs))
	}
}

func TestCheckFindsAMissingNumber(t *testing.T) {
	tr := append([]string(nil), qaEnglish...)
	tr[2] = "The match at the stadium ended 2-1 after a goal in the 89th minute, and the stands were full of spectators."
	fs := checkAll(qaSource, tr, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeMissingNumber {
		t.Fatalf("findings = %q, want one missing number", Messages(fs))
	}
	if want := "number 12.500 from the source (paragraph 3) is missing in the translation"; fs[0].Message != want {
		t.Fatalf("message = %q, want %q", fs[0].Message, want)
	}
}

func TestCheckNumberNotations(t *testing.T) {
	cases := []struct {
		src, tr string
		ok      bool
	}{
		{"Prisen steg til 1.200 kroner.", "The price rose to 1,200 kroner.", true},
		{"Prisen steg til 1.200 kroner.", "The price rose to DKK 1200.", true},
		{"Prisen steg til 1.200 kroner.", "The price rose to 1,300 kroner.", false},
		{"Han fik 7,25 procent af stemmerne.", "He got 7.25 percent of the votes.", true},
		{"Han fik 7,25 procent af stemmerne.", "He got 7.5 percent of the votes.", false},
		{"Der er 2,5 mio. indbyggere.", "There are 2,500,000 inhabitants.", true},
		{"Der er 2,5 mio. indbyggere.", "There are 2.5 million inhabitants.", true},
		{"Firmaet tjente 3 mia. kroner.", "The company earned three billion kroner.", true},
		{"Hun har 4 børn.", "She has four children.", true},
		{"Hun har 4 børn.", "She has children.", false},
		{"Det skete 1. januar 2019.", "It happened on 1 January 2019.", true},
		{"Det skete 1. januar 2019.", "It happened on January first, 2019.", true},
		{"Det skete 1. januar 2019.", "It happened in January.", false},
		{"Mødet starter kl. 15.", "The meeting starts at 3 pm.", true},
		{"Kampen endte 3-0.", "The match ended 3-0.", true},
		{"Han var 25 år.", "He was twenty-five.", true},
	}
	for _, tc := range cases {
		fs := checkAll([]string{tc.src}, []string{tc.tr}, "da", "en")
		if got := !hasCode(fs, CodeMissingNumber); got != tc.ok {
			t.Errorf("%q → %q: ok = %v, want %v (findings %q)", tc.src, tc.tr, got, tc.ok, Messages(fs))
		}
	}
}

func TestCheckManyMissingNumbersGiveOneFinding(t *testing.T) {
	src := []string{"Tallene var 11, 22, 33, 44, 55, 66 og 77 i alt."}
	tr := []string{"The numbers were listed in total for each of the groups."}
	fs := checkAll(src, tr, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeMissingNumber || !strings.Contains(fs[0].Message, "7 numbers") {
		t.Fatalf("findings = %q", Messages(fs))
	}
}

func TestCheckFindsAParagraphStillInDanish(t *testing.T) {
	tr := append([]string(nil), qaEnglish...)
	tr[1] = qaSource[1]
	fs := checkAll(qaSource, tr, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeSourceLanguage || fs[0].Paragraph != 2 {
		t.Fatalf("findings = %q, want paragraph 2 still Danish", Messages(fs))
	}
	if fs[0].Message != "paragraph 2 seems to be still in Danish" {
		t.Fatalf("message = %q", fs[0].Message)
	}
}

func TestCheckFindsAWholeDanishAnswerOnce(t *testing.T) {
	fs := checkAll(qaSource, qaSource, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeSourceLanguage || fs[0].Paragraph != 0 {
		t.Fatalf("findings = %q, want one whole-text finding", Messages(fs))
	}
}

func TestCheckDanishNamesInEnglishAreFine(t *testing.T) {
	src := []string{"Lars Løkke Rasmussen besøgte Ærøskøbing og Søllerød søndag sammen med Søren Sørensen fra Århus."}
	tr := []string{"Lars Løkke Rasmussen visited Ærøskøbing and Søllerød on Sunday together with Søren Sørensen from Århus."}
	if fs := checkAll(src, tr, "da", "en"); len(fs) != 0 {
		t.Fatalf("findings = %q", Messages(fs))
	}
}

func TestCheckStillDanishForOtherTargets(t *testing.T) {
	src := []string{"Regeringen sagde mandag, at den ikke havde tænkt sig at ændre noget ved loven efter mødet."}
	german := []string{"Die Regierung sagte am Montag, dass sie nicht vorhabe, nach dem Treffen etwas an dem Gesetz zu ändern."}
	norwegian := []string{"Regjeringen sa mandag at den ikke hadde tenkt å endre noe ved loven etter møtet."}
	if fs := checkAll(src, german, "da", "de"); len(fs) != 0 {
		t.Errorf("German: findings = %q", Messages(fs))
	}
	if fs := checkAll(src, norwegian, "da", "nb"); len(fs) != 0 {
		t.Errorf("Norwegian: findings = %q", Messages(fs))
	}
	for _, to := range []string{"de", "nb", "sv", "fr", "xx"} {
		if fs := checkAll(src, src, "da", to); !hasCode(fs, CodeSourceLanguage) {
			t.Errorf("Danish answer for target %s not caught: %q", to, Messages(fs))
		}
	}
}

func TestCheckGarbageIsNotEnglish(t *testing.T) {
	src := []string{"Byrådet mødtes tirsdag aften for at diskutere den nye skole, og der var stor enighed om planen blandt medlemmerne."}
	cases := map[string]string{
		"other script": "市议会星期二晚上开会讨论新学校，成员们对该计划达成了广泛共识，会议持续了很长时间。",
		"other latin":  "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore magna aliqua enim minim veniam.",
	}
	for name, tr := range cases {
		fs := checkAll(src, []string{tr}, "da", "en")
		if !hasCode(fs, CodeTargetLanguage) {
			t.Errorf("%s: not caught: %q", name, Messages(fs))
		}
	}
	// A non-English target in the wrong script is caught too.
	if fs := checkAll(src, []string{cases["other script"]}, "da", "de"); !hasCode(fs, CodeTargetLanguage) {
		t.Errorf("German target, Chinese answer not caught: %q", Messages(fs))
	}
}

func TestCheckParagraphCountAndLength(t *testing.T) {
	merged := []string{qaEnglish[0] + " " + qaEnglish[1], qaEnglish[2], qaEnglish[3]}
	fs := checkAll(qaSource, merged, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeParagraphs || fs[0].SourceParagraph != 1 || fs[0].Paragraph != 1 ||
		!strings.Contains(fs[0].Message, "paragraph 1 of the source (\"Byrådet i Vejle har vedtaget et…\") is merged into paragraph 2") {
		t.Fatalf("merged: findings = %q", Messages(fs))
	}

	short := []string{"Vejle has a budget of 1.2 billion kroner for 2024.", "Unemployment rose 3.5 percent; Mette Hansen (42) is mayor.",
		"It ended 2-1 in minute 89 before 12,500 people.", "At 2:30 pm three parties met about the 1950-53 harbour."}
	fs = checkAll(qaSource, short, "da", "en")
	if !hasCode(fs, CodeLength) {
		t.Fatalf("short: findings = %q, want a length warning", Messages(fs))
	}
	long := append([]string(nil), qaEnglish...)
	long[3] += strings.Repeat(" The harbour is also a popular place for tourists who come to see the old ships and eat fish.", 4)
	if fs := checkAll(qaSource, long, "da", "en"); !hasCode(fs, CodeLength) {
		t.Fatalf("long: findings = %q, want a length warning", Messages(fs))
	}
}

func TestCheckEmpty(t *testing.T) {
	fs := checkAll(qaSource, nil, "da", "en")
	if len(fs) != 1 || fs[0].Code != CodeEmpty {
		t.Fatalf("findings = %q", Messages(fs))
	}
}

// checkAll checks with paragraphs numbered from 1 and no glossary.
func checkAll(source, translation []string, from, to string) []Finding {
	fs, _, err := Text{Source: source, Translation: translation, From: from, To: to}.Check(context.Background())
	if err != nil {
		panic(err)
	}
	return fs
}
