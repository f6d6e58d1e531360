package article

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// fixtures is the shared fixture folder at the repo root; other packages'
// end-to-end tests use the same files.
const fixtures = "../../testdata/articles"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is what a user sees of a parsed article. Fields left empty in a
// table row are still compared, so a row says exactly what it expects.
type want struct {
	date, lede string
	paras      []string // full expected paragraphs
	nParas     int      // when paras is nil: only the count is checked
	agencies   []string
	warnings   []string
	skip       string // expected SkipError reason; other fields ignored
}

func check(t *testing.T, a Article, err error, w want) {
	t.Helper()
	if w.skip != "" {
		var se *SkipError
		if !errors.As(err, &se) {
			t.Fatalf("want skip %q, got err=%v article=%+v", w.skip, err, a)
		}
		if se.Reason != w.skip {
			t.Fatalf("skip reason = %q, want %q", se.Reason, w.skip)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if a.Date != w.date {
		t.Errorf("Date = %q, want %q", a.Date, w.date)
	}
	if a.Lede != w.lede {
		t.Errorf("Lede = %q, want %q", a.Lede, w.lede)
	}
	if w.paras != nil {
		if !reflect.DeepEqual(a.Paragraphs, w.paras) {
			t.Errorf("Paragraphs =\n%q\nwant\n%q", a.Paragraphs, w.paras)
		}
	} else if len(a.Paragraphs) != w.nParas {
		t.Errorf("%d paragraphs, want %d: %q", len(a.Paragraphs), w.nParas, a.Paragraphs)
	}
	if !reflect.DeepEqual(a.Agencies, w.agencies) {
		t.Errorf("Agencies = %q, want %q", a.Agencies, w.agencies)
	}
	if !reflect.DeepEqual(a.Warnings, w.warnings) {
		t.Errorf("Warnings = %q, want %q", a.Warnings, w.warnings)
	}
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file string
		want want
	}{
		{"nationalbanken-rente.txt", want{
			date: "2024-06",
			lede: "Nationalbanken sætter renten ned med et kvart procentpoint og følger dermed Den Europæiske Centralbank.",
			paras: []string{
				"Danmarks Nationalbank sænker torsdag sin ledende rente med 0,25 procentpoint.",
				"Det sker få timer efter, at Den Europæiske Centralbank (ECB) i Frankfurt har truffet samme beslutning.",
				"Nationalbanken fører fastkurspolitik over for euroen og følger derfor som regel ECB's renteændringer.",
				"- Inflationen er kommet et godt stykke ned, og det giver plads til en lavere rente, siger en cheføkonom i en kommentar.",
				"For boligejere med variabelt forrentede lån betyder rentenedsættelsen en lidt mindre ydelse fra næste termin.",
			},
			agencies: []string{"ritzau"},
		}},
		{"superliga-derby.txt", want{
			date:     "2023-10",
			lede:     "Brøndby vandt søndag aftenens derby mod FC København med 2-1 efter et sent mål på hjemmebane.",
			nParas:   5,
			agencies: []string{"ritzau"},
		}},
		// Hard-wrapped lede and paragraphs, trailing blanks on a line.
		{"havnebad-lukket.txt", want{
			date: "2024-07",
			lede: "Havnebadet ved Islands Brygge er lukket, efter at målinger har vist for mange bakterier i vandet.",
			paras: []string{
				"Københavns Kommune har lukket havnebadet ved Islands Brygge, efter at vandprøver tirsdag viste et for højt indhold af kolibakterier.",
				"Årsagen er ifølge kommunen de kraftige regnskyl mandag aften, som fik kloakkerne til at løbe over.",
				"Badegæster kan følge vandkvaliteten på kommunens hjemmeside, hvor et varslingssystem viser, om det er sikkert at hoppe i.",
				"Kommunen forventer, at badet kan genåbne i løbet af et par dage, når vandet igen er rent.",
			},
			agencies: []string{"ritzau"},
		}},
		{"korea-samtaler.txt", want{
			date:     "2019-02",
			lede:     "Sydkoreas præsident opfordrer USA og Nordkorea til at holde fast i forhandlingerne forud for et nyt topmøde.",
			nParas:   4,
			agencies: []string{"ritzau", "Reuters"},
		}},
		{"vulkan-island.txt", want{
			date:     "2024-02",
			lede:     "Et nyt vulkanudbrud på Reykjanes-halvøen har fået islandske myndigheder til at evakuere et populært kurbad.",
			nParas:   4,
			agencies: []string{"ritzau", "AFP", "Reuters"},
		}},
		{"awkward/cp1252.txt", want{
			date: "2024-03",
			lede: "Færgen mellem Svendborg og Ærøskøbing er aflyst på grund af tæt tåge.",
			paras: []string{
				"Rederiet aflyser alle morgenens afgange – passagererne får besked via sms.",
				"“Vi beklager over for vores gæster”, siger rederiets driftschef.",
			},
			agencies: []string{"ritzau"},
			warnings: []string{"decoded as Windows-1252; save the file as UTF-8 to silence this"},
		}},
		{"awkward/bom-crlf.txt", want{
			date: "2024-05",
			lede: "Roskilde Festival har solgt alle billetter til dette års festival.",
			paras: []string{
				"Festivalen melder udsolgt en måned før portene åbner.",
				"Det er første gang siden 2019, at alle partoutbilletter er revet væk så tidligt.",
			},
			agencies: []string{"ritzau"},
		}},
		{"awkward/utf16.txt", want{
			date:     "2024-04",
			lede:     "Øresundsbroen genåbner efter et døgns lukning.",
			paras:    []string{"Broen var lukket for biltrafik på grund af kraftig blæst."},
			agencies: []string{"ritzau"},
			warnings: []string{"decoded as UTF-16; save the file as UTF-8 to silence this"},
		}},
		{"awkward/no-header.txt", want{
			paras: []string{
				"Et nyt cykelstiprojekt i Aarhus skal gøre det lettere at komme på arbejde uden bil.",
				"Byrådet har afsat 40 millioner kroner til de første fem kilometer.",
			},
			agencies: []string{"ritzau"},
		}},
		{"awkward/empty.txt", want{skip: "empty file"}},
		{"awkward/whitespace.txt", want{skip: "empty file"}},
		{"awkward/binary.txt", want{skip: "not a text file (binary content)"}},
		{"awkward/header-only.txt", want{skip: "no article text after the header"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			a, err := Parse(tt.file, data, 0)
			check(t, a, err, tt.want)
			sum := sha256.Sum256(data)
			if a.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("SHA256 = %q, want the hash of the raw bytes", a.SHA256)
			}
			if want := Slug(filepath.Base(tt.file)); a.ID != want || a.Path != tt.file {
				t.Errorf("ID, Path = %q, %q; want %q, %q", a.ID, a.Path, want, tt.file)
			}
		})
	}
}

