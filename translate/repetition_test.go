package translate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/sync/errgroup"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/translate/qa"
)

// repeatingArticle repeats what wire copy repeats: a background paragraph
// twice in a row, a quotation line twice in a row and, inside a paragraph,
// one sentence three times in a row.
func repeatingArticle() article.Article {
	background := paragraph(2, 3)
	quote := fmt.Sprintf(bank[12][0], "14")
	catch := fmt.Sprintf(bank[4][0], "31")
	return article.Article{ID: "rep", Lede: fmt.Sprintf(bank[1][0], "7"), Paragraphs: []string{
		paragraph(1, 3),
		background,
		background,
		quote,
		quote,
		catch + " " + catch + " " + catch + " " + fmt.Sprintf(bank[5][0], "8"),
		paragraph(3, 2),
	}}
}

func translateWith(t *testing.T, a article.Article, o Options, reply func(text string) string) Result {
	t.Helper()
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, user := llmtest.Messages(req)
		return llmtest.Text(reply(llmtest.Between(user, "<article>", "</article>")))
	}))
	res, err := newTranslator(t, srv, o).Translate(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRepetitionTheSourceHasIsKept(t *testing.T) {
	a := repeatingArticle()
	res := translateWith(t, a, Options{}, fakeTranslate)
	assertTranslated(t, a, res)
	if len(res.Findings) != 0 {
		t.Fatalf("findings on a faithful translation of a source that repeats itself: %q", res.Warnings)
	}
}

func TestRepetitionBeyondTheSourceIsRemovedOnce(t *testing.T) {
	a := repeatingArticle()
	background := fakeTranslate(a.Paragraphs[1])
	loops := func(text string) string {
		// The model writes the background paragraph five times where the
		// source has it twice.
		ps := llmtest.Paragraphs(fakeTranslate(text))
		var out []string
		for i, p := range ps {
			if p == background && i > 0 && ps[i-1] == background {
				out = append(out, p, p, p, p)
				continue
			}
			out = append(out, p)
		}
		return strings.Join(out, "\n\n")
	}
	res := translateWith(t, a, Options{}, loops)
	assertTranslated(t, a, res)
	if len(res.Findings) != 1 || res.Findings[0].Code != qa.CodeRepetition {
		t.Fatalf("findings = %q, want one about repetition", res.Warnings)
	}
	if want := "repeated 5 times in a row where the source has it 2 times"; !strings.Contains(res.Warnings[0], want) {
		t.Errorf("warning %q does not say %q", res.Warnings[0], want)
	}
	// Pinned where the editor should look: the background paragraph,
	// paragraph 3 counting the lede as 1, on both sides.
	if f := res.Findings[0]; f.SourceParagraph != 3 || f.Paragraph != 3 {
		t.Errorf("finding at source paragraph %d, translation paragraph %d; want 3 and 3", f.SourceParagraph, f.Paragraph)
	}
}

// corpusPool is a pool of source paragraphs built from the bank: plain
// paragraphs, quotation lines and paragraphs with a sentence repeated.
func corpusPool() []string {
	var pool []string
	for i := range 16 {
		pool = append(pool, paragraph(i, 1+i%4))
	}
	for i, q := range []int{12, 13, 12, 13} {
		pool = append(pool, fmt.Sprintf(bank[q][0], danishNumber(2000+i)))
	}
	for i := range 4 {
		s := fmt.Sprintf(bank[i][0], danishNumber(3000+i))
		pool = append(pool, strings.Repeat(s+" ", 2+i%3)+fmt.Sprintf(bank[i+4][0], danishNumber(4000+i)))
	}
	return pool
}

// corpusArticle picks 3–10 paragraphs from the pool, with replacement and
// a strong bias to repeat the paragraph just used, as updated wire copy does.
func corpusArticle(r *rand.Rand, pool []string, n int) article.Article {
	a := article.Article{ID: fmt.Sprintf("c%d", n), Lede: fmt.Sprintf(bank[n%commonSentences][0], danishNumber(n+1))}
	for range 3 + r.IntN(8) {
		p := pool[r.IntN(len(pool))]
		if len(a.Paragraphs) > 0 && r.IntN(4) == 0 {
			p = a.Paragraphs[len(a.Paragraphs)-1]
		}
		a.Paragraphs = append(a.Paragraphs, p)
	}
	return a
}

func TestCorpusWithRepeatedParagraphsGivesNoFinding(t *testing.T) {
	const articles = 300
	pool := corpusPool()
	r := rand.New(rand.NewPCG(18, 2026))
	srv := llmtest.New(t, llmtest.WithHandler(translator))
	// Half with the default window (one request per article), half with a
	// small one, so repeats also meet chunk boundaries.
	big, small := newTranslator(t, srv, Options{}), newTranslator(t, srv, Options{ContextTokens: 1024})
	inARow, apart := 0, 0
	var g errgroup.Group
	g.SetLimit(8)
	for n := range articles {
		a := corpusArticle(r, pool, n)
		inARow, apart = inARow+countRepeats(a.Paragraphs, true), apart+countRepeats(a.Paragraphs, false)
		tr := big
		if n%2 == 1 {
			tr = small
		}
		g.Go(func() error {
			res, err := tr.Translate(context.Background(), a)
			switch {
			case err != nil:
				return fmt.Errorf("article %d: %w", n, err)
			case len(res.Findings) != 0:
				return fmt.Errorf("article %d: findings %q on a faithful translation of\n%s", n, res.Warnings, strings.Join(a.Paragraphs, "\n\n"))
			case res.Text() != fakeTranslate(strings.Join(append([]string{a.Lede}, a.Paragraphs...), "\n\n")):
				return fmt.Errorf("article %d: translation is not the faithful one:\n%s", n, res.Text())
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	// The corpus must really repeat, or this test proves nothing.
	if inARow < articles/4 || apart < articles/4 {
		t.Fatalf("corpus has %d paragraphs repeated in a row and %d repeated apart; too few", inARow, apart)
	}
	t.Logf("%d articles, %d paragraphs repeated in a row, %d repeated apart", articles, inARow, apart)
}

// countRepeats counts paragraphs equal to the one before (inARow) or to an
// earlier, not adjacent one.
func countRepeats(ps []string, inARow bool) int {
	n := 0
	for i := range ps {
		if i == 0 {
			continue
		}
		if inARow && ps[i] == ps[i-1] {
			n++
		}
		if !inARow && ps[i] != ps[i-1] {
			for _, q := range ps[:i-1] {
				if q == ps[i] {
					n++
					break
				}
			}
		}
	}
	return n
}
