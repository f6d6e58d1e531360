package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
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

// keptFiles is every output file that belongs to this run: the briefing in
// each format asked for and the article files of every input still there,
// whatever became of it this time (a failed article keeps last week's page
// until the next run redoes it).
func (r *runner) keptFiles() []string {
	files := []string{"briefing.md"}
	for _, f := range r.cfg.Formats {
		if f != "md" {
			files = append(files, "briefing."+f)
		}
	}
	articleExts := []string{".md"}
	if slices.Contains(r.cfg.Formats, "html") {
		articleExts = append(articleExts, ".html")
	}
	for _, res := range r.results {
		if res.entry.ID == "" {
			continue
		}
		for _, ext := range articleExts {
			name := "articles/" + res.entry.ID + ext
			if fi, err := r.out.Lstat(name); err == nil && fi.Mode().IsRegular() {
				files = append(files, name)
			}
		}
	}
	sort.Strings(files)
	return files
}

// tidy removes what the previous run wrote and this one does not keep.
// It runs only after the new briefing and manifest are in place, so an
// interrupted tidy loses nothing that a re-run would not remove anyway.
func (r *runner) tidy(kept []string) {
	// A set, not slices.Contains: with 10,000 articles both lists hold
	// 20,000 names, and the scan took over a second on every run.
	keep := make(map[string]bool, len(kept))
	for _, name := range kept {
		keep[name] = true
	}
	if r.previous == nil {
		return
	}
	for _, name := range r.previous.Files {
		if keep[name] || !briefOutput.MatchString(name) || path.Clean(name) != name || !r.stillBriefs(name) {
			continue
		}
		if err := r.out.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.cfg.Progress.Logf("warning: cannot remove %s, which no longer belongs to the briefing: %v", name, err)
		}
	}
}

// stillBriefs reports whether name is still the plain file brief wrote: it
// holds the bytes the previous manifest recorded. A name without a recorded
// hash is not brief's to remove.
func (r *runner) stillBriefs(name string) bool {
	want, ok := r.previous.FileSHA256[name]
	if !ok {
		return false
	}
	data, ok := readPage(r.out, name)
	return ok && sha256Hex(data) == want
}

// wrote records the SHA-256 of the bytes this run wrote as name (or found
// there already), so the manifest need not read its files back.
func (r *runner) wrote(name string, data []byte) { r.hashes.Store(name, sha256Hex(data)) }

// fileHashes are the SHA-256 of the files this run keeps: as this run wrote
// them, else (a page a failed article kept) as the previous manifest had
// them, else as they are now.
func (r *runner) fileHashes(files []string) map[string]string {
	sums := make(map[string]string, len(files))
	for _, name := range files {
		if h, ok := r.hashes.Load(name); ok {
			sums[name] = h.(string)
		} else if r.previous != nil && r.previous.FileSHA256[name] != "" {
			sums[name] = r.previous.FileSHA256[name]
		} else if data, ok := readPage(r.out, name); ok {
			sums[name] = sha256Hex(data)
		}
	}
	return sums
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// archive keeps a dated copy of each briefing file (briefing-2026-W48.md
// beside briefing.md) so last week's briefing is not lost to this week's;
// a second run in the same week replaces that week's copy.
func (r *runner) archive(files []outFile, now time.Time) error {
	year, week := now.ISOWeek()
	for _, f := range files {
		ext := path.Ext(f.name)
		name := fmt.Sprintf("%s-%d-W%02d%s", trimExt(f.name), year, week, ext)
		if err := atomicfile.WriteIn(r.out, name, f.data, 0o644); err != nil {
			return fmt.Errorf("cannot write archive copy: %w", err)
		}
	}
	return nil
}

func trimExt(name string) string { return name[:len(name)-len(path.Ext(name))] }
