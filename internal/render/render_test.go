package render

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/story"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
)

// frontMatterOf splits an article page into its YAML and the Markdown.
func frontMatterOf(t *testing.T, page []byte) (map[string]any, string) {
	t.Helper()
	s := string(page)
	if !strings.HasPrefix(s, "---\n") {
		t.Fatalf("page does not start with front matter:\n%s", s)
	}
	end := strings.Index(s[4:], "\n---\n")
	if end < 0 {
		t.Fatalf("front matter is not closed:\n%s", s)
	}
	var fm map[string]any
	if err := yaml.Unmarshal([]byte(s[4:4+end]), &fm); err != nil {
		t.Fatalf("front matter is not valid YAML: %v\n%s", err, s[:4+end])
	}
	return fm, s[4+end+5:]
}

func TestFrontMatterParsesBack(t *testing.T) {
	p := sampleArticle()
	fm, body := frontMatterOf(t, ArticleMarkdown(p))
	want := map[string]any{
		"title":          `Kim: "Vi vil mødes"`,
		"date":           "2019-02-01",
		"date_precision": "month",
		"summary":        p.Summary,
		"source":         "in/kontor: 2019.txt",
		"agency":         "ritzau/Reuters",
		"source_sha256":  p.SHA256,
		"model":          "llama3.1:8b",
		"lang":           "en",
	}
	for k, v := range want {
		if fm[k] != v {
			t.Errorf("front matter %s = %#v, want %#v", k, fm[k], v)
		}
	}
	gen, ok := fm["generated"].(time.Time)
	if !ok || !gen.Equal(generated.Truncate(time.Second)) || gen.Location() != time.UTC {
		t.Errorf("generated = %#v, want %v as an RFC 3339 UTC timestamp", fm["generated"], generated.Truncate(time.Second))
	}
	if !strings.Contains(string(ArticleMarkdown(p)), "generated: 2026-11-28T09:30:15Z\n") {
		t.Error("generated is not written as RFC 3339 UTC (2026-11-28T09:30:15Z)")
	}
	if !strings.HasPrefix(body, "\n# Kim: \"Vi vil mødes\"\n") {
		t.Errorf("the page does not open with the headline after the front matter:\n%s", body)
	}
}

func TestFrontMatterSurvivesHostileHeadlines(t *testing.T) {
	for _, h := range []string{
		`- a dash`, `#hashtag`, `key: value # comment`, `'single' and "double"`, `yes`, `null`, `2019-02-03`,
		`@handle`, `%percent`, `*star`, `&anchor`, `!tag`, `[list]`, `{map}`, `> folded`, `| literal`, `---`,
		"two\nlines", "tab\there", `back\slash`, `ÆØÅ æøå: "citat"`,
	} {
		p := sampleArticle()
		p.Headline = h
		p.Source = h + ".txt"
		fm, _ := frontMatterOf(t, ArticleMarkdown(p))
		if want := strings.Join(strings.Fields(h), " "); fm["title"] != want {
			t.Errorf("headline %q: title parses back as %#v, want %q", h, fm["title"], want)
		}
		if fm["source"] != h+".txt" {
			t.Errorf("source %q parses back as %#v", h+".txt", fm["source"])
		}
	}
}

// blocksOf renders Markdown with a plain goldmark (not ours) and
// returns what a reader sees: the block elements and their text.
func blocksOf(t *testing.T, md []byte) []element {
	t.Helper()
	var buf bytes.Buffer
	if err := goldmark.Convert(md, &buf); err != nil {
		t.Fatal(err)
	}
	return parseHTML(t, append(append([]byte("<div>"), buf.Bytes()...), "</div>"...))
}

