// Package safetext makes text brief did not write itself (file names,
// headlines and summaries from the model, a server's error message) safe to
// print on a terminal and to write into the files people open: no control
// sequence can clear a screen, retitle a window or forge a line, and no
// bidirectional override can make text read differently from what it is.
package safetext

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text removes control characters (C0 other than newline and tab, DEL, C1),
// bidirectional controls and invisible characters that hide text, and
// replaces invalid UTF-8 (a raw 0x9B byte is a CSI to some terminals).
// Line breaks are kept: Text is for messages that are meant to span lines.
func Text(s string) string { return clean(s, true) }

// clean is Text (multiline) or Line: line breaks (and, in a Line, tabs,
// vertical tabs and form feeds) become newlines or spaces, what removed
// says goes.
func clean(s string, multiline bool) string {
	if plain(s, multiline) {
		return s
	}
	s = withoutEscapes(strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Map(func(r rune) rune {
		lineBreak := r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085'
		switch {
		case multiline && r == '\t':
			return r
		case multiline && lineBreak:
			return '\n'
		case !multiline && (lineBreak || r == '\t' || r == '\v' || r == '\f'):
			return ' '
		case removed(r):
			return -1
		}
		return r
	}, s)
}

// escape is a terminal escape sequence: CSI ("\x1b[0m", or C1 0x9B), OSC
// ("\x1b]0;title\x07") or a two-byte escape.
var escape = regexp.MustCompile("(?:\x1b\\[|\u009b)[0-?]*[ -/]*[@-~]|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)?|\x1b[@-Z\\\\-_]")

// withoutEscapes removes escape sequences whole: stripping the ESC alone
// would leave "[0m" inside the text (and inside a key echoed around it).
func withoutEscapes(s string) string {
	if !strings.ContainsAny(s, "\x1b\u009b") {
		return s
	}
	return escape.ReplaceAllString(s, "")
}

// Redacted stands where a secret was.
const Redacted = "[REDACTED]"

// Redact is Text with every secret (an API key, a password) replaced by
// Redacted, wherever s came from. The text is cleaned before it is
// searched, and a secret is found with white space between its characters:
// a key echoed with a zero-width space, a soft hyphen or an escape in its
// middle would pass a plain search and then be cleaned into the key itself,
// and one broken across two lines is still the key. Secrets shorter than 4
// characters are placeholders ("x" for Ollama) and left alone.
func Redact(s string, secrets ...string) string {
	s = Text(s)
	for _, sec := range secrets {
		sec = strings.Join(strings.Fields(Text(sec)), "")
		if utf8.RuneCountInString(sec) < 4 {
			continue
		}
		parts := make([]string, 0, len(sec))
		for _, r := range sec {
			parts = append(parts, regexp.QuoteMeta(string(r)))
		}
		s = regexp.MustCompile(strings.Join(parts, `\s*`)).ReplaceAllLiteralString(s, Redacted)
	}
	return s
}

// Line is Text on one line: every line break and tab becomes a space, so
// the text cannot start a line of its own (a file name holding "\nbrief: 0
// failed" must not forge a summary line).
func Line(s string) string { return clean(s, false) }

// Clip is Line cut to at most max characters, at a word boundary when one
// is near, with "…" marking the cut.
func Clip(s string, max int) string {
	s = Line(s)
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)[:max-1]
	cut := string(rs)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*3/4 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}

// Name is a file name as it is printed: unchanged when it is plain, in Go
// quotes with escapes (\n, \x1b, \u202e) when it holds spaces, quotes,
// control, bidirectional or invisible characters, so what is shown is
// exactly the name and nothing the name wants shown.
func Name(s string) string {
	if s != "" && !strings.ContainsAny(s, " \"'\\") && plain(s, false) {
		return s
	}
	return strconv.Quote(s)
}

// plain reports whether s needs no change: valid UTF-8 with nothing Text
// (multiline) or Line removes.
func plain(s string, multiline bool) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false
		case r == '\n', r == '\t':
			if !multiline {
				return false
			}
		case r < ' ', r == '\u2028', r == '\u2029', removed(r):
			return false
		}
	}
	return true
}

// removed is a character no printed text keeps: controls, bidirectional
// formatting (the "Trojan Source" set), and invisible characters that hide
// or join text (zero-width space, word joiner, BOM, soft hyphen). Zero-width
// joiner and non-joiner stay: some scripts need them.
func removed(r rune) bool {
	switch {
	case r < ' ', r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r == '\u061C', r == '\u200E', r == '\u200F',
		r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case r == '\u200B', r == '\u2060', r == '\uFEFF', r == '\u00AD':
		return true
	}
	return unicode.Is(unicode.Cc, r)
}
