package tm

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/cache"
)

func newMemory(t *testing.T, identity ...string) *Memory {
	t.Helper()
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return New(c, "da", "en", identity...)
}

const (
	ringDA = "Ildringen rundt om Stillehavet er et bælte af vulkaner, hvor jordens plader mødes."
	ringEN = "The Ring of Fire around the Pacific is a belt of volcanoes where the Earth's plates meet."
)

// A resend retyped with other quotes, dashes and spacing is the same
// paragraph; the first translation stays.
func TestRecallMatchesQuoteDashAndSpaceVariants(t *testing.T) {
	m := newMemory(t, "model-a")
	if ok, err := m.Remember("»Vi er klar« – siger  ministeren\ntil DR.", "\"We are ready\" - the minister tells DR."); !ok || err != nil {
		t.Fatalf("Remember = %v, %v", ok, err)
	}
	got, ok := m.Recall(`"Vi er klar" - siger ministeren til DR.`)
	if !ok || got != "\"We are ready\" - the minister tells DR." {
		t.Fatalf("Recall = %q, %v", got, ok)
	}
	if ok, _ := m.Remember(`"Vi er klar" - siger ministeren til DR.`, "Another wording."); ok {
		t.Fatal("a second translation replaced the first")
	}
	if got, _ := m.Recall("»Vi er klar« – siger ministeren til DR."); got != "\"We are ready\" - the minister tells DR." {
		t.Fatalf("after a second Remember, Recall = %q, want the first translation", got)
	}
	if _, ok := m.Recall("»Vi er ikke klar« – siger ministeren til DR."); ok {
		t.Fatal("another paragraph was recalled")
	}
}

// Translations made another way (another model, tag, prompts, glossary)
// The memory as a run found it recalls, exactly and as a near match,
// only what was there before the run stored anything: a batch collected
// with it asked for those paragraphs.
func TestAsFoundRecallsNothingStoredSince(t *testing.T) {
	m := newMemory(t, "model-a")
	old, oldEN := "Mindst 12 mennesker er omkommet efter jordskælvet på øen Lombok, oplyser myndighederne.", "At least 12 people died."
	New(m.c, "da", "en", "model-a").Remember(old, oldEN) // an earlier run's
	m.Remember(ringDA, ringEN)
	found := m.AsFound()
	if _, ok := found.Recall(ringDA); ok || !m.Learnt(ringDA) {
		t.Error("the memory as found recalls a paragraph stored since")
	}
	if got, ok := found.Recall(old); !ok || got != oldEN || m.Learnt(old) {
		t.Errorf("the memory as found lost an earlier run's paragraph: %q, %v", got, ok)
	}
	if got, ok := m.Recall(ringDA); !ok || got != ringEN {
		t.Errorf("the memory does not recall what it stored: %q, %v", got, ok)
	}
	m.Remember("Mindst 14 mennesker er omkommet efter jordskælvet på øen Sumbawa, oplyser myndighederne.", "At least 14 people died.")
	near, ok := found.Near("Mindst 15 mennesker er omkommet efter jordskælvet på øen Sumbawa, oplyser myndighederne.")
	if !ok || near.Source != old {
		t.Errorf("near match as found = %+v, %v; want the earlier run's pair, not the one stored since", near, ok)
	}
}

// are another memory; no cache is no memory.
func TestMemoryIsKeptPerIdentity(t *testing.T) {
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	New(c, "da", "en", "model-a").Remember(ringDA, ringEN)
	if _, ok := New(c, "da", "en", "model-b").Recall(ringDA); ok {
		t.Fatal("another model's memory answered")
	}
	if _, ok := New(c, "da", "de", "model-a").Recall(ringDA); ok {
		t.Fatal("another target language's memory answered")
	}
	if _, ok := New(c, "da", "en", "model-a").Recall(ringDA); !ok {
		t.Fatal("the same identity did not recall")
	}
	var none *Memory = New(nil, "da", "en", "model-a")
	if ok, err := none.Remember(ringDA, ringEN); ok || err != nil {
		t.Fatalf("no cache: Remember = %v, %v", ok, err)
	}
	if _, ok := none.Recall(ringDA); ok {
		t.Fatal("no cache recalled something")
	}
}