func TestParseInline(t *testing.T) {
	body := "\n\nBrødtekst her.\n\n/ritzau/"
	tests := []struct {
		name string
		in   string
		want want
	}{
		{"no leading space", "date 2020-03 Lede.\n\nEt.\n\nTo.\n\n/ritzau/",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Et.", "To."}, agencies: []string{"ritzau"}}},
		{"day in date", " date 2020-03-17 Lede." + body,
			want{date: "2020-03-17", lede: "Lede.", nParas: 1, agencies: []string{"ritzau"}}},
		{"extra spaces, colon, capital", "   Date:   2020-3    Lede   med  luft." + body,
			want{date: "2020-03", lede: "Lede med luft.", nParas: 1, agencies: []string{"ritzau"}}},
		{"header without lede", " date 2020-03\n\nFørste afsnit.\n\n/ritzau/",
			want{date: "2020-03", paras: []string{"Første afsnit."}, agencies: []string{"ritzau"}}},
		{"impossible month is still a header", " date 2020-13 Lede." + body,
			want{lede: "Lede.", nParas: 1, agencies: []string{"ritzau"},
				warnings: []string{`the header date "2020-13" is not a real month; it was left out`}}},
		{"impossible day", " date 2021-02-30 Lede." + body,
			want{lede: "Lede.", nParas: 1, agencies: []string{"ritzau"},
				warnings: []string{`the header date "2021-02-30" is not a real date; it was left out`}}},
		{"date run-on is not a header", "date 2019-012 er ikke en dato.\n\nMere.",
			want{paras: []string{"date 2019-012 er ikke en dato.", "Mere."}}},
		{"CRLF", " date 2020-03 Lede.\r\n\r\nEt afsnit\r\nover to linjer.\r\n\r\n/ritzau/\r\n",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Et afsnit over to linjer."}, agencies: []string{"ritzau"}}},
		{"lone CR (old Mac)", " date 2020-03 Lede.\r\rEt.\rTo.\r\r/ritzau/",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Et. To."}, agencies: []string{"ritzau"}}},
		{"trailing and inner white space", " date 2020-03 Lede.  \t\n \n  Et \t afsnit.   \n\n\n\n/ritzau/   \n\n  ",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Et afsnit."}, agencies: []string{"ritzau"}}},
		{"agency glued under last paragraph", " date 2020-03 Lede.\n\nSidste afsnit.\n/ritzau/Reuters",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Sidste afsnit."}, agencies: []string{"ritzau", "Reuters"}}},
		{"agency with spaces and trailing slash", " date 2020-03 Lede.\n\nTekst.\n\n / ritzau / AFP / ",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Tekst."}, agencies: []string{"ritzau", "AFP"}}},
		{"no agency line", " date 2020-03 Lede.\n\nTekst uden kreditering.",
			want{date: "2020-03", lede: "Lede.", paras: []string{"Tekst uden kreditering."}}},
		{"slash prose is not an agency", " date 2020-03 Lede.\n\n/s Kongeskibet sejlede ud, sagde han, og det var flot/",
			want{date: "2020-03", lede: "Lede.", paras: []string{"/s Kongeskibet sejlede ud, sagde han, og det var flot/"}}},
		{"two articles pasted together", " date 2020-03 Første.\n\nTekst et.\n\n/ritzau/\n\n date 2020-04 Anden.\n\nTekst to.\n\n/ritzau/Reuters",
			want{date: "2020-03", lede: "Første.",
				paras:    []string{"Tekst et.", "date 2020-04 Anden.", "Tekst to."},
				agencies: []string{"ritzau", "Reuters"},
				warnings: []string{`line 7 looks like the start of another article (a second "date" header); put each article in its own file`}}},
		{"many articles pasted together", " date 2020-03 Et.\n\nA.\n\n date 2020-04 To.\n\nB.\n\ndate 2020-05 Tre.\n\nC.",
			want{date: "2020-03", lede: "Et.",
				paras:    []string{"A.", "date 2020-04 To.", "B.", "date 2020-05 Tre.", "C."},
				warnings: []string{`2 lines (the first is line 5) look like the start of another article (a "date" header); put each article in its own file`}}},
		{"decomposed letters become composed (NFC)", " date 2020-03 Pa\u030a a\u030aen." + body,
			want{date: "2020-03", lede: "På åen.", nParas: 1, agencies: []string{"ritzau"}}},
		{"ISO-8859-1 bytes", " date 2020-03 K\xf8benhavn og \xc6r\xf8.\n\nBr\xf8dtekst.\n\n/ritzau/",
			want{date: "2020-03", lede: "København og Ærø.", nParas: 1, agencies: []string{"ritzau"},
				warnings: []string{warnCP1252}}},
		{"UTF-8 with a pasted Windows-1252 line", " date 2020-03 Købmand i Århus." + "\n\nGammel tekst: R\xf8dgr\xf8d.\n\n/ritzau/",
			want{date: "2020-03", lede: "Købmand i Århus.", paras: []string{"Gammel tekst: Rødgrød."}, agencies: []string{"ritzau"},
				warnings: []string{"some bytes were not UTF-8 and were read as Windows-1252; save the file as UTF-8 to silence this"}}},
		{"DOS end-of-file marker", " date 2020-03 Lede." + body + "\x1a",
			want{date: "2020-03", lede: "Lede.", nParas: 1, agencies: []string{"ritzau"},
				warnings: []string{"removed 1 invisible control character(s) that are not text"}}},
		{"only an agency line", "\n/ritzau/\n", want{skip: "no article text, only the agency line"}},
		{"header and agency only", " date 2020-03 Lede.\n/ritzau/", want{skip: "no article text after the header"}},
		{"BOM only", "\xef\xbb\xbf", want{skip: "empty file"}},
		{"UTF-16 BOM and spaces", "\xff\xfe \x00\n\x00", want{skip: "empty file"}},
		// A UTF-16 mark before text that is not UTF-16 (no zero byte) read
		// the text two bytes a character, as CJK, with no word of it.
		{"a stray UTF-16 BOM before UTF-8 text", "\xff\xfe date 2020-03 Lede." + body,
			want{date: "2020-03", lede: "Lede.", nParas: 1, agencies: []string{"ritzau"}, warnings: []string{warnStrayBOM}}},
		{"a stray big-endian BOM, odd length", "\xfe\xff date 2020-03 Lede!" + body + "\n",
			want{date: "2020-03", lede: "Lede!", nParas: 1, agencies: []string{"ritzau"}, warnings: []string{warnStrayBOM}}},
		{"NUL bytes", "date 2020-03 tekst\x00\x00\x00 mere", want{skip: "not a text file (binary content)"}},
		{"control characters", strings.Repeat("ab\x01\x02\x03\x04", 20), want{skip: "not a text file (binary content)"}},
		{"mostly high bytes", strings.Repeat("\xa3\xb7\xc9\xd4x\xe8\xfa", 30), want{skip: "not a text file (binary content)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse("x.txt", []byte(tt.in), 0)
			check(t, a, err, tt.want)
		})
	}
}

func TestParseSizeLimit(t *testing.T) {
	data := []byte(" date 2020-03 Lede.\n\nTekst.\n\n/ritzau/")
	_, err := Parse("stor.txt", data, 10)
	var se *SkipError
	if !errors.As(err, &se) || se.Reason != "file is 37 bytes, over the 10 bytes limit: raise --max-size or split it" {
		t.Fatalf("err = %v", err)
	}
	if _, err := Parse("stor.txt", data, int64(len(data))); err != nil {
		t.Fatalf("a file exactly at the limit is fine, got %v", err)
	}
}

func TestSizeReason(t *testing.T) {
	tests := []struct {
		size, limit int64
		want        string
	}{
		{3355443, 1 << 20, "file is 3.2 MB, over the 1 MB limit: raise --max-size or split it"},
		{2 << 30, 1 << 20, "file is 2 GB, over the 1 MB limit: raise --max-size or split it"},
		{700 << 10, 512 << 10, "file is 700 KB, over the 512 KB limit: raise --max-size or split it"},
		// Rounding would say "1 MB, over the 1 MB limit": exact bytes instead.
		{1<<20 + 1, 1 << 20, "file is 1048577 bytes, over the 1048576-byte limit: raise --max-size or split it"},
	}
	for _, tt := range tests {
		if got := sizeReason(tt.size, tt.limit); got != tt.want {
			t.Errorf("sizeReason(%d, %d) = %q, want %q", tt.size, tt.limit, got, tt.want)
		}
	}
}

func TestNormalized(t *testing.T) {
	parse := func(s string) Article {
		t.Helper()
		a, err := Parse("x.txt", []byte(s), 0)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	lf := " date 2024-05 Roskilde Festival har solgt alle billetter til dette års festival.\n\n" +
		"Festivalen melder udsolgt en måned før portene åbner.\n\n" +
		"Det er første gang siden 2019, at alle partoutbilletter er revet væk så tidligt.\n\n/ritzau/\n"
	crlf := normalized(mustParse(t, "awkward/bom-crlf.txt"))
	if got := normalized(parse(lf)); got != crlf {
		t.Errorf("BOM+CRLF and LF versions of the same text normalise differently:\n%q\n%q", got, crlf)
	}
	wrapped := strings.Replace(lf, "en måned før", "en måned\nfør", 1)
	if normalized(parse(wrapped)) != crlf {
		t.Error("a hard wrap changed the normalised text")
	}
	changed := strings.Replace(lf, "en måned", "to måneder", 1)
	if normalized(parse(changed)) == crlf {
		t.Error("a changed word did not change the normalised text")
	}
	cp := normalized(mustParse(t, "awkward/cp1252.txt"))
	utf := " date 2024-03 Færgen mellem Svendborg og Ærøskøbing er aflyst på grund af tæt tåge.\n\n" +
		"Rederiet aflyser alle morgenens afgange – passagererne får besked via sms.\n\n" +
		"“Vi beklager over for vores gæster”, siger rederiets driftschef.\n\n/ritzau/"
	if normalized(parse(utf)) != cp {
		t.Error("the Windows-1252 and UTF-8 versions of the same text normalise differently")
	}
	nfd := Article{Lede: "Pa\u030a a\u030aen."}
	if normalized(nfd) != normalized(Article{Lede: "På åen."}) {
		t.Error("Normalized does not apply NFC to a hand-built article")
	}
}

func mustParse(t *testing.T, name string) Article {
	t.Helper()
	a, err := Parse(name, readFixture(t, name), 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// normalized is the article's text in one canonical form: the wire format rebuilt from the parsed fields, NFC, with all
// white space collapsed. Line ends, encodings, BOMs, trailing blanks and
// hard wraps in the source do not change it; any change to the words does.
func normalized(a Article) string {
	var b strings.Builder
	clean := func(s string) string { return joinLines([]string{norm.NFC.String(s)}) }
	b.WriteString("date ")
	b.WriteString(clean(a.Date))
	b.WriteString(" ")
	b.WriteString(clean(a.Lede))
	for _, p := range a.Paragraphs {
		b.WriteString("\n\n")
		b.WriteString(clean(p))
	}
	if len(a.Agencies) > 0 {
		b.WriteString("\n\n/")
		for _, ag := range a.Agencies {
			b.WriteString(clean(ag))
			b.WriteString("/")
		}
	}
	return b.String()
}
