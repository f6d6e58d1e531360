package prompts

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Data makes text safe to put between a prompt's fences (<article>…</article>,
// <context>, <stories>): nothing in it can close a fence or pass for a
// chat-template control token. Every "<" that starts something tag-like
// ("</article>", "<|im_start|>", "<s>", "<<SYS>>", "<!--") becomes "‹", and
// the square brackets of an all-capitals token ("[INST]", "[/INST]",
// "[SYSTEM_PROMPT]") become "［" "］". Nothing else changes: no line is
// added or removed, so the paragraphs the model is asked for are the
// paragraphs it is sent, and ordinary text ("a < b", "[1]") is untouched.
//
// Every text brief did not write itself goes through Data before it is put
// in a prompt: the article, the context paragraph, the translation to
// summarise, and the headlines and summaries the digest reads.
func Data(s string) string {
	if strings.ContainsRune(s, '<') {
		var b strings.Builder
		b.Grow(len(s) + 8)
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == '<' && tagLike(s[i+1:]) {
				b.WriteRune('‹')
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		s = b.String()
	}
	if strings.ContainsRune(s, '[') {
		s = bracketToken.ReplaceAllStringFunc(s, func(m string) string {
			return "［" + m[1:len(m)-1] + "］"
		})
	}
	return s
}

// bracketToken is a Llama/Mistral-style control token: [INST], [/INST],
// [SYSTEM_PROMPT], [TOOL_CALLS]. Tokenizers match those exactly, so only
// capitals are taken: an editor's "[sic]" or a note "[1]" stays as it is.
var bracketToken = regexp.MustCompile(`\[/?[A-Z][A-Z_]*\]`)

// tagLike reports whether the text after a "<" makes it the start of a tag
// or special token: an optional "/" (and spaces after it), then a letter, or
// one of the characters special tokens start with ("|", fullwidth "｜",
// "!", "?", "<"). A "<" followed by a space or a digit is a comparison.
func tagLike(rest string) bool {
	if strings.HasPrefix(rest, "/") {
		rest = strings.TrimLeft(rest[1:], " \t\r\n")
	}
	r, _ := utf8.DecodeRuneInString(rest)
	switch r {
	case '|', '｜', '!', '?', '<', '/':
		return true
	}
	return unicode.IsLetter(r)
}