func TestTranslatedTextStaysText(t *testing.T) {
	// Each of these is one paragraph of a translation; each must come out
	// as one paragraph saying the same thing, never a list, heading,
	// quote, rule, code block, link, emphasis or raw HTML.
	paras := []string{
		"- We want dialogue, says Kim Jong-un.",
		"-Minus twelve degrees was measured.",
		"1. division clubs were not affected.",
		"2) The second point is ignored.",
		"# of staff: twenty.",
		"> not a quote block",
		"+ plus",
		"* star",
		"---",
		"===",
		"```go",
		"~~~",
		"    indented four spaces",
		"<div>raw html</div>",
		"<script>alert(1)</script>",
		"[a bracket](not-a-link.md) and ![an image](x.png)",
		"a *star* and a _word_ and **bold** and `code` and ~~strike~~",
		"snake_case_word and 50_50",
		"AT&amp;T and &copy; and & alone",
		`a back\slash and a \* escaped star`,
		"trailing spaces make a hard break  ",
		"| a | table |",
		"https://example.com/not-a-link",
	}
	p := ArticlePage{Headline: "H", Paragraphs: paras}
	els := blocksOf(t, articleBody(p))
	for _, bad := range []string{"li", "ul", "ol", "blockquote", "pre", "code", "hr", "a", "img", "em", "strong", "script", "div", "del", "table", "br"} {
		for _, e := range elements(els, bad) {
			if bad == "div" && len(e.stack) == 0 {
				continue // our wrapper
			}
			t.Errorf("translated text became <%s>: %q", bad, e.text)
		}
	}
	var got []string
	for _, e := range elements(els, "p") {
		got = append(got, e.text)
	}
	if len(got) != len(paras) {
		t.Fatalf("%d paragraphs in, %d out: %q", len(paras), len(got), got)
	}
	for i, want := range paras {
		want = strings.Join(strings.Fields(want), " ")
		if strings.HasPrefix(want, "- ") {
			want = "–" + want[1:] // the Danish quote dash, typeset
		}
		if got[i] != want {
			t.Errorf("paragraph %d reads %q, want %q", i+1, got[i], want)
		}
	}
}

func TestDashQuotesAreNotListItems(t *testing.T) {
	p := sampleArticle()
	for _, md := range [][]byte{articleBody(p), BriefingMarkdown(sampleBriefing())} {
		for _, li := range elements(blocksOf(t, md), "li") {
			for _, quote := range []string{"It is a small step", "Korea dominated the period", "Officials called it"} {
				if strings.Contains(li.text, quote) {
					t.Errorf("a dash-quote became a list item: %q", li.text)
				}
			}
		}
	}
	// ... and the key point that starts with a dash is one item, not a
	// list inside an item.
	for _, li := range elements(blocksOf(t, articleBody(p)), "li") {
		for _, s := range li.stack {
			if s == "li" {
				t.Errorf("a key point starting with a dash became a nested list: %q", li.text)
			}
		}
	}
}

// The page a site publishes holds the article, once: no QA note, no source
// text, no second copy of the translation. The review beside it holds
// those, and tells static site generators not to publish it.
func TestPublishedPageAndItsReview(t *testing.T) {
	p := reviewArticle()
	md := string(ArticleMarkdown(p))
	_, body, _ := strings.Cut(strings.TrimPrefix(md, "---\n"), "\n---\n")
	for _, leak := range []string{"Check this translation", "Source and translation", "Danmark vandt kvartfinalen", "missing in the translation"} {
		if strings.Contains(body, leak) {
			t.Errorf("the published page carries %q:\n%s", leak, md)
		}
	}
	if n := strings.Count(md, "Denmark won the quarter-final"); n != 1 {
		t.Errorf("the translation is on the page %d times, want once:\n%s", n, md)
	}
	if !strings.HasSuffix(md, "*Source: ritzau*\n") {
		t.Errorf("the page does not end with the agency credit:\n%s", md)
	}
	rv := string(ReviewMarkdown(p))
	for _, want := range []string{"\npublished: false\n", "\n_build:\n  render: never\n  list: never\n", "# Review: Denmark through to the semi-final",
		"> **Check this translation:**", "## Source and translation", "> Danmark vandt kvartfinalen **38-30** i Herning onsdag aften."} {
		if !strings.Contains(rv, want) {
			t.Errorf("the review lacks %q:\n%s", want, rv)
		}
	}
	p.Agency = ""
	if md = string(ArticleMarkdown(p)); strings.Contains(md, "*Source:") {
		t.Errorf("an article without agency shows an empty credit:\n%s", md)
	}
}

// A name the translation changed is marked in every paragraph that has it,
// on both sides, not only in the paragraph its finding is pinned to.
func TestChangedNameMarkedEverywhere(t *testing.T) {
	p := reviewArticle()
	p.Original[0] += " Mike Pompeo var der."
	p.Lede += " Mike Pompei was there."
	for _, f := range p.Findings {
		if f.Code == "name" {
			p.Everywhere = append(p.Everywhere, f)
		}
	}
	page := string(ArticleHTML(p))
	if n := strings.Count(page, "<mark>Pompeo</mark>"); n != 2 {
		t.Errorf("the source name is marked %d times, want 2 (lede and paragraph 5)", n)
	}
	if n := strings.Count(page, "<mark>Pompei</mark>"); n != 2 {
		t.Errorf("the changed name is marked %d times, want 2 (lede and paragraph 5)", n)
	}
	if n := strings.Count(string(ReviewMarkdown(p)), "**Pompei**"); n != 2 {
		t.Errorf("the Markdown review marks the changed name %d times, want 2", n)
	}
}

