package article

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxBytes is the size limit where a maxBytes given is 0. Wire
// articles are a few KB; a megabyte is already hundreds of pages, so anything
// larger is almost certainly not one article (a log, an archive, a dump).
const DefaultMaxBytes int64 = 1 << 20

// Skip reasons that tests and callers may compare against. Reasons that carry
// numbers or names (size, symlink target) are built where they arise.
const (
	ReasonEmpty       = "empty file"
	ReasonBinary      = "not a text file (binary content)"
	ReasonNoBody      = "no article text after the header"
	ReasonOnlyAgency  = "no article text, only the agency line"
	ReasonNotRegular  = "not a regular file (a device, pipe or socket)"
	ReasonIsFolder    = "is a folder, not a file"
	ReasonDisappeared = "the file disappeared before it could be read"
	ReasonUnreadable  = "cannot read the file: permission denied; check its permissions"
	ReasonEscapes     = "the file became a symlink leading outside the input folder after it was listed; not read"
	// ReasonHidden: a *.txt whose name starts with "."
	// (an editor's draft or backup); named, so it is not lost silently.
	ReasonHidden       = `hidden file (its name starts with "."): left out; rename it to include it`
	warnCP1252         = "decoded as Windows-1252; save the file as UTF-8 to silence this"
	warnUTF16          = "decoded as UTF-16; save the file as UTF-8 to silence this"
	warnStrayBOM       = "the file starts with a UTF-16 byte-order mark but is not UTF-16: the mark was dropped; save the file as UTF-8 to silence this"
	warnMixedEncodings = "some bytes were not UTF-8 and were read as Windows-1252; save the file as UTF-8 to silence this"
)

// Parse turns one input file's bytes into an Article. path is recorded as
// given and names the ID; nothing is read from disk. An input over maxBytes
// (0: DefaultMaxBytes) is skipped.
//
// Inputs that are not articles (empty, binary, too large, a header with no
// text) return a *SkipError with a reason for the user. The returned Article
// then still carries ID, Path and (when the bytes were hashed) SHA256, so a
// caller can record the skip.
func Parse(path string, data []byte, maxBytes int64) (Article, error) {
	a := Article{ID: Slug(filepath.Base(path)), Path: path}
	skip := func(reason string) (Article, error) {
		return a, &SkipError{Path: path, Reason: reason}
	}
	if max := cmp.Or(maxBytes, DefaultMaxBytes); int64(len(data)) > max {
		return skip(sizeReason(int64(len(data)), max))
	}
	sum := sha256.Sum256(data)
	a.SHA256 = hex.EncodeToString(sum[:])

	text, warnings, reason := decode(data)
	if reason != "" {
		return skip(reason)
	}
	a.Warnings = warnings

	// decode refused a text of white space only, so there is a block.
	blocks := a.takeAgency(splitBlocks(text))
	blocks, hasHeader := a.takeHeader(blocks)
	a.takeParagraphs(blocks)
	if len(a.Paragraphs) == 0 {
		switch {
		case hasHeader:
			return skip(ReasonNoBody)
		case len(a.Agencies) > 0:
			return skip(ReasonOnlyAgency)
		default:
			return skip(ReasonEmpty)
		}
	}
	return a, nil
}

// takeAgency takes the agency credit off the blocks: the last non-empty
// line, wherever it sits (after a blank line as the format says, or glued
// under the last paragraph).
func (a *Article) takeAgency(blocks []block) []block {
	last := &blocks[len(blocks)-1]
	if ag, ok := agencyLine(last.lines[len(last.lines)-1]); ok {
		a.Agencies = ag
		last.lines = last.lines[:len(last.lines)-1]
		if len(last.lines) == 0 {
			blocks = blocks[:len(blocks)-1]
		}
	}
	return blocks
}

// takeHeader takes the date header and the lede off the blocks, when the
// first block starts with one.
func (a *Article) takeHeader(blocks []block) ([]block, bool) {
	if len(blocks) == 0 {
		return blocks, false
	}
	m := headerRE.FindStringSubmatch(blocks[0].lines[0])
	if m == nil {
		return blocks, false
	}
	date, warn := headerDate(m[1], m[2], m[3])
	a.Date = date
	if warn != "" {
		a.Warnings = append(a.Warnings, warn)
	}
	// A hard-wrapped lede continues on the following lines of the header
	// block.
	rest := append([]string{m[4]}, blocks[0].lines[1:]...)
	a.Lede = joinLines(rest)
	return blocks[1:], true
}

