package translate

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/prompts"
	"github.com/brief-news/brief/translate/qa"
)

// bank holds invented Danish sentences with one number each ("%s") and
// their English translations. The fake model below translates by looking
// sentences up here, so a test knows the exact expected translation.
var bank = [][2]string{
	{"Kommunen brugte %s kroner på nye cykelstier langs åen.", "The municipality spent %s kroner on new cycle paths along the stream."},
	{"Ifølge politiet blev %s bilister standset ved kontrollen i går.", "According to the police, %s drivers were stopped at the checkpoint yesterday."},
	{"Skolen har nu %s elever, og det er flere end nogensinde før.", "The school now has %s pupils, which is more than ever before."},
	{"Borgmesteren sagde, at byggeriet vil tage %s uger.", "The mayor said that the construction will take %s weeks."},
	{"Der blev fanget %s torsk i fjorden i sidste uge.", "In the fjord, %s cod were caught last week."},
	{"Færgen til øen sejler nu %s gange om måneden.", "The ferry to the island now sails %s times a month."},
	{"Museet fik besøg af %s gæster i løbet af sommeren.", "The museum was visited by %s guests during the summer."},
	{"Regionen har afsat %s millioner kroner til det nye sygehus.", "The region has set aside %s million kroner for the new hospital."},
	{"Hun har arbejdet på værftet i %s år og kender alle.", "She has worked at the shipyard for %s years and knows everyone."},
	{"Vejret var så dårligt, at %s fly blev aflyst i lufthavnen.", "The weather was so bad that %s flights were cancelled at the airport."},
	{"Havnefogeden talte %s både i havnen på en enkelt dag.", "The harbour master counted %s boats in the harbour on a single day."},
	{"Folketinget stemte om forslaget, og %s medlemmer sagde ja.", "The Danish parliament voted on the proposal, and %s members said yes."},
	// Quotation lines, for the tests of repeated source text.
	{"- Vi giver ikke op, siger træneren efter %s kampe i træk.", "- We are not giving up, says the coach after %s matches in a row."},
	{"\"Ned med skatten,\" råbte de %s demonstranter foran rådhuset.", "\"Down with the tax,\" shouted the %s protesters outside the town hall."},
	{"Du er velkommen til at ringe til kommunen på telefon %s.", "Feel free to call the municipality on %s."},
}

// commonSentences is how many bank sentences generated paragraphs use; the
// rest (harbour master, parliament) are placed by the tests that need them.
const commonSentences = 10

var bankNumberRe = regexp.MustCompile(`\d+(?:[.,]\d{3})*`)

