package config

import (
	"fmt"
	"strings"
	"time"
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
	return time.Time{}, fmt.Errorf("%q: give a window like 7d, 2w, 36h or a date like 2026-11-01", s)
}
