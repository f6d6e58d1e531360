package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/render"
)

// Week after week the output folder holds exactly what the last run made:
// the files an earlier run wrote that no longer belong (an input that is
// gone, a format no longer asked for) are removed, and nothing brief did
// not write is ever touched. What brief wrote comes from its own previous
// manifest; a name is removed only when it has the shape of brief's output
// and is a plain file.

// briefOutput matches the names brief writes into OUT, and only those:
// archived briefings (briefing-2026-W48.md) are kept forever and never
// match.
var briefOutput = regexp.MustCompile(`^(briefing\.(md|html|json|atom)|articles/[^/]+\.(md|html))$`)

// keptFiles is every output file that belongs to this run, with the
// SHA-256 of what brief wrote there: what this run wrote, and the page of
// an input still there that this run did not rewrite (a failed article
// keeps last week's page until the next run redoes it) while it holds what
// an earlier run wrote. A file brief did not write, or whose write failed,
// is never listed: the tidy-up must never take it for brief's.
func (r *runner) keptFiles() ([]string, map[string]string) {
	sums := map[string]string{}
	r.hashes.Range(func(name, sum any) bool {
		sums[name.(string)] = sum.(string)
		return true
	})
	articleExts := []string{".md", render.ReviewSuffix}
	if slices.Contains(r.cfg.Formats, "html") {
		articleExts = append(articleExts, ".html")
	}
	for _, res := range r.results {
		for _, ext := range articleExts {
			name := "articles/" + res.entry.ID + ext
			if _, done := sums[name]; !done && res.entry.ID != "" && r.previous != nil && r.stillBriefs(name) {
				sums[name] = r.previous.FileSHA256[name]
			}
		}
	}
	return slices.Sorted(maps.Keys(sums)), sums
}

// tidy removes what the previous run wrote and this one does not keep.
// It runs only after the new briefing and manifest are in place, so an
// interrupted tidy loses nothing that a re-run would not remove anyway.
// kept is the new manifest's FileSHA256, a set (a scan of its Files for
// each of 20,000 names took over a second a run).
func (r *runner) tidy(kept map[string]string) {
	if r.previous == nil {
		return
	}
	for _, name := range r.previous.Files {
		if _, keep := kept[name]; keep || !briefOutput.MatchString(name) || path.Clean(name) != name || !r.stillBriefs(name) {
			continue
		}
		if err := r.out.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.cfg.Progress.Logf("warning: cannot remove %s, which no longer belongs to the briefing: %v", name, err)
		}
	}
}

// stillBriefs reports whether name is still the plain file brief wrote: it
// holds the bytes the previous manifest recorded.
func (r *runner) stillBriefs(name string) bool {
	data, ok := atomicfile.ReadIn(r.out, name, maxPageRead)
	return ok && r.recorded(name, data)
}

// recorded reports whether data is what the previous run recorded writing
// as name; a name without a recorded hash is not brief's.
func (r *runner) recorded(name string, data []byte) bool {
	return r.previous != nil && r.previous.FileSHA256[name] == sha256Hex(data)
}

// wrote records the SHA-256 of the bytes this run wrote as name (or found
// there already), so the manifest need not read its files back.
func (r *runner) wrote(name string, data []byte) { r.hashes.Store(name, sha256Hex(data)) }

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// archive keeps a dated copy of each briefing file (briefing-2026-W48.md
// beside briefing.md) so last week's briefing is not lost to this week's.
// A second complete run in the same week replaces that week's copy; a run
// that was cut short (stopped, interrupted, the endpoint down) or lost its
// digest only makes a copy where there is none, never replacing a good one.
func (r *runner) archive(files []outFile, now time.Time, complete bool) error {
	year, week := now.ISOWeek()
	for _, f := range files {
		ext := path.Ext(f.name)
		name := fmt.Sprintf("%s-%d-W%02d%s", strings.TrimSuffix(f.name, ext), year, week, ext)
		if _, err := r.out.Lstat(name); err == nil && !complete {
			continue
		}
		if err := atomicfile.WriteIn(r.out, name, f.data, 0o644); err != nil {
			return cannotWrite(err)
		}
	}
	return nil
}
