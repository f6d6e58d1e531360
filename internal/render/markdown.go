package render

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/brief-news/brief/internal/safetext"
)

// Everything that reaches the Markdown from an article or the model is data:
// a translated paragraph that starts with "1." or "#" must stay a paragraph,
// and a stray "*" must not turn the rest of it italic. These helpers escape
// just enough to keep the raw .md readable for an editor.

// entityRef matches what CommonMark would read as an entity, e.g. "&amp;".
var entityRef = regexp.MustCompile(`&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)`)

// orderedStart matches what CommonMark would read as an ordered list item.
var orderedStart = regexp.MustCompile(`^([0-9]{1,9})([.)])(\s|$)`)

// oneLine folds all whitespace runs (newlines included) into single spaces,
// with no control or bidirectional characters: a paragraph, headline or
// summary is one line of Markdown that reads as it is.
func oneLine(s string) string {
	return strings.Join(strings.Fields(safetext.Line(s)), " ")
}

// inline escapes s for use inside a line of Markdown (paragraph text, a
// heading, a link text).
func inline(s string) string { return escapeInline(oneLine(s)) }

// escapeInline is inline's escaping without folding whitespace, for parts
// of a line that are already one line (the pieces between marked evidence).
func escapeInline(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case '\\', '*', '`', '[', ']', '<', '~', '|':
			b.WriteByte('\\')
		case '_':
			// Only underscores at a word edge can start emphasis.
			prevWord := i > 0 && isWordRune(rs[i-1])
			nextWord := i+1 < len(rs) && isWordRune(rs[i+1])
			if !prevWord || !nextWord {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return entityRef.ReplaceAllString(b.String(), `\&$1`)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// block escapes s as one paragraph (or list item content): inline escapes,
// plus whatever at the start of a line would make a list, heading, quote,
// rule or code fence.
func block(s string) string { return blockStart(inline(s)) }

// blockStart escapes what at the start of an already inline-escaped line
// would make a list, heading, quote, rule or code fence.
func blockStart(s string) string {
	if s == "-" || strings.HasPrefix(s, "- ") {
		// A Danish news quote ("- Vi vil mødes, siger han"). The en dash is
		// how Danish typography writes it, and it is never a list marker.
		return "–" + s[1:]
	}
	if m := orderedStart.FindStringSubmatchIndex(s); m != nil {
		return s[:m[4]] + `\` + s[m[4]:]
	}
	if s != "" && strings.ContainsRune("#>+-=*_", rune(s[0])) {
		return `\` + s
	}
	return s
}

// heading escapes s as the text of an ATX heading.
func heading(s string) string {
	s = inline(s)
	if strings.HasSuffix(s, "#") {
		// A trailing "#" run would be read as the closing sequence.
		s = s[:len(s)-1] + `\#`
	}
	return s
}

// dest makes a link destination safe: relative paths from slugs need no
// escaping, but a space or parenthesis would end the destination early.
func dest(link string) string {
	var b strings.Builder
	for _, r := range link {
		if r <= ' ' || strings.ContainsRune("()<>\\%", r) {
			b.WriteString(url.PathEscape(string(r)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// anchors hands out heading ids the way GitHub does (lower case, spaces to
// hyphens, punctuation dropped, "-1", "-2" for repeats), so the contents
// links in briefing.md work on GitHub and in the HTML alike. It is also a
// goldmark parser.IDs, so the HTML gets exactly the ids the Markdown links
// to.
type anchors struct{ used map[string]bool }

func newAnchors() *anchors { return &anchors{used: map[string]bool{}} }

// slug is the GitHub heading anchor of a heading's Markdown text.
func slug(text string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '-'
		case !isWordRune(r) && r != '-' && r != '_':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(text)))
}

func (a *anchors) next(text string) string {
	base := cmp.Or(slug(text), "section")
	id := base
	for i := 1; a.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	a.used[id] = true
	return id
}

// Generate implements goldmark's parser.IDs.
func (a *anchors) Generate(value []byte, _ ast.NodeKind) []byte {
	return []byte(a.next(string(value)))
}

// Put implements goldmark's parser.IDs.
func (a *anchors) Put(value []byte) { a.used[string(value)] = true }

// mdDoc builds a Markdown document and keeps heading anchors in step with
// what the HTML renderer will generate.
type mdDoc struct {
	b   strings.Builder
	ids *anchors
}

func newDoc() *mdDoc { return &mdDoc{ids: newAnchors()} }

// heading writes an ATX heading of already-escaped text and returns its id.
func (d *mdDoc) heading(level int, text string) string {
	id := d.ids.next(text)
	d.para(strings.Repeat("#", level) + " " + text)
	return id
}

// para writes one block followed by a blank line.
func (d *mdDoc) para(s string) {
	d.b.WriteString(s)
	d.b.WriteString("\n\n")
}

// line writes one line (for list items that belong together).
func (d *mdDoc) line(s string) {
	d.b.WriteString(s)
	d.b.WriteByte('\n')
}

// end closes a run of lines.
func (d *mdDoc) end() { d.b.WriteByte('\n') }

func (d *mdDoc) bytes() []byte {
	return []byte(strings.TrimRight(d.b.String(), "\n") + "\n")
}
