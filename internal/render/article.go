package render

import (
	"bytes"
	"time"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the YAML header of an article page. Field names are a
// stable interface for tools that index the pages (static site generators,
// scripts); add fields, do not rename them.
type frontMatter struct {
	Title        string    `yaml:"title"`
	Date         string    `yaml:"date,omitempty"`
	Source       string    `yaml:"source"`
	Agency       string    `yaml:"agency,omitempty"`
	SourceSHA256 string    `yaml:"source_sha256"`
	Model        string    `yaml:"model"`
	Lang         string    `yaml:"lang"`
	Generated    time.Time `yaml:"generated,omitempty"`
	Warnings     []string  `yaml:"warnings,omitempty"`
}

// ArticleMarkdown is OUT/articles/<slug>.md: YAML front matter (title, date,
// source, agency, source_sha256, model, lang, generated as RFC 3339 UTC,
// warnings), the headline, summary, key points, a visible QA note when
// there are warnings, the translation and the agency credit.
func ArticleMarkdown(p ArticlePage) []byte {
	var out bytes.Buffer
	out.WriteString("---\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	fm := frontMatter{
		Title:        oneLine(p.Headline),
		Date:         p.Date,
		Source:       p.Source,
		Agency:       p.Agency,
		SourceSHA256: p.SHA256,
		Model:        p.Model,
		Lang:         p.Lang,
		Warnings:     p.Warnings,
	}
	if !p.Generated.IsZero() {
		fm.Generated = p.Generated.UTC().Truncate(time.Second)
	}
	if err := enc.Encode(fm); err != nil {
		// Only unencodable Go types fail, and frontMatter has none.
		panic("render: front matter: " + err.Error())
	}
	enc.Close()
	out.WriteString("---\n\n")
	out.Write(articleBody(p, p.ReviewInMarkdown))
	return out.Bytes()
}

// articleBody is the Markdown an article page shows, without front matter;
// with review, the source-beside-translation section closes it.
func articleBody(p ArticlePage, review bool) []byte {
	d := articleHead(p)
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
	if review && len(p.Original) > 0 {
		reviewMarkdown(d, p)
	}
	return d.bytes()
}

func agencyCredit(d *mdDoc, p ArticlePage) {
	if a := inline(p.Agency); a != "" {
		d.para("*Source: " + a + "*")
	}
}

// articleHead is what comes before the translation: headline, summary, key
// points and the QA note.
func articleHead(p ArticlePage) *mdDoc {
	d := newDoc()
	head := oneLine(p.Headline)
	if head == "" {
		head = "(no headline)"
	}
	d.heading(1, heading(head))
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
	qaNote(d, p.Warnings)
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
