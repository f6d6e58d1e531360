package translate

// Live test of translating against a real server's window (issue 10),
// skipped unless BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL name one. The
// model may be a tiny random-weight one: the test asserts what brief does
// with the window, never what the translation says.

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/translate/qa"
)

func TestLiveShortAndLongArticleFitTheServersWindow(t *testing.T) {
	base, model := os.Getenv("BRIEF_TEST_BASE_URL"), os.Getenv("BRIEF_TEST_MODEL")
	if base == "" || model == "" {
		t.Skip("set BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL to run the tests against a real server")
	}
	c, err := llm.New(llm.Config{BaseURL: base, Model: model, Timeout: 5 * time.Minute, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	pool := llm.NewPool([]llm.Member{{Client: c, Slots: 1}}, t.Logf)
	pool.SetWindowPolicy(llm.WindowPolicy{Verbose: true}) // --context auto
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	window, err := pool.ContextWindow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := &cutCounter{Pool: pool}
	tr := New(seen, embeddedPrompts(t), Options{From: "da", To: "en", MaxOutputTokens: 512})

	short := article.Article{ID: "short", Lede: "Regeringen fremlægger i dag sit forslag til finansloven.",
		Paragraphs: []string{"Forslaget indeholder 12 milliarder kroner til sygehusene."}}
	long := article.Article{ID: "long", Lede: "Byrådet holdt i aftes et langt møde."}
	for i := 0; i < 60; i++ {
		long.Paragraphs = append(long.Paragraphs, "Byrådet drøftede punkt "+strings.Repeat("I", i%5+1)+" på dagsordenen om kommunens budget for skoler, veje og ældrepleje i de kommende år, og mange borgere var mødt op.")
	}
	for _, a := range []article.Article{short, long} {
		seen.cuts = 0
		res, err := tr.Translate(ctx, a)
		t.Logf("%s: window %d, %d parts in %d requests, %d prompts cut, findings %d, err %v", a.ID, window, res.Chunks, res.Requests, seen.cuts, len(res.Findings), err)
		// A garbage model's text may fail QA; anything else is brief's
		// failure to fit the window (or the server's to answer).
		if err != nil && !errors.Is(err, ErrQA) {
			t.Errorf("%s: %v", a.ID, err)
		}
		named := false
		for _, f := range res.Findings {
			named = named || (f.Code == qa.CodePromptCut && strings.Contains(f.Message, "cut the prompt"))
		}
		if seen.cuts > 0 && !named {
			t.Errorf("%s: %d prompts were cut and no finding names it", a.ID, seen.cuts)
		}
	}
}

// cutCounter counts the prompts the server cut, passing everything on.
type cutCounter struct {
	*llm.Pool
	cuts int
}

func (c *cutCounter) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := c.Pool.Complete(ctx, req)
	if errors.Is(err, llm.ErrPromptCut) {
		c.cuts++
	}
	return resp, err
}
