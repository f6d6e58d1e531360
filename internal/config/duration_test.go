package config

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
	o := New()
	registerRun(o, fs)
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

func TestParseSinceUnderstandsWindowsAndDates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"7d":         now.AddDate(0, 0, -7),
		"2w":         now.AddDate(0, 0, -14),
		"36h":        now.Add(-36 * time.Hour),
		"2026-11-01": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-10":    time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "7x"} {
		if _, err := parseSince(bad, now); err == nil || !strings.Contains(err.Error(), "7d") {
			t.Errorf("parseSince(%q): error %v should show an example", bad, err)
		}
	}
}

func TestOllamaHostBecomesTheBaseURL(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1":                "http://127.0.0.1:11434/v1",
		":11435":                   "http://127.0.0.1:11435/v1",
		"0.0.0.0:11434":            "http://127.0.0.1:11434/v1",
		"gpu-box":                  "http://gpu-box:11434/v1",
		"http://gpu-box:8080":      "http://gpu-box:8080/v1",
		"HTTPS://ollama.example/x": "https://ollama.example:443/x/v1",
		"[::]:11434":               "http://127.0.0.1:11434/v1",
		"[::1]:11500":              "http://[::1]:11500/v1",
		"u:pw@gpu-box":             "http://u:pw@gpu-box:11434/v1",
		"https://u:pw@h:8443/o/":   "https://u:pw@h:8443/o/v1",
	}
	for in, want := range cases {
		if got, err := ollamaBaseURL(in); err != nil || got != want {
			t.Errorf("ollamaBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp://alice:secret@host", "alice:secret@host:port", "http://alice:secret@[::1"} {
		if _, err := ollamaBaseURL(bad); err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("OLLAMA_HOST=%s: %v (want an error without the password)", bad, err)
		}
	}
}
