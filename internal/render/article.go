package render

import (
	"bytes"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the YAML header of an article page. Field names are a
// stable interface for tools that index the pages (static site generators,
// scripts); add fields, do not rename them. title, date, lastmod, summary
// and tags are the names Hugo and Jekyll read themselves.
type frontMatter struct {
	Title string `yaml:"title"`
	// Date is a full date (YYYY-MM-DD), the first of the month when the
	// header names only a month: static site generators take nothing less
	// and would otherwise date the page 0001-01-01. DatePrecision says
	// which part is real: "month" or "day".
	Date          string    `yaml:"date,omitempty"`
	DatePrecision string    `yaml:"date_precision,omitempty"`
	LastMod       time.Time `yaml:"lastmod,omitempty"`
	Summary       string    `yaml:"summary,omitempty"`
	Tags          []string  `yaml:"tags,omitempty"`
	Source        string    `yaml:"source"`
	Agency        string    `yaml:"agency,omitempty"`
	SourceSHA256  string    `yaml:"source_sha256"`
	Model         string    `yaml:"model"`
	Lang          string    `yaml:"lang"`
	Generated     time.Time `yaml:"generated,omitempty"`
	Warnings      []string  `yaml:"warnings,omitempty"`
	// MemoryParagraphs counts the paragraphs whose translation came from
	// the translation memory.
	MemoryParagraphs int `yaml:"memory_paragraphs,omitempty"`
}

// FullDate turns a header date ("YYYY-MM" or "YYYY-MM-DD") into a full
// date and the precision it really has: "2019-01" is ("2019-01-01",
// "month"). Anything else gives ("", "").
func FullDate(date string) (full, precision string) {
	t, day, ok := parseDate(date)
	switch {
	case !ok:
		return "", ""
	case day:
		return t.Format("2006-01-02"), "day"
	}
	return t.Format("2006-01-02"), "month"
}

// parseDate reads a header date, "YYYY-MM-DD" (day) or "YYYY-MM".
func parseDate(d string) (t time.Time, day, ok bool) {
	if t, err := time.Parse("2006-01-02", d); err == nil {
		return t, true, true
	}
	t, err := time.Parse("2006-01", d)
	return t, false, err == nil
}

// ArticleMarkdown is OUT/articles/<slug>.md, the page a site publishes:
// YAML front matter (title, date as YYYY-MM-DD with date_precision,
// lastmod when the page was rewritten with new text, summary, tags,
// source, agency, source_sha256, model, lang, generated as RFC 3339 UTC,
// warnings), the headline, summary, key points, the translation and the
// agency credit. The review is a file of its own (ReviewMarkdown).
func ArticleMarkdown(p ArticlePage) []byte {
	return withFrontMatter(pageFrontMatter(p), articleBody(p))
}

// ReviewSuffix ends the name of an article's Markdown review, beside its
// page: articles/<slug>.review.md (a slug has no dot, so no page's name).
const ReviewSuffix = ".review.md"

// reviewFrontMatter keeps static site generators from publishing a review
// as an article: published: false (Jekyll, and Hugo as a draft) and Hugo's
// _build, which holds even when drafts are built.
type reviewFrontMatter struct {
	Title     string `yaml:"title"`
	Published bool   `yaml:"published"`
	Build     struct {
		Render string `yaml:"render"`
		List   string `yaml:"list"`
	} `yaml:"_build"`
	Source string `yaml:"source"`
}

// ReviewMarkdown is OUT/articles/<slug>.review.md, the editor's check of
// the translation: the findings, most urgent first, then every source
// paragraph beside its translation, numbered from the lede, what a check
// found in bold.
func ReviewMarkdown(p ArticlePage) []byte {
	fm := reviewFrontMatter{Title: "Review: " + pageHeadline(p.Headline), Source: p.Source}
	fm.Build.Render, fm.Build.List = "never", "never"
	d := newDoc()
	d.heading(1, heading(fm.Title))
	qaNote(d, p.Warnings)
	reviewMarkdown(d, p)
	return withFrontMatter(fm, d.bytes())
}

func pageFrontMatter(p ArticlePage) frontMatter {
	fm := frontMatter{
		Title:        oneLine(p.Headline),
		Summary:      oneLine(p.Summary),
		Tags:         p.Tags,
		Source:       p.Source,
		Agency:       p.Agency,
		SourceSHA256: p.SHA256,
		Model:        p.Model,
		Lang:         p.Lang,
		Warnings:     p.Warnings,
		// A zero time stays zero, and omitted.
		Generated: p.Generated.UTC().Truncate(time.Second),
		LastMod:   p.LastMod.UTC().Truncate(time.Second),

		MemoryParagraphs: len(p.Memory),
	}
	fm.Date, fm.DatePrecision = FullDate(p.Date)
	return fm
}

// withFrontMatter is body under fm as YAML front matter.
func withFrontMatter(fm any, body []byte) []byte {
	var out bytes.Buffer
	out.WriteString("---\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		// Only unencodable Go types fail, and frontMatter has none.
		panic("render: front matter: " + err.Error())
	}
	enc.Close()
	out.WriteString("---\n\n")
	out.Write(body)
	return out.Bytes()
}

// PageFacts are what a run carries over from the page an earlier run
// wrote for the same article: the source it translated and when its text
// was made (to tell whether the page gets new text), when it was last
// rewritten, and its tags.
type PageFacts struct {
	SourceSHA256 string
	Generated    time.Time
	LastMod      time.Time
	Tags         []string
}

// splitPage cuts an article page into its front matter and its body.
func splitPage(page []byte) (frontMatter, []byte, bool) {
	var fm frontMatter
	rest, ok := bytes.CutPrefix(page, []byte("---\n"))
	if !ok {
		return fm, nil, false
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n\n"))
	if !ok || yaml.Unmarshal(head, &fm) != nil {
		return fm, nil, false
	}
	return fm, body, true
}

// ReadPageFacts reads the facts of a page ArticleMarkdown wrote; ok is
// false for anything else.
func ReadPageFacts(page []byte) (PageFacts, bool) {
	fm, _, ok := splitPage(page)
	if !ok {
		return PageFacts{}, false
	}
	return PageFacts{SourceSHA256: fm.SourceSHA256, Generated: fm.Generated, LastMod: fm.LastMod, Tags: fm.Tags}, true
}

// RetagPage is page with its front matter's tags replaced, the rest as it
// was; ok is false when page is not one ArticleMarkdown wrote.
func RetagPage(page []byte, tags []string) ([]byte, bool) {
	fm, body, ok := splitPage(page)
	if !ok {
		return nil, false
	}
	fm.Tags = tags
	return withFrontMatter(fm, body), true
}

// TagsOf are the tags of a story in a group: the group title's parts
// ("Kim Jong-un · North Korea" -> Kim Jong-un, North Korea); none for a
// story on its own.
func TagsOf(groupTitle string) []string {
	var tags []string
	for _, t := range strings.Split(groupTitle, "·") {
		if t = oneLine(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// articleBody is the Markdown an article page shows, without front matter.
func articleBody(p ArticlePage) []byte {
	d := articleHead(p)
	translation(d, p)
	return d.bytes()
}

// translation is the translation section and the agency credit.
func translation(d *mdDoc, p ArticlePage) {
	d.heading(2, "Translation")
	if l := inline(p.Lede); l != "" {
		// Bold from the first character, so a dash-quote lede is no list.
		d.para("**" + l + "**")
	}
	for _, para := range p.Paragraphs {
		if para = block(para); para != "" {
			d.para(para)
		}
	}
	agencyCredit(d, p)
}

func agencyCredit(d *mdDoc, p ArticlePage) {
	if a := inline(p.Agency); a != "" {
		d.para("*Source: " + a + "*")
	}
}

// articleHead is what comes before the translation: headline, summary and
// key points.
func articleHead(p ArticlePage) *mdDoc {
	d := newDoc()
	d.heading(1, heading(pageHeadline(p.Headline)))
	if s := block(p.Summary); s != "" {
		d.para(s)
	}
	if len(p.KeyPoints) > 0 {
		d.heading(2, "Key points")
		for _, k := range p.KeyPoints {
			if k = block(k); k != "" {
				d.line("- " + k)
			}
		}
		d.end()
	}
	return d
}

// qaNote writes the visible "check this" note for QA warnings.
func qaNote(d *mdDoc, warnings []string) {
	var ws []string
	for _, w := range warnings {
		if oneLine(w) != "" {
			ws = append(ws, w)
		}
	}
	switch len(ws) {
	case 0:
	case 1:
		d.para("> **Check this translation:** " + inline(ws[0]))
	default:
		d.line("> **Check this translation:**")
		d.line(">")
		for _, w := range ws {
			d.line("> - " + block(w))
		}
		d.end()
	}
}
