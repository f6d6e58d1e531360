// Package manifest is the machine-readable record of a run: run facts and one
// entry per input with its status, for people and for other tools. (Which
// articles to redo comes from the cache: failures are never stored.)
package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/translate/qa"
)

// Status of one input.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
	StatusCached  = "cached"
	// StatusPending: not processed because the run was interrupted or a
	// budget ran out; the next run does it.
	StatusPending = "pending"
)

// Entry is one input file.
type Entry struct {
	Source   string   `json:"source"`
	ID       string   `json:"id,omitempty"`
	SHA256   string   `json:"sha256,omitempty"`
	Output   string   `json:"output,omitempty"`
	Status   string   `json:"status"`
	Headline string   `json:"headline,omitempty"`
	Date     string   `json:"date,omitempty"`
	Error    string   `json:"error,omitempty"`
	Warnings []string `json:"warnings"`
	// Findings are the translation's QA findings behind Warnings, with
	// where they are (source and translation paragraph, lede = 1), their
	// kind (code) and evidence, for tools that act on them.
	Findings []qa.Finding `json:"findings,omitempty"`
	// Review is the model's review of the translation (--review): what it
	// cost this run (nothing when cached) and how many errors it found.
	Review *Step `json:"review,omitempty"`
	// MemoryParagraphs counts the paragraphs whose translation came from
	// the translation memory, not the model.
	MemoryParagraphs int          `json:"memory_paragraphs,omitempty"`
	Usage            tokens.Usage `json:"usage"`
	Requests         int          `json:"requests"`
	DurationMS       int64        `json:"duration_ms"`
}

// Step is one optional step of an article (the model's review).
type Step struct {
	Cached   bool         `json:"cached,omitempty"`
	Usage    tokens.Usage `json:"usage"`
	Requests int          `json:"requests"`
	Findings int          `json:"findings"`
}

// Totals over all entries.
type Totals struct {
	Inputs  int `json:"inputs"`
	OK      int `json:"ok"`
	Cached  int `json:"cached"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Pending int `json:"pending"`
	// Warned counts the ok and cached entries with warnings: stories an
	// editor should look at before using them.
	Warned int `json:"with_warnings"`
	// MemoryParagraphs sums the entries' paragraphs from the translation
	// memory.
	MemoryParagraphs int          `json:"memory_paragraphs"`
	Usage            tokens.Usage `json:"usage"`
	// Requests is model calls (translate, summarize, digest parts) as the
	// steps counted them; HTTPRequests is every HTTP attempt the client
	// sent, retries and the preflight included.
	Requests     int      `json:"requests"`
	HTTPRequests int      `json:"http_requests"`
	Retries      int      `json:"retries"`
	WallMS       int64    `json:"wall_ms"`
	CostUSD      *float64 `json:"cost_usd,omitempty"`
}

// Generator is what brief writes in every manifest's "generator" field:
// how a later run knows the file is its own to replace.
const Generator = "brief"

// Manifest is OUT/manifest.json.
type Manifest struct {
	// Generator names brief ("brief"): a manifest.json without it was
	// written by something else and is not overwritten.
	Generator string    `json:"generator"`
	Version   int       `json:"version"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	Model     string    `json:"model"`
	Endpoint  string    `json:"endpoint"` // credentials redacted
	From      string    `json:"from"`
	Lang      string    `json:"lang"`
	// Context is the context window this run fitted its requests into and
	// where the number came from; absent when the run made no request.
	Context     *Context `json:"context,omitempty"`
	Interrupted bool     `json:"interrupted,omitempty"`
	// Stopped says why the run ended before every input was done: a fatal
	// endpoint error or a budget (interruptions set Interrupted).
	Stopped string `json:"stopped,omitempty"`
	// Briefing is the relative path of the briefing written with this manifest.
	Briefing string `json:"briefing,omitempty"`
	// Digest is the briefing's opening paragraph: what it cost this run
	// (nothing when it came from the cache) and why it is missing, if it is.
	Digest Digest `json:"digest"`
	// Files are the output files (relative to the folder) that belong to
	// this run; the next run removes those of them it no longer makes.
	Files []string `json:"files"`
	// FileSHA256 is the SHA-256 of each of Files as this run wrote it: the
	// next run removes a file only while it still holds those bytes, so a
	// file someone put in its place (or a manifest copied from another
	// folder) never deletes anything brief did not write.
	FileSHA256 map[string]string `json:"file_sha256,omitempty"`
	Entries    []Entry           `json:"entries"`
	// Changes are what the briefing says changed since the one before it
	// in the folder; absent for a folder's first briefing.
	Changes *story.Changes `json:"changes,omitempty"`
	Totals  Totals         `json:"totals"`
}

