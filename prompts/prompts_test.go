package prompts_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/prompts"
)

// The callers' data shapes, mirrored here so these tests do not depend on
// the translate and summarize packages: translate passes []translate.Term
// (fields Source, Target) as Glossary, digest passes []summarize.Story
// (fields Date, Headline, Summary) as Stories. Templates are executed with
// missingkey=error, so a template asking for a key the callers do not pass
// fails here.
type term struct{ Source, Target string }

type story struct{ Date, Headline, Summary string }

// used lists every template name the code asks for.
var used = []string{
	prompts.TranslateSystem, prompts.TranslateUser,
	prompts.SummarizeSystem, prompts.SummarizeUser,
	prompts.DigestSystem, prompts.DigestUser,
	prompts.ReviewSystem, prompts.ReviewUser,
}

// reviewPair is one pair translate.Reviewer sends.
type reviewPair struct {
	N                   int
	Source, Translation string
}

// reviewData is the map translate.Reviewer passes.
func reviewData(pairs []reviewPair) map[string]any {
	return map[string]any{"From": lang.Name("da"), "To": lang.Name("en"), "Pairs": pairs}
}

// translateData is the map translate.Translator.build passes.
func translateData(paragraphs int, glossary []term, context, text string) map[string]any {
	return map[string]any{
		"From":       lang.Name("da"),
		"To":         lang.Name("en"),
		"Compact":    false,
		"Paragraphs": paragraphs,
		"Glossary":   glossary,
		"References": []struct{ Source, Target string }{},
		"Context":    context,
		"Text":       text,
	}
}

// summarizeData is the map summarize.Summarizer passes for an article.
func summarizeData(text string) map[string]any {
	return map[string]any{"To": lang.Name("en"), "Text": text}
}

// digestData is the map summarize.Summarizer.digestOnce passes.
func digestData(period string, stories []story) map[string]any {
	return map[string]any{"To": lang.Name("en"), "Count": len(stories), "Period": period, "Stories": stories}
}

const article = "Regeringen vil sænke afgiften på el.\n\n- Det er en god dag, siger ministeren."

// callerData is one realistic data value per template, as the callers build it.
func callerData() map[string]any {
	stories := []story{
		{Date: "2024-05-03", Headline: "Government cuts electricity tax", Summary: "The tax falls next year."},
		{Headline: "Ferry service resumes", Summary: "Ferries sail again after the storm."},
	}
	pairs := []reviewPair{{1, "Regeringen vil sænke afgiften på el.", "The government will cut the duty on electricity."}}
	return map[string]any{
		prompts.TranslateSystem: translateData(2, []term{{"afgift", "duty"}}, "Forrige afsnit.", article),
		prompts.TranslateUser:   translateData(2, []term{{"afgift", "duty"}}, "Forrige afsnit.", article),
		prompts.SummarizeSystem: summarizeData("The government will cut the duty on electricity."),
		prompts.SummarizeUser:   summarizeData("The government will cut the duty on electricity."),
		prompts.DigestSystem:    digestData("3 May 2024", stories),
		prompts.DigestUser:      digestData("3 May 2024", stories),
		prompts.ReviewSystem:    reviewData(pairs),
		prompts.ReviewUser:      reviewData(pairs),
	}
}

func render(t *testing.T, s *prompts.Set, name string, data any) string {
	t.Helper()
	out, err := s.Render(name, data)
	if err != nil {
		t.Fatalf("Render(%s): %v", name, err)
	}
	return out
}

