package article

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode turns raw bytes into NFC text with "\n" line ends. It returns a
// skip reason instead when the bytes are not text or hold nothing.
//
// Encodings, in the order they are tried: UTF-16 with a byte-order mark
// (Notepad's "Unicode"), UTF-8 with or without a BOM, and otherwise
// Windows-1252, which is what older Danish Windows tools save and which is
// a superset of ISO-8859-1 for printable text. Bytes that are not valid
// UTF-8 inside an otherwise UTF-8 file (a pasted paragraph from an old
// system) are read as Windows-1252 one by one, so the UTF-8 part does not
// turn into mojibake.
func decode(data []byte) (text string, warnings []string, reason string) {
	var s string
	switch {
	case isUTF16(data):
		// ExpectBOM reads the byte order from the BOM and drops it.
		out, err := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", nil, ReasonBinary
		}
		s = string(out)
		warnings = append(warnings, warnUTF16)
	default:
		if utf16BOM(data) {
			data = data[2:]
			warnings = append(warnings, warnStrayBOM)
		}
		data = bytes.TrimPrefix(data, utf8BOM)
		s = string(data)
		if !utf8.Valid(data) {
			legacy, warn, ok := decodeLegacy(data)
			if !ok {
				return "", nil, ReasonBinary
			}
			s, warnings = legacy, append(warnings, warn)
		}
	}
	// No text encoding we accept puts a NUL in text; nearly every binary
	// format has them early.
	if strings.IndexByte(s, 0) >= 0 {
		return "", nil, ReasonBinary
	}

	// Text has few control characters; binary content decoded as
	// Windows-1252 has many. One or two stray ones (a DOS end-of-file ^Z,
	// an undefined Windows-1252 byte) are removed with a warning instead.
	kept := strings.Map(func(r rune) rune {
		if isJunk(r) {
			return -1
		}
		return r
	}, s)
	total := utf8.RuneCountInString(s)
	junk := total - utf8.RuneCountInString(kept)
	if junk >= 2 && junk*10 > total {
		return "", nil, ReasonBinary
	}
	if junk > 0 {
		s = kept
		warnings = append(warnings, fmt.Sprintf("removed %d invisible control character(s) that are not text", junk))
	}

	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	// NFC so that "å" typed as a+ring (macOS) and as one letter are the same
	// text for the model and for the cache key.
	s = norm.NFC.String(s)
	if strings.TrimSpace(s) == "" {
		return "", nil, ReasonEmpty
	}
	return s, warnings, ""
}

func utf16BOM(data []byte) bool {
	return bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF})
}

// isUTF16 reports whether data is UTF-16 behind its byte-order mark: an
// even number of bytes, and some character below U+0100 (a space, a line
// break, a Danish letter), whose high byte is zero. Text in any one-byte
// encoding or UTF-8 has no zero byte, so a stray mark before such text
// (ÿþ in Windows-1252) is not taken for UTF-16 and read as CJK characters.
func isUTF16(data []byte) bool {
	if !utf16BOM(data) || len(data)%2 != 0 {
		return false
	}
	high := 1 // little-endian (FF FE): the high byte comes second
	if data[0] == 0xFE {
		high = 0
	}
	for i := 2; i+1 < len(data); i += 2 {
		if data[i+high] == 0 {
			return true
		}
	}
	return false
}

// decodeLegacy reads bytes that are not valid UTF-8: every invalid byte is a
// Windows-1252 character; valid UTF-8 sequences are kept. ok is false when
// the bytes do not look like text in any of those (mostly high bytes is
// what compressed or encrypted data looks like; Danish text has a few
// percent æ, ø, å).
func decodeLegacy(data []byte) (s string, warning string, ok bool) {
	high := 0
	for _, c := range data {
		if c >= 0x80 {
			high++
		}
	}
	if high*10 > len(data)*3 {
		return "", "", false
	}
	var b strings.Builder
	b.Grow(len(data) + high)
	multibyte := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			// Undefined Windows-1252 bytes come back as U+FFFD and are
			// then removed as junk.
			b.WriteRune(charmap.Windows1252.DecodeByte(data[i]))
			i++
			continue
		}
		if size > 1 {
			multibyte++
		}
		b.WriteRune(r)
		i += size
	}
	if multibyte > 0 {
		return b.String(), warnMixedEncodings, true
	}
	return b.String(), warnCP1252, true
}

// isJunk is a character that is not text: C0 controls other than white
// space, DEL, C1 controls, the replacement character and a stray BOM.
func isJunk(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r', r == '\f', r == '\v':
		return false
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r == utf8.RuneError, r == 0xFEFF:
		return true
	}
	return false
}
