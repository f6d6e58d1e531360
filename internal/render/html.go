package render

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"slices"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
)

// The HTML pages are the Markdown pages rendered by goldmark, so both say
// the same thing. Raw HTML stays off (goldmark's default): all data is
// escaped Markdown, and nothing from an article can inject markup.
var markdown = goldmark.New(goldmark.WithParserOptions(parser.WithAutoHeadingID()))

// stylesheet is small and inline so a page is one self-contained file that
// can be mailed or printed. A word longer than its line (a URL, a token)
// breaks: in the review's columns (minmax(0,1fr), not 1fr, whose minimum is
// the longest word) it otherwise widened the page past the screen.
//
//go:embed style.css
var stylesheet string

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

// page is one self-contained HTML page: class goes on the body
// ("review-page" widens it for the source-beside-translation pairs), feed
// is the address of an Atom feed to link in its head ("" for none).
func page(lang, title, class, feed string, main []byte, footer string) []byte {
	title = html.EscapeString(oneLine(title))
	if feed != "" {
		feed = `<link rel="alternate" type="application/atom+xml" title="` + title + `" href="` + html.EscapeString(feed) + "\">\n"
	}
	if class != "" {
		class = ` class="` + class + `"`
	}
	return fmt.Appendf(nil, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n%s"+
		"<style>\n%s</style>\n</head>\n<body%s>\n<main>\n%s</main>\n%s</body>\n</html>\n",
		html.EscapeString(lang), title, feed, stylesheet, class, main, footer)
}

// BriefingHTML is OUT/briefing.html: the Markdown briefing as one
// self-contained, print-friendly page whose story links point at the
// articles' .html pages (articles/<slug>.html), which the pipeline writes
// beside the .md ones when HTML is asked for.
func BriefingHTML(b Briefing) []byte {
	main := toHTML(briefingMarkdown(b, ".html"))
	// The picture of the week goes after the counts line, before the contents.
	if at := bytes.Index(main, []byte(`<h2 id="contents">`)); at >= 0 {
		main = slices.Concat(main[:at], []byte(weekChart(b.Groups)), main[at:])
	}
	return page(b.Run.Lang, briefingTitle(b), "", b.Feed, main, "")
}

// ArticleHTML is OUT/articles/<slug>.html: the article page, with what the
// Markdown keeps in its front matter shown in a footer.
func ArticleHTML(p ArticlePage) []byte {
	footer := "<footer>\n<dl class=\"meta\">\n"
	for _, item := range [][2]string{{"Source", p.Source}, {"Date", humanDate(p.Date)}, {"Agency", p.Agency},
		{"Source SHA-256", p.SHA256}, {"Model", p.Model}, {"Language", p.Lang}, {"Generated", rfc3339(p.Generated)}} {
		if item[1] != "" {
			footer += "<dt>" + item[0] + "</dt><dd>" + html.EscapeString(oneLine(item[1])) + "</dd>\n"
		}
	}
	// Article pages sit in articles/ beside the briefing they belong to.
	footer += "</dl>\n<p><a href=\"../briefing.html\">← Back to the briefing</a></p>\n</footer>\n"
	head := articleHead(p)
	qaNote(head, p.Warnings)
	if len(p.Original) == 0 {
		translation(head, p)
		return page(p.Lang, pageHeadline(p.Headline), "", "", toHTML(head.bytes()), footer)
	}
	// The review replaces the plain translation: the pairs hold it.
	credit := newDoc()
	agencyCredit(credit, p)
	main := slices.Concat(toHTML(head.bytes()), []byte(reviewHTML(p)), toHTML(credit.bytes()))
	return page(p.Lang, pageHeadline(p.Headline), "review-page", "", main, footer)
}
