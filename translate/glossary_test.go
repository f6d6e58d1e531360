package translate

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeGlossary(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadGlossaryTSVWithHeaderAndComments(t *testing.T) {
	p := writeGlossary(t, "g.tsv", "\uFEFFsource\ttarget\r\n# party names\r\n\r\nVenstre\tthe Liberal Party, Venstre\r\nFolketinget\tthe Danish parliament (Folketinget)\r\n")
	g, err := LoadGlossary(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Term{{Source: "Venstre", Target: "the Liberal Party, Venstre"}, {Source: "Folketinget", Target: "the Danish parliament (Folketinget)"}}
	if !reflect.DeepEqual(g.Terms, want) {
		t.Fatalf("terms = %#v, want %#v", g.Terms, want)
	}
}

func TestLoadGlossaryCSVWithQuotes(t *testing.T) {
	p := writeGlossary(t, "g.csv", "da,en\nstatsminister,prime minister\n\"Det Radikale Venstre\",\"the Social Liberal Party, Radikale\"\n  # indented comment\nkommune , municipality\n")
	g, err := LoadGlossary(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Term{{Source: "statsminister", Target: "prime minister"}, {Source: "Det Radikale Venstre", Target: "the Social Liberal Party, Radikale"}, {Source: "kommune", Target: "municipality"}}
	if !reflect.DeepEqual(g.Terms, want) {
		t.Fatalf("terms = %#v, want %#v", g.Terms, want)
	}
}

func TestLoadGlossaryErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"three columns", "# x\nstatsminister,prime minister\nkommune,municipality,extra\n", "line 3"},
		{"one column", "source\ttarget\nfolketing\n", "line 2"},
		{"empty target", "statsminister\t\n", "line 1"},
		{"empty source", "\tprime minister\n", "line 1"},
		{"conflicting duplicate", "kommune,municipality\nregion,region\nKommune,council\n", "line 3"},
		{"broken quote", "\"kommune,municipality\n", "line 1"},
		{"invalid utf-8", "ok,fine\nk\xf8benhavn,Copenhagen\n", "line 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeGlossary(t, "g.csv", tc.content)
			_, err := LoadGlossary(p)
			if err == nil {
				t.Fatalf("no error for %q", tc.content)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name %s of %s", err, tc.want, p)
			}
		})
	}
}

func TestLoadGlossaryMissingFile(t *testing.T) {
	_, err := LoadGlossary(filepath.Join(t.TempDir(), "nope.tsv"))
	if err == nil || !strings.Contains(err.Error(), "nope.tsv") {
		t.Fatalf("err = %v, want it to name the file", err)
	}
}

func TestGlossaryDuplicateWithSameTranslationIsFine(t *testing.T) {
	g, err := ParseGlossary("g", []byte("kommune,municipality\nKommune,municipality\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Terms) != 1 {
		t.Fatalf("%d terms, want 1", len(g.Terms))
	}
}

func TestGlossaryMatchWordBoundariesAndCase(t *testing.T) {
	g, err := ParseGlossary("g", []byte(strings.Join([]string{
		"sø\tlake",
		"EU\tthe EU",
		"Folketinget\tthe Danish parliament",
		"Det Radikale Venstre\tthe Social Liberal Party",
		"år\tyear",
		"ø\tisland",
	}, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text string
		want []string
	}{
		{"Søndag var der møde.", nil},             // "sø" inside "søndag": æøå are letters
		{"Båden sank i SØEN ved Silkeborg.", nil}, // inflected form is another word
		{"Han sejlede på søen og i sø.", []string{"sø"}},
		{"EU's ministre mødtes.", []string{"EU"}}, // apostrophe ends a word
		{"EU-landene er enige.", []string{"EU"}},  // hyphen ends a word
		{"Prisen er 5 EUR.", nil},                 // not inside a longer word
		{"I folketinget sagde hun nej.", []string{"Folketinget"}},
		{"Det  radikale\nVenstre stemte imod.", []string{"Det Radikale Venstre"}},
		{"For tre år siden", []string{"år"}},
		{"Årsagen er ukendt", nil},
		{"Øen Anholt", nil},
		{"En lille ø.", []string{"ø"}},
	}
	for _, tc := range cases {
		var got []string
		for _, term := range g.Match(tc.text) {
			got = append(got, term.Source)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Match(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestGlossaryHashFollowsContent(t *testing.T) {
	a, _ := ParseGlossary("a", []byte("kommune,municipality\n"))
	b, _ := ParseGlossary("b", []byte("# comment\nkommune\tmunicipality\n"))
	c, _ := ParseGlossary("c", []byte("kommune,council\n"))
	if a.Hash() != b.Hash() {
		t.Error("same terms in another layout changed the hash")
	}
	if a.Hash() == c.Hash() {
		t.Error("another translation did not change the hash")
	}
	var none *Glossary
	if none.Hash() != "" || none.Match("kommune") != nil {
		t.Error("nil glossary should be empty")
	}
}

func TestLoadGlossaryRefusesAnOversizedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.tsv")
	line := "kommune\tmunicipality\n"
	if err := os.WriteFile(p, []byte(strings.Repeat(line, maxGlossaryBytes/len(line)+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadGlossary(p)
	if err == nil || !strings.Contains(err.Error(), "larger than") || !strings.Contains(err.Error(), "huge.tsv") {
		t.Fatalf("err = %v, want it to name the file and say it is too large", err)
	}
}
