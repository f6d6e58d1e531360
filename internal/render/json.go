package render

import (
	"encoding/json"
	"time"

	"github.com/brief-news/brief/internal/story"
)

// JSONFormatVersion is the current version of briefing.json's shape. It changes
// only when a field is renamed or removed; new fields do not change it.
const JSONFormatVersion = 1

// JSONBriefing is briefing.json. Field names are a stable interface,
// documented in JSON.md; add fields, never rename them. Lists are always
// present (possibly empty), never null.
type JSONBriefing struct {
	Version    int         `json:"version"`
	Title      string      `json:"title"`
	Period     string      `json:"period"`
	Counts     JSONCounts  `json:"counts"`
	Digest     string      `json:"digest"`
	DigestNote string      `json:"digest_note,omitempty"`
	Groups     []JSONGroup `json:"groups"`
	Problems   []Problem   `json:"problems"`
	Run        JSONRun     `json:"run"`
}

// JSONCounts is the counts line of the briefing.
type JSONCounts struct {
	Stories  int `json:"stories"`  // shown after folding resends
	Articles int `json:"articles"` // translated articles, resends included
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Pending  int `json:"pending"`
	// Flagged is how many shown stories have QA warnings (need a look).
	Flagged int `json:"need_a_look"`
}

// JSONGroup is related stories; Title is "" for a story on its own.
type JSONGroup struct {
	Title   string      `json:"title"`
	Stories []JSONStory `json:"stories"`
}

// JSONStory is one story as the briefing shows it.
type JSONStory struct {
	ID              string       `json:"id"`
	Headline        string       `json:"headline"`
	Date            string       `json:"date"`
	DateFull        string       `json:"date_full"`
	DatePrecision   string       `json:"date_precision"`
	Generated       string       `json:"generated"`
	LastMod         string       `json:"lastmod"`
	Agency          string       `json:"agency"`
	Summary         string       `json:"summary"`
	Link            string       `json:"link"`
	Source          string       `json:"source"`
	Tags            []string     `json:"tags"`
	Warnings        []string     `json:"warnings"`
	Notes           []string     `json:"notes"`
	Corrected       bool         `json:"corrected"`
	Updated         bool         `json:"updated"`
	EarlierVersions []story.Link `json:"earlier_versions"`
}

// JSONRun is the run facts.
type JSONRun struct {
	Model        string `json:"model"`
	EndpointHost string `json:"endpoint_host"`
	Lang         string `json:"lang"`
	Started      string `json:"started,omitempty"` // RFC 3339 UTC
	PromptTokens int    `json:"prompt_tokens"`
	OutputTokens int    `json:"output_tokens"`
	// MemoryParagraphs came from the translation memory, saving about
	// MemoryTokens.
	MemoryParagraphs int    `json:"memory_paragraphs"`
	MemoryTokens     int    `json:"memory_tokens"`
	Interrupted      bool   `json:"interrupted"`
	StoppedBy        string `json:"stopped_by,omitempty"`
}

// BriefingJSON is OUT/briefing.json: the briefing's data as a JSONBriefing
// (see JSON.md), in the same order as briefing.md. Links are relative to
// the briefing and point at the .md article pages.
func BriefingJSON(b Briefing) []byte {
	l := layoutOf(b)
	out := JSONBriefing{
		Version:    JSONFormatVersion,
		Title:      briefingTitle(b),
		Period:     b.Period,
		Counts:     l.counts,
		Digest:     b.Digest,
		DigestNote: b.DigestNote,
		Groups:     []JSONGroup{},
		Problems:   l.problems,
		Run: JSONRun{
			Model:            b.Run.Model,
			Started:          rfc3339(b.Run.Started),
			EndpointHost:     b.Run.EndpointHost,
			Lang:             b.Run.Lang,
			PromptTokens:     b.Run.PromptTokens,
			OutputTokens:     b.Run.OutputTokens,
			MemoryParagraphs: b.Run.MemoryParagraphs,
			MemoryTokens:     b.Run.MemoryTokens,
			Interrupted:      b.Run.Interrupted,
			StoppedBy:        b.Run.StoppedBy,
		},
	}
	for _, g := range b.Groups {
		jg := JSONGroup{Title: g.Title, Stories: []JSONStory{}}
		for _, s := range g.Stories {
			js := JSONStory{
				ID: s.ID, Headline: s.Headline, Date: s.Date, Agency: s.Agency,
				Generated: rfc3339(s.Generated), LastMod: rfc3339(s.LastMod),
				Summary: s.Summary, Link: s.Link, Source: s.Source,
				Tags:     append([]string{}, s.Tags...),
				Warnings: append([]string{}, s.Warnings...), Notes: append([]string{}, s.Notes...), Corrected: s.Corrected,
				Updated: s.Updated, EarlierVersions: append([]story.Link{}, s.EarlierVersions...),
			}
			js.DateFull, js.DatePrecision = FullDate(s.Date)
			jg.Stories = append(jg.Stories, js)
		}
		out.Groups = append(out.Groups, jg)
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		// Only unencodable Go types fail, and these have none.
		panic("render: briefing json: " + err.Error())
	}
	return append(data, '\n')
}

// rfc3339 is t as RFC 3339 UTC to the second, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
