package render

import (
	"bytes"
	"html"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
)

// The HTML pages are the Markdown pages rendered by goldmark, so both say
// the same thing. Raw HTML stays off (goldmark's default): all data is
// escaped Markdown, and nothing from an article can inject markup.
var markdown = goldmark.New(goldmark.WithParserOptions(parser.WithAutoHeadingID()))

// stylesheet is small and inline so a page is one self-contained file that
// can be mailed or printed.
const stylesheet = `body{font:16px/1.55 Georgia,"Times New Roman",serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}
h1,h2,h3{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.25}
h1{font-size:1.8rem}
h2{font-size:1.35rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.1rem;margin:1.6rem 0 .3rem}
a{color:#0645ad}
blockquote{margin:1rem 0;padding:.4rem 1rem;border-left:4px solid #d9822b;background:#fff6e8}
footer{margin-top:3rem;font-size:.85rem;color:#555;border-top:1px solid #ccc}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.meta dt{font-weight:bold}
dl.meta dd{margin:0;overflow-wrap:anywhere}
@media print{
body{max-width:none;margin:0;padding:0;font-size:11pt;color:#000}
a{color:#000;text-decoration:none}
h2#contents,h2#contents+ul{display:none}
h2,h3{break-after:avoid}
blockquote{break-inside:avoid;background:none}
}
`

// toHTML renders Markdown with the same heading ids the Markdown's own
// links were written against.
func toHTML(src []byte) []byte {
	ctx := parser.NewContext(parser.WithIDs(newAnchors()))
	var buf bytes.Buffer
	if err := markdown.Convert(src, &buf, parser.WithContext(ctx)); err != nil {
		// Writing to a bytes.Buffer cannot fail.
		panic("render: markdown to html: " + err.Error())
	}
	return buf.Bytes()
}

func page(lang, title string, main []byte, footer string) []byte {
	if lang == "" {
		lang = "en"
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"" + html.EscapeString(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + html.EscapeString(oneLine(title)) + "</title>\n")
	b.WriteString("<style>\n" + stylesheet + "</style>\n</head>\n<body>\n<main>\n")
	b.Write(main)
	b.WriteString("</main>\n")
	b.WriteString(footer)
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

// BriefingHTML is OUT/briefing.html: the Markdown briefing as one
// self-contained, print-friendly page whose story links point at the
// articles' .html pages (articles/<slug>.html), which the pipeline writes
// beside the .md ones when HTML is asked for.
func BriefingHTML(b Briefing) []byte {
	return page(b.Run.Lang, briefingTitle(b), toHTML(briefingMarkdown(b, ".html")), "")
}

// ArticleHTML is OUT/articles/<slug>.html: the article page, with what the
// Markdown keeps in its front matter shown in a footer.
func ArticleHTML(p ArticlePage) []byte {
	var f strings.Builder
	f.WriteString("<footer>\n<dl class=\"meta\">\n")
	item := func(k, v string) {
		if v != "" {
			f.WriteString("<dt>" + k + "</dt><dd>" + html.EscapeString(oneLine(v)) + "</dd>\n")
		}
	}
	item("Source", p.Source)
	item("Date", humanDate(p.Date))
	item("Agency", p.Agency)
	item("Source SHA-256", p.SHA256)
	item("Model", p.Model)
	item("Language", p.Lang)
	if !p.Generated.IsZero() {
		item("Generated", p.Generated.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	f.WriteString("</dl>\n")
	// Article pages sit in articles/ beside the briefing they belong to.
	f.WriteString("<p><a href=\"../briefing.html\">← Back to the briefing</a></p>\n</footer>\n")
	title := p.Headline
	if oneLine(title) == "" {
		title = "(no headline)"
	}
	return page(p.Lang, title, toHTML(articleBody(p)), f.String())
}
