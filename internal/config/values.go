package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/llm"
)

// maxDuration bounds every duration a user can give: a century is longer
// than any deadline, timeout or cache age means, and a larger number is a
// typo that would otherwise overflow into a date in year -273788674.
const maxDuration = 100 * 365 * 24 * time.Hour

// parseDuration is the one parser for every duration brief reads (flags,
// config, --since windows): Go's own ("90s", "36h", "1h30m") plus days and
// weeks ("90d", "2w"), which is how people speak of cache ages and weekly
// runs. Negative and absurd values are errors.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if days, ok := parseDays(s); ok {
		d, err = days, nil
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration: give e.g. 90s, 36h, 7d or 2w", s)
	case d < 0:
		return 0, fmt.Errorf("%q is negative: give e.g. 90s, 36h, 7d or 2w", s)
	case d > maxDuration:
		return 0, fmt.Errorf("%q is more than a century", s)
	}
	return d, nil
}

// parseDays reads "7d" and "2w"; beyond a century, either way, is
// maxDuration+1.
func parseDays(s string) (time.Duration, bool) {
	num, unit := s[:max(len(s)-1, 0)], s[max(len(s)-1, 0):]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || (unit != "d" && unit != "w") {
		return 0, false
	}
	v *= float64(map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[unit])
	if math.Abs(v) > float64(maxDuration) {
		return maxDuration + 1, true
	}
	return time.Duration(v), true
}

// durationValue is a pflag.Value that parses with parseDuration, so the
// same words work for every duration flag and config key.
type durationValue struct{ d *time.Duration }

func newDurationValue(p *time.Duration, def time.Duration) *durationValue {
	*p = def
	return &durationValue{d: p}
}

// Duration is a flag's value for *p, read as every duration setting is
// (90s, 36h, 7d, 2w); *p is its default.
func Duration(p *time.Duration) pflag.Value { return &durationValue{d: p} }

func (v *durationValue) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

func (v *durationValue) Type() string { return "duration" }

// String prints days for whole days, so --help shows "90d", not
// "2160h0m0s", and 0 (none: --help shows no default) as "0".
func (v *durationValue) String() string {
	d := *v.d
	if d == 0 {
		return "0"
	}
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

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

// maxContext: a --context above it is a typo (no model has a window that
// large). The lower limit is translate.MinContext, checked with the other
// options.
const maxContext = llm.MaxWindow

// contextValue is --context: "auto" (0: ask the server) or a number of
// tokens.
type contextValue struct{ n *int }

func newContextValue(n *int, def int) *contextValue {
	*n = def
	return &contextValue{n}
}

func (v *contextValue) String() string {
	if *v.n == 0 {
		return "auto"
	}
	return strconv.Itoa(*v.n)
}

func (v *contextValue) Type() string { return "tokens|auto" }

func (v *contextValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		*v.n = 0
		return nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a number of tokens: give the model's window, e.g. 8192, or auto to ask the server", s)
	case n <= 0:
		return fmt.Errorf("%d is not a window: give the model's window in tokens, e.g. 8192, or auto to ask the server", n)
	case n > maxContext:
		return fmt.Errorf("%d tokens is more than any model has: give the model's window or auto", n)
	}
	*v.n = n
	return nil
}

// maxServers bounds a run's endpoint list, and maxSlots one server's
// concurrency: beyond them a config value is a typo, not a plan.
const (
	maxServers = 64
	maxSlots   = 1024
)

// urlList is --base-url: every value (the flag given more than once, or
// comma-separated) is a server of the run; the first is the one of every
// command that talks to one server (check, models).
type urlList struct {
	all *[]string
	set bool
}

func newURLList(all *[]string, def string) *urlList {
	*all = []string{def}
	return &urlList{all: all}
}

func (u *urlList) String() string { return (*u.all)[0] }
func (u *urlList) Type() string   { return "url" }

func (u *urlList) Set(v string) error {
	if !u.set {
		*u.all = nil
		u.set = true
	}
	*u.all = append(*u.all, splitList(v)...)
	if len(*u.all) == 0 {
		return fmt.Errorf("empty URL")
	}
	if len(*u.all) > maxServers {
		return fmt.Errorf("more than %d servers", maxServers)
	}
	return nil
}

// splitList is a comma-separated value's items, trimmed, empty ones left
// out.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
