package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/article"
)

// parseSince turns "7d", "36h", "2w" or a date "2026-11-01" into the start of
// the window.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return t, nil
	}
	if d, err := parseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: give a window like 7d, 2w, 36h or a date like 2026-11-01", s)
}

// filterSince keeps the inputs whose article is dated within the window, or,
// for an article without a header date, whose file was modified within it.
// The wire header has only year and month, so for an article dated in the
// window's first month the file's modification time decides. Unreadable
// inputs are kept so the run reports them.
func filterSince(jobs []article.Input, since string, load func(article.Input) (article.Article, error), now time.Time) ([]article.Input, time.Time, error) {
	from, err := parseSince(since, now)
	if err != nil {
		return nil, from, err
	}
	month := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	var kept []article.Input
	for _, j := range jobs {
		if j.Skip != "" {
			kept = append(kept, j)
			continue
		}
		a, err := load(j)
		var skip *article.SkipError
		if err != nil || errors.As(err, &skip) {
			kept = append(kept, j)
			continue
		}
		if a.Date != "" {
			if d, err := time.Parse("2006-01", a.Date[:min(7, len(a.Date))]); err == nil {
				switch {
				case d.After(month):
					kept = append(kept, j)
					continue
				case d.Before(month):
					continue
				}
				// Dated in the window's first month: the header has no
				// day, so the file's modification time decides.
			}
		}
		if fi, err := os.Stat(j.Path); err == nil && !fi.ModTime().Before(from) {
			kept = append(kept, j)
		}
	}
	return kept, from, nil
}