// danishNumber writes n the Danish way (1.234), englishNumber the English way (1,234).
func danishNumber(n int) string  { return group(n, ".") }
func englishNumber(n int) string { return group(n, ",") }
func group(n int, sep string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

var enByDa = func() map[string]string {
	m := map[string]string{}
	for _, b := range bank {
		m[b[0]] = b[1]
	}
	return m
}()

// fakeTranslate translates a Danish text made of bank sentences: paragraph
// by paragraph, sentence by sentence. Unknown sentences are kept as they are.
func fakeTranslate(text string) string {
	var out []string
	for _, p := range llmtest.Paragraphs(text) {
		var sents []string
		for _, s := range qa.Sentences(p) {
			s = strings.TrimSpace(s)
			num := bankNumberRe.FindString(s)
			tmpl := strings.Replace(s, num, "%s", 1)
			en, ok := enByDa[tmpl]
			if !ok || num == "" {
				sents = append(sents, s)
				continue
			}
			n, _ := strconv.Atoi(strings.ReplaceAll(num, ".", ""))
			sents = append(sents, fmt.Sprintf(en, englishNumber(n)))
		}
		out = append(out, strings.Join(sents, " "))
	}
	return strings.Join(out, "\n\n")
}

// translator answers translate requests with fakeTranslate of the <article>.
func translator(req openai.ChatCompletionRequest) llmtest.Reply {
	_, user := llmtest.Messages(req)
	return llmtest.Text(fakeTranslate(llmtest.Between(user, "<article>", "</article>")))
}

// paragraph builds source paragraph i from k bank sentences with numbers
// unique to the paragraph, so each paragraph's translation is recognisable.
func paragraph(i, k int) string {
	var s []string
	for j := 0; j < k; j++ {
		s = append(s, fmt.Sprintf(bank[(i*3+j)%commonSentences][0], danishNumber(100*i+j+1)))
	}
	return strings.Join(s, " ")
}

// longArticle is about chars characters: paragraphs of 2–6 sentences and,
// as paragraph 7, one paragraph of 40 sentences, longer than a 2048-token
// window allows.
func longArticle(chars int) article.Article {
	a := article.Article{ID: "long", Lede: fmt.Sprintf(bank[0][0], "7")}
	total := 0
	for i := 0; total < chars; i++ {
		k := 2 + i%5
		if i == 7 {
			k = 40
		}
		p := paragraph(i, k)
		a.Paragraphs = append(a.Paragraphs, p)
		total += len([]rune(p)) + 2
	}
	return a
}

func newClient(t *testing.T, srv *llmtest.Server) *llm.Client {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// discovered is newClient after asking the server what it is and what
// window it gives, as brief's pool does before the first request: what
// the client judges a cut by.
func discovered(t *testing.T, srv *llmtest.Server) *llm.Client {
	t.Helper()
	c := newClient(t, srv)
	s := c.Discover(context.Background())
	c.SetWindow(llm.ChooseWindow(0, s, llmtest.Model, nil), s)
	return c
}

func newTranslator(t *testing.T, srv *llmtest.Server, o Options) *Translator {
	t.Helper()
	if o.From == "" {
		o.From, o.To = "da", "en"
	}
	return New(newClient(t, srv), embeddedPrompts(t), o)
}

func maxTokens(r llmtest.Request) int { return max(r.MaxTokens, r.MaxCompletion) }

// assertTranslated checks that res is exactly the fake translation of a:
// every paragraph present, in order, once.
func assertTranslated(t *testing.T, a article.Article, res Result) {
	t.Helper()
	if want := fakeTranslate(a.Lede); res.Lede != want {
		t.Errorf("lede = %q, want %q", res.Lede, want)
	}
	if len(res.Paragraphs) != len(a.Paragraphs) {
		t.Fatalf("got %d paragraphs, want %d", len(res.Paragraphs), len(a.Paragraphs))
	}
	for i, p := range a.Paragraphs {
		if want := fakeTranslate(p); res.Paragraphs[i] != want {
			t.Fatalf("paragraph %d =\n%q\nwant\n%q", i+1, res.Paragraphs[i], want)
		}
	}
}

func TestLongArticleIsTranslatedInChunksWithinTheBudget(t *testing.T) {
	const window = 2048
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	tr := newTranslator(t, srv, Options{ContextTokens: window})
	a := longArticle(40000)

	plan, err := tr.Plan(a)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings on a faithful translation: %q", res.Warnings)
	}
	assertTranslated(t, a, res)

	reqs := srv.Requests()
	if len(reqs) < 10 {
		t.Fatalf("%d requests for a 40,000-character article in a %d-token window", len(reqs), window)
	}
	if plan.Requests != len(reqs) || res.Chunks != len(reqs) || res.Requests != len(reqs) {
		t.Errorf("plan said %d requests, result says %d chunks and %d requests, server saw %d", plan.Requests, res.Chunks, res.Requests, len(reqs))
	}
	prevArticle := ""
	for i, r := range reqs {
		used := llm.EstimateTokens(r.System) + llm.EstimateTokens(r.User) + maxTokens(r)
		if used > window || maxTokens(r) <= 0 {
			t.Errorf("request %d: prompt + max_tokens = %d tokens (max_tokens %d), window %d", i+1, used, maxTokens(r), window)
		}
		body := llmtest.Between(r.User, "<article>", "</article>")
		ctxPar := llmtest.Between(r.User, "<context>", "</context>")
		n := len(llmtest.Paragraphs(body))
		if !strings.Contains(r.User, fmt.Sprintf("answer with exactly %d paragraphs", n)) && !(n == 1 && strings.Contains(r.User, "answer with exactly one paragraph")) {
			t.Errorf("request %d has %d paragraphs but its user message says otherwise:\n%s", i+1, n, r.User)
		}
		if i == 0 {
			if ctxPar != "" {
				t.Errorf("first request has context %q", ctxPar)
			}
		} else {
			if ctxPar == "" || !strings.HasSuffix(prevArticle, ctxPar) {
				t.Errorf("request %d: context %q is not the end of the previous part", i+1, ctxPar)
			}
			if strings.Contains(body, ctxPar) {
				t.Errorf("request %d sends its context paragraph to be translated again", i+1)
			}
		}
		prevArticle = body
	}
	// The 40-sentence paragraph was spread over several requests.
	pieces := 0
	for _, r := range reqs {
		if strings.Contains(llmtest.Between(r.User, "<article>", "</article>"), danishNumber(701)) ||
			strings.Contains(llmtest.Between(r.User, "<article>", "</article>"), danishNumber(740)) {
			pieces++
		}
	}
	if pieces < 2 {
		t.Errorf("the over-long paragraph 8 went in %d request(s)", pieces)
	}
}

// Planning a long article stops when the run ends: a deadline or a signal
// does not wait until thousands of chunks are planned (a 1 MiB article
// planned on after --deadline 1s for seconds).
func TestPlanningStopsWhenTheRunEnds(t *testing.T) {
	tr := newTranslator(t, llmtest.New(t), Options{ContextTokens: 2048})
	src := Original(longArticle(100_000))
	ctx := &endsAfter{context.Background(), 1}
	chunks, err := tr.planUnknown(ctx, src, tr.recall(src), qa.Labels{})
	if !errors.Is(err, context.Canceled) || len(chunks) != 1 {
		t.Fatalf("planning with the run ended after the first chunk: %d chunks, err = %v; want 1 and context.Canceled", len(chunks), err)
	}
}

// endsAfter is a run that ends (Err is context.Canceled) after its first
// n polls: cancelled in the middle of a loop, without timing.
type endsAfter struct {
	context.Context
	n int
}

func (c *endsAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestCutAnswerIsRedoneInSmallerParts(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	a := longArticle(1500)
	srv.Enqueue(llmtest.Reply{Content: "The municipality spent 7 kroner on", FinishReason: "length"})
	res, err := newTranslator(t, srv, Options{}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	reqs := srv.Requests()
	if len(reqs) < 3 {
		t.Fatalf("%d requests; want the cut one plus at least two smaller ones", len(reqs))
	}
	first := len(llmtest.Between(reqs[0].User, "<article>", "</article>"))
	for _, r := range reqs[1:] {
		if n := len(llmtest.Between(r.User, "<article>", "</article>")); n >= first {
			t.Errorf("redo sent %d bytes of article, the cut request %d", n, first)
		}
	}
	if res.Requests != len(reqs) || res.Usage.PromptTokens == 0 {
		t.Errorf("requests = %d (server %d), usage %+v: the cut request must count", res.Requests, len(reqs), res.Usage)
	}
}

// An Ollama that reports its whole window read: the answer is to the end
// of the prompt only, never kept, and the text is redone in parts.
func TestServerCutPromptIsRedoneInSmallerParts(t *testing.T) {
	const window = 4096
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: window, Handler: translator}))
	a := longArticle(1500)
	srv.Enqueue(llmtest.Reply{Content: "Something from the end of the article only.",
		Usage: &openai.Usage{PromptTokens: window, CompletionTokens: 12, TotalTokens: window + 12}})
	res, err := New(discovered(t, srv), embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: window}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if strings.Contains(res.Text(), "Something from the end") {
		t.Error("the answer to the cut prompt was kept")
	}
	if srv.Count() < 3 {
		t.Errorf("%d requests; want a redo in smaller parts", srv.Count())
	}
}

