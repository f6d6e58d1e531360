package qa

import (
	"strings"
	"testing"
)

func TestCleanStripsChatter(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Sure! Here is the translation:\n\nThe mayor resigned.\n\nShe was 42.\n\nLet me know if you need anything else!",
			"The mayor resigned.\n\nShe was 42."},
		{"Here's the English translation of the article:\nThe mayor resigned.", "The mayor resigned."},
		{"```\nThe mayor resigned.\n\nShe was 42.\n```", "The mayor resigned.\n\nShe was 42."},
		{"```text\nThe mayor resigned.\n```\n\nI hope this helps.", "The mayor resigned."},
		{"Translation: The mayor resigned.", "The mayor resigned."},
		{"**English translation:**\n\nThe mayor resigned.", "The mayor resigned."},
		{"The mayor resigned. Let me know if you would like any changes!", "The mayor resigned."},
		{"The mayor resigned.\n\n(Translator's note: \"byråd\" was rendered as city council.)", "The mayor resigned."},
		{"<article>\nThe mayor resigned.\n</article>", "The mayor resigned."},
		{"<context>\nThe council met.\n</context>\n\nThe mayor resigned.", "The mayor resigned."},
	}
	for _, tc := range cases {
		got, fs := Clean(tc.in, nil)
		if got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !hasCode(fs, CodeChatter) {
			t.Errorf("Clean(%q) removed chatter without saying so: %q", tc.in, Messages(fs))
		}
	}
}

func TestCleanLeavesTheTranslationAlone(t *testing.T) {
	for _, in := range []string{
		"Certainly, the council did not agree.\n\nHere is the list of winners: Anna, Bo and Carl.",
		"- No, no, no, said the mayor.\n\nThe translation of the law into practice will take time.",
		"She said: \"I hope the weather holds.\"",
		"Okay, said the coach after the 2-1 defeat.",
		"This is the version of events the police gave: the car was stolen.",
		"The coach was pleased.\n\n- We played well. I hope we win on Sunday, says the coach.",
		"- It was hard. Let me know if I can help next time, he told the mayor.",
		"The mayor has kept the original plan. I have kept my promise to the voters.",
	} {
		got, fs := Clean(in, nil)
		if got != in || len(fs) != 0 {
			t.Errorf("Clean(%q) = %q, %q; want it unchanged", in, got, Messages(fs))
		}
	}
}

func TestCleanRemovesBrokenOutput(t *testing.T) {
	cases := []struct {
		in, want, code string
	}{
		{"The mayor\x00 resigned.\x07", "The mayor resigned.", CodeControl},
		{"The\u200b mayor\u202e resigned.", "The mayor resigned.", CodeControl},
		{"The mayor resigned\xc3.", "The mayor resigned.", CodeInvalidUTF8},
		{"The mayor \ufffdresigned.", "The mayor resigned.", CodeInvalidUTF8},
		{"The the the the the mayor resigned.", "The mayor resigned.", CodeRepetition},
		{"The mayor resigned and and and and and and and left.", "The mayor resigned and left.", CodeRepetition},
		{"He said it was over. It was over. It was over. It was over. It was over.", "He said it was over. It was over.", CodeRepetition},
		{"The mayor resigned. She was very very tired of it, very very tired of it, very very tired of it, very very tired of it.",
			"The mayor resigned. She was very very tired of it,", CodeRepetition},
		{"The mayor resigned.\n\nThe council will meet on Monday.\n\nThe council will meet on Monday.\n\nThe council will meet on Monday.",
			"The mayor resigned.\n\nThe council will meet on Monday.", CodeRepetition},
		{"The mayor resigned" + strings.Repeat("!", 50), "The mayor resigned!!!", CodeRepetition},
	}
	for _, tc := range cases {
		got, fs := Clean(tc.in, nil)
		if got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !hasCode(fs, tc.code) {
			t.Errorf("Clean(%q) findings = %q, want %s", tc.in, codes(fs), tc.code)
		}
	}
}

