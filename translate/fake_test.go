package translate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/translate/qa"
)

// fixtures are the Danish articles of testdata: the sample articles and
// every .txt file of the end-to-end scripts but their expected outputs
// (want*), by name.
func fixtures(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	samples, _ := filepath.Glob(filepath.Join("..", "testdata", "articles", "*.txt"))
	for _, p := range samples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	scripts, _ := filepath.Glob(filepath.Join("..", "testdata", "script", "*.txtar"))
	for _, p := range scripts {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".txt") && !strings.HasPrefix(filepath.Base(f.Name), "want") {
				out[filepath.Base(p)+":"+f.Name] = f.Data
			}
		}
	}
	if len(samples) == 0 || len(scripts) == 0 {
		t.Fatalf("no fixtures found (%d samples, %d scripts)", len(samples), len(scripts))
	}
	return out
}

// The fake endpoint's default translation stands in for a good model in
// every end-to-end test: QA must accept it on every fixture an article
// can be made of, or those tests would run on a translation brief
// refuses (still in Danish) or flags.
func TestDefaultFakeTranslationIsQAClean(t *testing.T) {
	srv := llmtest.New(t) // llmtest.Default
	tr := newTranslator(t, srv, Options{})
	checked := 0
	for name, data := range fixtures(t) {
		a, err := article.Parse(name, data, 0)
		if err != nil || strings.Contains(string(data), "llmtest:") {
			continue // not an article, or one made to fail
		}
		checked++
		res, err := tr.Translate(context.Background(), a)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// A name the source itself spells two ways is no fault of the
		// translation (editor.txtar has one on purpose).
		if fs := withoutCode(res.Findings, qa.CodeNameSpelling); len(fs) > 0 {
			t.Errorf("%s: QA findings on the default fake translation: %v\n%s", name, res.Warnings, res.Text())
		}
	}
	if checked < 20 {
		t.Errorf("only %d fixtures checked", checked)
	}
}

func withoutCode(fs []qa.Finding, code string) []qa.Finding {
	var out []qa.Finding
	for _, f := range fs {
		if f.Code != code {
			out = append(out, f)
		}
	}
	return out
}
