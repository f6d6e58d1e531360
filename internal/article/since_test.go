package article

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// --since keeps what is dated after the window's month, drops what is
// dated before it, lets the file's time decide within that month (the
// header has no day), and keeps what cannot be read so the run reports it.
func TestSinceKeepsTheArticlesOfTheWindow(t *testing.T) {
	dir := t.TempDir()
	from := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	dates := map[string]string{"newer": "2026-12", "older": "2026-10", "same-new": "2026-11", "same-old": "2026-11", "undated-old": "", "unreadable": ""}
	var jobs []Input
	for name := range dates {
		p := filepath.Join(dir, name+".txt")
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		when := from.Add(24 * time.Hour)
		if name == "same-old" || name == "undated-old" {
			when = from.Add(-24 * time.Hour)
		}
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, Input{Path: p, ID: name})
	}
	load := func(in Input) (Article, error) {
		if in.ID == "unreadable" {
			return Article{}, errors.New("broken")
		}
		return Article{Date: dates[in.ID]}, nil
	}
	got := map[string]bool{}
	for _, in := range Since(jobs, from, load) {
		got[in.ID] = true
	}
	want := map[string]bool{"newer": true, "same-new": true, "unreadable": true}
	for name := range dates {
		if got[name] != want[name] {
			t.Errorf("%s: kept %v, want %v", name, got[name], want[name])
		}
	}
}
