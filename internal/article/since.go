package article

import (
	"os"
	"slices"
	"time"
)

// Since keeps the inputs whose article is dated within the window, or,
// for an article without a header date, whose file was modified within it.
// The wire header has only year and month, so for an article dated in the
// window's first month the file's modification time decides. Unreadable
// inputs (a skipped one's load fails too) are kept so the run reports them.
func Since(jobs []Input, from time.Time, load func(Input) (Article, error)) []Input {
	month := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	return slices.DeleteFunc(slices.Clone(jobs), func(j Input) bool {
		a, err := load(j)
		if err != nil {
			return false
		}
		d, err := time.Parse("2006-01", a.Date[:min(7, len(a.Date))])
		switch {
		case err == nil && d.After(month):
			return false
		case err == nil && d.Before(month):
			return true
		}
		fi, err := os.Stat(j.Path)
		return err != nil || fi.ModTime().Before(from)
	})
}
