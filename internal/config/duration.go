package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
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
	d, err := parseDays(s)
	if err != nil {
		d, err = time.ParseDuration(s)
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

// parseDays reads "7d" and "2w".
func parseDays(s string) (time.Duration, error) {
	n := len(s)
	if n < 2 || (s[n-1] != 'd' && s[n-1] != 'w') {
		return 0, fmt.Errorf("not days")
	}
	v, err := strconv.ParseFloat(s[:n-1], 64)
	if err != nil || v != v { // v != v: NaN
		return 0, fmt.Errorf("not days")
	}
	day := 24 * float64(time.Hour)
	if s[n-1] == 'w' {
		day *= 7
	}
	if v*day > float64(maxDuration) || v*day < -float64(maxDuration) {
		return maxDuration + 1, nil
	}
	return time.Duration(v * day), nil
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
