package render

import (
	"cmp"
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/brief-news/brief/translate/qa"
)

// The review shows an article as numbered paragraph pairs, source beside
// translation, the lede first, so an editor can check a translation where a
// finding points instead of counting paragraphs by hand. The HTML page shows
// it in place of the plain translation; in Markdown it is a file of its own
// beside the page (ReviewMarkdown).

// row is one line of the review: a source paragraph and its translation,
// either of which may be missing, with the findings pinned to it.
type row struct {
	src, tr  int // 1-based numbers, 0 = none
	srcText  string
	trText   string
	findings []qa.Finding
	srcMarks []string // evidence to highlight in the source
	trMarks  []string // evidence to highlight in the translation
	isLede   bool
	memory   bool // its translation came from the translation memory
}

// reviewRows lines the source and translation up by p.Pairs (index by index
// when the pipeline gave none) and pins every finding that names a
// paragraph to its row.
func reviewRows(p ArticlePage) []row {
	hasLede := strings.TrimSpace(p.Lede) != ""
	trs := p.Paragraphs // numbered as the review numbers them: the lede first
	if hasLede {
		trs = append([]string{p.Lede}, trs...)
	}
	pairs := p.Pairs
	if pairs == nil {
		// A number past its side's end is no paragraph, as in any pair.
		for i := 1; i <= max(len(p.Original), len(trs)); i++ {
			pairs = append(pairs, qa.Pair{Source: i, Translation: i})
		}
	}
	var rows []row
	bySrc, byTr := map[int]int{}, map[int]int{}
	for _, pr := range pairs {
		r := row{src: pr.Source, tr: pr.Translation}
		if pr.Source > 0 && pr.Source <= len(p.Original) {
			r.srcText = oneLine(p.Original[pr.Source-1])
			bySrc[pr.Source] = len(rows)
		} else {
			r.src = 0
		}
		if pr.Translation > 0 && pr.Translation <= len(trs) {
			r.trText = oneLine(trs[pr.Translation-1])
			byTr[pr.Translation] = len(rows)
		} else {
			r.tr = 0
		}
		if r.src == 0 && r.tr == 0 {
			continue
		}
		r.isLede = hasLede && (r.src == 1 || (r.src == 0 && r.tr == 1))
		r.memory = r.src > 0 && slices.Contains(p.Memory, r.src)
		rows = append(rows, r)
	}
	for _, f := range p.Findings {
		i, ok := bySrc[f.SourceParagraph]
		if !ok {
			i, ok = byTr[f.Paragraph]
		}
		if !ok {
			continue
		}
		rows[i].findings = append(rows[i].findings, f)
		rows[i].mark(f)
	}
	// Each is looked for in every paragraph: bounded, so a page stays
	// linear in its length whatever the checks found.
	for _, f := range p.Everywhere[:min(len(p.Everywhere), maxEverywhere)] {
		for i := range rows {
			rows[i].mark(f)
		}
	}
	return rows
}

// maxEverywhere bounds the findings marked in every paragraph.
const maxEverywhere = 20

// mark highlights a finding's evidence in the row, where it occurs (spans
// passes over an empty one).
func (r *row) mark(f qa.Finding) {
	r.srcMarks = append(r.srcMarks, f.Evidence)
	r.trMarks = append(r.trMarks, f.TranslationEvidence)
}

// label is the paragraph number an editor sees (the page marks the lede
// beside it); a translation paragraph with no source counts as the
// translation's number.
func (r row) label() string { return strconv.Itoa(cmp.Or(r.src, r.tr)) }

// spans finds where the evidence texts occur in text: every occurrence, as
// whole words where the evidence starts or ends with a letter or digit (so
// "30" does not light up inside "1930"), case-insensitively when there is
// no exact match. Overlapping spans are merged; the result is sorted.
func spans(text string, evidence []string) [][2]int {
	var out [][2]int
	for _, ev := range evidence {
		ev = oneLine(ev)
		if ev == "" {
			continue
		}
		found := occurrences(text, ev)
		if len(found) == 0 {
			found = occurrences(strings.ToLower(text), strings.ToLower(ev))
			if len(strings.ToLower(text)) != len(text) {
				found = nil // lower-casing changed byte offsets
			}
		}
		out = append(out, found...)
	}
	slices.SortFunc(out, func(a, b [2]int) int { return a[0] - b[0] })
	var merged [][2]int
	for _, s := range out {
		if n := len(merged); n > 0 && s[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// occurrences are where ev (not empty) stands in text as whole words.
func occurrences(text, ev string) [][2]int {
	var out [][2]int
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], ev)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(ev)
		if wholeWords(text, start, end) {
			out = append(out, [2]int{start, end})
		}
		from = end
	}
	return out
}

