//go:build unix

package prompts

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An edited prompt that is a FIFO, or far larger than any prompt, is an
// error naming the file before any article, not a wait forever or a
// gigabyte read into every request.
func TestHostilePromptFilesAreRefused(t *testing.T) {
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "translate.system.tmpl"), 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	big := t.TempDir()
	if err := os.WriteFile(filepath.Join(big, "translate.system.tmpl"), []byte(strings.Repeat("x", 2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{fifo: "not a regular file", big: "larger than 1 MB"} {
		done := make(chan error, 1)
		go func() { _, err := Load(dir); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "translate.system.tmpl") {
				t.Errorf("Load: %v, want an error naming the file: %s", err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load of a folder with a FIFO prompt still waiting after 10 s")
		}
	}
}