func TestEmbeddedSetHasEveryTemplateTheCodeUses(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	names := s.Names()
	for _, n := range used {
		if !slices.Contains(names, n) {
			t.Errorf("embedded set lacks %q (has %v)", n, names)
			continue
		}
		if strings.TrimSpace(s.Text(n)) == "" {
			t.Errorf("embedded %s is empty", n)
		}
		if got := s.Origin(n); got != "embedded" {
			t.Errorf("Origin(%s) = %q, want embedded", n, got)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() not sorted: %v", names)
	}
}

func TestEveryTemplateRendersWithTheCallersData(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range callerData() {
		out := render(t, s, name, data)
		if out == "" {
			t.Errorf("%s rendered empty", name)
		}
		if strings.Contains(out, "<no value>") {
			t.Errorf("%s rendered a missing value:\n%s", name, out)
		}
		if out != strings.TrimSpace(out) {
			t.Errorf("%s: rendered prompt has surrounding white space", name)
		}
	}
}

func TestRenderOfUnknownTemplateFails(t *testing.T) {
	_, err := embeddedPrompts(t).Render("translate.sytem", nil)
	if err == nil || !strings.Contains(err.Error(), "translate.sytem") {
		t.Fatalf("err = %v, want an error naming the prompt", err)
	}
}

func TestRenderWithMissingKeyFails(t *testing.T) {
	// A caller that forgets a key must get an error, not a prompt with
	// "<no value>" sent to the model.
	data := translateData(2, nil, "", article)
	delete(data, "Paragraphs")
	_, err := embeddedPrompts(t).Render(prompts.TranslateUser, data)
	if err == nil || !strings.Contains(err.Error(), "Paragraphs") {
		t.Fatalf("err = %v, want an error naming the missing key", err)
	}
}

func TestTranslateSystemPromptIsTheSameForEveryPart(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	glossary := []term{{"Folketinget", "the Danish Parliament"}, {"afgift", "duty"}}
	plain := render(t, s, prompts.TranslateSystem, translateData(3, nil, "", article))
	for _, want := range []string{"Danish", "English", "<glossary>", "<context>", "<article>"} {
		if !strings.Contains(plain, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, plain)
		}
	}
	// What varies between parts (paragraph count, glossary terms, context,
	// text) must not reach the system prompt: servers reuse a shared prefix
	// between requests only up to the first byte that differs.
	for _, data := range []map[string]any{
		translateData(1, nil, "", article),
		translateData(7, glossary, "", article),
		translateData(2, []term{}, "Forrige afsnit.", "Andet."),
	} {
		if got := render(t, s, prompts.TranslateSystem, data); got != plain {
			t.Errorf("system prompt changed with the part's data %v:\n%s\nwant\n%s", data, got, plain)
		}
	}
	// The compact instructions (a part of a few paragraphs) are one fixed
	// prompt too, and keep every rule's subject.
	compact := translateData(1, nil, "", article)
	compact["Compact"] = true
	short := render(t, s, prompts.TranslateSystem, compact)
	for _, want := range []string{"Danish", "English", "<glossary>", "<context>", "<reference>", "<article>", "number", "name", "quot", "paragraph"} {
		if !strings.Contains(short, want) {
			t.Errorf("compact system prompt lacks %q:\n%s", want, short)
		}
	}
	if 2*len(short) > len(plain) {
		t.Errorf("the compact system prompt is %d bytes, the full one %d: not compact", len(short), len(plain))
	}
	compact["Paragraphs"], compact["Glossary"], compact["Context"] = 4, glossary, "Forrige afsnit."
	if got := render(t, s, prompts.TranslateSystem, compact); got != short {
		t.Errorf("compact system prompt changed with the part's data:\n%s\nwant\n%s", got, short)
	}
}

func TestTranslateUserMessageCarriesWhatVaries(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	plain := render(t, s, prompts.TranslateUser, translateData(3, nil, "", article))
	if !strings.Contains(plain, "exactly 3 paragraphs") {
		t.Errorf("user message lacks the paragraph count:\n%s", plain)
	}
	if strings.Contains(plain, "<glossary>") || strings.Contains(plain, "→") || strings.Contains(plain, "<context>") {
		t.Errorf("user message has glossary or context without either:\n%s", plain)
	}
	one := render(t, s, prompts.TranslateUser, translateData(1, nil, "", article))
	if !strings.Contains(one, "one paragraph") || strings.Contains(one, "1 paragraphs") {
		t.Errorf("one-paragraph message should say one paragraph:\n%s", one)
	}
	// An empty (non-nil) glossary is what Match returns when no term
	// occurs; it must not leave an empty <glossary> block.
	if empty := render(t, s, prompts.TranslateUser, translateData(3, []term{}, "", article)); empty != plain {
		t.Errorf("an empty glossary changed the message:\n%s", empty)
	}
	glossary := []term{{"Folketinget", "the Danish Parliament"}, {"afgift", "duty"}}
	withGlossary := render(t, s, prompts.TranslateUser, translateData(3, glossary, "", article))
	for _, want := range []string{`"Folketinget" → "the Danish Parliament"`, `"afgift" → "duty"`} {
		if !strings.Contains(withGlossary, want) {
			t.Errorf("glossary line %q missing:\n%s", want, withGlossary)
		}
	}
	if strings.Index(withGlossary, "</glossary>") > strings.Index(withGlossary, "<article>") {
		t.Errorf("glossary should come before the article:\n%s", withGlossary)
	}
}

