package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// sixteenParagraphs is an article of 16 paragraphs the fake translates.
func sixteenParagraphs() article.Article {
	a := article.Article{ID: "lang", Lede: fmt.Sprintf(bank[0][0], "7")}
	for i := 1; i <= 15; i++ {
		a.Paragraphs = append(a.Paragraphs, paragraph(i, 2))
	}
	return a
}

// Severe findings fail the article without --strict: the pipeline then
// does not cache it and the next run tries again. Mild ones stay warnings.
func TestUnusableTranslationFailsTheArticle(t *testing.T) {
	cases := []struct {
		name  string
		reply func(text string) string
		want  string
	}{
		{"garbage", func(string) string { return "**bla**" }, "far too short"},
		{"untranslated", func(text string) string { return text }, "source text back untranslated"},
		{"mostly copied", func(text string) string {
			ps := llmtest.Paragraphs(text)
			ps[0] = fakeTranslate(ps[0]) // the lede translated, the rest sent back
			return strings.Join(ps, "\n\n")
		}, "source text back untranslated"},
		{"still in Danish, reworded", llmtest.FakeTranslation, "still in Danish"},
		{"wrong script", func(text string) string {
			return strings.Repeat("Это совсем не тот язык, который нужен. ", 4*len(llmtest.Paragraphs(text)))
		}, "does not look like"},
		{"most paragraphs missing", func(text string) string {
			ps := llmtest.Paragraphs(fakeTranslate(text))
			return strings.Join(ps[:len(ps)/3], "\n\n")
		}, "paragraphs are missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
				_, user := llmtest.Messages(req)
				return llmtest.Text(tc.reply(llmtest.Between(user, "<article>", "</article>")))
			}))
			tr := newTranslator(t, srv, Options{})
			a := sixteenParagraphs()
			res, err := tr.Translate(context.Background(), a)
			var qe *QAError
			if !errors.As(err, &qe) || !qe.Unusable || !errors.Is(err, llm.ErrArticle) {
				t.Fatalf("err = %v, want an unusable translation that fails the article", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "next run") {
				t.Errorf("err = %q, want it to say %q and that the next run tries again", err, tc.want)
			}
			// the same answer, stored by an older brief, is not reused
			text := tr.QA(a, res)
			fs, _, err := text.Recheck(context.Background(), res.Findings)
			if err != nil {
				t.Fatal(err)
			}
			if len(text.Unusable(fs)) == 0 {
				t.Error("a stored copy of the unusable translation would be reused")
			}
		})
	}
}

// Every paragraph merged into one is the whole text in one block: a
// warning, not a lost translation.
func TestMergedParagraphsAreNotUnusable(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		ps := llmtest.Paragraphs(fakeTranslate(llmtest.Between(user, "<article>", "</article>")))
		return llmtest.Text(strings.Join(ps, " "))
	}))
	tr := newTranslator(t, srv, Options{})
	a := sixteenParagraphs()
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatalf("err = %v; merged paragraphs are a warning", err)
	}
	if len(res.Warnings) == 0 {
		t.Error("the merge is not reported")
	}
}

func TestMildFindingsStayWarnings(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		ps := llmtest.Paragraphs(fakeTranslate(llmtest.Between(user, "<article>", "</article>")))
		ps = append(ps[:3], ps[4:]...) // one paragraph of 16 dropped
		return llmtest.Text(strings.Join(ps, "\n\n"))
	}))
	tr := newTranslator(t, srv, Options{})
	a := sixteenParagraphs()
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatalf("err = %v; one dropped paragraph is a warning", err)
	}
	if len(res.Warnings) == 0 {
		t.Error("the dropped paragraph is not reported")
	}
	if bad := tr.QA(a, res).Unusable(res.Findings); len(bad) != 0 {
		t.Errorf("Unusable = %v", bad)
	}
}

// One paragraph left in Danish among translated ones is worth an editor's
// look, not a failed article.
func TestOneParagraphInDanishStaysAWarning(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		src := llmtest.Paragraphs(llmtest.Between(user, "<article>", "</article>"))
		ps := llmtest.Paragraphs(fakeTranslate(strings.Join(src, "\n\n")))
		ps[5] = src[5] // paragraph 6 left as it was
		return llmtest.Text(strings.Join(ps, "\n\n"))
	}))
	tr := newTranslator(t, srv, Options{})
	a := sixteenParagraphs()
	res, err := tr.Translate(context.Background(), a)
	if err != nil {
		t.Fatalf("err = %v; one paragraph in Danish is a warning", err)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "still in Danish") {
		t.Errorf("warnings = %q, want the paragraph still in Danish named", res.Warnings)
	}
}
