package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionNamesTheReleaseOrTheCommit(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "3100d48a0123456789abcdef"},
			{Key: "vcs.time", Value: "2026-11-30T06:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}
	got := describeBuild("dev", info)
	for _, want := range []string{"dev", "commit 3100d48a0123 with local changes", "2026-11-30T06:00:00Z", "go1.26.8"} {
		if !strings.Contains(got, want) {
			t.Errorf("describeBuild = %q, lacks %q", got, want)
		}
	}
	// `go install ...@v1.4.0` stamps the module version.
	info = &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}}
	if got := describeBuild("dev", info); !strings.HasPrefix(got, "v1.4.0 ") {
		t.Errorf("describeBuild = %q, want the module version", got)
	}
	// -ldflags wins.
	if got := describeBuild("v2.0.0", info); !strings.HasPrefix(got, "v2.0.0 ") {
		t.Errorf("describeBuild = %q, want the -ldflags version", got)
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
	}
	for in, want := range cases {
		if got, err := ollamaBaseURL(in); err != nil || got != want {
			t.Errorf("ollamaBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ollamaBaseURL("ftp://alice:secret@host"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("ftp OLLAMA_HOST: %v (want an error without the password)", err)
	}
}
