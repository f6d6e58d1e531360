package translate

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/translate/qa"
)

// Term is one glossary entry: the source-language term and the translation
// the model must use for it. The field names are what translate.user.tmpl
// uses ({{.Source}}, {{.Target}}); qa checks that its names are kept.
type Term = qa.Term

// Glossary is a list of fixed translations. Only the terms that occur in the
// text being translated are sent, so a long glossary costs no context.
type Glossary struct {
	Terms []Term
	// words finds the terms, case-folded with runs of spaces made one,
	// in a text folded the same way, in one pass (Match).
	words *qa.Words
	hash  string
}

// maxGlossaryBytes bounds the glossary file: tens of thousands of terms fit
// in it, and --glossary /dev/zero must not take the machine's memory.
const maxGlossaryBytes = 4 << 20

// LoadGlossary reads a glossary file: one term a line, source term then
// target term, separated by a tab (TSV) or a comma (CSV, with "quotes" for
// terms that contain commas). Blank lines and lines starting with # are
// ignored, and so is a first line that is a header (e.g. "source<TAB>target",
// "da,en", "term,translation"). Any other line that is not exactly two
// non-empty terms is an error naming the file and line.
func LoadGlossary(path string) (*Glossary, error) {
	data, _, err := atomicfile.ReadRegular(path, maxGlossaryBytes)
	switch {
	case errors.Is(err, atomicfile.ErrNotRegular):
		return nil, fmt.Errorf("glossary %s is not a regular file (a FIFO, a device or a folder): name the glossary file itself", path)
	case errors.Is(err, atomicfile.ErrTooLarge):
		return nil, fmt.Errorf("glossary %s is larger than %d MB: a glossary holds terms, a line each (is it the right file?)", path, maxGlossaryBytes>>20)
	case err != nil:
		return nil, fmt.Errorf("read glossary: %w", err)
	}
	return ParseGlossary(path, data)
}

// ParseGlossary parses glossary text; name is used in error messages.
func ParseGlossary(name string, data []byte) (*Glossary, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	g := &Glossary{}
	seen := map[string]int{} // folded source -> its term
	var folded []string
	var lines []int // each term's line
	firstData := true
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		text := strings.TrimRight(raw, "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("glossary %s line %d: not valid UTF-8; save the file as UTF-8", name, line)
		}
		fields, err := splitGlossaryLine(text)
		if err != nil {
			return nil, fmt.Errorf("glossary %s line %d: %v", name, line, err)
		}
		// Trailing empty columns (a spreadsheet's "a,b,,") are harmless.
		for len(fields) > 2 && strings.TrimSpace(fields[len(fields)-1]) == "" {
			fields = fields[:len(fields)-1]
		}
		if firstData {
			firstData = false
			if isGlossaryHeader(fields) {
				continue
			}
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("glossary %s line %d: expected 2 columns (source term, target term) separated by a tab or a comma, found %d in %q; put terms containing commas in double quotes",
				name, line, len(fields), qa.Clip(text, 60))
		}
		src, dst := qa.CollapseSpace(fields[0]), qa.CollapseSpace(fields[1])
		switch {
		case src == "":
			return nil, fmt.Errorf("glossary %s line %d: the source term (first column) is empty", name, line)
		case dst == "":
			return nil, fmt.Errorf("glossary %s line %d: the target term (second column) for %q is empty", name, line, src)
		}
		key := strings.ToLower(src)
		if prev, ok := seen[key]; ok {
			if g.Terms[prev].Target != dst {
				return nil, fmt.Errorf("glossary %s line %d: %q is already on line %d with another translation; keep one", name, line, src, lines[prev])
			}
			continue
		}
		seen[key] = len(g.Terms)
		lines = append(lines, line)
		g.Terms = append(g.Terms, Term{Source: src, Target: dst})
		folded = append(folded, key)
	}
	g.words = qa.NewWords(folded)
	h := sha256.New()
	for _, t := range g.Terms {
		fmt.Fprintf(h, "%s\t%s\n", t.Source, t.Target)
	}
	g.hash = hex.EncodeToString(h.Sum(nil))
	return g, nil
}

// splitGlossaryLine splits on tabs when the line has one (TSV; commas are then
// part of the terms), otherwise parses it as one CSV record (never io.EOF:
// the line is not blank).
func splitGlossaryLine(line string) ([]string, error) {
	if strings.Contains(line, "\t") {
		return strings.Split(line, "\t"), nil
	}
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rec, err := r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read it as CSV (%v); put a term containing a quote in double quotes and double the quote inside", pe.Err)
		}
		return nil, err
	}
	return rec, nil
}

var headerWords = map[string]bool{
	"source": true, "target": true, "term": true, "terms": true, "translation": true,
	"source term": true, "target term": true, "from": true, "to": true, "original": true,
	"kilde": true, "oversættelse": true, "dansk": true, "engelsk": true, "danish": true, "english": true,
	"da": true, "en": true, "de": true, "sv": true, "nb": true, "no": true, "fr": true, "es": true,
}

// isGlossaryHeader reports whether a first line names the columns rather
// than being a term: every field is a column word or a language code.
func isGlossaryHeader(fields []string) bool {
	if len(fields) < 2 {
		return false
	}
	for _, f := range fields {
		if !headerWords[strings.ToLower(qa.CollapseSpace(f))] {
			return false
		}
	}
	return true
}

// Hash identifies the glossary's content for cache keys; "" for nil.
func (g *Glossary) Hash() string {
	if g == nil {
		return ""
	}
	return g.hash
}

// Match returns the terms that occur in text, in glossary order. Matching
// ignores case and runs of white space and respects word boundaries, where
// letters (æ, ø, å included) and digits are word characters: "EU" matches
// "EU's" and "EU-landene" but not "EUR", and "sø" does not match "søndag".
func (g *Glossary) Match(text string) []Term {
	var out []Term
	for _, i := range g.matchIndexes(text) {
		out = append(out, g.Terms[i])
	}
	return out
}

// matchIndexes is Match as indexes into Terms.
func (g *Glossary) matchIndexes(text string) []int {
	if g == nil || len(g.Terms) == 0 {
		return nil
	}
	return g.words.In(strings.ToLower(qa.CollapseSpace(text)))
}
