package summarize

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/prompts"
)

func newSummarizer(t *testing.T, srv *llmtest.Server, contextTokens int) *Summarizer {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return New(c, embeddedPrompts(t), "en", contextTokens)
}

func TestParseAcceptsWhatModelsReallySend(t *testing.T) {
	cases := []struct {
		name, answer string
		want         Summary
	}{
		{"plain JSON", `{"headline":"Rates rise","summary":"The bank raised rates.","key_points":["0.25 points"]}`,
			Summary{"Rates rise", "The bank raised rates.", []string{"0.25 points"}}},
		{"fenced with chatter", "Sure! Here it is:\n```json\n{\"headline\": \"Rates rise.\", \"summary\": \"The bank  raised rates.\", \"keyPoints\": [\"a\", \"\"]}\n```\nHope this helps",
			Summary{"Rates rise", "The bank raised rates.", []string{"a"}}},
		{"plain text with labels", "Headline: Rates rise\nSummary: The bank raised rates.\nIt surprised nobody.\nKey points:\n- 0.25 points\n* effective Friday",
			Summary{"Rates rise", "The bank raised rates. It surprised nobody.", []string{"0.25 points", "effective Friday"}}},
		{"markdown headline", "# **Rates rise**\n\nThe bank raised rates.\n\n1. one\n2. two",
			Summary{"Rates rise", "The bank raised rates.", []string{"one", "two"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.answer)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("Parse =\n%#v\nwant\n%#v", got, c.want)
			}
		})
	}
}

