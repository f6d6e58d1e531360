package render

import (
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/translate/qa"
)

// hostile is text brief reads (an input file, a model's answer, a file
// name) written to break out of the HTML it lands in.
const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"></div></footer><b>bold</b> &amp;`

// The article page shows outside text in its body, on the review page's
// two columns and in its footer: everywhere it must stay text a reader
// sees, never markup a browser runs or that ends the page's structure.
func TestArticleHTMLKeepsHostileTextInert(t *testing.T) {
	p := ArticlePage{
		Headline: "Renten " + hostile, Date: "2026-11", Source: "in/" + hostile + ".txt",
		Agency: "ritzau/" + hostile, SHA256: "abc" + hostile, Model: "m" + hostile, Lang: "en",
		Generated:  time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC),
		Summary:    "Sum " + hostile,
		Lede:       "Lede " + hostile,
		Paragraphs: []string{"Second " + hostile, "Third with evidence " + hostile},
		From:       "da",
		Original:   []string{"Indledning " + hostile, "Anden " + hostile, "Tredje " + hostile},
		Findings: []qa.Finding{{
			Code: "numbers" + hostile, Message: "Check " + hostile,
			SourceParagraph: 3, Paragraph: 3,
			// evidence inside the hostile text, so the highlighted part
			// and the parts around it are all on the page
			Evidence: "<img src=x onerror=alert(2)>", TranslationEvidence: "<script>alert(1)</script>",
		}},
	}
	doc := ArticleHTML(p)
	all := parseHTML(t, doc)
	for _, e := range all {
		switch e.name {
		case "script", "img", "b":
			t.Errorf("outside text became a <%s> element inside %v", e.name, e.stack)
		}
		for a := range e.attr {
			if strings.HasPrefix(a, "on") {
				t.Errorf("outside text became an %s attribute on <%s>", a, e.name)
			}
		}
	}
	if n := len(elements(all, "footer")); n != 1 {
		t.Errorf("%d footers, want 1: outside text ended or opened one", n)
	}
	// Each place shows the text itself, as text.
	footer := elements(all, "footer")
	if len(footer) == 0 || !strings.Contains(footer[0].text, "ritzau/<script>alert(1)</script>") ||
		!strings.Contains(footer[0].text, "in/<script>") || !strings.Contains(footer[0].text, "m<script>") {
		t.Errorf("the footer does not show the source, agency and model as text:\n%s", doc)
	}
	var src, tr []string
	for _, e := range elements(all, "div") {
		switch e.attr["class"] {
		case "src":
			src = append(src, e.text)
		case "tr":
			tr = append(tr, e.text)
		}
	}
	if len(src) != 4 || len(tr) != 4 { // the head row and three pairs
		t.Fatalf("review columns: %d source, %d translation, want 4 each:\n%s", len(src), len(tr), doc)
	}
	if want := "Third with evidence " + hostile; !strings.Contains(tr[3], want) {
		t.Errorf("the translation column shows %q, want the text %q", tr[3], want)
	}
	if want := "Tredje " + hostile; !strings.Contains(src[3], want) {
		t.Errorf("the source column shows %q, want the text %q", src[3], want)
	}
	var marks []string
	for _, m := range elements(all, "mark") {
		marks = append(marks, m.text)
	}
	if strings.Join(marks, "|") != "<img src=x onerror=alert(2)>|<script>alert(1)</script>" {
		t.Errorf("highlighted evidence = %q, want both evidence texts as text", marks)
	}
}
