// Package render turns results into the files editors read: one page per
// article and the merged briefing, as Markdown, HTML and JSON. It only
// formats and returns bytes; writing goes through atomicfile, and choosing
// how stories are grouped and folded is internal/briefing's job.
package render

import (
	"time"

	"github.com/brief-news/brief/internal/llm"
)

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
	// Usage is what the story cost to make (translation and summary).
	Usage llm.Usage
	// Generated is when the story's summary was made.
	Generated time.Time

	// Fingerprint of the SOURCE text (lede first, then the body paragraphs),
	// from briefing.Fingerprint. The pipeline fills it; briefing.Organize
	// uses it to fold wire resends. A zero Fingerprint never folds.
	Fingerprint Fingerprint

	// The fields below are set by briefing.Organize on the version it shows.

	// EarlierVersions are the resends folded into this story, newest first.
	EarlierVersions []Link
	// Corrected: this version is marked as a correction ("Rettet",
	// "Rettelse"); the briefing says "Corrected version".
	Corrected bool
	// Updated: this version is marked as an update ("Opdateret").
	Updated bool
}

// Fingerprint is a compact, fixed-size summary of an article's source text:
// enough to tell a wire resend from a different story without keeping the
// text. It is at most FingerprintSize hashes (1 KiB) plus flags.
type Fingerprint struct {
	// Sketch holds the smallest 64-bit hashes of the text's word shingles,
	// ascending, at most FingerprintSize of them (a bottom-k sketch).
	Sketch []uint64 `json:"sketch,omitempty"`
	// Shingles is the number of distinct shingles in the whole text.
	Shingles int `json:"shingles,omitempty"`
	// Updated: the lede or first line carries "Opdateret" (an update).
	Updated bool `json:"updated,omitempty"`
	// Corrected: the lede or first line carries "Rettet"/"Rettelse".
	Corrected bool `json:"corrected,omitempty"`
	// Preliminary: the lede or first line carries "Opdateres" (a first
	// version that the agency says it will resend).
	Preliminary bool `json:"preliminary,omitempty"`
}

// FingerprintSize bounds Fingerprint.Sketch.
const FingerprintSize = 128

// Link points from a story to another article file, e.g. an earlier version.
type Link struct {
	ID        string
	Headline  string
	Date      string
	Link      string // relative to the briefing, e.g. "articles/<slug>.md"
	Corrected bool
	Updated   bool
}

// Group is related stories under one heading. A Group with one story and no
// Title is just that story.
type Group struct {
	Title   string  // e.g. "Kim Jong-un · North Korea"; "" for a single story
	Stories []Story // the versions shown, newest first
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
	Title  string // e.g. "Briefing: January 2019"; "" means Title(Period)
	Period string // e.g. "October 2018 – January 2019", or the run date
	Digest string // the model's opening digest; "" if it could not be written
	// DigestNote says why Digest is empty, shown in its place, e.g. "The
	// opening digest could not be written: the endpoint timed out".
	DigestNote string
	// Stories are all stories of the run, in any order.
	Stories []Story
	// Groups is the briefing's structure, from briefing.Organize(Stories).
	// When nil, every story is shown on its own, newest first, unfolded.
	Groups   []Group
	Problems []Problem
	Run      RunFacts
}