func TestContextLengthErrorIsRedoneInSmallerParts(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	a := longArticle(1500)
	srv.Enqueue(llmtest.ContextLength())
	res, err := newTranslator(t, srv, Options{}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if srv.Count() < 3 {
		t.Errorf("%d requests; want a redo in smaller parts", srv.Count())
	}
}

func TestSentenceTooLongForTheWindowFailsTheArticle(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	long := "Rapporten om " + strings.Repeat("den lange og snoede vej gennem det gamle landskab og ", 30) + "sluttede her."
	a := article.Article{ID: "x", Paragraphs: []string{paragraph(0, 3), long}}
	tr := newTranslator(t, srv, Options{ContextTokens: MinContext})
	_, planErr := tr.Plan(a)
	_, err := tr.Translate(context.Background(), a)
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, llm.ErrArticle) || errors.Is(err, llm.ErrFatal) {
		t.Errorf("error %v should fail the article only", err)
	}
	for _, want := range []string{"paragraph 2", "1024 tokens", "--context"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if planErr == nil || planErr.Error() != err.Error() {
		t.Errorf("Plan error %v, Translate error %v: the dry run should foresee the failure", planErr, err)
	}
	if srv.Count() != 0 {
		t.Errorf("%d requests sent for an article that cannot fit", srv.Count())
	}
}

func TestModelThatAlwaysRunsOutOfTokensFailsTheArticle(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Content: "The the the the", FinishReason: "length"}
	}))
	a := article.Article{ID: "x", Paragraphs: []string{paragraph(0, 2), paragraph(1, 2)}}
	_, err := newTranslator(t, srv, Options{}).Translate(context.Background(), a)
	if err == nil || !errors.Is(err, llm.ErrArticle) {
		t.Fatalf("err = %v, want an article failure", err)
	}
	if !strings.Contains(err.Error(), "finish_reason length") {
		t.Errorf("error %q does not give the reason", err)
	}
	// Four sentences: split at most into four single-sentence requests
	// after the whole and the halves.
	if n := srv.Count(); n > 7 {
		t.Errorf("%d requests before giving up", n)
	}
}

