package article

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks what must hold for any bytes: no panic; a skip has a
// reason; an article has non-empty, single-line, valid UTF-8 paragraphs with
// no credit line left among them, and a safe ID. `go test` replays the seeds;
// run `go test -fuzz=FuzzParse ./internal/article` to search further.
func FuzzParse(f *testing.F) {
	err := filepath.WalkDir(fixtures, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txt") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(filepath.Base(p), b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "\n", "/ritzau/", "date 2020-01", " date 2020-01 x\n/ritzau/\n\n/x/",
		"a\r\rb\r\n\r\nc", "\xff\xfe", "\xfe\xff\x00a", "\xef\xbb\xbf\xef\xbb\xbf",
		"p\u030a\n\n/ /\n\n/ritzau", "x\n\n/ritzau\n/AFP/",
	} {
		f.Add("seed.txt", []byte(s))
	}

	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a, err := Parse(name, data, 0)
		if !safeID.MatchString(a.ID) || len(a.ID) > maxSlugLen+len("-article") {
			t.Fatalf("unsafe ID %q from %q", a.ID, name)
		}
		if err != nil {
			var se *SkipError
			if !errors.As(err, &se) || se.Reason == "" {
				t.Fatalf("error is not a skip with a reason: %v", err)
			}
			return
		}
		if len(a.Paragraphs) == 0 {
			t.Fatal("article without paragraphs")
		}
		for _, s := range append([]string{a.Lede, a.Date}, a.Agencies...) {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n") {
				t.Fatalf("bad field %q", s)
			}
		}
		for _, p := range a.Paragraphs {
			if p == "" || p != strings.TrimSpace(p) || !utf8.ValidString(p) || strings.ContainsAny(p, "\r\n") {
				t.Fatalf("bad paragraph %q", p)
			}
			if _, ok := agencyLine(p); ok {
				t.Fatalf("agency line left in paragraphs: %q", p)
			}
		}
		if strings.Contains(normalized(a), "\r") {
			t.Fatal("CR in normalised text")
		}
		// The same text with CRLF line ends is the same article for the
		// cache. (Only for plain UTF-8 without CRs: doubling the line
		// ends of UTF-16 bytes, or of text already holding CRs, makes
		// different text.)
		if utf8.Valid(data) && !bytes.ContainsRune(data, '\r') {
			crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
			b, err := Parse(name, crlf, 0)
			if err == nil && normalized(b) != normalized(a) {
				t.Fatalf("CRLF changed the normalised text:\n%q\n%q", normalized(a), normalized(b))
			}
		}
	})
}
