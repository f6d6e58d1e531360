package render

import (
	"bytes"
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
const stylesheet = `body{font:16px/1.55 Georgia,"Times New Roman",serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff;overflow-wrap:break-word}
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
body.review-page{max-width:72rem}
.review-key{font-size:.9rem;color:#555}
.pair{display:grid;grid-template-columns:3rem minmax(0,1fr) minmax(0,1fr);gap:0 1.2rem;padding:.5rem .4rem;border-top:1px solid #e3e3e3;break-inside:avoid}
.pair>*{overflow-wrap:anywhere}
.pair.head{font:bold .75rem system-ui,sans-serif;color:#555;text-transform:uppercase;letter-spacing:.05em;border-top:none}
.pair .num{font:600 .9rem system-ui,sans-serif;color:#555;text-align:right;overflow-wrap:normal}
.pair .num .lede{display:block;font-weight:normal;font-size:.75rem}
.pair .num .memory{display:block;font-weight:normal;font-size:.75rem;color:#555}
.pair .src{color:#3a3a3a}
.pair.flagged{background:#fff6e8;border-left:4px solid #d9822b}
.pair .notes{grid-column:2/4;margin:.4rem 0 0;padding-left:1.2rem;font:.9rem system-ui,sans-serif;color:#8a4500}
.pair .notes .model{color:#5a3d99}
.pair em.none{color:#a00}
mark{background:#ffd54a;color:inherit;padding:0 .1em;border-bottom:2px solid #c77800}
@media (max-width:40rem){
.pair{grid-template-columns:minmax(0,1fr);gap:.3rem}
.pair.head{display:none}
.pair .num{text-align:left}
.pair .notes{grid-column:1}
.pair .src::before,.pair .tr::before{display:block;font:bold .7rem system-ui,sans-serif;color:#777;text-transform:uppercase}
.pair .src::before{content:"Source"}
.pair .tr::before{content:"Translation"}
}
@media print{
body{max-width:none;margin:0;padding:0;font-size:11pt;color:#000}
a{color:#000;text-decoration:none}
h2#contents,h2#contents+ul{display:none}
h2,h3{break-after:avoid}
blockquote{break-inside:avoid;background:none}
body.review-page{max-width:none}
.pair,mark{-webkit-print-color-adjust:exact;print-color-adjust:exact}
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