// mdLinks returns every link destination in a Markdown document.
func mdLinks(t *testing.T, md []byte) []string {
	t.Helper()
	doc := goldmark.DefaultParser().Parse(text.NewReader(md))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			out = append(out, string(l.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

func TestMarkdownBriefingLinksToArticleFiles(t *testing.T) {
	b := sampleBriefing()
	files := map[string]bool{}
	for _, s := range b.Stories {
		files["articles/"+s.ID+".md"] = true
		for _, v := range s.EarlierVersions {
			files["articles/"+v.ID+".md"] = true
		}
	}
	md := BriefingMarkdown(b)
	ids := map[string]bool{}
	for _, h := range elements(parseHTML(t, toHTML(md)), "h2") {
		ids[h.attr["id"]] = true
	}
	linked := map[string]bool{}
	for _, l := range mdLinks(t, md) {
		switch {
		case strings.HasPrefix(l, "#"):
			if !ids[l[1:]] {
				t.Errorf("contents link %s names no section", l)
			}
		case files[l]:
			linked[l] = true
		case strings.HasSuffix(l, ReviewSuffix) && files[strings.TrimSuffix(l, ReviewSuffix)+".md"]:
			// a flagged story's review, from the check list
		default:
			t.Errorf("link %q is not articles/<slug>.md of a story", l)
		}
	}
	for f := range files {
		if !linked[f] {
			t.Errorf("no link to %s", f)
		}
	}
}

func TestBriefingIsDeterministic(t *testing.T) {
	for name, b := range map[string]Briefing{"grouped": sampleBriefing(), "interrupted": interruptedBriefing()} {
		want := [][]byte{BriefingMarkdown(b), BriefingHTML(b), BriefingJSON(b)}
		r := rand.New(rand.NewSource(7))
		for i := 0; i < 20; i++ {
			s := b
			s.Stories = append([]story.Story(nil), b.Stories...)
			s.Problems = append([]Problem(nil), b.Problems...)
			r.Shuffle(len(s.Stories), func(i, j int) { s.Stories[i], s.Stories[j] = s.Stories[j], s.Stories[i] })
			r.Shuffle(len(s.Problems), func(i, j int) { s.Problems[i], s.Problems[j] = s.Problems[j], s.Problems[i] })
			got := [][]byte{BriefingMarkdown(s), BriefingHTML(s), BriefingJSON(s)}
			for k := range got {
				if !bytes.Equal(got[k], want[k]) {
					t.Fatalf("%s: output %d changed with the order of stories or problems", name, k)
				}
			}
		}
	}
}

func TestDigestMissingIsSaid(t *testing.T) {
	b := sampleBriefing()
	b.Digest = ""
	if md := string(BriefingMarkdown(b)); !strings.Contains(md, "The opening digest could not be written.") {
		t.Errorf("an empty digest without a reason is not explained:\n%s", md)
	}
	b.DigestNote = "The opening digest could not be written: the endpoint timed out"
	if md := string(BriefingMarkdown(b)); !strings.Contains(md, "the endpoint timed out") {
		t.Errorf("the reason for the missing digest is not shown:\n%s", md)
	}
}

func TestBriefingJSON(t *testing.T) {
	data := BriefingJSON(sampleBriefing())
	var j JSONBriefing
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	if j.Counts != (JSONCounts{Stories: 5, Articles: 8, Failed: 1, Skipped: 2, Flagged: 1}) {
		t.Errorf("counts %+v", j.Counts)
	}
	if len(j.Groups) != 3 || j.Groups[0].Title != "North Korea · South Korea" || len(j.Groups[0].Stories) != 3 {
		t.Fatalf("groups %+v", j.Groups)
	}
	m := j.Groups[0].Stories[2]
	if m.ID != "missiler-rettet" || !m.Corrected || len(m.Warnings) != 2 || len(m.EarlierVersions) != 2 ||
		m.EarlierVersions[0].Link != "articles/missiler-opdateret.md" || !m.EarlierVersions[0].Updated {
		t.Errorf("corrected story %+v", m)
	}
	if len(j.Problems) != 3 || j.Problems[0].Status != "failed" || j.Problems[0].Source != "in/lang.txt" {
		t.Errorf("problems %+v, want the failed one first", j.Problems)
	}
	if j.Run.Started != "2026-11-28T09:30:15Z" || j.Run.PromptTokens != 12345 || j.Run.MemoryParagraphs != 7 || j.Run.MemoryTokens != 1234 {
		t.Errorf("run %+v", j.Run)
	}
	// Consumers can rely on lists being lists.
	for _, want := range []string{`"warnings": []`, `"earlier_versions": []`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("briefing.json has no %s: empty lists must not be null", want)
		}
	}
	empty := BriefingJSON(Briefing{})
	if !bytes.Contains(empty, []byte(`"groups": []`)) || !bytes.Contains(empty, []byte(`"problems": []`)) {
		t.Errorf("an empty briefing has null lists:\n%s", empty)
	}
}

func TestPeriod(t *testing.T) {
	run := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	cases := []struct {
		dates []string
		want  string
	}{
		{nil, "28 November 2026"},
		{[]string{"", "garbage", "2019-13"}, "28 November 2026"},
		{[]string{"2019-01"}, "January 2019"},
		{[]string{"2019-01", "2019-01-17", ""}, "January 2019"},
		{[]string{"2019-01", "2018-10", "2018-12-03"}, "October 2018 – January 2019"},
		{[]string{"2018-12", "2018-10"}, "October – December 2018"},
	}
	for _, c := range cases {
		if got := Period(c.dates, run); got != c.want {
			t.Errorf("Period(%q) = %q, want %q", c.dates, got, c.want)
		}
	}
	if got := briefingTitle(Briefing{Period: "January 2019"}); got != "Briefing: January 2019" {
		t.Errorf("Title = %q", got)
	}
}

func TestBriefingSaysWhichStoriesNeedALook(t *testing.T) {
	md := string(BriefingMarkdown(sampleBriefing()))
	if !strings.Contains(md, "· **1 story needs a look**") {
		t.Errorf("the counts line does not say how many stories need a look:\n%s", md)
	}
	first := md[strings.Index(md, "## Check these first"):strings.Index(md, "## Digest")]
	if !strings.Contains(first, "- [North Korea fires two short-range missiles](articles/missiler-rettet.review.md) — Paragraph 2: 450 became 400\n  - Paragraph 5: untranslated Danish word") ||
		strings.Count(first, "\n- ") != 1 {
		t.Errorf("the Check these first list is not the one flagged story with its findings:\n%s", first)
	}
	b := sampleBriefing()
	for i := range b.Groups {
		for j := range b.Groups[i].Stories {
			b.Groups[i].Stories[j].Warnings = nil
		}
	}
	if md := string(BriefingMarkdown(b)); strings.Contains(md, "Check these first") || strings.Contains(md, "need") {
		t.Errorf("a briefing with no warnings has a Check these first list:\n%s", md)
	}
}

// The check list puts the story whose worst finding matters most first,
// whatever the order the briefing shows the stories in, and an input note
// goes in its own list, not among the translations to check.
func TestCheckListBySeverityAndInputNotesApart(t *testing.T) {
	b := sampleBriefing()
	g := b.Groups[0].Stories
	g[0].Warnings, g[0].Concern = []string{"the source spells a name two ways"}, 3 // shown first
	g[1].Notes = []string{"decoded as Windows-1252; save the file as UTF-8"}
	g[2].Warnings = append(g[2].Warnings, "a", "b", "c")
	md := string(BriefingMarkdown(b))
	first := md[strings.Index(md, "## Check these first"):strings.Index(md, "## Digest")]
	missiles, visit := strings.Index(first, "450 became 400"), strings.Index(first, "spells a name")
	if missiles < 0 || visit < 0 || missiles > visit {
		t.Errorf("the changed number is not listed before the style note:\n%s", first)
	}
	if !strings.Contains(first, "  - and 2 more on the review\n") || strings.Contains(first, "Windows-1252") {
		t.Errorf("the check list does not cut a long story's findings, or lists an input note:\n%s", first)
	}
	if !strings.Contains(md, "## Notes on the inputs\n\n- [North and South Korea reopen liaison office in Kaesong](articles/kontor-2.md) — decoded as Windows-1252") {
		t.Errorf("the input note has no list of its own:\n%s", md)
	}
}

// Why a run stopped can be a server's error message (a fatal endpoint
// error): it reaches briefing.md as one line with no control or
// bidirectional characters, like every other text brief did not write.
func TestStoppedByIsSafeInTheBriefing(t *testing.T) {
	b := sampleBriefing()
	b.Run.StoppedBy = "the endpoint said: \x1b[2Jbad\u202egateway\nbrief: 0 failed"
	md := string(BriefingMarkdown(b))
	if strings.ContainsAny(md, "\x1b\u202e") || strings.Contains(md, "\nbrief: 0 failed") {
		t.Errorf("briefing.md carries the stop reason raw:\n%s", md)
	}
	if !strings.Contains(md, "badgateway brief: 0 failed") {
		t.Errorf("briefing.md lost the stop reason:\n%s", md)
	}
}
