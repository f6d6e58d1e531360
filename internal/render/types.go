// Package render turns results into the files editors read: one Markdown
// page per article and the merged briefing (Markdown; later HTML and JSON).
// It only formats; writing goes through atomicfile.
package render

import "time"

// ArticlePage is everything OUT/articles/<slug>.md shows.
type ArticlePage struct {
	Headline   string
	Date       string // "YYYY-MM" from the header, or ""
	Source     string // input path as given
	Agency     string // "ritzau/Reuters", or ""
	SHA256     string // of the source file
	Model      string
	Lang       string
	Generated  time.Time
	Summary    string
	KeyPoints  []string
	Lede       string   // translated lede, or ""
	Paragraphs []string // translated body
	Warnings   []string // QA findings, shown as a visible note
}

// Story is one article as the briefing shows it. It is deliberately small
// (no translation text) so a run over thousands of articles holds little.
type Story struct {
	ID       string
	Headline string
	Date     string
	Agency   string
	Summary  string
	Link     string // relative to the briefing, e.g. "articles/<slug>.md"
	Source   string
	Warnings []string
	Cached   bool
}

// Problem is an input that produced no story: failed or skipped.
type Problem struct {
	Source string
	Status string // "failed", "skipped" or "pending"
	Reason string
}

// RunFacts closes the briefing.
type RunFacts struct {
	Model        string
	EndpointHost string
	Lang         string
	Started      time.Time
	Duration     time.Duration
	PromptTokens int
	OutputTokens int
	Requests     int
	Interrupted  bool
}

// Briefing is OUT/briefing.md.
type Briefing struct {
	Title    string // e.g. "Briefing: January 2019"
	Period   string // e.g. "October 2018 – January 2019", or the run date
	Digest   string // the model's opening digest; "" if it could not be written
	Stories  []Story
	Problems []Problem
	Run      RunFacts
}