// wholeWords reports whether text[start:end] neither begins nor ends
// inside a word: where it begins (ends) with a letter or digit, the
// character before (after) it is none.
func wholeWords(text string, start, end int) bool {
	first, _ := utf8.DecodeRuneInString(text[start:end])
	last, _ := utf8.DecodeLastRuneInString(text[start:end])
	before, _ := utf8.DecodeLastRuneInString(text[:start])
	after, _ := utf8.DecodeRuneInString(text[end:])
	return !(isWordRune(first) && isWordRune(before)) && !(isWordRune(last) && isWordRune(after))
}

// marked writes text with the spans wrapped by open and close; esc escapes
// the text between them.
func marked(text string, ss [][2]int, esc func(string) string, open, close string) string {
	var b strings.Builder
	at := 0
	for _, s := range ss {
		b.WriteString(esc(text[at:s[0]]))
		b.WriteString(open + esc(text[s[0]:s[1]]) + close)
		at = s[1]
	}
	b.WriteString(esc(text[at:]))
	return b.String()
}

// reviewHTML is the review as HTML: an ordered run of pairs, each a grid
// of number, source and translation that stacks on a narrow screen.
func reviewHTML(p ArticlePage) string {
	rows := reviewRows(p)
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<h2 id=\"source-and-translation\">Source and translation</h2>\n")
	b.WriteString("<p class=\"review-key\">Each paragraph of the source beside its translation, numbered from the lede. Paragraphs to check are marked, with what a check found highlighted.</p>\n")
	b.WriteString("<div class=\"review\">\n<div class=\"pair head\" aria-hidden=\"true\"><div class=\"num\">¶</div><div class=\"src\">Source</div><div class=\"tr\">Translation</div></div>\n")
	for _, r := range rows {
		cls := "pair"
		if len(r.findings) > 0 {
			cls += " flagged"
		}
		if r.tr == 0 {
			cls += " dropped"
		}
		id := "p" + r.label()
		if r.src == 0 {
			id = "t" + strconv.Itoa(r.tr)
		}
		b.WriteString("<div class=\"" + cls + "\" id=\"" + id + "\">\n<div class=\"num\">" + r.label())
		if r.isLede {
			b.WriteString("<span class=\"lede\">lede</span>")
		}
		if r.memory {
			b.WriteString("<span class=\"memory\" title=\"translated before: taken from the translation memory\">from memory</span>")
		}
		b.WriteString("</div>\n")
		src := marked(r.srcText, spans(r.srcText, r.srcMarks), html.EscapeString, "<mark>", "</mark>")
		if r.src == 0 {
			src = "<em class=\"none\">(no matching source paragraph)</em>"
		}
		b.WriteString("<div class=\"src\" lang=\"" + html.EscapeString(p.From) + "\">" + src + "</div>\n")
		tr := marked(r.trText, spans(r.trText, r.trMarks), html.EscapeString, "<mark>", "</mark>")
		if r.tr == 0 {
			tr = "<em class=\"none\">(missing in the translation)</em>"
		}
		b.WriteString("<div class=\"tr\" lang=\"" + html.EscapeString(p.Lang) + "\">" + tr + "</div>\n")
		if len(r.findings) > 0 {
			b.WriteString("<ul class=\"notes\">\n")
			for _, f := range r.findings {
				cls := "note"
				if f.By == qa.ByModel {
					cls += " model"
				}
				b.WriteString("<li class=\"" + cls + "\" data-code=\"" + html.EscapeString(f.Code) + "\">" + html.EscapeString(oneLine(f.Message)) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("</div>\n")
	return b.String()
}

// reviewMarkdown writes the review as the last section of a Markdown page:
// per pair a heading with its number, the source as a quote with the
// evidence in bold, the translation, and the findings.
func reviewMarkdown(d *mdDoc, p ArticlePage) {
	rows := reviewRows(p)
	if len(rows) == 0 {
		return
	}
	d.heading(2, "Source and translation")
	d.para("*Each paragraph of the source beside its translation, numbered from the lede; what a check found is in bold.*")
	for _, r := range rows {
		title := "¶ " + r.label()
		if r.isLede {
			title += " · lede"
		}
		if r.memory {
			title += " · from memory"
		}
		if len(r.findings) > 0 {
			title += " · check"
		}
		d.heading(3, title)
		src := "*(no matching source paragraph)*"
		if r.src > 0 {
			src = mdMarked(r.srcText, r.srcMarks)
		}
		d.para("> " + src)
		tr := "*(missing in the translation)*"
		if r.tr > 0 {
			tr = mdMarked(r.trText, r.trMarks)
		}
		d.para(tr)
		for _, f := range r.findings {
			d.line("- **Check:** " + inline(oneLine(f.Message)))
		}
		if len(r.findings) > 0 {
			d.end()
		}
	}
}

// mdMarked is text with the evidence in bold, escaped for Markdown.
func mdMarked(text string, evidence []string) string {
	ss := spans(text, evidence)
	out := marked(text, ss, escapeInline, "**", "**")
	if len(ss) > 0 && ss[0][0] == 0 {
		return out // starts with bold, which no block syntax can be
	}
	return blockStart(out)
}