func TestParseKeepsAtMostFiveKeyPoints(t *testing.T) {
	got, err := Parse(`{"headline":"h","summary":"s","key_points":["1","2","3","4","5","6","7"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.KeyPoints) != MaxKeyPoints {
		t.Errorf("%d key points, want %d", len(got.KeyPoints), MaxKeyPoints)
	}
}

func TestParseRejectsAnswersWithoutHeadlineOrSummary(t *testing.T) {
	for _, answer := range []string{"", `{"summary":"only"}`, `{"headline":"only"}`} {
		if _, err := Parse(answer); err == nil {
			t.Errorf("Parse(%q) accepted an unusable summary", answer)
		}
	}
}

func TestSummarizeAsksForJSONInTheTargetLanguage(t *testing.T) {
	srv := llmtest.New(t)
	s := New(mustClient(t, srv), embeddedPrompts(t), "de", 0)
	res, err := s.Summarize(context.Background(), "EN: Die Bank hob die Zinsen an.\n\nEN: Zweiter Absatz.")
	if err != nil {
		t.Fatal(err)
	}
	if res.Headline == "" || res.Summary.Summary == "" {
		t.Fatalf("empty summary: %+v", res)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	if reqs[0].ResponseFormat != "json_object" {
		t.Errorf("response_format %q, want json_object", reqs[0].ResponseFormat)
	}
	if !strings.Contains(reqs[0].System, "German") {
		t.Errorf("system prompt does not name the target language German:\n%s", reqs[0].System)
	}
	if !strings.Contains(reqs[0].User, "Die Bank hob die Zinsen an.") {
		t.Errorf("the article text is not in the user message")
	}
	if res.Usage.Total() == 0 || res.Requests != 1 {
		t.Errorf("usage %+v requests %d not accounted", res.Usage, res.Requests)
	}
}

func TestSummarizeRetriesAnUnusableAnswerOnceThenFailsTheArticle(t *testing.T) {
	srv := llmtest.New(t)
	srv.Enqueue(llmtest.Text("{}"), llmtest.Text(`{"headline":"Second try","summary":"Worked."}`))
	s := newSummarizer(t, srv, 0)
	res, err := s.Summarize(context.Background(), "EN: text")
	if err != nil || res.Headline != "Second try" {
		t.Fatalf("second answer not used: %+v, %v", res, err)
	}

	srv.Enqueue(llmtest.Text("{}"), llmtest.Text("{}"))
	_, err = s.Summarize(context.Background(), "EN: text")
	if !errors.Is(err, llm.ErrArticle) {
		t.Fatalf("two unusable answers: err %v, want llm.ErrArticle", err)
	}
}

func TestDigestGoesMapReduceWhenStoriesDoNotFit(t *testing.T) {
	srv := llmtest.New(t)
	const window = 2048
	s := newSummarizer(t, srv, window)
	var stories []Story
	for i := 0; i < 60; i++ {
		stories = append(stories, Story{Date: "2026-11", Headline: fmt.Sprintf("Story %d", i),
			Summary: strings.Repeat(fmt.Sprintf("Sentence about story %d. ", i), 6)})
	}
	text, res, err := s.Digest(context.Background(), stories, "November 2026")
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) < 3 {
		t.Fatalf("%d digest requests for 60 long stories in a %d-token window, want batches plus a combining call", len(reqs), window)
	}
	for i, r := range reqs {
		if est := llm.EstimateTokens(r.System) + llm.EstimateTokens(r.User) + r.MaxTokens; est > window {
			t.Errorf("request %d needs about %d tokens, over the %d window", i, est, window)
		}
	}
	last := reqs[len(reqs)-1]
	if !strings.Contains(last.User, "Part 1 of") {
		t.Errorf("the last call does not combine the partial digests:\n%s", last.User)
	}
	seen := map[string]bool{}
	for _, r := range reqs[:len(reqs)-1] {
		for i := range stories {
			if strings.Contains(r.User, fmt.Sprintf("Story %d:", i)) {
				seen[fmt.Sprint(i)] = true
			}
		}
	}
	if len(seen) != len(stories) {
		t.Errorf("only %d of %d stories reached a batch", len(seen), len(stories))
	}
	if text == "" || res.Requests != len(reqs) {
		t.Errorf("digest %q with %d requests accounted, want text and %d", text, res.Requests, len(reqs))
	}
}

func TestDigestOfFewStoriesIsOneCall(t *testing.T) {
	srv := llmtest.New(t)
	s := newSummarizer(t, srv, 0)
	text, _, err := s.Digest(context.Background(), []Story{{Headline: "A", Summary: "a."}, {Headline: "B", Summary: "b."}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 1 || !strings.Contains(text, "A") || !strings.Contains(text, "B") {
		t.Errorf("%d requests, digest %q", srv.Count(), text)
	}
}

func TestDigestStripsCodeFences(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Text("```\nThe week in brief.\n```")
	}))
	s := newSummarizer(t, srv, 0)
	text, _, err := s.Digest(context.Background(), []Story{{Headline: "A", Summary: "a."}}, "")
	if err != nil || text != "The week in brief." {
		t.Errorf("digest %q, %v", text, err)
	}
}

func mustClient(t *testing.T, srv *llmtest.Server) *llm.Client {
	c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSummaryOfALongArticleFitsTheContextWindow(t *testing.T) {
	srv := llmtest.New(t)
	const window = 2048
	s := newSummarizer(t, srv, window)
	var ps []string
	for i := 0; i < 200; i++ {
		ps = append(ps, fmt.Sprintf("EN: Paragraph %d of a very long council report about budgets, schools and roads.", i))
	}
	if _, err := s.Summarize(context.Background(), strings.Join(ps, "\n\n")); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	if used := llm.EstimateTokens(r.System) + llm.EstimateTokens(r.User) + r.MaxTokens; used > window {
		t.Errorf("summary request needs about %d tokens, over the %d window", used, window)
	}
	if !strings.Contains(r.User, "Paragraph 0 of") || strings.Contains(r.User, "Paragraph 199 of") {
		t.Errorf("the summary should read the article's top, not its tail")
	}
	if !strings.Contains(r.User, "left out for length") {
		t.Errorf("the model is not told that the article was shortened")
	}
}

func TestADigestCutAtTheOutputLimitIsNotAccepted(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Content: "The week began with", FinishReason: "length"}
	}))
	s := newSummarizer(t, srv, 0)
	if _, _, err := s.Digest(context.Background(), []Story{{Headline: "A", Summary: "a."}}, ""); err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("err %v, want a cut-off digest refused", err)
	}
}

// The model's headline and summary reach terminals, mail and pages: control
// and bidirectional characters are removed and a runaway headline is cut.
func TestParseCleansControlCharactersAndCapsTheHeadline(t *testing.T) {
	sum, err := Parse(`{"headline": "\u001b[2J\u001b]0;ejet\u0007Renten \u202estiger", "summary": "Banken \u001b[31mhæver\u2066 renten.", "key_points": ["\u009b1m punkt"]}`)
	if err != nil {
		t.Fatal(err)
	}
	all := sum.Headline + sum.Summary + strings.Join(sum.KeyPoints, "")
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u2066", "\u009b"} {
		if strings.Contains(all, bad) {
			t.Errorf("summary keeps %q: %+v", bad, sum)
		}
	}
	if sum.Headline != "Renten stiger" {
		t.Errorf("headline = %q", sum.Headline)
	}
	long := strings.Repeat("Overskrift ", 500_000) // 5.5 MB
	sum, err = Parse(`{"headline": "` + long + `", "summary": "Kort."}`)
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(sum.Headline)); n > MaxHeadline || !strings.HasSuffix(sum.Headline, "…") {
		t.Errorf("headline of %d characters kept (max %d)", n, MaxHeadline)
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

// A broken model's answer of symbols parses as JSON yet is no summary: it
// fails with that reason instead of putting "{" in the briefing.
func TestSummaryOfSymbolsIsNotAccepted(t *testing.T) {
	for _, answer := range []string{
		`{"headline": "{", "summary": "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_` + "`" + `abcdefghijklmnopqrstuvwxyz{|}~"}`,
		"!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n\n0123456789:;<=>?@ABC",
	} {
		if sum, err := Parse(answer); err == nil || !strings.Contains(err.Error(), "not prose") {
			t.Errorf("Parse(%q) = %+v, %v; want it refused as not prose", answer, sum, err)
		}
	}
	if _, err := Parse(`{"headline": "Renten stiger", "summary": "Nationalbanken hæver renten med 0,25 procentpoint."}`); err != nil {
		t.Errorf("a real summary refused: %v", err)
	}
}