// takeParagraphs makes the remaining blocks the body paragraphs, warning
// once when they look like several articles pasted together.
func (a *Article) takeParagraphs(blocks []block) {
	var extraHeaders []int
	for _, b := range blocks {
		p := joinLines(b.lines)
		// A lone credit line in the middle is where two pasted articles
		// meet; it is never text to translate.
		if _, ok := agencyLine(p); ok {
			continue
		}
		if headerRE.MatchString(b.lines[0]) {
			extraHeaders = append(extraHeaders, b.line)
		}
		a.Paragraphs = append(a.Paragraphs, p)
	}
	switch n := len(extraHeaders); {
	case n == 1:
		a.Warnings = append(a.Warnings, fmt.Sprintf(
			"line %d looks like the start of another article (a second \"date\" header); put each article in its own file", extraHeaders[0]))
	case n > 1:
		a.Warnings = append(a.Warnings, fmt.Sprintf(
			"%d lines (the first is line %d) look like the start of another article (a \"date\" header); put each article in its own file", n, extraHeaders[0]))
	}
}

// headerRE matches the wire header ` date YYYY-MM <lede>`, tolerating a
// missing leading space, a colon, a day, a one-digit month, extra spaces and
// case. The date must end at a space or the line end so "2019-012" is not
// read as January.
var headerRE = regexp.MustCompile(`^\s*(?i:date)\s*:?\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:\s+(.*))?$`)

// headerDate validates the header's date. A header with an impossible date is
// still a header (its lede is still the lede); only the date is dropped.
func headerDate(year, month, day string) (string, string) {
	mo, _ := strconv.Atoi(month)
	s := fmt.Sprintf("%s-%02d", year, mo)
	if day == "" {
		if mo < 1 || mo > 12 {
			return "", fmt.Sprintf("the header date %q is not a real month; it was left out", year+"-"+month)
		}
		return s, ""
	}
	d, _ := strconv.Atoi(day)
	full := fmt.Sprintf("%s-%02d", s, d)
	if _, err := time.Parse("2006-01-02", full); err != nil {
		return "", fmt.Sprintf("the header date %q is not a real date; it was left out", year+"-"+month+"-"+day)
	}
	return full, ""
}

// agencyLine reports whether s is a credit line like "/ritzau/" or
// "/ritzau/AFP/Reuters" and returns its parts. It is strict enough that body
// text never matches: the line must start with a slash and hold only short
// names (letters first; digits, spaces, '.', '&', '-' and apostrophes after).
func agencyLine(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "/") || len(s) > 100 {
		return nil, false
	}
	var parts []string
	for _, p := range strings.Split(s, "/") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		if !agencyName(p) {
			return nil, false
		}
		// A copy: p may be a slice of the whole decoded file, which the
		// pipeline would otherwise keep alive for the briefing.
		parts = append(parts, strings.Clone(p))
	}
	if len(parts) == 0 || len(parts) > 6 {
		return nil, false
	}
	return parts, true
}

func agencyName(p string) bool {
	if utf8.RuneCountInString(p) > 30 || strings.Count(p, " ") > 2 {
		return false
	}
	for i, r := range p {
		switch {
		case unicode.IsLetter(r):
		case i == 0:
			return false
		case unicode.IsDigit(r), r == ' ', r == '.', r == '&', r == '-', r == '\'':
		default:
			return false
		}
	}
	return true
}

type block struct {
	line  int // 1-based line number of the block's first line
	lines []string
}

// splitBlocks splits text into runs of non-blank lines. text has only "\n"
// line ends (decode sees to that).
func splitBlocks(text string) []block {
	var out []block
	var cur *block
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, block{line: i + 1})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, l)
	}
	return out
}

// joinLines makes one paragraph of hard-wrapped lines: every run of white
// space (line ends, tabs, repeated or no-break spaces) becomes one space.
func joinLines(lines []string) string {
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

// sizeReason explains a too-large file in the units a person thinks in, and
// falls back to bytes when rounding would make size and limit look equal.
func sizeReason(size, limit int64) string {
	s, l := humanSize(size), humanSize(limit)
	if s == l {
		s, l = fmt.Sprintf("%d bytes", size), fmt.Sprintf("%d-byte", limit)
	}
	return fmt.Sprintf("file is %s, over the %s limit: raise --max-size or split it", s, l)
}

func humanSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GB"}, {1 << 20, "MB"}, {1 << 10, "KB"}} {
		if n >= u.size {
			return strings.TrimSuffix(strconv.FormatFloat(float64(n)/float64(u.size), 'f', 1, 64), ".0") + " " + u.name
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