func shortArticle() article.Article {
	return article.Article{ID: "s", Lede: fmt.Sprintf(bank[1][0], "7"), Paragraphs: []string{
		paragraph(1, 3), paragraph(2, 2), paragraph(3, 4),
	}}
}

func TestQAFindingsReachTheResult(t *testing.T) {
	cases := []struct {
		name    string
		reply   func(text string) string
		want    string
		cleaned bool // the result must equal the faithful translation
	}{
		// (an answer in Danish as a whole is unusable: see
		// TestUnusableTranslationFailsTheArticle; one paragraph is a warning)
		{"leaves a paragraph in Danish", func(text string) string {
			ps := llmtest.Paragraphs(fakeTranslate(text))
			ps[2] = llmtest.Paragraphs(text)[2]
			return strings.Join(ps, "\n\n")
		}, "paragraph 3 seems to be still in Danish", false},
		{"drops a number", func(text string) string {
			return strings.Replace(fakeTranslate(text), "In the fjord, 102 cod", "In the fjord, many cod", 1)
		}, "number 102 from the source (paragraph 2) is missing in the translation", false},
		{"adds chatter", func(text string) string {
			return "Sure! Here is the translation:\n\n```\n" + fakeTranslate(text) + "\n```\n\nLet me know if you need anything else!"
		}, "removed the model's preface", true},
		{"loops", func(text string) string {
			ps := llmtest.Paragraphs(fakeTranslate(text))
			ps[2] = ps[2] + strings.Repeat(" "+ps[2], 3)
			return strings.Join(ps, "\n\n")
		}, "runaway repetition", false},
		{"merges paragraphs", func(text string) string {
			ps := llmtest.Paragraphs(fakeTranslate(text))
			return strings.Join(append([]string{ps[0], ps[1] + " " + ps[2]}, ps[3:]...), "\n\n")
		}, "is merged into paragraph 2 in the translation", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
				_, user := llmtest.Messages(req)
				return llmtest.Text(tc.reply(llmtest.Between(user, "<article>", "</article>")))
			}))
			a := shortArticle()
			res, err := newTranslator(t, srv, Options{}).Translate(context.Background(), a)
			if err != nil {
				t.Fatalf("err = %v; without --strict findings are warnings", err)
			}
			if !strings.Contains(strings.Join(res.Warnings, "\n"), tc.want) {
				t.Fatalf("warnings %q lack %q", res.Warnings, tc.want)
			}
			if tc.cleaned {
				assertTranslated(t, a, res)
			}
			if strings.Contains(res.Text(), "```") || strings.Contains(res.Text(), "Let me know") {
				t.Errorf("chatter left in the translation: %q", res.Text())
			}

			// --strict fails the same article, with the findings in the error.
			srv2 := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
				_, user := llmtest.Messages(req)
				return llmtest.Text(tc.reply(llmtest.Between(user, "<article>", "</article>")))
			}))
			res, err = newTranslator(t, srv2, Options{Strict: true}).Translate(context.Background(), a)
			var qe *QAError
			if !errors.As(err, &qe) || !errors.Is(err, ErrQA) || !errors.Is(err, llm.ErrArticle) {
				t.Fatalf("strict: err = %v, want a *QAError that fails the article", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--strict") || len(res.Warnings) == 0 {
				t.Errorf("strict: error %q / warnings %q", err, res.Warnings)
			}
		})
	}
}

func TestStrictPassesACleanTranslation(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	a := shortArticle()
	res, err := newTranslator(t, srv, Options{Strict: true}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
}

func TestEchoedContextParagraphIsNotDuplicated(t *testing.T) {
	// A model that translates the context paragraph too, before the part it
	// was asked for.
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		text := fakeTranslate(llmtest.Between(user, "<article>", "</article>"))
		if c := llmtest.Between(user, "<context>", "</context>"); c != "" {
			text = fakeTranslate(c) + "\n\n" + text
		}
		return llmtest.Text(text)
	}))
	a := longArticle(6000)
	res, err := newTranslator(t, srv, Options{ContextTokens: 2048}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count() < 2 {
		t.Fatalf("only %d request(s): the test needs chunks with context", srv.Count())
	}
	assertTranslated(t, a, res)
}

