// Package story is the model of one article as the briefing shows it, and
// the desk work on a run's stories: wire resends of one story folded into
// its latest version (Same, by source fingerprints) and related stories
// grouped under one heading (Organize). internal/pipeline fills the
// stories, internal/render shows them. It is pure and deterministic (no
// model call, no clock, no map order reaches the result): the same stories
// in any order give the same groups.
package story

import (
	"time"

	"github.com/brief-news/brief/internal/tokens"
)

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
	// Warnings are what to check in the translation, most urgent first;
	// Concern is the rank of the first (qa.Rank, 0 most urgent).
	Warnings []string
	Concern  int
	// Notes are about the input and what brief cleaned from the model's
	// answer (decoded as Windows-1252, a preface removed): nothing to check
	// in the translation, so apart from Warnings.
	Notes  []string
	Cached bool
	// Usage is what the story cost to make (translation and summary).
	Usage tokens.Usage
	// MemoryParagraphs of its translation came from the translation
	// memory, saving about MemoryTokens.
	MemoryParagraphs, MemoryTokens int
	// Generated is when the story's summary was made.
	Generated time.Time
	// Tags are the names of the story's group, as its page's front matter
	// carries them (set once the run has grouped the stories).
	Tags []string
	// LastMod is when the story's page was last rewritten with new text;
	// zero for a page written once.
	LastMod time.Time

	// Fingerprint of the SOURCE text (lede first, then the body paragraphs),
	// from FingerprintOf. The pipeline fills it; Organize
	// uses it to fold wire resends. A zero Fingerprint never folds.
	Fingerprint Fingerprint

	// The fields below are set by Organize on the version it shows.

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

// Link points from a story to another article file, e.g. an earlier
// version. briefing.json shows it as it is, without Source.
type Link struct {
	ID        string `json:"id"`
	Headline  string `json:"headline"`
	Date      string `json:"date"`
	Link      string `json:"link"` // relative to the briefing, e.g. "articles/<slug>.md"
	Source    string `json:"-"`    // the input it was made from (Story.Source)
	Corrected bool   `json:"corrected"`
	Updated   bool   `json:"updated"`
}

// Group is related stories under one heading. A Group with one story and no
// Title is just that story.
type Group struct {
	Title   string  // e.g. "Kim Jong-un · North Korea"; "" for a single story
	Stories []Story // the versions shown, newest first
}

// Changes are the stories new, updated (a resend folded in, the source
// changed) and gone since the previous briefing in the folder.
type Changes struct {
	New     []Change `json:"new"`
	Updated []Change `json:"updated"`
	Dropped []Change `json:"dropped"`
}

// Change names one story by its page (ID) and headline.
type Change struct {
	ID       string `json:"id"`
	Headline string `json:"headline"`
}
