// Package render turns results into the files editors read: one page per
// article and the merged briefing, as Markdown, HTML and JSON. It only
// formats and returns bytes; writing goes through atomicfile, and choosing
// how stories are grouped and folded is internal/story's job.
package render

import (
	"time"

	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/translate/qa"
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
	// LastMod is when the page was rewritten with new text; zero for a
	// page written once.
	LastMod time.Time
	// Tags are the names of the story's group, for static site generators.
	Tags []string

	// The review: the source beside the translation.

	From string // source language code, e.g. "da"
	// Original is the source text, lede first (the review's paragraph
	// numbers count the lede as 1, on both sides).
	Original []string
	// Pairs lines source and translation paragraphs up; nil means index by
	// index. A pair with Translation 0 is a paragraph the translation
	// dropped.
	Pairs []qa.Pair
	// Findings pin QA findings to paragraphs on the review.
	Findings []qa.Finding
	// Memory lists the source paragraphs (1-based, lede first) whose
	// translation came from the translation memory, marked on the review
	// and counted in the front matter.
	Memory []int
	// Everywhere are findings whose evidence the review marks wherever it
	// occurs, not only in their paragraph: a name changed in the
	// translation is wrong in every paragraph that names it.
	Everywhere []qa.Finding
}

// Problem is an input that produced no story: failed or skipped. It is
// in briefing.json as it is.
type Problem struct {
	Source string `json:"source"`
	Status string `json:"status"` // "failed", "skipped" or "pending"
	Reason string `json:"reason"`
}

// RunFacts closes the briefing. They describe its content, not this run
// (see ARCHITECTURE.md), so an unchanged re-run writes the same bytes;
// this run's requests and time are in manifest.json.
type RunFacts struct {
	Model        string
	EndpointHost string
	Lang         string
	Started      time.Time
	PromptTokens int
	OutputTokens int
	// MemoryParagraphs came from the translation memory instead of the
	// model, saving about MemoryTokens.
	MemoryParagraphs int
	MemoryTokens     int
	Interrupted      bool
	// StoppedBy says what ended the run before every input was done when
	// it was not an interruption: the endpoint, a budget, the deadline.
	StoppedBy string
}

// Briefing is OUT/briefing.md.
type Briefing struct {
	// Period names the time covered, e.g. "October 2018 – January 2019",
	// or the run date; the title is briefingTitle.
	Period string
	Digest string // the model's opening digest; "" if it could not be written
	// DigestNote says why Digest is empty, shown in its place, e.g. "The
	// opening digest could not be written: the endpoint timed out".
	DigestNote string
	// Stories are all stories of the run, in any order.
	Stories []story.Story
	// Groups is the briefing's structure, from story.Organize(Stories):
	// what every format shows, in this order.
	Groups   []story.Group
	Problems []Problem
	// LeftOut says which inputs the run was not given (the --since
	// window's count), shown with the problems.
	LeftOut string
	// Changes are what changed since the previous briefing; nil for the
	// folder's first.
	Changes *story.Changes
	// Feed is where the briefing's Atom feed is, relative to the
	// briefing, for briefing.html to link; "" when none is written.
	Feed string
	Run  RunFacts
}
