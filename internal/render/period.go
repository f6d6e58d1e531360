package render

import (
	"fmt"
	"time"
)

// Period names the time a briefing covers from its stories' header dates
// ("YYYY-MM" or "YYYY-MM-DD"; anything else is ignored): "January 2019",
// "October – December 2018" or "October 2018 – January 2019". With no
// usable date it is the run date, "28 November 2026".
func Period(dates []string, runDate time.Time) string {
	var lo, hi time.Time
	found := false
	for _, d := range dates {
		t, _, ok := parseDate(d)
		if !ok || t.Year() < 1 {
			continue
		}
		if !found || t.Before(lo) {
			lo = t
		}
		if !found || t.After(hi) {
			hi = t
		}
		found = true
	}
	switch {
	case !found:
		return runDate.Format("2 January 2006")
	case lo.Year() == hi.Year() && lo.Month() == hi.Month():
		return fmt.Sprintf("%s %d", lo.Month(), lo.Year())
	case lo.Year() == hi.Year():
		return fmt.Sprintf("%s – %s %d", lo.Month(), hi.Month(), hi.Year())
	}
	return fmt.Sprintf("%s %d – %s %d", lo.Month(), lo.Year(), hi.Month(), hi.Year())
}

// humanDate shows a header date to a reader: "January 2019",
// "5 January 2019"; an unreadable date is shown as written.
func humanDate(d string) string {
	t, day, ok := parseDate(d)
	switch {
	case !ok:
		return d
	case day:
		return t.Format("2 January 2006")
	}
	return t.Format("January 2006")
}