func TestGlossaryTermsGoOnlyToChunksContainingThem(t *testing.T) {
	g, err := ParseGlossary("g.tsv", []byte("# test glossary\nHavnefogeden\tthe harbourmaster\nFolketinget\tthe Folketing\nsygehus\tsuper hospital\nbrandvæsen\tfire service\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	a := longArticle(12000)
	a.Paragraphs[2] += " " + fmt.Sprintf(bank[10][0], "55")
	a.Paragraphs[len(a.Paragraphs)-2] += " " + fmt.Sprintf(bank[11][0], "99")
	tr := newTranslator(t, srv, Options{ContextTokens: 2048, Glossary: g})
	if _, err := tr.Translate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	with := map[string]int{}
	reqs := srv.Requests()
	for i, r := range reqs {
		body := strings.ToLower(llmtest.Between(r.User, "<article>", "</article>"))
		for _, term := range g.Terms {
			inText := qa.ContainsWord(body, strings.ToLower(term.Source))
			inPrompt := strings.Contains(r.User, fmt.Sprintf("%q → %q", term.Source, term.Target))
			if inText != inPrompt {
				t.Errorf("request %d: term %q in text %v, in prompt %v", i+1, term.Source, inText, inPrompt)
			}
			if inPrompt {
				with[term.Source]++
			}
		}
	}
	if with["Havnefogeden"] != 1 || with["Folketinget"] != 1 || with["sygehus"] == 0 || with["brandvæsen"] != 0 {
		t.Errorf("term use per request %v of %d requests: the test article should have the harbour term in some parts only", with, len(reqs))
	}
}

func TestGlossaryChangesThePromptHash(t *testing.T) {
	srv := llmtest.New(t)
	c := newClient(t, srv)
	g1, _ := ParseGlossary("a", []byte("kommune,municipality\n"))
	g2, _ := ParseGlossary("b", []byte("kommune,council\n"))
	h0 := New(c, embeddedPrompts(t), Options{}).PromptHash()
	h1 := New(c, embeddedPrompts(t), Options{Glossary: g1}).PromptHash()
	h2 := New(c, embeddedPrompts(t), Options{Glossary: g2}).PromptHash()
	if h0 == h1 || h1 == h2 || h0 == h2 {
		t.Errorf("hashes %s %s %s should all differ", h0, h1, h2)
	}
	if again := New(c, embeddedPrompts(t), Options{Glossary: g1}).PromptHash(); again != h1 {
		t.Error("the same glossary gave another key")
	}
}

func TestEndpointErrorsKeepTheirClass(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.InsufficientQuota())
	_, err := newTranslator(t, srv, Options{}).Translate(context.Background(), shortArticle())
	if !errors.Is(err, llm.ErrFatal) {
		t.Fatalf("err = %v, want the fatal class to pass through", err)
	}

	srv.Enqueue(llmtest.Reply{Content: "x", FinishReason: "content_filter"})
	_, err = newTranslator(t, srv, Options{}).Translate(context.Background(), shortArticle())
	if !errors.Is(err, llm.ErrArticle) || errors.Is(err, llm.ErrFatal) {
		t.Fatalf("content filter: err = %v, want an article failure", err)
	}
}

func TestEmptyArticleFails(t *testing.T) {
	srv := llmtest.New(t)
	_, err := newTranslator(t, srv, Options{}).Translate(context.Background(), article.Article{ID: "e", Paragraphs: []string{" ", ""}})
	if !errors.Is(err, llm.ErrArticle) || srv.Count() != 0 {
		t.Fatalf("err = %v, requests %d", err, srv.Count())
	}
}

func TestLargeWindowStillCapsTheAnswerSize(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	a := longArticle(40000)
	res, err := newTranslator(t, srv, Options{ContextTokens: 128000}).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	assertTranslated(t, a, res)
	if srv.Count() < 2 {
		t.Errorf("%d request(s): a 40,000-character answer does not fit in %d output tokens", srv.Count(), DefaultMaxOutput)
	}
	for i, r := range srv.Requests() {
		if maxTokens(r) > DefaultMaxOutput {
			t.Errorf("request %d: max_tokens %d above the %d cap", i+1, maxTokens(r), DefaultMaxOutput)
		}
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
