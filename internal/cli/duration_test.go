package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestOneDurationParserForEveryFlag(t *testing.T) {
	good := map[string]time.Duration{
		"90d": 90 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour,
		"45m": 45 * time.Minute, "1.5d": 36 * time.Hour, "0": 0,
	}
	for in, want := range good {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-5s", "-1h", "-3d", "99999999999d", "7x", "NaNd"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
	// Every duration flag of run and cache prune takes days.
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o := &options{}
	o.registerRun(fs)
	for _, name := range []string{"timeout", "idle-timeout", "deadline"} {
		if err := fs.Set(name, "2d"); err != nil {
			t.Errorf("--%s 2d: %v", name, err)
		}
		if err := fs.Set(name, "-1h"); err == nil || !strings.Contains(err.Error(), "negative") {
			t.Errorf("--%s -1h: %v, want an error saying it is negative", name, err)
		}
	}
	if o.Timeout != 48*time.Hour || o.Deadline != 48*time.Hour {
		t.Errorf("timeout %v deadline %v after 2d", o.Timeout, o.Deadline)
	}
}

func TestSinceRefusesAWindowBeyondACentury(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	if got, err := parseSince("99999999999d", now); err == nil {
		t.Errorf("--since 99999999999d gave %v, want an error", got)
	}
}