func TestTranslateLanguageNamesFollowTheOptions(t *testing.T) {
	data := translateData(2, nil, "", article)
	data["From"], data["To"] = lang.Name("sv"), lang.Name("de")
	out := render(t, embeddedPrompts(t), prompts.TranslateSystem, data)
	// The template's fixed example ("North Korea" in English) may remain;
	// the languages the model is told to translate from and into must not.
	if !strings.Contains(out, "Swedish news article") || !strings.Contains(out, "into German") || strings.Contains(out, "Danish news article") {
		t.Errorf("prompt does not follow From/To:\n%s", out)
	}
}

func TestTranslateUserMessageFencesTheArticle(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}

	out := render(t, s, prompts.TranslateUser, translateData(2, nil, "", article))
	if want := "<article>\n" + article + "\n</article>"; !strings.HasSuffix(out, want) || strings.Count(out, "<article>") != 1 {
		t.Errorf("user message =\n%q\nwant\n%q", out, want)
	}

	ctx := "Forrige afsnit om elafgiften."
	out = render(t, s, prompts.TranslateUser, translateData(2, nil, ctx, article))
	ci, ai := strings.Index(out, "<context>\n"+ctx+"\n</context>"), strings.Index(out, "<article>\n"+article+"\n</article>")
	if ci < 0 || ai < 0 || ci > ai {
		t.Errorf("want the context fenced before the fenced article, got:\n%s", out)
	}
	if strings.Count(out, ctx) != 1 || strings.Count(out, article) != 1 {
		t.Errorf("context or article repeated:\n%s", out)
	}
}

func TestSummarizePrompts(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	data := summarizeData("The government will cut the duty on electricity.")
	sys := render(t, s, prompts.SummarizeSystem, data)
	// summarize parses these JSON keys out of the answer.
	for _, want := range []string{"English", `"headline"`, `"summary"`, `"key_points"`} {
		if !strings.Contains(sys, want) {
			t.Errorf("summarize system prompt lacks %s:\n%s", want, sys)
		}
	}
	user := render(t, s, prompts.SummarizeUser, data)
	if want := "<article>\nThe government will cut the duty on electricity.\n</article>"; user != want {
		t.Errorf("summarize user message = %q, want %q", user, want)
	}
}

func TestDigestPrompts(t *testing.T) {
	s, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	stories := []story{
		{Date: "2024-05-03", Headline: "Government cuts electricity tax", Summary: "The tax falls next year."},
		{Headline: "Ferry service resumes", Summary: "Ferries sail again."},
	}
	sys := render(t, s, prompts.DigestSystem, digestData("3 May 2024", stories))
	if !strings.Contains(sys, "2 news stories from 3 May 2024") {
		t.Errorf("digest system prompt lacks count and period:\n%s", sys)
	}
	noPeriod := render(t, s, prompts.DigestSystem, digestData("", stories))
	if !strings.Contains(noPeriod, "2 news stories.") {
		t.Errorf("digest prompt says 'from' without a period:\n%s", noPeriod)
	}
	user := render(t, s, prompts.DigestUser, digestData("3 May 2024", stories))
	want := "<stories>\n" +
		"- [2024-05-03] Government cuts electricity tax: The tax falls next year.\n" +
		"- Ferry service resumes: Ferries sail again.\n" +
		"</stories>"
	if user != want {
		t.Errorf("digest user message =\n%s\nwant\n%s", user, want)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOverrideReplacesOnlyTheNamedTemplate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, prompts.TranslateSystem+".tmpl")
	writeFile(t, path, "Oversæt fra {{.From}} til {{.To}}, {{.Paragraphs}} afsnit.")
	// Other files in the folder (notes, backups) are not prompts.
	writeFile(t, filepath.Join(dir, "README.md"), "my notes")
	writeFile(t, filepath.Join(dir, "translate.system.tmpl.bak"), "old")

	s, err := prompts.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	embedded := embeddedPrompts(t)
	if got := s.Origin(prompts.TranslateSystem); got != path {
		t.Errorf("Origin = %q, want %q", got, path)
	}
	out := render(t, s, prompts.TranslateSystem, translateData(4, nil, "", article))
	if out != "Oversæt fra Danish til English, 4 afsnit." {
		t.Errorf("override not used: %q", out)
	}
	for _, n := range embedded.Names() {
		if n == prompts.TranslateSystem {
			continue
		}
		if s.Origin(n) != "embedded" || s.Text(n) != embedded.Text(n) {
			t.Errorf("%s changed by an override of another template (origin %q)", n, s.Origin(n))
		}
	}
}

func TestOverrideWithUnknownNameIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "translate.sytem.tmpl"), "typo")
	_, err := prompts.Load(dir)
	if err == nil {
		t.Fatal("a misspelt override file was silently ignored")
	}
	for _, want := range []string{"translate.sytem.tmpl", prompts.TranslateSystem} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestOverrideWithSyntaxErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, prompts.SummarizeUser+".tmpl")
	writeFile(t, path, "<article>\n{{.Text}\n</article>")
	_, err := prompts.Load(dir)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want an error naming %s", err, path)
	}
}

func TestMissingOverrideFolderSaysHowToCreateIt(t *testing.T) {
	_, err := prompts.Load(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "brief prompts --write") {
		t.Fatalf("err = %v, want a hint to write the folder", err)
	}
}

func TestHashChangesOnlyWithTheTemplatesText(t *testing.T) {
	embedded := embeddedPrompts(t)
	tr := func(s *prompts.Set) string { return s.Hash(prompts.TranslateSystem, prompts.TranslateUser) }
	sum := func(s *prompts.Set) string { return s.Hash(prompts.SummarizeSystem, prompts.SummarizeUser) }

	if tr(embedded) != tr(embeddedPrompts(t)) {
		t.Fatal("hash differs between two loads of the same templates")
	}
	if tr(embedded) == sum(embedded) {
		t.Fatal("different templates hash the same")
	}

	// The same text from a file (another origin) keeps the cache valid.
	same := t.TempDir()
	writeFile(t, filepath.Join(same, prompts.TranslateSystem+".tmpl"), embedded.Text(prompts.TranslateSystem))
	s, err := prompts.Load(same)
	if err != nil {
		t.Fatal(err)
	}
	if tr(s) != tr(embedded) {
		t.Error("an override identical to the embedded text changed the hash")
	}

	edited := t.TempDir()
	writeFile(t, filepath.Join(edited, prompts.TranslateSystem+".tmpl"), embedded.Text(prompts.TranslateSystem)+" Be brief.")
	s, err = prompts.Load(edited)
	if err != nil {
		t.Fatal(err)
	}
	if tr(s) == tr(embedded) {
		t.Error("editing the translate prompt did not change its hash")
	}
	if sum(s) != sum(embedded) {
		t.Error("editing the translate prompt changed the summarize hash")
	}
}

func TestWriteDirWritesEveryTemplate(t *testing.T) {
	embedded := embeddedPrompts(t)
	dir := filepath.Join(t.TempDir(), "my-prompts")
	written, err := embedded.WriteDir(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(embedded.Names()) {
		t.Errorf("wrote %d files, want %d: %v", len(written), len(embedded.Names()), written)
	}
	for _, n := range embedded.Names() {
		path := filepath.Join(dir, n+".tmpl")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s not written: %v", n, err)
			continue
		}
		if string(data) != embedded.Text(n) {
			t.Errorf("%s written with other text", path)
		}
		if !slices.Contains(written, path) {
			t.Errorf("%s not reported as written", path)
		}
	}

	// The written folder loads as overrides and renders exactly like the
	// embedded set, so `brief prompts --write` is a safe starting point.
	loaded, err := prompts.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range callerData() {
		if got, want := render(t, loaded, name, data), render(t, embedded, name, data); got != want {
			t.Errorf("%s renders differently after write and load", name)
		}
		if loaded.Origin(name) != filepath.Join(dir, name+".tmpl") {
			t.Errorf("Origin(%s) = %q, want the written file", name, loaded.Origin(name))
		}
		if loaded.Hash(name) != embedded.Hash(name) {
			t.Errorf("%s hash changed by write and load", name)
		}
	}
}

func TestWriteDirKeepsEditsUnlessForced(t *testing.T) {
	embedded := embeddedPrompts(t)
	dir := t.TempDir()
	if _, err := embedded.WriteDir(dir, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, prompts.TranslateSystem+".tmpl")
	writeFile(t, path, "my edited prompt")

	_, err := embedded.WriteDir(dir, false)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v, want a refusal that mentions --force", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "my edited prompt" {
		t.Fatalf("edited prompt overwritten without --force: %q", data)
	}

	if _, err := embedded.WriteDir(dir, true); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != embedded.Text(prompts.TranslateSystem) {
		t.Fatalf("--force did not restore the embedded prompt: %q", data)
	}
}

// embeddedPrompts is the prompt set brief ships.
func embeddedPrompts(t testing.TB) *prompts.Set {
	t.Helper()
	ps, err := prompts.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
