//go:build unix

package article

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestReadFileFIFO(t *testing.T) {
	// Opening a FIFO blocks until someone writes; ReadFile must refuse it
	// from its file type alone, or a run would hang.
	p := filepath.Join(t.TempDir(), "roer.txt")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var se *SkipError
	if _, err := ReadFile(p, 0); !errors.As(err, &se) || se.Reason != ReasonNotRegular {
		t.Fatalf("err = %v", err)
	}
}

// A file swapped for a FIFO just before it is opened (after any look at
// its type could have been made) is refused without blocking: the swap is
// made in a hook at that moment, deterministically, rather than raced.
func TestReadFileSwappedForFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "zzz.txt")
	write(t, p, sample)
	ins, err := Discover([]string{dir})
	if err != nil || len(ins) != 1 {
		t.Fatalf("Discover = %v, %v", ins, err)
	}
	swap := func(string) {
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Errorf("mkfifo: %v", err)
		}
	}
	read := map[string]func() error{
		"ReadInput": func() error { _, err := ReadInput(ins[0], 0); return err },
		"ReadFile":  func() error { _, err := ReadFile(p, 0); return err },
	}
	for name, f := range read {
		write(t, p, sample)
		testHookBeforeOpen = swap
		t.Cleanup(func() { testHookBeforeOpen = func(string) {} })
		done := make(chan error, 1)
		go func() { done <- f() }()
		select {
		case err := <-done:
			var se *SkipError
			if !errors.As(err, &se) || se.Reason != ReasonNotRegular {
				t.Fatalf("%s: err = %v, want skip %q", name, err, ReasonNotRegular)
			}
		case <-time.After(5 * time.Second):
			// Unblock the reader so the test binary can end.
			if w, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
				w.Close()
			}
			t.Fatalf("%s blocked on a FIFO", name)
		}
		os.Remove(p)
	}
}
