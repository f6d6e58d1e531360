package translate

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/translate/qa"
)

const (
	tollOld   = "Mindst 12 mennesker er omkommet efter jordskælvet på øen Lombok, oplyser myndighederne onsdag aften."
	tollOldEN = "At least 12 people have died after the earthquake on the island of Lombok, the authorities said on Wednesday evening."
	tollNew   = "Mindst 15 mennesker er omkommet efter jordskælvet på øen Lombok, oplyser myndighederne onsdag aften."
	rescue    = "Redningsfolk leder efter overlevende i de sammenstyrtede huse i landsbyerne."
)

func memoryOf(t *testing.T, pairs ...string) *tm.Memory {
	t.Helper()
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := tm.New(c, "da", "en", "test")
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Remember(pairs[i], pairs[i+1])
	}
	return m
}

// A paragraph with a changed number goes to the model with the remembered
// pair as a reference; an answer that keeps the old number is a finding.
func TestNearParagraphIsSentWithItsReferenceAndALeakedNumberIsAFinding(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetHandler(func(req llmtest.ChatRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		text := llmtest.Between(user, "<article>", "</article>")
		if ps := llmtest.Paragraphs(llmtest.EnglishTranslation(text)); strings.Contains(text, "Mindst 15") {
			ps[0] = tollOldEN // the model copied the reference
			return llmtest.Text(strings.Join(ps, "\n\n"))
		}
		return llmtest.Default(req)
	})
	tr := newTranslator(t, srv, Options{}).WithMemory(memoryOf(t, tollOld, tollOldEN))
	a := article.Article{Paragraphs: []string{tollNew, rescue}}
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	ref := llmtest.Between(reqs[0].User, "<reference>", "</reference>")
	if !strings.Contains(ref, tollOld) || !strings.Contains(ref, tollOldEN) {
		t.Errorf("the request's reference is %q, want the remembered pair", ref)
	}
	if !strings.Contains(llmtest.Between(reqs[0].User, "<article>", "</article>"), tollNew) {
		t.Error("the near paragraph was not sent to be translated")
	}
	var leak *qa.Finding
	for i, f := range res.Findings {
		if f.Code == qa.CodeMemoryNumber {
			leak = &res.Findings[i]
		}
	}
	if leak == nil || leak.SourceParagraph != 1 || !strings.Contains(leak.Message, "12") {
		t.Fatalf("findings %+v, want a memory-number finding on paragraph 1 naming 12", res.Findings)
	}
	if len(tr.Passing(a, res)) != 1 {
		t.Errorf("Passing = %v, want only the paragraph without findings", tr.Passing(a, res))
	}
}

// A faithful answer to a near paragraph has no memory finding, and an
// exact match is not sent at all.
func TestExactParagraphIsFilledInAndNearOneTranslatedCleanly(t *testing.T) {
	srv := llmtest.New(t)
	tr := newTranslator(t, srv, Options{}).WithMemory(memoryOf(t, tollOld, tollOldEN, rescue, "Rescuers search the collapsed houses in the villages for survivors."))
	res, err := tr.Translate(context.Background(), article.Article{Paragraphs: []string{tollNew, rescue}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("finding: %+v", f)
	}
	if res.Paragraphs[1] != "Rescuers search the collapsed houses in the villages for survivors." {
		t.Errorf("paragraph 2 = %q, want the remembered translation", res.Paragraphs[1])
	}
	if len(res.Memory) != 1 || res.Memory[0] != 2 || res.MemoryTokens == 0 {
		t.Errorf("Memory = %v, %d tokens; want paragraph 2", res.Memory, res.MemoryTokens)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(llmtest.Between(r.User, "<article>", "</article>"), "Redningsfolk") {
			t.Error("the remembered paragraph was sent")
		}
	}
}

// A model that merged two paragraphs and split another answers as many
// paragraphs as it was sent, so they pair index by index and no check
// names the ones between, which are shifted by one: the memory must not
// keep those as each other's translations.
func TestPassingKeepsNoShiftedParagraph(t *testing.T) {
	src := []string{
		"Politiet rykkede ud klokken 14 til en brand i Vejle.",
		"Tre personer blev bragt til Sygehus Lillebælt med røgforgiftning.",
		"Branden startede ifølge Sydøstjyllands Politi i et køkken på 2. sal, og 40 beboere blev evakueret.",
		"Beboerne kunne vende hjem ved 18-tiden.",
	}
	en := []string{
		"Police were called out at 14 to a fire in Vejle. Three people were taken to Sygehus Lillebælt with smoke poisoning.",
		"According to Sydøstjyllands Politi the fire started in a kitchen on the 2nd floor, and 40 residents were evacuated.",
		"The residents could return home",
		"around 18.",
	}
	tr := newTranslator(t, llmtest.New(t), Options{})
	a := article.Article{Lede: src[0], Paragraphs: src[1:]}
	for _, p := range tr.Passing(a, Result{Lede: en[0], Paragraphs: en[1:]}) {
		if p.Source == src[1] {
			t.Errorf("remembered %q as the translation of %q", p.Target, p.Source)
		}
	}
	// An answer whose paragraphs do line up is remembered whole.
	good := []string{
		"Police were called out at 14 to a fire in Vejle.",
		"Three people were taken to Sygehus Lillebælt with smoke poisoning.",
		"According to Sydøstjyllands Politi the fire started in a kitchen on the 2nd floor, and 40 residents were evacuated.",
		"The residents could return home around 18.",
	}
	if got := tr.Passing(a, Result{Lede: good[0], Paragraphs: good[1:]}); len(got) != 4 {
		t.Errorf("Passing of a faithful answer = %d pairs, want 4: %v", len(got), got)
	}
}

// An update whose paragraphs the memory holds but one sends that one with
// the compact instructions: its request costs under half the article's,
// not the full instructions again for one paragraph.
func TestAnUpdatesOneNewParagraphCostsAFractionOfTheArticle(t *testing.T) {
	srv := llmtest.New(t)
	first := article.Article{Lede: paragraph(0, 1)}
	for i := 1; i < 10; i++ {
		first.Paragraphs = append(first.Paragraphs, paragraph(i, 2))
	}
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mem := tm.New(c, "da", "en", "test")
	tr := newTranslator(t, srv, Options{}).WithMemory(mem)
	res, err := tr.Translate(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tr.Passing(first, res) {
		mem.Remember(p.Source, p.Target)
	}
	update := first
	update.Paragraphs = append(append([]string{}, first.Paragraphs...), paragraph(11, 2))
	if _, err := tr.Translate(context.Background(), update); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want one for the article and one for the update's new paragraph", len(reqs))
	}
	whole, one := reqs[0].PromptTokens, reqs[1].PromptTokens
	if 2*one > whole {
		t.Errorf("the update's one new paragraph cost %d prompt tokens, the whole article %d: want under half", one, whole)
	}
	for _, rule := range []string{"<article>", "<glossary>", "<context>", "<reference>", "number", "name", "quot", "paragraph"} {
		if !strings.Contains(reqs[1].System, rule) {
			t.Errorf("the compact instructions leave out %q:\n%s", rule, reqs[1].System)
		}
	}
}

// A paragraph an article repeats (a quote given again at the end) is sent
// once and reads the same both times.
func TestAParagraphRepeatedInAnArticleIsSentOnce(t *testing.T) {
	srv := llmtest.New(t)
	tr := newTranslator(t, srv, Options{}).WithMemory(memoryOf(t))
	a := article.Article{Lede: paragraph(0, 1), Paragraphs: []string{rescue, paragraph(2, 2), paragraph(3, 1), "  " + rescue, paragraph(4, 1)}}
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paragraphs) != 5 || res.Paragraphs[0] != res.Paragraphs[3] {
		t.Fatalf("the repeated paragraph reads %q and %q", res.Paragraphs[0], res.Paragraphs[3])
	}
	for _, f := range res.Findings {
		t.Errorf("finding: %+v", f)
	}
	reqs := srv.Requests()
	if n := strings.Count(llmtest.Between(reqs[0].User, "<article>", "</article>"), "Redningsfolk"); len(reqs) != 1 || n != 1 {
		t.Errorf("%d requests; the repeated paragraph was sent %d times, want once", len(reqs), n)
	}
}