func TestCleanComparesRepetitionWithTheSource(t *testing.T) {
	cases := []struct {
		name        string
		in          string
		source      []string
		want        string
		wantFinding bool
	}{
		{"sentence the source repeats", "It is over. It is over. It is over. Now we go home.",
			[]string{"Det er slut. Det er slut. Det er slut. Nu går vi hjem."}, "", false},
		{"sentence looped beyond the source", "It is over. It is over. It is over. It is over. It is over. Now we go home.",
			[]string{"Det er slut. Det er slut. Det er slut. Nu går vi hjem."}, "It is over. It is over. It is over. Now we go home.", true},
		{"chant the source repeats", "They shouted: no, no, no, no, no!",
			[]string{"De råbte: nej, nej, nej, nej, nej!"}, "", false},
		{"word looped without a repeat in the source", "They shouted: no, no, no, no, no!",
			[]string{"De råbte: nej!"}, "They shouted: no,", true},
		{"separator line the source has", "Results\n" + strings.Repeat("-", 40),
			[]string{"Resultater\n" + strings.Repeat("-", 40)}, "", false},
		{"unknown source keeps the old limits", "It is over. It is over. It is over.", nil, "It is over.", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.in
			}
			got, fs := Clean(tc.in, tc.source)
			if got != want {
				t.Errorf("Clean = %q, want %q", got, want)
			}
			if hasCode(fs, CodeRepetition) != tc.wantFinding {
				t.Errorf("findings = %q, want a repetition finding: %v", Messages(fs), tc.wantFinding)
			}
		})
	}
}

// The repetition finding names the cleaned answer's paragraph of its first
// cut, whether a paragraph repeated or a sentence within one.
func TestRepetitionFindingNamesTheParagraphOfTheFirstCut(t *testing.T) {
	src := []string{"Byrådet mødtes.", "Det er slut. Nu går vi hjem.", "Mødet sluttede sent i aftes."}
	looped := "The council met.\n\nIt is over. It is over. It is over. It is over. Now we go home.\n\nThe meeting ended late last night."
	para := "The meeting ended late last night."
	doubled := "The council met.\n\nIt is over. Now we go home.\n\n" + para + "\n\n" + para
	for _, c := range []struct {
		in   string
		want int
	}{{looped, 2}, {doubled, 3}} {
		_, fs := Clean(c.in, src)
		if len(fs) != 1 || fs[0].Code != CodeRepetition || fs[0].Paragraph != c.want {
			t.Errorf("Clean(%q) findings = %+v, want one repetition finding in paragraph %d", c.in, fs, c.want)
		}
	}
}

func TestCleanKeepsChatterLookalikesTheSourceHas(t *testing.T) {
	cases := []struct {
		name, in string
		source   []string
		kept     bool // kept, with a note that it may be the model's
	}{
		{"markup the source has", "The tag <article> starts an article in HTML.",
			[]string{"Tagget <article> indleder en artikel i HTML."}, false},
		{"fence the source has", "Write this:\n```\nmake test\n```",
			[]string{"Skriv dette:\n```\nmake test\n```"}, false},
		{"closing paragraph with a source paragraph", "The office reopens on Monday.\n\nFeel free to call the municipality on 70 10 20 30.",
			[]string{"Kontoret åbner igen mandag.", "Du er velkommen til at ringe til kommunen på 70 10 20 30."}, true},
		{"preface line with a source line", "Of course!\n\nThe mayor did not hesitate.",
			[]string{"Selvfølgelig!", "Borgmesteren tøvede ikke."}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, fs := Clean(tc.in, tc.source)
			if got != tc.in {
				t.Errorf("Clean = %q, want it unchanged", got)
			}
			if tc.kept != (len(fs) == 1 && strings.Contains(fs[0].Message, "was kept")) || (!tc.kept && len(fs) > 0) {
				t.Errorf("findings = %q", Messages(fs))
			}
		})
	}
	// The same remark beyond the source's paragraphs is the model's.
	got, fs := Clean("The office reopens on Monday.\n\nLet me know if you need anything else!", []string{"Kontoret åbner igen mandag."})
	if got != "The office reopens on Monday." || !hasCode(fs, CodeChatter) {
		t.Errorf("Clean = %q, %q; want the closing remark removed", got, Messages(fs))
	}
}
