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
	lo, hi := 0, 0
	for _, d := range dates {
		m, ok := monthIndex(d)
		if !ok {
			continue
		}
		if lo == 0 || m < lo {
			lo = m
		}
		if m > hi {
			hi = m
		}
	}
	if lo == 0 {
		return runDate.Format("2 January 2006")
	}
	ly, lm := lo/12, time.Month(lo%12+1)
	hy, hm := hi/12, time.Month(hi%12+1)
	switch {
	case lo == hi:
		return fmt.Sprintf("%s %d", lm, ly)
	case ly == hy:
		return fmt.Sprintf("%s – %s %d", lm, hm, hy)
	default:
		return fmt.Sprintf("%s %d – %s %d", lm, ly, hm, hy)
	}
}

// Title is the briefing's title for a period: "Briefing: January 2019".
func Title(period string) string { return "Briefing: " + period }

// monthIndex reads "YYYY-MM" or "YYYY-MM-DD" as year*12 + month-1 (always
// > 0 for the years news is dated in, so 0 can mean "none").
func monthIndex(d string) (int, bool) {
	t, _, ok := parseDate(d)
	return t.Year()*12 + int(t.Month()) - 1, ok && t.Year() >= 1
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
