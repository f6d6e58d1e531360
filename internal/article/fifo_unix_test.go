//go:build unix

package article

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadFileFIFO(t *testing.T) {
	// Opening a FIFO blocks until someone writes; ReadFile must refuse it
	// from its file type alone, or a run would hang.
	p := filepath.Join(t.TempDir(), "roer.txt")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var se *SkipError
	if _, err := ReadFile(p, Options{}); !errors.As(err, &se) || se.Reason != ReasonNotRegular {
		t.Fatalf("err = %v", err)
	}
}
