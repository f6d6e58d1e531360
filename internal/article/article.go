// Package article reads input files into Articles: it finds the files, decodes
// their encoding, parses the wire format (header line, paragraphs, agency
// line), and gives each a safe, unique ID and a content hash.
package article

import "strings"

// Article is one parsed input file.
type Article struct {
	// ID is a filesystem-safe slug from the file name, unique within a run.
	ID string `json:"id"`
	// Path is the path as the user gave it (or as found below a folder).
	Path string `json:"path"`
	// Date is the header date, "YYYY-MM" in the wire format ("YYYY-MM-DD"
	// when the header gives a day); empty when the file has no header or the
	// header's date is not a real date.
	Date string `json:"date,omitempty"`
	// Lede is the header's lede sentence; empty when there is no header.
	Lede string `json:"lede,omitempty"`
	// Paragraphs are the body paragraphs, without the agency line.
	Paragraphs []string `json:"paragraphs"`
	// Agencies credits from the last line, e.g. ["ritzau", "Reuters"].
	Agencies []string `json:"agencies,omitempty"`
	// SHA256 of the file's raw bytes, hex.
	SHA256 string `json:"sha256"`
	// Warnings about the input (e.g. decoded from Windows-1252).
	Warnings []string `json:"warnings,omitempty"`
}

// Agency returns the credit line as written in the source, e.g. "ritzau/Reuters".
func (a Article) Agency() string { return strings.Join(a.Agencies, "/") }

// SkipError says why an input is not an article (empty, binary, too large,
// unreadable...). The pipeline records it as status "skipped" and goes on.
type SkipError struct {
	Path   string
	Reason string
}

func (e *SkipError) Error() string { return e.Path + ": " + e.Reason }
