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