// A paragraph with a number or a name changed finds the remembered one as
// a reference; a rewritten one, a short one and the same one do not.
func TestNearFindsAChangedNumberOrNameOnly(t *testing.T) {
	m := newMemory(t)
	old := "Mindst 12 mennesker er omkommet efter jordskælvet på øen Lombok, oplyser myndighederne onsdag aften."
	m.Remember(old, "At least 12 people died after the earthquake on Lombok, the authorities said on Wednesday evening.")
	m.Remember("Det oplyser politiet.", "The police said so.")
	for _, tc := range []struct {
		src  string
		near bool
	}{
		{"Mindst 15 mennesker er omkommet efter jordskælvet på øen Lombok, oplyser myndighederne onsdag aften.", true},
		{"Mindst 15 mennesker er omkommet efter jordskælvet på øen Sumbawa, oplyser myndighederne onsdag aften.", true},
		{old, false}, // an exact match is Recall's
		{"Mindst 15 mennesker er døde efter jordskælvet på øen Lombok, oplyser myndighederne onsdag aften.", false},
		{"Mindst 15 Mennesker Er Omkommet Efter Jordskælvet på øen Lombok, oplyser myndighederne onsdag aften.", false},
		{"Det oplyser Reuters.", false},
	} {
		p, ok := m.Near(tc.src)
		if ok != tc.near || ok && p.Source != old {
			t.Errorf("Near(%q) = %q, %v; want near %v", tc.src, p.Source, ok, tc.near)
		}
	}
}

// An export read back into an empty cache gives the same memory, and the
// same file.
func TestExportImportRoundTrip(t *testing.T) {
	m := newMemory(t, "x")
	pairs := [][2]string{
		{ringDA, ringEN},
		{"Han sagde: <ikke> & \"måske\"\n- Det er svært.", "He said: <not> & \"maybe\"\n- It is hard."},
		{"Siden 1950 har vulkanudbrud kostet titusinder livet.", "Since 1950 eruptions have killed tens of thousands."},
	}
	for _, p := range pairs {
		m.Remember(p[0], p[1])
	}
	first := export(t, m, 3)
	fresh := newMemory(t, "x")
	if read, stored, err := fresh.Import(bytes.NewReader(first)); read != 3 || stored != 3 || err != nil {
		t.Fatalf("Import = %d, %d, %v", read, stored, err)
	}
	for _, p := range pairs {
		if got, ok := fresh.Recall(p[0]); got != p[1] || !ok {
			t.Errorf("imported Recall(%q) = %q, %v", p[0], got, ok)
		}
	}
	if again := export(t, fresh, 3); !bytes.Equal(again, first) {
		t.Errorf("the export of the imported memory differs:\n%s\nwant\n%s", again, first)
	}
}

func export(t *testing.T, m *Memory, want int) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := m.Export(&buf)
	if err != nil || n != want {
		t.Fatalf("Export = %d, %v; want %d", n, err, want)
	}
	return buf.Bytes()
}