// A model that splits a paragraph in two (real models often do) does not
// cost an article whose other paragraphs the memory fills in (a repeat of
// its own, or a remembered paragraph between new ones): the article is
// published whole and in source order, the split is a finding, and no
// paragraph is remembered with another's translation.
func TestAnAnswerThatDoesNotLineUpLosesNoFilledInParagraph(t *testing.T) {
	const (
		lede    = "Branden 610 på havnen i Esbjerg er under kontrol, oplyser politiet."
		quote   = "- Vi 620 har aldrig set en brand af den størrelse her, siger indsatslederen."
		split   = "Brandfolk 630 arbejdede hele natten med at slukke ilden. Ingen kom til skade."
		harbor  = "Havnen 640 er lukket for skibe, indtil røgen er væk."
		closing = "Politiet 650 vil undersøge, hvordan branden opstod."
	)
	cases := map[string]struct {
		memory     []string
		paragraphs []string
		want       []string // each source paragraph's number, in order
	}{
		"a paragraph the article repeats": {
			paragraphs: []string{quote, split, harbor, quote, closing},
			want:       []string{"610", "620", "630", "640", "620", "650"},
		},
		"a remembered paragraph between new ones": {
			memory:     []string{harbor, "The 640 harbour is closed to ships until the smoke has gone."},
			paragraphs: []string{quote, split, harbor, closing},
			want:       []string{"610", "620", "630", "640", "650"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := llmtest.New(t)
			srv.SetHandler(func(req llmtest.ChatRequest) llmtest.Reply {
				r := llmtest.Default(req)
				ps := llmtest.Paragraphs(r.Content)
				for i, p := range ps {
					if strings.Contains(p, "630") {
						ps[i] = strings.Replace(p, ". ", ".\n\n", 1)
					}
				}
				r.Content = strings.Join(ps, "\n\n")
				return r
			})
			tr := newTranslator(t, srv, Options{}).WithMemory(memoryOf(t, c.memory...))
			a := article.Article{Lede: lede, Paragraphs: c.paragraphs}
			res, err := tr.Translate(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Translation() {
				got = append(got, qa.Numbers(p)...)
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("the translation's paragraphs carry %v, want every source paragraph in order %v:\n%q", got, c.want, res.Translation())
			}
			if !slices.ContainsFunc(res.Findings, func(f qa.Finding) bool { return f.Code == qa.CodeParagraphs }) {
				t.Errorf("the split paragraph is no finding: %v", res.Findings)
			}
			for _, p := range tr.Passing(a, res) {
				if !slices.Equal(qa.Numbers(p.Source), qa.Numbers(p.Target)) {
					t.Errorf("would remember %q as %q", p.Source, p.Target)
				}
			}
		})
	}
}