// Context is a context window and its source ("Ollama /api/ps",
// "--context", "a guess: ...").
type Context struct {
	Tokens int    `json:"tokens"`
	Source string `json:"source"`
}

// Digest records the model call(s) for the briefing's digest.
type Digest struct {
	Usage    tokens.Usage `json:"usage"`
	Requests int          `json:"requests"`
	Error    string       `json:"error,omitempty"`
}

// Tally recomputes Totals from Entries.
func (m *Manifest) Tally() {
	t := Totals{Inputs: len(m.Entries)}
	count := map[string]*int{StatusOK: &t.OK, StatusCached: &t.Cached, StatusFailed: &t.Failed, StatusSkipped: &t.Skipped, StatusPending: &t.Pending}
	for _, e := range m.Entries {
		if n := count[e.Status]; n != nil {
			*n++
		}
		if (e.Status == StatusOK || e.Status == StatusCached) && len(e.Warnings) > 0 {
			t.Warned++
		}
		t.Usage = t.Usage.Add(e.Usage)
		t.Requests += e.Requests
		t.MemoryParagraphs += e.MemoryParagraphs
	}
	t.Usage = t.Usage.Add(m.Digest.Usage)
	t.Requests += m.Digest.Requests
	t.CostUSD, t.HTTPRequests, t.Retries, t.WallMS = m.Totals.CostUSD, m.Totals.HTTPRequests, m.Totals.Retries, m.Totals.WallMS
	m.Totals = t
}

// WriteIn stores the manifest atomically as name below root, confined to
// the root's folder.
func (m *Manifest) WriteIn(root *os.Root, name string) error {
	m.Generator = Generator
	// Lists are written as [] rather than null: consumers iterate them
	// (jq '.entries[]' fails on null), and a run whose inputs were all
	// filtered out by --since has no entries.
	if m.Entries == nil {
		m.Entries = []Entry{}
	}
	if m.Files == nil {
		m.Files = []string{}
	}
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Warnings == nil {
			e.Warnings = []string{}
		}
		// Messages carry a server's or a model's words: nothing in them
		// may act on the terminal of whoever reads the manifest.
		e.Headline, e.Error = safetext.Line(e.Headline), safetext.Line(e.Error)
		for j, w := range e.Warnings {
			e.Warnings[j] = safetext.Line(w)
		}
		for j := range e.Findings {
			f := &e.Findings[j]
			f.Message, f.Evidence, f.TranslationEvidence = safetext.Line(f.Message), safetext.Line(f.Evidence), safetext.Line(f.TranslationEvidence)
		}
	}
	m.Digest.Error = safetext.Line(m.Digest.Error)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteIn(root, name, append(data, '\n'), 0o644)
}

// MaxSize caps a manifest brief reads back: about 1 KB per input, so this
// is a hundred thousand articles and more.
const MaxSize = 256 << 20

// Load reads the manifest name in root, never following a link out of the
// folder: what the last run wrote, so what no longer belongs can be
// removed. A missing file is (nil, nil), and so is a manifest of brief's
// that cannot be read whole (nothing to tidy). Anything that is not a
// manifest brief wrote is an error: brief must not overwrite what someone
// else put in the folder.
func Load(root *os.Root, name string) (*Manifest, error) {
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file brief wrote (it is a %s): brief will not replace it; move it away or pass another --out", name, kind(fi.Mode()))
	}
	if fi.Size() > MaxSize {
		return nil, fmt.Errorf("%s is %d MB, more than any manifest brief writes: brief will not read or replace it; move it away or pass another --out", name, fi.Size()>>20)
	}
	data, err := root.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	var m Manifest
	// A field of the wrong type still leaves the others read (Generator too).
	err = json.Unmarshal(data, &m)
	switch {
	case m.Generator != Generator:
		return nil, fmt.Errorf("%s was not written by brief: brief will not overwrite it; move it away or pass another --out", name)
	case err != nil:
		return nil, nil
	}
	return &m, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.IsDir():
		return "folder"
	}
	return "special file"
}
