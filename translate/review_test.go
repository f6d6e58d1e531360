package translate

import (
	"context"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/translate/qa"
)

const fence = "```"

const reviewAnswerJSON = `{"errors": [
	{"paragraph": 3, "category": "Mistranslation", "severity": "major", "source_span": "bedste kamp", "translation_span": "best game", "explanation": "\"kamp\" is a match here."},
	{"paragraph": 5, "category": "style", "severity": "catastrophic", "source_span": "not in the source", "translation_span": "Mike Pompeo", "explanation": ""},
	{"paragraph": 99, "category": "number", "severity": "minor", "source_span": "38-30", "translation_span": "", "explanation": "a pair that does not exist"}
]}`

// The handball article of qa's name checks, with a faithful translation.
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

func handballArticle() (article.Article, Result) {
	a := article.Article{Lede: handball[0], Paragraphs: handball[1:]}
	return a, Result{Lede: handballEN[0], Paragraphs: handballEN[1:]}
}

func TestReviewFindingsArePinnedAndMarkedAsTheModels(t *testing.T) {
	var sent string
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, sent = llmtest.Messages(req)
		return llmtest.Text("Here you go:\n" + fence + "json\n" + reviewAnswerJSON + "\n" + fence)
	}))
	a, r := handballArticle()
	rv := NewReviewer(newClient(t, srv), embeddedPrompts(t), Options{From: "da", To: "en"})
	got, err := rv.Review(context.Background(), a, r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent, "[4]\n<source>\nSemifinalen spilles fredag i Hamborg mod Frankrig.\n</source>") {
		t.Errorf("the pairs are not numbered as the review page numbers them:\n%s", sent)
	}
	if got.Requests != 1 || got.Usage.Total() == 0 || len(got.Findings) != 3 {
		t.Fatalf("review = %+v", got)
	}
	f := got.Findings[0]
	if f.By != qa.ByModel || f.Code != "mistranslation" || f.Severity != "major" || f.SourceParagraph != 3 || f.Paragraph != 3 ||
		f.Evidence != "bedste kamp" || f.TranslationEvidence != "best game" ||
		f.Message != `the model's review (major mistranslation, paragraph 3): "kamp" is a match here.` {
		t.Errorf("first finding = %+v", f)
	}
	// Unknown category and severity are mapped; a span that is not in the
	// paragraph is not highlighted.
	f = got.Findings[1]
	if f.Code != "other" || f.Severity != "minor" || f.Evidence != "" || f.TranslationEvidence != "Mike Pompeo" {
		t.Errorf("second finding = %+v", f)
	}
	// A pair number the model invented pins nothing.
	if f := got.Findings[2]; f.SourceParagraph != 0 || f.Paragraph != 0 || !strings.Contains(f.Message, "the text") {
		t.Errorf("third finding = %+v", f)
	}
}

func TestReviewThatIsNotJSONIsSaidNotFailed(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Text("The translation looks fine to me!")
	}))
	a, r := handballArticle()
	got, err := NewReviewer(newClient(t, srv), embeddedPrompts(t), Options{From: "da", To: "en"}).Review(context.Background(), a, r)
	if err != nil || len(got.Findings) != 1 || got.Findings[0].Code != CodeReviewUnreadable {
		t.Fatalf("review = %+v, %v", got, err)
	}
}

func TestReviewOfALongArticleFitsTheWindow(t *testing.T) {
	var sizes []int
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		sys, user := llmtest.Messages(req)
		sizes = append(sizes, len(sys)+len(user))
		return llmtest.Text(`{"errors": []}`)
	}))
	a := longArticle(20000)
	r := Result{Lede: a.Lede, Paragraphs: a.Paragraphs}
	rv := NewReviewer(newClient(t, srv), embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 2048})
	got, err := rv.Review(context.Background(), a, r)
	if err != nil || len(got.Findings) != 0 {
		t.Fatalf("review = %+v, %v", got, err)
	}
	if len(sizes) < 4 {
		t.Fatalf("a 40,000-character pair text went in %d request(s) with a 2048-token window", len(sizes))
	}
	if p := rv.ReviewPlan(a, len(a.Paragraphs)*40); p.Requests < 3 {
		t.Errorf("the plan foresees %d request(s)", p.Requests)
	}
}

// A review after the client has measured a byte-hungry tokenizer plans its
// pairs with that measurement, as the translation does: no review request
// is cut by the server.
func TestReviewUsesTheMeasuredTokenizer(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Kind: llmtest.KindOllama, Window: 4096, TokensPerByte: 1,
		Handler: func(openai.ChatCompletionRequest) llmtest.Reply { return llmtest.Text(`{"errors": []}`) }}))
	c := newClient(t, srv)
	c.SetWindow(llm.Window{Tokens: 4096, Source: "test"}, llm.Server{Kind: llm.KindOllama, Window: 4096})
	if _, err := c.Complete(context.Background(), llm.Request{Stage: "translate", User: strings.Join(longArticle(3000).Paragraphs, "\n\n")}); err != nil {
		t.Fatal(err)
	}
	if c.TokensPerByte() < 0.9 {
		t.Fatalf("measured %.2f tokens a byte; the server counts one", c.TokensPerByte())
	}
	a := longArticle(12000)
	// Without paragraph 7: one pair of 40 sentences cannot fit 4,096
	// tokens at a token a byte however it is planned.
	a.Paragraphs = append(a.Paragraphs[:7], a.Paragraphs[8:]...)
	rv := NewReviewer(c, embeddedPrompts(t), Options{From: "da", To: "en", ContextTokens: 4096})
	from := len(srv.Requests())
	if _, err := rv.Review(context.Background(), a, Result{Lede: a.Lede, Paragraphs: a.Paragraphs}); err != nil {
		t.Fatal(err)
	}
	if cut := cutRequests(srv, from); len(cut) > 0 {
		t.Errorf("review requests %v of %d were cut by the server: the pairs were planned with the uncalibrated estimate", cut, len(srv.Requests())-from)
	}
}
