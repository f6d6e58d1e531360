package article

import (
	"os"
	"time"
)

// Since keeps the inputs whose article is dated within the window, or,
// for an article without a header date, whose file was modified within it.
// The wire header has only year and month, so for an article dated in the
// window's first month the file's modification time decides. Unreadable
// inputs are kept so the run reports them.
func Since(jobs []Input, from time.Time, load func(Input) (Article, error)) []Input {
	month := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	var kept []Input
	for _, j := range jobs {
		if j.Skip != "" {
			kept = append(kept, j)
			continue
		}
		a, err := load(j)
		if err != nil {
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
	return kept
}