// What translators' tools write: regions in xml:lang, TMX 1.1's lang,
// inline codes (left out) and highlighting (kept), other languages and
// units with one side (skipped), a DOCTYPE.
func TestImportReadsOtherToolsTMX(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="da-DK" creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="da-DK"><seg>Regeringen <bpt i="1">&lt;b&gt;</bpt>falder<ept i="1">&lt;/b&gt;</ept> <hi>i dag</hi>.</seg></tuv>
<tuv xml:lang="en-GB"><seg>The government <ph>{1}</ph>falls today.</seg></tuv><tuv xml:lang="de"><seg>Die Regierung fällt.</seg></tuv></tu>
<tu><tuv lang="DA"><seg>Ja.</seg></tuv><tuv lang="EN"><seg>Yes.</seg></tuv></tu>
<tu><tuv xml:lang="da"><seg>Kun dansk.</seg></tuv></tu>
</body></tmx>`
	m := newMemory(t)
	read, stored, err := m.Import(strings.NewReader(doc))
	if read != 2 || stored != 2 || err != nil {
		t.Fatalf("Import = %d, %d, %v; want 2, 2", read, stored, err)
	}
	if got, _ := m.Recall("Regeringen falder i dag."); got != "The government falls today." {
		t.Errorf("Recall = %q", got)
	}
	if got, _ := m.Recall("Ja."); got != "Yes." {
		t.Errorf("Recall(Ja.) = %q", got)
	}
	// A translation is cleaned as a model's answer is: it reaches pages
	// with no check between.
	hostile := "<tmx><body><tu><tuv xml:lang=\"da\"><seg>Nej.</seg></tuv>" +
		"<tuv xml:lang=\"en\"><seg>N\u202eo\u200b.&#x7f;</seg></tuv></tu></body></tmx>"
	if _, _, err := m.Import(strings.NewReader(hostile)); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Recall("Nej."); got != "No." {
		t.Errorf("Recall(Nej.) = %q, want the translation without its bidi, invisible and control characters", got)
	}
}

// An endless or huge file stops at the limit, a huge segment is refused,
// broken XML is named with its line.
func TestImportLimits(t *testing.T) {
	m := newMemory(t)
	defer func(n int64) { maxTMX = n }(maxTMX)
	maxTMX = 1 << 20
	endless := io.MultiReader(strings.NewReader("<tmx><body>"), neverEnding{})
	if _, _, err := m.Import(endless); err == nil || !strings.Contains(err.Error(), "over 1 MB") {
		t.Errorf("endless file: err = %v", err)
	}
	huge := "<tmx><body><tu><tuv xml:lang=\"da\"><seg>" + strings.Repeat("a", 70<<10) + "</seg></tuv></tu></body></tmx>"
	if _, _, err := m.Import(strings.NewReader(huge)); err == nil || !strings.Contains(err.Error(), "over 64 KB") {
		t.Errorf("huge segment: err = %v", err)
	}
	if _, _, err := m.Import(strings.NewReader("<tmx>\n<body>\n<tu></body>")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("broken XML: err = %v", err)
	}
}

// A unit ends at its </tu>: a segment read after one (here inside a
// malformed outer unit) never pairs with the segments of the unit that
// ended, so no pair the file does not hold goes into the memory.
func TestImportPairsOnlyWithinOneUnit(t *testing.T) {
	m := newMemory(t)
	doc := `<tmx><body><tu><tu><tuv xml:lang="da"><seg>Ja.</seg></tuv><tuv xml:lang="en"><seg>Yes.</seg></tuv></tu>` +
		`<tuv xml:lang="da"><seg>Nej.</seg></tuv></tu></body></tmx>`
	read, stored, err := m.Import(strings.NewReader(doc))
	if read != 1 || stored != 1 || err != nil {
		t.Errorf("Import = %d, %d, %v; want 1, 1", read, stored, err)
	}
	if got, ok := m.Recall("Nej."); ok {
		t.Errorf("Recall(Nej.) = %q: paired with another unit's translation", got)
	}
}

type neverEnding struct{}

func (neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// translate-toolkit (Debian's translate-toolkit package, which CI
// installs) reads brief's export and writes it back as its own TMX, which
// brief imports to the same memory; and a PO file a translator made goes
// into brief through po2tmx.
func TestTranslateToolkitRoundTrip(t *testing.T) {
	for _, tool := range []string{"pogrep", "po2tmx"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: install Debian's translate-toolkit (apt-get install translate-toolkit) to run this test; CI does", tool)
		}
	}
	dir := t.TempDir()
	m := newMemory(t, "x")
	m.Remember(ringDA, ringEN)
	m.Remember("Han sagde: <ikke> & \"måske\"\n- Det er svært.", "He said: <not> & \"maybe\"\n- It is hard.")
	first := export(t, m, 2)
	in, out := filepath.Join(dir, "brief.tmx"), filepath.Join(dir, "toolkit.tmx")
	if err := os.WriteFile(in, first, 0o644); err != nil {
		t.Fatal(err)
	}
	// pogrep with an empty pattern: every unit, through the toolkit's
	// TMX reader and writer.
	run(t, "pogrep", "-e", "", "-i", in, "-o", out)
	fresh := newMemory(t, "x")
	f, _ := os.Open(out)
	defer f.Close()
	if read, _, err := fresh.Import(f); read != 2 || err != nil {
		t.Fatalf("Import of the toolkit's TMX = %d, %v", read, err)
	}
	if again := export(t, fresh, 2); !bytes.Equal(again, first) {
		t.Errorf("after translate-toolkit the memory's export differs:\n%s\nwant\n%s", again, first)
	}

	po, tmx := filepath.Join(dir, "x.po"), filepath.Join(dir, "x.tmx")
	os.WriteFile(po, []byte("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\nmsgid \"Siden 1950 har vulkanudbrud kostet titusinder livet.\"\nmsgstr \"Since 1950 eruptions have killed tens of thousands.\"\n"), 0o644)
	run(t, "po2tmx", "--source-language", "da", "-l", "en", "-i", po, "-o", tmx)
	f2, _ := os.Open(tmx)
	defer f2.Close()
	if _, stored, err := fresh.Import(f2); stored != 1 || err != nil {
		t.Fatalf("Import of po2tmx's TMX = %d, %v", stored, err)
	}
	if got, _ := fresh.Recall("Siden 1950 har vulkanudbrud kostet titusinder livet."); got != "Since 1950 eruptions have killed tens of thousands." {
		t.Errorf("Recall after po2tmx = %q", got)
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}
